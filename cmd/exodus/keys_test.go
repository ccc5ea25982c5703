package main

import (
	"strings"
	"testing"
)

// withLine returns the example config with the line that is exactly from
// (spaces included) replaced by to.
func withLine(t *testing.T, from, to string) []byte {
	t.Helper()
	doc, err := testExample()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(doc), "\n")
	for i, l := range lines {
		if l == from {
			lines[i] = to
			return []byte(strings.Join(lines, "\n"))
		}
	}
	t.Fatalf("no line %q in the example", from)
	return nil
}

func TestConfigKeysAreNamed(t *testing.T) {
	for _, c := range []struct {
		from, to string
		want     string // the whole message
	}{
		{"    requests_per_minute: 120", "    request_per_minute: 120", "web.request_per_minute: unknown key; did you mean web.requests_per_minute?"},
		{"    requests_per_minute: 120", "    requests_per_minut: 120", "web.requests_per_minut: unknown key; did you mean web.requests_per_minute?"},
		{"    address: http://127.0.0.1:8008", "    adress: http://127.0.0.1:8008", "homeserver.adress: unknown key; did you mean homeserver.address?"},
		{"    bot_localpart: exodus", "    bot-localpart: exodus", "appservice.bot-localpart: unknown key; did you mean appservice.bot_localpart?"},
		{"database:", "databse:", "databse: unknown key; did you mean database?"},
		{"    max_open_conns: 5", "    colour: blue", "database.colour: unknown key (config.example.yaml describes every key)"},
		{"    prefix: \"!ex\"", "    prefix: [a, b]", "bot.prefix: expected a single value (quote it if in doubt), got \"list\""},
		{"    commands_per_minute: 20", "    commands_per_minute: twenty", "bot.commands_per_minute: expected a whole number, got \"twenty\""},
		{"    commands_per_minute: 20", "    commands_per_minute: 20.5", "bot.commands_per_minute: expected a whole number, got \"20.5\""},
		{"    remind_days: 3", "    remind_days: 3.0", "cycle.remind_days: expected a whole number, got \"3.0\""},
		{"    port: 29330", "    port: .inf", "appservice.port: expected a whole number, got \".inf\""},
		{"    other_bots: []", "    other_bots: '@bridge:.*'", "bot.other_bots: expected a list such as [a, b], or [], got \"@bridge:.*\""},
		{"    port: 29330", "    port: 99999", "appservice.port: expected a TCP port from 1 to 65535, got \"99999\""},
		{"    port: 29330", "    port: 65536", "appservice.port: expected a TCP port from 1 to 65535, got \"65536\""},
		{"    port: 29330", "    port: -1", "appservice.port: expected a TCP port from 1 to 65535, got \"-1\""},
		{"    port: 29330", "    port: 0", "appservice.port: expected a TCP port from 1 to 65535, got \"0\""},
		{"    port: 29330", "    port: http", "appservice.port: expected a whole number, got \"http\""},
	} {
		var cfg Config
		err := decodeConfig(withLine(t, c.from, c.to), &cfg)
		if err == nil {
			err = cfg.Validate()
		}
		if err == nil || err.Error() != c.want {
			t.Errorf("%s:\n got %v\nwant %s", c.to, err, c.want)
		}
	}
}

func TestConfigKeysAcceptTheExample(t *testing.T) {
	cfg := testConfig(t) // decoded with yaml.Unmarshal
	var walked Config
	doc, err := testExample()
	if err != nil {
		t.Fatal(err)
	}
	if err := decodeConfig(doc, &walked); err != nil {
		t.Fatal(err)
	}
	if err := walked.Validate(); err != nil {
		t.Fatal(err)
	}
	if walked.AppService.Port != cfg.AppService.Port || walked.Web.RequestsPerMinute != cfg.Web.RequestsPerMinute {
		t.Errorf("walked %+v, unmarshalled %+v", walked.AppService, cfg.AppService)
	}
	// Empty files and sections, anchors and aliases are YAML too.
	for _, c := range []struct{ doc, want string }{
		{"", ""},
		{"web:\n", ""},
		{"web: &w {listen: ''}\nbot: *w\n", "bot.listen: unknown key; did you mean web.listen?"},
		{"web: loud\n", `web: expected a section of keys, got "loud"`},
		{"- a\n- b\n", "expected a mapping of sections (homeserver:, appservice:, …), got a list"},
		// A key written twice, and the keys a merge key (<<) brings in.
		{"bot:\n  prefix: a\n  prefix: b\n", "bot.prefix: set twice, on lines 2 and 3; keep one"},
		{"web:\nweb:\n", "web: set twice, on lines 1 and 2; keep one"},
		{"bot: {prefix: a, <<: {colour: blue}}\n", "bot.colour: unknown key (config.example.yaml describes every key)"},
		{"web: &w {listen: ''}\nbot: {<<: *w}\n", "bot.listen: unknown key; did you mean web.listen?"},
		{"bot: {<<: [{prefix: a}, {prefix: [a]}]}\n", `bot.prefix: expected a single value (quote it if in doubt), got "list"`},
		{"bot: {<<: {prefix: a}, prefix: b}\n", ""}, // a key overrides a merged one
	} {
		var cfg Config
		err := decodeConfig([]byte(c.doc), &cfg)
		if (err == nil) != (c.want == "") || err != nil && err.Error() != c.want {
			t.Errorf("%q: %v, want %q", c.doc, err, c.want)
		}
	}
}

func TestNearestKey(t *testing.T) {
	known := []string{"bot", "bot.prefix", "web", "web.listen", "web.requests_per_minute"}
	for _, c := range []struct{ name, want string }{
		{"bot.prefx", "bot.prefix"},
		{"bot.requests_per_minute", "web.requests_per_minute"},
		{"web.listn", "web.listen"},
		{"web.lis", ""},
		{"wbe", ""}, // a third of three letters is one edit; wbe is two from web
		{"webb", "web"},
		{"x.y", ""},
	} {
		if got := nearestKey(c.name, known); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}
