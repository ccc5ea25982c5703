package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/rs/zerolog"
	"gopkg.in/yaml.v3"
	"maunium.net/go/mautrix/appservice"
	"maunium.net/go/mautrix/id"
)

// Before the bot serves, two checks catch a homeserver that would never
// reach it, each refusing to start with one line naming what differs and
// the fix:
//
//   - the registration file (the -r path) must match the config: the
//     homeserver pushes to its url, with its tokens, for the users of its
//     namespace; a config edited after `exodus -g` no longer matches.
//   - the homeserver, asked who the appservice's token belongs to
//     (/account/whoami), must know the token and name the bot user of the
//     config: its server_name is the truth for homeserver.domain.

// regenerateFix is the fix for a registration that does not match the
// config.
func regenerateFix(cfgPath, regPath string) string {
	return fmt.Sprintf("run `exodus -g -c %s -r %s` again and give the new registration to the homeserver, then restart it", cfgPath, regPath)
}

// checkRegistration compares the registration file at regPath with the
// config. A file it cannot read is no error, only a warning to log (the
// homeserver may keep the registration where the bot cannot read it); a
// file that differs from the config is an error naming each field that
// differs and the fix.
func checkRegistration(cfg *Config, regPath string) (warning string, err error) {
	data, err := os.ReadFile(regPath)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Sprintf("No registration file at %s to compare with the config; if the homeserver's registration was not written by `exodus -g` from this config, the bot hears nothing (name it with -r)", regPath), nil
	case err != nil:
		return fmt.Sprintf("Could not read the registration file to compare it with the config (%v); name it with -r", err), nil
	}
	var reg appservice.Registration
	if err := yaml.Unmarshal(data, &reg); err != nil {
		return "", fmt.Errorf("the registration %s is not valid YAML (%w); %s", regPath, err, regenerateFix(cfg.path, regPath))
	}
	if diffs := registrationDiffs(cfg, &reg); len(diffs) > 0 {
		return "", fmt.Errorf("the registration %s does not match the config %s: %s; %s", regPath, cfg.path,
			strings.Join(diffs, ", "), regenerateFix(cfg.path, regPath))
	}
	return "", nil
}

// registrationDiffs lists, in words, each field of the registration that
// is not what the config makes; the tokens' values are never shown.
func registrationDiffs(cfg *Config, reg *appservice.Registration) []string {
	as := cfg.AppService
	var diffs []string
	for _, f := range []struct{ field, key, got, want string }{
		{"id", "appservice.id", reg.ID, as.ID},
		{"url", "appservice.address", reg.URL, as.Address},
		{"sender_localpart", "appservice.bot_localpart", reg.SenderLocalpart, as.BotLocalpart},
	} {
		if f.got != f.want {
			diffs = append(diffs, fmt.Sprintf("its %s is %q but %s is %q", f.field, f.got, f.key, f.want))
		}
	}
	if reg.AppToken != as.ASToken {
		diffs = append(diffs, "its as_token is not appservice.as_token")
	}
	if reg.ServerToken != as.HSToken {
		diffs = append(diffs, "its hs_token is not appservice.hs_token")
	}
	bot := id.NewUserID(as.BotLocalpart, cfg.Homeserver.Domain)
	if !namespaceCovers(reg.Namespaces.UserIDs, bot) {
		diffs = append(diffs, fmt.Sprintf("its user namespace does not cover %s (appservice.bot_localpart, homeserver.domain)", bot))
	}
	return diffs
}

// namespaceCovers reports whether an exclusive regex of the namespace
// list matches the whole user ID.
func namespaceCovers(list appservice.NamespaceList, user id.UserID) bool {
	for _, ns := range list {
		re, err := regexp.Compile(ns.Regex)
		if err != nil || !ns.Exclusive {
			continue
		}
		if loc := re.FindStringIndex(string(user)); loc != nil && loc[0] == 0 && loc[1] == len(user) {
			return true
		}
	}
	return false
}

// whoamiAnswer is what /account/whoami said: the HTTP status and the user
// ID or the Matrix error code.
type whoamiAnswer struct {
	status  int
	userID  string
	errcode string
}

// checkHomeserver asks the homeserver who the appservice's token belongs
// to, retrying while it does not answer (it may be starting) for up to
// wait, and judges the answer against the config.
func checkHomeserver(ctx context.Context, log *zerolog.Logger, cfg *Config, regPath string, client *http.Client, wait time.Duration) error {
	deadline := time.Now().Add(wait)
	for {
		ans, err := whoami(ctx, client, cfg.Homeserver.Address, cfg.AppService.ASToken)
		if err == nil && ans.status != http.StatusBadGateway && ans.status != http.StatusServiceUnavailable && ans.status != http.StatusGatewayTimeout {
			return judgeWhoami(cfg, regPath, ans)
		}
		if err == nil {
			err = fmt.Errorf("HTTP %d", ans.status)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("homeserver.address: no Matrix homeserver answers at %s (%w); start the homeserver, or correct homeserver.address", cfg.Homeserver.Address, err)
		}
		log.Warn().Err(err).Msg("Homeserver not answering yet; retrying")
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(2 * time.Second):
		}
	}
}

// whoami asks the homeserver at address who token belongs to. An error is
// a request that got no HTTP answer.
func whoami(ctx context.Context, client *http.Client, address, token string) (*whoamiAnswer, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(address, "/")+"/_matrix/client/v3/account/whoami", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL is in the message already
		}
		return nil, err
	}
	defer resp.Body.Close()
	var body struct {
		UserID  string `json:"user_id"`
		ErrCode string `json:"errcode"`
	}
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	_ = json.Unmarshal(data, &body)
	return &whoamiAnswer{status: resp.StatusCode, userID: body.UserID, errcode: body.ErrCode}, nil
}

// judgeWhoami turns the homeserver's answer into nil, or an error naming
// the key that is wrong and the fix.
func judgeWhoami(cfg *Config, regPath string, ans *whoamiAnswer) error {
	hs := cfg.Homeserver.Address
	switch {
	case ans.status == http.StatusUnauthorized || ans.errcode == "M_UNKNOWN_TOKEN" || ans.errcode == "M_FORBIDDEN":
		return errTokenRefused(hs, cmp.Or(ans.errcode, fmt.Sprintf("HTTP %d", ans.status)), regPath)
	case ans.status != http.StatusOK:
		return fmt.Errorf("homeserver.address: expected the URL of a Matrix homeserver's client-server API, got %q (HTTP %d from /_matrix/client/v3/account/whoami)", hs, ans.status)
	}
	localpart, domain, err := id.UserID(ans.userID).Parse()
	if err != nil || localpart == "" {
		return fmt.Errorf("homeserver.address: expected the URL of a Matrix homeserver's client-server API, got %q (its /_matrix/client/v3/account/whoami named no user)", hs)
	}
	if domain != cfg.Homeserver.Domain {
		return fmt.Errorf("homeserver.domain: expected the homeserver's server_name %q (it calls the bot %s), got %q", domain, ans.userID, cfg.Homeserver.Domain)
	}
	if localpart != cfg.AppService.BotLocalpart {
		return fmt.Errorf("appservice.bot_localpart: the homeserver's registration makes the bot %s, the config %s; %s",
			ans.userID, id.NewUserID(cfg.AppService.BotLocalpart, cfg.Homeserver.Domain), regenerateFix(cfg.path, regPath))
	}
	return nil
}
