package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// botModeConfig is the example config in mode: bot with a password.
func botModeConfig(t *testing.T) *Config {
	cfg := testConfig(t)
	cfg.Mode = modeBot
	cfg.Bot.UserID = "@helper:" + cfg.Homeserver.Domain
	cfg.Bot.Password = "correct-horse-battery"
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestModeBotConfig(t *testing.T) {
	cfg := botModeConfig(t)
	if got := cfg.botUserID(); got != "@helper:localhost" {
		t.Errorf("bot user %s, want the account", got)
	}
	for _, c := range []struct {
		name string
		set  func(*Config)
		key  string // "" when valid
		fix  string // in the message
	}{
		{"token instead of password", func(c *Config) { c.Bot.Password, c.Bot.AccessToken = "", "syt_abcdefghijkl" }, "", ""},
		{"no appservice needed", func(c *Config) { c.AppService.Address, c.AppService.Port, c.AppService.HSToken = "", 0, "" }, "", ""},
		{"unknown mode", func(c *Config) { c.Mode = "client" }, "mode", "appservice"},
		{"no user", func(c *Config) { c.Bot.UserID = "" }, "bot.user_id", "full user ID"},
		{"a localpart", func(c *Config) { c.Bot.UserID = "helper" }, "bot.user_id", "full user ID"},
		{"another server", func(c *Config) { c.Bot.UserID = "@helper:matrix.org" }, "bot.user_id", "homeserver.domain"},
		{"no credentials", func(c *Config) { c.Bot.Password = "" }, "bot.password", "bot.access_token"},
		{"both credentials", func(c *Config) { c.Bot.AccessToken = "syt_abcdefghijkl" }, "bot.access_token", "not both"},
		{"password to generate", func(c *Config) { c.Bot.Password = "generate" }, "bot.password", "existing account"},
		{"short token", func(c *Config) { c.Bot.Password, c.Bot.AccessToken = "", "abc" }, "bot.access_token", "access token"},
		{"trusting itself", func(c *Config) { c.Bot.TrustedBots = []string{"@helper:localhost"} }, "bot.trusted_bots[0]", "another community"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := botModeConfig(t)
			c.set(cfg)
			err := cfg.Validate()
			if c.key == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.HasPrefix(err.Error(), c.key+": ") || !strings.Contains(err.Error(), c.fix) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("want one line on %s saying %q, got %v", c.key, c.fix, err)
			}
		})
	}
}

func TestAppServiceModeRefusesAccountKeys(t *testing.T) {
	for _, c := range []struct {
		key string
		set func(*Config)
	}{
		{"bot.user_id", func(c *Config) { c.Bot.UserID = "@helper:localhost" }},
		{"bot.password", func(c *Config) { c.Bot.Password = "secret-password" }},
		{"bot.access_token", func(c *Config) { c.Bot.AccessToken = "syt_abcdefghijkl" }},
	} {
		cfg := testConfig(t)
		c.set(cfg)
		err := cfg.Validate()
		if err == nil || !strings.HasPrefix(err.Error(), c.key+": ") || !strings.Contains(err.Error(), "mode: bot") {
			t.Errorf("%s in mode appservice: %v", c.key, err)
		}
	}
	if cfg := testConfig(t); cfg.Mode != modeAppService {
		t.Errorf("default mode %q, want appservice", cfg.Mode)
	}
}

// TestInvitationCodesKeepTheirSecret: codes stay derived from the same
// secret in both modes (a rebuild makes the same codes).
func TestInvitationCodesKeepTheirSecret(t *testing.T) {
	app := testConfig(t)
	if got := string(app.rules.CodeKey); got != "exodus-codes:"+app.AppService.ASToken {
		t.Errorf("appservice code key changed: %q", got)
	}
	bot := botModeConfig(t)
	if got := string(bot.rules.CodeKey); got != "exodus-codes:"+bot.AppService.ASToken {
		t.Errorf("mode bot with an as_token: code key %q", got)
	}
	bot.AppService.ASToken = ""
	bot.Encryption.PickleKey = strings.Repeat("k", 40)
	if err := bot.Validate(); err != nil {
		t.Fatal(err)
	}
	if got := string(bot.rules.CodeKey); got != "exodus-codes:"+bot.Encryption.PickleKey {
		t.Errorf("mode bot without an as_token: code key %q, want the pickle key's", got)
	}
}

func TestAccountSecretsNeverReachTheLog(t *testing.T) {
	for _, token := range []bool{false, true} {
		cfg := botModeConfig(t)
		secret := cfg.Bot.Password
		if token {
			cfg.Bot.Password, cfg.Bot.AccessToken = "", "syt_aGVscGVy_SecretTokenValue_1234"
			secret = cfg.Bot.AccessToken
		}
		var buf bytes.Buffer
		log := newLoggerTo(cfg, &buf)
		log.Error().Str("detail", "login with "+secret+" failed").Msgf("credentials %s", secret)
		if out := buf.String(); strings.Contains(out, secret) || !strings.Contains(out, "login with [REDACTED] failed") {
			t.Errorf("the log shows the account's secret:\n%s", out)
		}
	}
}

// TestGenerateInModeBot: for an ordinary account, -g writes no
// registration, keeps the account's keys as written, makes the secrets set
// to "generate", and the config stays private.
func TestGenerateInModeBot(t *testing.T) {
	dir := t.TempDir()
	cfgPath, regPath := filepath.Join(dir, "config.yaml"), filepath.Join(dir, "registration.yaml")
	if _, err := generateRegistration(cfgPath, regPath); err != nil {
		t.Fatal(err)
	}
	editConfig(t, cfgPath, "mode: appservice", "mode: bot")
	editConfig(t, cfgPath, `user_id: ""`, `user_id: "@helper:localhost"`)
	editConfig(t, cfgPath, `password: ""`, `password: "correct-horse-battery"`)
	editConfig(t, cfgPath, `pickle_key: `, `pickle_key: "generate" #`)
	res, err := generateRegistration(cfgPath, regPath)
	if err != nil {
		t.Fatal(err)
	}
	if !res.botMode || res.bot != "@helper:localhost" || !res.newTokens {
		t.Errorf("-g in mode bot: %+v", res)
	}
	if _, err := os.Stat(regPath); !os.IsNotExist(err) {
		t.Fatalf("-g wrote a registration for an ordinary account: %v", err)
	}
	cfg, err := LoadConfig(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Bot.Password != "correct-horse-battery" || len(cfg.Encryption.PickleKey) < 32 || cfg.Encryption.PickleKey == "generate" {
		t.Errorf("after -g: password %q, pickle key %q", cfg.Bot.Password, cfg.Encryption.PickleKey)
	}
	if fi, err := os.Stat(cfgPath); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("config mode %v (%v), want 0600", fi.Mode().Perm(), err)
	}
	var out bytes.Buffer
	if code := generateMain(cfgPath, regPath, &out, &out); code != 0 || !strings.Contains(out.String(), "no registration to write") {
		t.Errorf("-g said (%d): %s", code, out.String())
	}
}
