package e2e_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/exodus-matrix/exodus/internal/stack"
)

// TestConfigErrorsNameTheKey starts exodus with broken configs and checks
// that it stops at once with a message naming the key and what is expected.
func TestConfigErrorsNameTheKey(t *testing.T) {
	bin, err := stack.BuildExodus(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(env.ConfigPath)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ from, to, want string }{
		{"type: sqlite3-fk-wal", "type: mysql", "database.type: expected sqlite3-fk-wal or postgres"},
		{`prefix: "!ex"`, `prefix: ""`, "bot.prefix: expected"},
		{"default_lang: en", "default_lang: fr", "ledger.default_lang: expected en or ru"},
		{`default_pledge: "100 EUR"`, `default_pledge: "100 XYZ"`, "ledger.default_pledge: expected an amount"},
		{"invite_ttl: 336h", "invite_ttl: soon", "ledger.invite_ttl: expected a duration"},
		{"min_level: debug", "min_level: loud", "logging.min_level: expected"},
		{"trusted_bots: []", "trusted_bots: [exodus]", "bot.trusted_bots[0]: expected the full user ID"},
		{"trusted_bots: []", "trusted_bots: ['@exodus:localhost']", "bot.trusted_bots[0]: expected the full user ID"},
	}
	for _, c := range cases {
		if !strings.Contains(string(good), c.from) {
			t.Fatalf("the generated config has no %q:\n%s", c.from, good)
		}
		path := filepath.Join(t.TempDir(), "config.yaml")
		if err := os.WriteFile(path, []byte(strings.Replace(string(good), c.from, c.to, 1)), 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.CommandContext(testCtx(t), bin, "-c", path).CombinedOutput()
		if err == nil {
			t.Fatalf("%s: exodus started with a broken config", c.to)
		}
		if !strings.Contains(string(out), c.want) {
			t.Fatalf("%s: got %q, want it to contain %q", c.to, out, c.want)
		}
	}
	path := filepath.Join(t.TempDir(), "config.yaml")
	out, err := exec.CommandContext(testCtx(t), bin, "-c", path).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "failed to read config") {
		t.Fatalf("missing config: err=%v out=%q", err, out)
	}
}
