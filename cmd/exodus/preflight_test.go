package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix/appservice"
)

// writeRegistration writes the registration of cfg, changed by edit, beside
// the config and returns its path.
func writeRegistration(t *testing.T, cfg *Config, edit func(*appservice.Registration)) string {
	t.Helper()
	reg := registrationFromConfig(cfg)
	edit(reg)
	data, err := reg.YAML()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "registration.yaml")
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRegistrationMustMatchTheConfig(t *testing.T) {
	for _, c := range []struct {
		name string
		edit func(*appservice.Registration)
		want string // what the error says between "config.yaml: " and "; run"; "" for none
	}{
		{"same", func(*appservice.Registration) {}, ""},
		{"wider namespace", func(r *appservice.Registration) { r.Namespaces.UserIDs[0].Regex = `@exodus.*:localhost` }, ""},
		{"url", func(r *appservice.Registration) { r.URL = "http://127.0.0.1:1" },
			`its url is "http://127.0.0.1:1" but appservice.address is "http://127.0.0.1:29330"`},
		{"id", func(r *appservice.Registration) { r.ID = "other" }, `its id is "other" but appservice.id is "exodus"`},
		{"as_token", func(r *appservice.Registration) { r.AppToken = "x" }, "its as_token is not appservice.as_token"},
		{"hs_token", func(r *appservice.Registration) { r.ServerToken = "x" }, "its hs_token is not appservice.hs_token"},
		{"sender", func(r *appservice.Registration) { r.SenderLocalpart = "bot" },
			`its sender_localpart is "bot" but appservice.bot_localpart is "exodus"`},
		{"domain", func(r *appservice.Registration) { r.Namespaces.UserIDs[0].Regex = `^@exodus:example\.org$` },
			"its user namespace does not cover @exodus:localhost (appservice.bot_localpart, homeserver.domain)"},
		{"not exclusive", func(r *appservice.Registration) { r.Namespaces.UserIDs[0].Exclusive = false },
			"its user namespace does not cover @exodus:localhost (appservice.bot_localpart, homeserver.domain)"},
		{"partial match", func(r *appservice.Registration) { r.Namespaces.UserIDs[0].Regex = `@exodus:local` },
			"its user namespace does not cover @exodus:localhost (appservice.bot_localpart, homeserver.domain)"},
		{"two", func(r *appservice.Registration) { r.URL, r.AppToken = "http://x", "y" },
			`its url is "http://x" but appservice.address is "http://127.0.0.1:29330", its as_token is not appservice.as_token`},
	} {
		cfg := testConfig(t)
		cfg.path = "config.yaml"
		path := writeRegistration(t, cfg, c.edit)
		warn, err := checkRegistration(cfg, path)
		want := ""
		if c.want != "" {
			want = "the registration " + path + " does not match the config config.yaml: " + c.want +
				"; run `exodus -g -c config.yaml -r " + path + "` again and give the new registration to the homeserver, then restart it"
		}
		if warn != "" || (err == nil) != (want == "") || err != nil && err.Error() != want {
			t.Errorf("%s:\n got %q %v\nwant %s", c.name, warn, err, want)
		}
		if err != nil && (strings.Contains(err.Error(), testASToken) || strings.Contains(err.Error(), testHSToken)) {
			t.Errorf("%s: a token in the message: %v", c.name, err)
		}
	}
}

func TestRegistrationMissingOrBroken(t *testing.T) {
	cfg := testConfig(t)
	cfg.path = "config.yaml"
	dir := t.TempDir()
	warn, err := checkRegistration(cfg, filepath.Join(dir, "registration.yaml"))
	if err != nil || !strings.HasPrefix(warn, "No registration file at "+filepath.Join(dir, "registration.yaml")) {
		t.Errorf("missing: %q %v", warn, err)
	}
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("url: [\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := checkRegistration(cfg, bad); err == nil || !strings.HasPrefix(err.Error(), "the registration "+bad+" is not valid YAML") {
		t.Errorf("broken: %v", err)
	}
}

