package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCheckReach: the bot asks its own health check at appservice.address;
// an address that leads elsewhere, or nowhere, is one line naming the key
// and the fix, with a hint at appservice.hostname when it is loopback.
func TestCheckReach(t *testing.T) {
	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != healthPath {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(http.StatusServiceUnavailable) // a failing bot is still this bot
	}))
	defer bot.Close()
	other := httptest.NewServer(http.NotFoundHandler())
	defer other.Close()
	u, _ := url.Parse(bot.URL)
	for _, c := range []struct {
		name, address, hostname, want string
	}{
		{"the bot's own address", bot.URL, "127.0.0.1", ""},
		{"a proxy's name for it", "http://localhost:" + u.Port() + "/", "127.0.0.1", ""},
		{"another server", other.URL, "127.0.0.1", "appservice.address " + other.URL + " does not lead to this bot (HTTP 404), which listens on 127.0.0.1:29330"},
		{"nothing there", "http://127.0.0.1:1", "127.0.0.1", "appservice.address http://127.0.0.1:1 does not lead to this bot ("},
		{"another host, loopback listener", "http://exodus.invalid:29330", "127.0.0.1", "and appservice.hostname 127.0.0.1 takes pushes from this machine only"},
	} {
		cfg := testConfig(t)
		cfg.AppService.Address, cfg.AppService.Hostname, cfg.AppService.Port = c.address, c.hostname, 29330
		got := checkReach(context.Background(), cfg, &http.Client{})
		if c.want == "" && got != "" || c.want != "" && !strings.Contains(got, c.want) {
			t.Errorf("%s: %q; want %q", c.name, got, c.want)
		}
		if got != "" && (strings.Contains(got, "\n") || !strings.Contains(got, "run exodus -g again")) {
			t.Errorf("%s: not one line with the fix: %q", c.name, got)
		}
	}
}

// TestStartErrorsAreRedacted: the one-line errors main prints pass the
// same redaction as the log: a database URI quoted by a driver's error
// shows no password, even one that is not a valid URI.
func TestStartErrorsAreRedacted(t *testing.T) {
	cfg := testConfig(t)
	cfg.Database.Type, cfg.Database.URI = "postgres", "postgres://exodus:S3cr%t-pass-2024@127.0.0.1:5999/exodus"
	var out strings.Builder
	w := secretsRedacted(&out, cfg)
	_, _ = w.Write([]byte(`exodus: failed to open the database: parse "` + cfg.Database.URI + `": invalid URL escape "%t-"` + "\n"))
	_, _ = w.Write([]byte("exodus: token " + cfg.AppService.ASToken + "\n"))
	if got := out.String(); strings.Contains(got, "S3cr") || strings.Contains(got, "pass-2024") || strings.Contains(got, cfg.AppService.ASToken) ||
		!strings.Contains(got, "failed to open the database") {
		t.Fatalf("redacted: %q", got)
	}
}

// TestGenerateLeavesAnUnchangedConfigAlone: -g run again on a config whose
// tokens are set writes the registration and does not rewrite the config
// (which may be on a read-only mount), but makes it private.
func TestGenerateLeavesAnUnchangedConfigAlone(t *testing.T) {
	dir := t.TempDir()
	cfgPath, regPath := filepath.Join(dir, "config.yaml"), filepath.Join(dir, "registration.yaml")
	if _, err := generateRegistration(cfgPath, regPath); err != nil { // the config, with fresh tokens
		t.Fatal(err)
	}
	past := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chmod(cfgPath, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(cfgPath, past, past); err != nil {
		t.Fatal(err)
	}
	if _, err := generateRegistration(cfgPath, regPath); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	if !st.ModTime().Equal(past) || st.Mode().Perm() != 0o600 {
		t.Fatalf("the config was rewritten (%v, was %v) or left %v", st.ModTime(), past, st.Mode().Perm())
	}
	if _, err := os.Stat(regPath); err != nil {
		t.Fatalf("no registration: %v", err)
	}
}
