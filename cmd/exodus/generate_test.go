package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"maunium.net/go/mautrix/appservice"
)

// editConfig replaces from by to in the config file at path.
func editConfig(t *testing.T, path, from, to string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(from)) {
		t.Fatalf("no %q in %s", from, path)
	}
	if err := os.WriteFile(path, bytes.Replace(data, []byte(from), []byte(to), 1), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestGenerateFollowsTheConfig walks the operator's first hour: -g writes
// the config and stops, -g again writes the registration from the config
// as edited, an edit after that makes the registration refused at start,
// and -g again fixes it with the same tokens.
func TestGenerateFollowsTheConfig(t *testing.T) {
	dir := t.TempDir()
	cfgPath, regPath := filepath.Join(dir, "config.yaml"), filepath.Join(dir, "registration.yaml")
	res, err := generateRegistration(cfgPath, regPath)
	if err != nil {
		t.Fatal(err)
	}
	if !res.createdConfig || !res.newTokens {
		t.Errorf("first run: %+v", res)
	}
	if _, err := os.Stat(regPath); !os.IsNotExist(err) {
		t.Fatalf("the first run wrote a registration before the config was edited: %v", err)
	}
	editConfig(t, cfgPath, "address: http://127.0.0.1:8008", "address: https://matrix.example.org")
	editConfig(t, cfgPath, "domain: localhost", "domain: example.org")
	editConfig(t, cfgPath, "address: http://127.0.0.1:29330", "address: http://10.0.0.5:29330")
	res, err = generateRegistration(cfgPath, regPath)
	if err != nil {
		t.Fatal(err)
	}
	if res.createdConfig || res.newTokens || res.bot != "@exodus:example.org" || res.url != "http://10.0.0.5:29330" {
		t.Errorf("second run: %+v", res)
	}
	cfg, err := LoadConfig(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	if warn, err := checkRegistration(cfg, regPath); warn != "" || err != nil {
		t.Fatalf("fresh registration: %q %v", warn, err)
	}
	first, err := appservice.LoadRegistration(regPath)
	if err != nil {
		t.Fatal(err)
	}
	if first.URL != "http://10.0.0.5:29330" || first.Namespaces.UserIDs[0].Regex != `^@exodus:example\.org$` || first.AppToken != cfg.AppService.ASToken {
		t.Errorf("registration: %+v", first)
	}

	// An edit after -g: the start is refused, naming the field.
	editConfig(t, cfgPath, "domain: example.org", "domain: example.net")
	cfg, err = LoadConfig(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	_, err = checkRegistration(cfg, regPath)
	want := "the registration " + regPath + " does not match the config " + cfgPath + ": its user namespace does not cover @exodus:example.net (appservice.bot_localpart, homeserver.domain); run `exodus -g -c " + cfgPath + " -r " + regPath + "` again and give the new registration to the homeserver, then restart it"
	if err == nil || err.Error() != want {
		t.Fatalf("edited config:\n got %v\nwant %s", err, want)
	}
	// -g again: the registration follows, the tokens stay, the config is
	// left as it was.
	before, _ := os.ReadFile(cfgPath)
	if _, err := generateRegistration(cfgPath, regPath); err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(cfgPath)
	second, err := appservice.LoadRegistration(regPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) || second.AppToken != first.AppToken || second.ServerToken != first.ServerToken {
		t.Errorf("the second -g changed the config or the tokens")
	}
	if warn, err := checkRegistration(cfg, regPath); warn != "" || err != nil {
		t.Fatalf("regenerated registration: %q %v", warn, err)
	}
}

func TestGenerateMakesOnlyTheTokensAsked(t *testing.T) {
	dir := t.TempDir()
	cfgPath, regPath := filepath.Join(dir, "config.yaml"), filepath.Join(dir, "registration.yaml")
	doc := withLine(t, `    hs_token: "`+testHSToken+`"`, `    hs_token: "generate"`)
	if err := os.WriteFile(cfgPath, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := generateRegistration(cfgPath, regPath)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	if !res.newTokens || cfg.AppService.ASToken != testASToken || len(cfg.AppService.HSToken) != 64 {
		t.Errorf("tokens: %+v, as %q hs %q", res, cfg.AppService.ASToken, cfg.AppService.HSToken)
	}
	data, _ := os.ReadFile(cfgPath)
	if !strings.Contains(string(data), "# The appservice: how the homeserver reaches the bot.") {
		t.Error("the config lost its comments")
	}
}

func TestGenerateRefusesABrokenConfig(t *testing.T) {
	dir := t.TempDir()
	cfgPath, regPath := filepath.Join(dir, "config.yaml"), filepath.Join(dir, "registration.yaml")
	if err := os.WriteFile(cfgPath, withLine(t, "    requests_per_minute: 120", "    request_per_minute: 120"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := generateRegistration(cfgPath, regPath)
	if err == nil || err.Error() != "config "+cfgPath+": web.request_per_minute: unknown key; did you mean web.requests_per_minute?" {
		t.Fatal(err)
	}
	if _, err := os.Stat(regPath); !os.IsNotExist(err) {
		t.Errorf("a registration was written from a broken config: %v", err)
	}
}