func TestJudgeWhoami(t *testing.T) {
	fix := "; run `exodus -g -c config.yaml -r registration.yaml` again and give the new registration to the homeserver, then restart it"
	for _, c := range []struct {
		ans  whoamiAnswer
		want string
	}{
		{whoamiAnswer{status: 200, userID: "@exodus:localhost"}, ""},
		{whoamiAnswer{status: 200, userID: "@exodus:example.org"},
			`homeserver.domain: expected the homeserver's server_name "example.org" (it calls the bot @exodus:example.org), got "localhost"`},
		{whoamiAnswer{status: 200, userID: "@bot:localhost"},
			"appservice.bot_localpart: the homeserver's registration makes the bot @bot:localhost, the config @exodus:localhost" + fix},
		{whoamiAnswer{status: 401, errcode: "M_UNKNOWN_TOKEN"}, errTokenRefused("http://127.0.0.1:8008", "M_UNKNOWN_TOKEN", "registration.yaml").Error()},
		{whoamiAnswer{status: 401}, errTokenRefused("http://127.0.0.1:8008", "HTTP 401", "registration.yaml").Error()},
		{whoamiAnswer{status: 404},
			`homeserver.address: expected the URL of a Matrix homeserver's client-server API, got "http://127.0.0.1:8008" (HTTP 404 from /_matrix/client/v3/account/whoami)`},
		{whoamiAnswer{status: 200},
			`homeserver.address: expected the URL of a Matrix homeserver's client-server API, got "http://127.0.0.1:8008" (its /_matrix/client/v3/account/whoami named no user)`},
	} {
		cfg := testConfig(t)
		cfg.path = "config.yaml"
		err := judgeWhoami(cfg, "registration.yaml", &c.ans)
		if (err == nil) != (c.want == "") || err != nil && err.Error() != c.want {
			t.Errorf("%+v:\n got %v\nwant %s", c.ans, err, c.want)
		}
	}
}

// whoamiServer answers whoami for the test token with user, and 401 to
// any other token.
func whoamiServer(t *testing.T, user string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.URL.Path != "/_matrix/client/v3/account/whoami" || r.URL.RawQuery != "":
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"errcode":"M_UNRECOGNIZED"}`))
		case r.Header.Get("Authorization") != "Bearer "+testASToken:
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"errcode":"M_UNKNOWN_TOKEN","error":"Unknown token"}`))
		default:
			_, _ = w.Write([]byte(`{"user_id":"` + user + `","device_id":"exodus"}`))
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestCheckHomeserver(t *testing.T) {
	log := zerolog.Nop()
	check := func(cfg *Config) error {
		cfg.path = "config.yaml"
		return checkHomeserver(context.Background(), &log, cfg, "registration.yaml", http.DefaultClient, 0)
	}
	right := whoamiServer(t, "@exodus:localhost")
	cfg := testConfig(t)
	cfg.Homeserver.Address = right.URL + "/" // a trailing slash is no matter
	if err := check(cfg); err != nil {
		t.Errorf("right homeserver: %v", err)
	}
	cfg.AppService.ASToken = "another-token-0123456789"
	if err := check(cfg); err == nil || !strings.HasPrefix(err.Error(), "the homeserver at "+right.URL+"/ refuses the as_token (M_UNKNOWN_TOKEN)") {
		t.Errorf("unknown token: %v", err)
	}
	other := whoamiServer(t, "@exodus:example.org")
	cfg = testConfig(t)
	cfg.Homeserver.Address = other.URL
	if err := check(cfg); err == nil || !strings.HasPrefix(err.Error(), `homeserver.domain: expected the homeserver's server_name "example.org"`) {
		t.Errorf("wrong domain: %v", err)
	}
	cfg.Homeserver.Address = other.URL + "/prefix"
	if err := check(cfg); err == nil || !strings.HasPrefix(err.Error(), "homeserver.address: expected the URL of a Matrix homeserver's client-server API") {
		t.Errorf("not a homeserver: %v", err)
	}
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close()
	cfg.Homeserver.Address = gone.URL
	err := check(cfg)
	if err == nil || !strings.HasPrefix(err.Error(), "homeserver.address: no Matrix homeserver answers at "+gone.URL+" (") ||
		!strings.HasSuffix(err.Error(), "); start the homeserver, or correct homeserver.address") {
		t.Errorf("no homeserver: %v", err)
	}
}

func TestCheckHomeserverWaitsForAStartingHomeserver(t *testing.T) {
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls++; calls == 1 {
			w.WriteHeader(http.StatusBadGateway) // a proxy before the homeserver is up
			return
		}
		_, _ = w.Write([]byte(`{"user_id":"@exodus:localhost"}`))
	}))
	defer srv.Close()
	cfg := testConfig(t)
	cfg.Homeserver.Address = srv.URL
	var buf bytes.Buffer
	log := zerolog.New(&buf)
	if err := checkHomeserver(context.Background(), &log, cfg, "registration.yaml", http.DefaultClient, time.Hour); err != nil {
		t.Fatal(err)
	}
	if calls != 2 || !strings.Contains(buf.String(), "Homeserver not answering yet; retrying") {
		t.Errorf("calls %d, log %s", calls, buf.String())
	}
}
