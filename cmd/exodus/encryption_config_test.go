package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// TestGenerateMakesThePickleKeyOnce checks that -g puts a fresh pickle
// key in place of "generate", keeps it on the next run, and that the key
// never reaches the log.
func TestGenerateMakesThePickleKeyOnce(t *testing.T) {
	dir := t.TempDir()
	cfgPath, regPath := filepath.Join(dir, "config.yaml"), filepath.Join(dir, "registration.yaml")
	if _, err := generateRegistration(cfgPath, regPath); err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	key := cfg.Encryption.PickleKey
	if len(key) < 32 || key == "generate" || !cfg.encrypts() {
		t.Fatalf("pickle key after -g: %q", key)
	}
	if _, err := generateRegistration(cfgPath, regPath); err != nil {
		t.Fatal(err)
	}
	if again, err := LoadConfig(cfgPath); err != nil || again.Encryption.PickleKey != key {
		t.Fatalf("-g again changed the pickle key (%v)", err)
	}
	var out bytes.Buffer
	log := newLoggerTo(cfg, &out)
	log.Info().Str("key", key).Msg("config pickle_key: " + key)
	if strings.Contains(out.String(), key) {
		t.Fatalf("the pickle key reached the log: %s", out.String())
	}
}

// TestNoPickleKeyNoEncryption checks that a config from before encryption
// (no encryption section) is valid and has no device.
func TestNoPickleKeyNoEncryption(t *testing.T) {
	doc, err := testExample()
	if err != nil {
		t.Fatal(err)
	}
	doc = bytes.Replace(doc, []byte("pickle_key: \""+testPickleKey+"\""), []byte("pickle_key: \"\""), 1)
	var cfg Config
	if err := decodeConfig(doc, &cfg); err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil || cfg.encrypts() {
		t.Fatalf("empty pickle key: %v, encrypts %v", err, cfg.encrypts())
	}
}
