package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"maunium.net/go/mautrix/crypto/ssss"
)

// TestKeysCommandLine checks `exodus keys`: its usage, and a config
// without a pickle key named in one line.
func TestKeysCommandLine(t *testing.T) {
	if code, _, errOut := runCLI("keys"); code != 2 || !strings.Contains(errOut, "exodus keys show") {
		t.Errorf("keys: %d %q", code, errOut)
	}
	if code, out, _ := runCLI("keys", "-h"); code != 0 || !strings.Contains(out, "exodus keys restore") {
		t.Errorf("keys -h: %d %q", code, out)
	}
	if code, _, errOut := runCLI("keys", "show", "now"); code != 2 || !strings.Contains(errOut, "unexpected argument") {
		t.Errorf("keys show now: %d %q", code, errOut)
	}
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "config.yaml")
	if _, err := generateRegistration(cfgPath, filepath.Join(dir, "registration.yaml")); err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	data = bytes.Replace(data, []byte(cfg.Encryption.PickleKey), nil, 1)
	if err := os.WriteFile(cfgPath, data, 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runCLI("keys", "show", "-c", cfgPath)
	if code != 2 || errOut != "exodus keys: encryption.pickle_key is not set: the bot has no encryption keys (docs/encryption.md)\n" {
		t.Errorf("keys show without a pickle key: %d %q", code, errOut)
	}
}

// TestRecoveryKeyNeverLogged checks that a recovery key, by its shape,
// never reaches the log, spaced as the bot shows it.
func TestRecoveryKeyNeverLogged(t *testing.T) {
	key, err := ssss.NewKey("")
	if err != nil {
		t.Fatal(err)
	}
	recovery := key.RecoveryKey()
	var out bytes.Buffer
	log := newLoggerTo(testConfig(t), &out)
	log.Info().Str("key", recovery).Msg("restoring with " + recovery)
	if strings.Contains(out.String(), recovery) || !strings.Contains(out.String(), "[REDACTED]") {
		t.Fatalf("the recovery key reached the log: %s", out.String())
	}
}
