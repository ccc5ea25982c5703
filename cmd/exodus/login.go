package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/bot"
	"github.com/exodus-matrix/exodus/store"
)

// In mode: bot the bot is an ordinary account: it logs in at each start,
// with bot.password or bot.access_token, under the device it made the
// first time (kept in the database, sync_state), so that its device, and
// with encryption its keys, stay the same across restarts. No token is
// kept: a password login makes a new one each start.

// deviceIDName is the sync_state name of the account's device ID.
const deviceIDName = "device_id"

// accountClient is the account's client as the bot's bot.Client: its own
// login, no appservice masquerading.
type accountClient struct{ *mautrix.Client }

var _ bot.Client = accountClient{}

// JoinRoomByID joins a room (no extra content: the bot sends none).
func (c accountClient) JoinRoomByID(ctx context.Context, room id.RoomID, _ ...map[string]any) (*mautrix.RespJoinRoom, error) {
	return c.Client.JoinRoomByID(ctx, room)
}

// InviteUser invites a user (no extra content: the bot sends none).
func (c accountClient) InviteUser(ctx context.Context, room id.RoomID, req *mautrix.ReqInviteUser, _ ...map[string]any) (*mautrix.RespInviteUser, error) {
	return c.Client.InviteUser(ctx, room, req)
}

// newAccount is the client of the account of mode: bot, not logged in
// yet (loginAccount).
func newAccount(ctx context.Context, cfg *Config, states mautrix.StateStore) (*mautrix.Client, error) {
	cli, err := mautrix.NewClient(cfg.Homeserver.Address, cfg.botUserID(), "")
	if err != nil {
		return nil, fmt.Errorf("failed to set up the bot's client: %w", err)
	}
	cli.Log = zerolog.Ctx(ctx).With().Str("component", "client").Logger()
	cli.StateStore = states
	cli.DefaultHTTPRetries = 4 // as the appservice's: a 429 waits for the Retry-After the server asks
	return cli, nil
}

// loginAccount logs the account in, retrying for two minutes while the
// homeserver does not answer, and keeps its device ID. A refusal is one
// line naming the key to fix.
func loginAccount(ctx context.Context, cfg *Config, st *store.Store, cli *mautrix.Client) error {
	log := zerolog.Ctx(ctx)
	known, err := st.SyncValue(ctx, deviceIDName)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(2 * time.Minute)
	for attempt := 1; ; attempt++ {
		err = loginOnce(ctx, cfg, cli, id.DeviceID(known))
		if classify(err) != faultUnreachable || errors.Is(err, errWrongLogin) {
			break
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("homeserver.address: the homeserver at %s does not answer (%s, for 2m0s): check that it is running and that homeserver.address is its client-server API URL",
				cfg.Homeserver.Address, cause(err))
		}
		if attempt == 1 || attempt%10 == 0 {
			log.Warn().Str("cause", cause(err)).Int("attempt", attempt).Msg("The homeserver does not answer yet; retrying the login")
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(2 * time.Second):
		}
	}
	if err != nil {
		return loginRefused(cfg, err)
	}
	if known == "" {
		if err := st.SetSyncValue(ctx, deviceIDName, cli.DeviceID.String()); err != nil {
			return err
		}
	}
	log.Info().Stringer("user_id", cli.UserID).Stringer("device_id", cli.DeviceID).Msg("Logged in as an ordinary account (mode: bot)")
	return nil
}

// errWrongLogin is a login of another user or device than the config's
// and the database's.
var errWrongLogin = errors.New("wrong login")

// loginOnce logs in once: with the password under the known device (a
// new one when ""), or by asking who the access token is.
func loginOnce(ctx context.Context, cfg *Config, cli *mautrix.Client, known id.DeviceID) error {
	once := quietOnce(ctx)
	if cfg.Bot.Password != "" {
		_, err := cli.Login(once, &mautrix.ReqLogin{
			Type:       mautrix.AuthTypePassword,
			Identifier: mautrix.UserIdentifier{Type: mautrix.IdentifierTypeUser, User: cfg.Bot.UserID},
			Password:   cfg.Bot.Password, DeviceID: known, StoreCredentials: true,
			InitialDeviceDisplayName: cmp.Or(cfg.AppService.BotDisplayname, "Exodus"),
		})
		if err == nil && cli.UserID != cfg.botUserID() {
			return fmt.Errorf("%w: the password logs in %s", errWrongLogin, cli.UserID)
		}
		return err
	}
	cli.AccessToken = cfg.Bot.AccessToken
	who, err := cli.Whoami(once)
	switch {
	case err != nil:
		return err
	case who.UserID != cfg.botUserID():
		return fmt.Errorf("%w: the token is a login of %s", errWrongLogin, who.UserID)
	case who.DeviceID == "":
		return fmt.Errorf("%w: the homeserver names no device of the token", errWrongLogin)
	case known != "" && who.DeviceID != known:
		return fmt.Errorf("%w: the token is a login of device %s, the bot's database was made with device %s", errWrongLogin, who.DeviceID, known)
	}
	cli.DeviceID = who.DeviceID
	return nil
}

// loginRefused is the operator's one line for a refused login.
func loginRefused(cfg *Config, err error) error {
	key := "bot.password"
	if cfg.Bot.Password == "" {
		key = "bot.access_token"
	}
	switch {
	case errors.Is(err, errWrongLogin):
		return fmt.Errorf("%s: %v; give the credentials of %s (bot.user_id), and of the device the database was made with", key, err, cfg.Bot.UserID)
	case key == "bot.access_token" && classify(err) == faultToken:
		return fmt.Errorf("bot.access_token: the homeserver at %s does not know it (%s); log %s in afresh and put the new login's token there",
			cfg.Homeserver.Address, cause(err), cfg.Bot.UserID)
	case errors.Is(err, mautrix.MForbidden):
		return fmt.Errorf("bot.password: the homeserver at %s refuses the password of %s (%s); put the account's password there",
			cfg.Homeserver.Address, cfg.Bot.UserID, cause(err))
	}
	return fmt.Errorf("%s: the homeserver at %s refused to log %s in: %w", key, cfg.Homeserver.Address, cfg.Bot.UserID, err)
}

// accountProbe asks the homeserver, once and within ten seconds, who the
// account's login is: the health check of mode: bot.
func accountProbe(cli *mautrix.Client) func(context.Context, time.Time) probe {
	return func(ctx context.Context, now time.Time) probe {
		ctx, cancel := context.WithTimeout(quietOnce(ctx), 10*time.Second)
		defer cancel()
		who, err := cli.Whoami(ctx)
		p := probe{at: now, detail: cause(err)}
		switch classify(err) {
		case faultNone:
			p.reachable, p.tokenOK, p.registered = yes(), yes(), yes()
			if who.UserID != cli.UserID {
				p.registered, p.detail = no(), "the homeserver answers as another user"
			}
		case faultUnreachable:
			p.reachable = no()
		case faultToken:
			p.reachable, p.tokenOK = yes(), no()
		default:
			p.reachable = yes()
		}
		return p
	}
}
