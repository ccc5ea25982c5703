package main

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rs/zerolog"
	"gopkg.in/yaml.v3"

	"github.com/exodus-matrix/exodus"
)

// The appservice tokens of the tests' configs.
const (
	testASToken = "as-token-0123456789abcdefghijklmnopqrstuvwxyz"
	testHSToken = "hs-token-zyxwvutsrqponmlkjihgfedcba9876543210"
	// testPickleKey is the test configs' encryption.pickle_key.
	testPickleKey = "pickle-key-0123456789abcdefghijklmnopqrstuvwxyz"
)

// testExample is the example config with the test tokens and pickle key.
func testExample() ([]byte, error) {
	doc, err := setTokens(exodus.ExampleConfig, testASToken, testHSToken)
	if err != nil {
		return nil, err
	}
	return setPickleKey(doc, testPickleKey)
}

// testConfig is the example config with tokens, validated.
func testConfig(t *testing.T) *Config {
	t.Helper()
	doc, err := testExample()
	if err != nil {
		t.Fatal(err)
	}
	var cfg Config
	if err := yaml.Unmarshal(doc, &cfg); err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	return &cfg
}

// modeOf is a file's permissions.
func modeOf(t *testing.T, path string) fs.FileMode {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Mode().Perm()
}

func TestGenerateWritesPrivateFiles(t *testing.T) {
	for _, existing := range []bool{false, true} {
		name := map[bool]string{false: "fresh", true: "existing 0644"}[existing]
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			cfgPath, regPath := filepath.Join(dir, "config.yaml"), filepath.Join(dir, "registration.yaml")
			if existing {
				for _, p := range []string{cfgPath, regPath} {
					if err := os.WriteFile(p, exodus.ExampleConfig, 0o644); err != nil {
						t.Fatal(err)
					}
					if err := os.Chmod(p, 0o644); err != nil { // whatever the umask
						t.Fatal(err)
					}
				}
			}
			// A fresh run writes the config only; the second the registration.
			for range map[bool]int{false: 2, true: 1}[existing] {
				if _, err := generateRegistration(cfgPath, regPath); err != nil {
					t.Fatal(err)
				}
			}
			for _, p := range []string{cfgPath, regPath} {
				if m := modeOf(t, p); m != 0o600 {
					t.Errorf("%s: mode %o, want 600", filepath.Base(p), m)
				}
			}
			cfg, err := LoadConfig(cfgPath)
			if err != nil {
				t.Fatal(err)
			}
			reg, err := os.ReadFile(regPath)
			if err != nil || !strings.Contains(string(reg), cfg.AppService.ASToken) {
				t.Errorf("the registration does not hold the config's token: %v\n%s", err, reg)
			}
		})
	}
}

func TestStartTightensTheConfigAndWarnsOfTheRegistration(t *testing.T) {
	dir := t.TempDir()
	cfgPath, regPath := filepath.Join(dir, "config.yaml"), filepath.Join(dir, "registration.yaml")
	for _, p := range []string{cfgPath, regPath} {
		if err := os.WriteFile(p, []byte("x: 1\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, 0o640); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	log := zerolog.New(&buf)
	checkSecretFiles(&log, cfgPath, regPath)
	if m := modeOf(t, cfgPath); m != 0o600 {
		t.Errorf("config: mode %o, want 600", m)
	}
	if m := modeOf(t, regPath); m != 0o640 {
		t.Errorf("registration: mode %o changed (the homeserver may read it as another user)", m)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `"level":"info"`) || !strings.Contains(lines[0], cfgPath) ||
		!strings.Contains(lines[1], `"level":"warn"`) || !strings.Contains(lines[1], "chmod 600 "+regPath) {
		t.Errorf("log:\n%s", buf.String())
	}
	// Private files say nothing.
	buf.Reset()
	if err := os.Chmod(regPath, 0o600); err != nil {
		t.Fatal(err)
	}
	checkSecretFiles(&log, cfgPath, regPath)
	checkSecretFiles(&log, cfgPath, filepath.Join(dir, "missing.yaml"))
	if buf.Len() != 0 {
		t.Errorf("log of private files:\n%s", buf.String())
	}
}

func TestDatabaseFilesArePrivate(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "exodus.db")
	cfg := testConfig(t)
	cfg.Database.URI = "file:" + db + "?_txlock=immediate"
	var buf bytes.Buffer
	open := func() {
		t.Helper()
		st, err := openStore(context.Background(), cfg, zerolog.New(&buf))
		if err != nil {
			t.Fatal(err)
		}
		// With the database open, its WAL files exist.
		for _, p := range []string{db, db + "-wal", db + "-shm"} {
			if m := modeOf(t, p); m != 0o600 {
				t.Errorf("%s: mode %o, want 600", filepath.Base(p), m)
			}
		}
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
	}
	open()
	if strings.Contains(buf.String(), "readable by their owner only") {
		t.Errorf("a new database was tightened, so it was not created private:\n%s", buf.String())
	}
	// A database left readable by others is tightened, said once.
	if err := os.Chmod(db, 0o644); err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	open()
	if n := strings.Count(buf.String(), "Made the database files readable by their owner only"); n != 1 || !strings.Contains(buf.String(), db) {
		t.Errorf("log of a tightened database (%d lines):\n%s", n, buf.String())
	}
	if m := modeOf(t, db); m != 0o600 {
		t.Errorf("after a second open: %o", m)
	}
}

func TestSQLiteFiles(t *testing.T) {
	for _, c := range []struct {
		typ, uri string
		want     string // the database file, "" for none
	}{
		{"sqlite3-fk-wal", "file:exodus.db?_txlock=immediate", "exodus.db"},
		{"sqlite3-fk-wal", "file:/var/lib/exodus/exodus.db", "/var/lib/exodus/exodus.db"},
		{"sqlite3-fk-wal", "file:///var/lib/exodus/exodus.db?_txlock=immediate", "/var/lib/exodus/exodus.db"},
		{"sqlite3-fk-wal", "file:my%20data.db", "my data.db"},
		{"sqlite3-fk-wal", "exodus.db", "exodus.db"},
		{"sqlite3-fk-wal", ":memory:", ""},
		{"sqlite3-fk-wal", "file::memory:?cache=shared", ""},
		{"sqlite3-fk-wal", "file:test.db?mode=memory", ""},
		{"postgres", "postgres://u:p@host/exodus", ""},
	} {
		got := sqliteFiles(c.typ, c.uri)
		var want []string
		if c.want != "" {
			want = []string{c.want, c.want + "-wal", c.want + "-shm"}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s %s: %v, want %v", c.typ, c.uri, got, want)
		}
	}
}
