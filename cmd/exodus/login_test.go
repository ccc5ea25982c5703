package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/rs/zerolog"
)

// accountServer is a homeserver's login and whoami for one account.
type accountServer struct {
	mu sync.Mutex
	// password is the account's; device is what a login or the token is
	// of; whoamiUser is who the token is.
	password, device, whoamiUser string
	// devices are the device IDs the logins asked for, in order.
	devices []string
}

func (a *accountServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	defer a.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch {
	case strings.HasSuffix(r.URL.Path, "/login"):
		var req struct {
			Password string `json:"password"`
			DeviceID string `json:"device_id"`
		}
		_ = json.NewDecoder(r.Body).Decode(&req)
		a.devices = append(a.devices, req.DeviceID)
		if req.Password != a.password {
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write([]byte(`{"errcode":"M_FORBIDDEN","error":"bad password"}`))
			return
		}
		dev := req.DeviceID
		if dev == "" {
			dev = a.device
		}
		_ = json.NewEncoder(w).Encode(map[string]string{"user_id": "@helper:localhost", "access_token": "tok-" + dev, "device_id": dev})
	case strings.HasSuffix(r.URL.Path, "/account/whoami"):
		if r.Header.Get("Authorization") != "Bearer syt_good_token_1234" {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"errcode":"M_UNKNOWN_TOKEN","error":"unknown"}`))
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]string{"user_id": a.whoamiUser, "device_id": a.device})
	default:
		http.NotFound(w, r)
	}
}

func TestLoginKeepsTheDevice(t *testing.T) {
	a := &accountServer{password: "correct-horse-battery", device: "FIRST"}
	srv := httptest.NewServer(a)
	defer srv.Close()
	cfg := botModeConfig(t)
	cfg.Homeserver.Address = srv.URL
	st := openTestStore(t)
	for i := 0; i < 2; i++ {
		cli, err := newAccount(quietCtx(), cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := loginAccount(quietCtx(), cfg, st, cli); err != nil {
			t.Fatal(err)
		}
		if cli.DeviceID != "FIRST" || cli.AccessToken != "tok-FIRST" {
			t.Fatalf("start %d: device %s token %s", i+1, cli.DeviceID, cli.AccessToken)
		}
	}
	if len(a.devices) != 2 || a.devices[0] != "" || a.devices[1] != "FIRST" {
		t.Fatalf("the logins asked for devices %q, want a new one, then FIRST again", a.devices)
	}
}

func TestLoginRefusedNamesTheKey(t *testing.T) {
	for _, c := range []struct {
		name     string
		set      func(*Config, *accountServer)
		key, fix string
	}{
		{"wrong password", func(c *Config, _ *accountServer) { c.Bot.Password = "wrong-password" }, "bot.password", "put the account's password"},
		{"unknown token", func(c *Config, _ *accountServer) { c.Bot.Password, c.Bot.AccessToken = "", "syt_revoked_token" }, "bot.access_token", "log @helper:localhost in afresh"},
		{"another user's token", func(c *Config, a *accountServer) {
			c.Bot.Password, c.Bot.AccessToken, a.whoamiUser = "", "syt_good_token_1234", "@other:localhost"
		}, "bot.access_token", "login of @other:localhost"},
		{"another device's token", func(c *Config, a *accountServer) {
			c.Bot.Password, c.Bot.AccessToken, a.whoamiUser, a.device = "", "syt_good_token_1234", "@helper:localhost", "OTHER"
		}, "bot.access_token", "made with device FIRST"},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := &accountServer{password: "correct-horse-battery", device: "FIRST"}
			srv := httptest.NewServer(a)
			defer srv.Close()
			cfg := botModeConfig(t)
			cfg.Homeserver.Address = srv.URL
			st := openTestStore(t)
			if err := st.SetSyncValue(quietCtx(), deviceIDName, "FIRST"); err != nil {
				t.Fatal(err)
			}
			c.set(cfg, a)
			cli, err := newAccount(quietCtx(), cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			err = loginAccount(quietCtx(), cfg, st, cli)
			if err == nil || !strings.HasPrefix(err.Error(), c.key+": ") || !strings.Contains(err.Error(), c.fix) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("want one line on %s saying %q, got %v", c.key, c.fix, err)
			}
			if strings.Contains(err.Error(), "syt_") || strings.Contains(err.Error(), "wrong-password") {
				t.Fatalf("the error shows the secret: %v", err)
			}
		})
	}
}

// TestStartupLineNamesTheAccount: in mode: bot the start-up line speaks of
// the login and the account, not of an as_token and a registered user.
func TestStartupLineNamesTheAccount(t *testing.T) {
	th := newTestHealth(true)
	th.record(probe{at: th.now, reachable: yes(), tokenOK: yes(), registered: yes()})
	th.setWebListening()
	var buf bytes.Buffer
	ctx := zerolog.New(&buf).WithContext(context.Background())
	th.logStartup(ctx, startup{homeserver: "https://matrix.example.org", bot: "@helper:example.org", web: "127.0.0.1:8009", account: true})
	out := buf.String()
	for _, want := range []string{"login accepted", "bot account @helper:example.org logged in (mode: bot)"} {
		if !strings.Contains(out, want) {
			t.Errorf("the start-up line lacks %q: %s", want, out)
		}
	}
	if strings.Contains(out, "as_token") {
		t.Errorf("the start-up line of mode: bot speaks of an as_token: %s", out)
	}
}
