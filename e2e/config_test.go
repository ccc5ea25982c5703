package e2e_test

import (
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/exodus-matrix/exodus/internal/stack"
)

// TestConfigErrorsNameTheKey starts exodus with broken configs and checks
// that it stops at once with a message naming the key and what is expected.
// The configs are copies of the running bot's; those that pass the checks
// of the file itself are judged against the running Dendrite.
func TestConfigErrorsNameTheKey(t *testing.T) {
	bin, err := stack.BuildExodus(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(env.ConfigPath)
	if err != nil {
		t.Fatal(err)
	}
	good := string(data)
	botURL, err := url.Parse(env.BotURL)
	if err != nil {
		t.Fatal(err)
	}
	asToken := regexp.MustCompile(`as_token: "?[^"\n]+"?`).FindString(good)
	cases := []struct {
		from, to, want string
		withReg        bool // the bot's registration.yaml beside the config
	}{
		{"type: sqlite3-fk-wal", "type: mysql", "database.type: expected sqlite3-fk-wal or postgres", false},
		{`prefix: "!ex"`, `prefix: ""`, "bot.prefix: expected", false},
		{"default_lang: en", "default_lang: fr", "ledger.default_lang: expected en, ru or sr", false},
		{`default_pledge: "100 EUR"`, `default_pledge: "100 XYZ"`, "ledger.default_pledge: expected an amount", false},
		{"invite_ttl: 336h", "invite_ttl: soon", "ledger.invite_ttl: expected a duration", false},
		{"min_level: debug", "min_level: loud", "logging.min_level: expected", false},
		{"trusted_bots: []", "trusted_bots: [exodus]", "bot.trusted_bots[0]: expected the full user ID", false},
		{"trusted_bots: []", "trusted_bots: ['@exodus:localhost']", "bot.trusted_bots[0]: expected the full user ID", false},
		{"requests_per_minute: 120", "request_per_minute: 120", "web.request_per_minute: unknown key; did you mean web.requests_per_minute?", false},
		{"port: " + botURL.Port(), "port: 99999", `appservice.port: expected a TCP port from 1 to 65535, got "99999"`, false},
		{"port: " + botURL.Port(), "port: -1", `appservice.port: expected a TCP port from 1 to 65535, got "-1"`, false},
		{"domain: localhost", "domain: example.org", `homeserver.domain: expected the homeserver's server_name "localhost" (it calls the bot @exodus:localhost), got "example.org"`, false},
		{asToken, `as_token: "not-the-homeservers-token"`, "the homeserver at " + env.HS.URL + " refuses the as_token (M_UNKNOWN_TOKEN): it has not loaded this bot's registration", false},
		{"address: " + env.BotURL, "address: http://127.0.0.1:1", "does not match the config", true},
		{"domain: localhost", "domain: example.org", "its user namespace does not cover @exodus:example.org (appservice.bot_localpart, homeserver.domain); run `exodus -g -c", true},
	}
	for _, c := range cases {
		if !strings.Contains(good, c.from) {
			t.Fatalf("the generated config has no %q:\n%s", c.from, good)
		}
		dir := t.TempDir()
		path := filepath.Join(dir, "config.yaml")
		if err := os.WriteFile(path, []byte(strings.Replace(good, c.from, c.to, 1)), 0o600); err != nil {
			t.Fatal(err)
		}
		if c.withReg {
			reg, err := os.ReadFile(env.RegistrationPath)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "registration.yaml"), reg, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		out, err := exec.CommandContext(testCtx(t), bin, "-c", path).CombinedOutput()
		if err == nil {
			t.Fatalf("%s: exodus started with a broken config", c.to)
		}
		if !strings.Contains(string(out), c.want) {
			t.Fatalf("%s: got %q, want it to contain %q", c.to, out, c.want)
		}
		if strings.Contains(string(out), env.HSToken) {
			t.Fatalf("%s: the hs_token is in the output", c.to)
		}
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	out, err := exec.CommandContext(testCtx(t), bin, "-c", path).CombinedOutput()
	want := "exodus: no config file at " + path + "; create one from the example with `exodus -g -c " + path + " -r " + filepath.Join(dir, "registration.yaml") + "`\n"
	if err == nil || string(out) != want {
		t.Fatalf("missing config: err=%v out=%q, want %q", err, out, want)
	}
}

// TestConfigVersion checks that the binary tells its version and commit.
func TestConfigVersion(t *testing.T) {
	bin, err := stack.BuildExodus(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	want := regexp.MustCompile(`^exodus \S+, commit \S+( \(with uncommitted changes\))?\n$`)
	for _, arg := range []string{"version", "--version"} {
		out, err := exec.CommandContext(testCtx(t), bin, arg).CombinedOutput()
		if err != nil || !want.Match(out) {
			t.Errorf("exodus %s: %v %q", arg, err, out)
		}
	}
}
