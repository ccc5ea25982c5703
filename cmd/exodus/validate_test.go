package main

// Config validation key by key, without the binary (e2e/config_test.go
// runs it): the example config with one key set to a bad value is refused
// with one line naming the key and what is expected there.

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// removed is the value of an edit that deletes its key from the example.
const removed = "<removed>"

// edit sets the key at a dotted path to a value written in YAML, or
// removes it.
type edit struct{ path, value string }

// loadEdited writes the example config (test tokens in) with the edits
// made and loads it with LoadConfig; path is the file it wrote.
func loadEdited(t *testing.T, edits ...edit) (cfg *Config, path string, err error) {
	t.Helper()
	doc, err := testExample()
	if err != nil {
		t.Fatal(err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(doc, &root); err != nil {
		t.Fatal(err)
	}
	for _, e := range edits {
		setPath(t, root.Content[0], e)
	}
	out, err := yaml.Marshal(&root)
	if err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err = LoadConfig(path)
	return cfg, path, err
}

// setPath makes one edit in the mapping m: the sections on the path must
// exist; the last key is replaced, added, or removed.
func setPath(t *testing.T, m *yaml.Node, e edit) {
	t.Helper()
	parts := strings.Split(e.path, ".")
	for _, p := range parts[:len(parts)-1] {
		if m = mapValue(m, p); m == nil || m.Kind != yaml.MappingNode {
			t.Fatalf("%s: no section %s in the example", e.path, p)
		}
	}
	last := parts[len(parts)-1]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value != last {
			continue
		}
		if e.value == removed {
			m.Content = slices.Delete(m.Content, i, i+2)
		} else {
			m.Content[i+1] = yamlValue(t, e.value)
		}
		return
	}
	if e.value == removed {
		t.Fatalf("%s: not in the example, cannot be removed", e.path)
	}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: last}, yamlValue(t, e.value))
}

// yamlValue is the node of one value written in YAML.
func yamlValue(t *testing.T, text string) *yaml.Node {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil || len(doc.Content) != 1 {
		t.Fatalf("%q is not one YAML value: %v", text, err)
	}
	return doc.Content[0]
}

// expected is what each key's error says is expected (the texts of
// config.go and metrics_config.go), by the key without its list index.
var expected = map[string]string{
	"homeserver.address":       "an http(s) URL such as http://127.0.0.1:8008",
	"homeserver.domain":        "the homeserver's server_name, such as example.org",
	"appservice.address":       "the http(s) URL where the homeserver reaches the bot",
	"appservice.hostname":      "an address to listen on, such as 127.0.0.1 or 0.0.0.0",
	"appservice.port":          "a TCP port from 1 to 65535",
	"appservice.id":            "a non-empty appservice ID",
	"appservice.bot_localpart": "a Matrix localpart (lower-case letters, digits, ._=/+-)",
	"appservice.as_token":      `a random token of at least 16 characters (set it to "generate" and run exodus -g to make one)`,
	"appservice.hs_token":      `a random token of at least 16 characters (set it to "generate" and run exodus -g to make one)`,
	"bot.prefix":               "1 to 16 characters without spaces, such as !ex",
	"bot.commands_per_minute":  "a number from 1 to 600",
	"bot.other_bots":           "a regular expression",
	"bot.trusted_bots":         "the full user ID of another community's Exodus bot, such as @exodus:example.org",
	"bot.reconcile_interval":   "a duration from 100ms to 1h, such as 30s",
	"bot.takeover_after":       "a duration from 1s to 24h, such as 5m",
	"ledger.default_pledge":    "an amount with a currency, such as 100 EUR",
	"ledger.default_lang":      "en or ru",
	"ledger.invite_ttl":        ledgerDuration,
	"ledger.code_ttl":          ledgerDuration,
	"ledger.sos_window":        ledgerDuration,
	"ledger.remind_interval":   ledgerDuration,
	"ledger.sos_limit":         "a number from 1 to 100",
	"ledger.journal_ops":       "a number of ops from 1 to 10000000",
	"ledger.snapshot_every":    "a number of ops from 1 to 10000000",
	"cycle.time_zone":          "an IANA time zone, such as Europe/Berlin or UTC",
	"cycle.remind_days":        "a number of days from 1 to 27",
	"cycle.tick_interval":      "a duration from 100ms to 1h, such as 1m",
	"cycle.deadline_warning":   "a duration from 1s to 168h, such as 24h",
	"web.listen":               "a host:port to listen on, such as 127.0.0.1:8009",
	"web.public_url":           "the http(s) URL members open, such as https://exodus.example.org",
	"web.requests_per_minute":  "a number from 1 to 10000",
	"web.failed_auth_limit":    "a number from 1 to 10000",
	"web.failed_auth_window":   "a duration from 1s to 24h, such as 1m",
	"web.trusted_proxies":      "an IP address or a CIDR block, such as 127.0.0.1 or 10.0.0.0/8",
	"web.frame_origins":        "an origin (scheme://host[:port], no path), such as https://app.element.io",
	"web.openid_servers":       "server names in lower case, such as example.org",
	"database.type":            "sqlite3-fk-wal or postgres",
	"database.uri":             "a database URI, such as file:exodus.db?_txlock=immediate",
	"database.max_open_conns":  "a number of at least 1",
	"database.max_idle_conns":  "a number from 0 to max_open_conns (5)", // the example's 5
	"logging.min_level":        "trace, debug, info, warn or error",
	"logging.format":           "pretty or json",
	"metrics.listen":           "a host:port to listen on, such as 127.0.0.1:8001",
	"encryption.pickle_key": `a random key of at least 32 characters (set it to "generate" and run exodus -g to make one; ` +
		`never change it once the bot has run), or nothing for no encryption`,
	"encryption.key_request_after": "a duration from 100ms to 1h, such as 1m",
}

// ledgerDuration is what the ledger's durations expect.
const ledgerDuration = "a duration from 1m to 8760h, such as 168h"

// metricsOn turns the metrics on, so that metrics.listen is read.
var metricsOn = []edit{{"metrics.enabled", "true"}}

// refusal is a key and bad values for it, each refused alone.
type refusal struct {
	path string
	bad  []string // YAML values
	key  string   // the key the error names, if not path
	want string   // what the error says is expected, if not expected[key]
	also []edit   // made before the bad value
}

// names is the key the error names and what it says is expected.
func (r refusal) names() (key, want string) {
	key, want = r.key, r.want
	if key == "" {
		key = r.path
	}
	if want == "" {
		bare, _, _ := strings.Cut(key, "[")
		want = expected[bare]
	}
	return key, want
}

// refusals are a bad value or more for every check of config.go and
// metrics_config.go, a removed key where the key is required, and a few
// values of the wrong type (keys.go).
var refusals = []refusal{
	{path: "homeserver.address", bad: []string{`""`, "127.0.0.1:8008", "ftp://example.org", "http://", "http:///x", removed}},
	{path: "homeserver.domain", bad: []string{`""`, "example org", "exodus@example.org", "example.org/x", removed}},
	{path: "appservice.address", bad: []string{`""`, "localhost:29330", "tcp://127.0.0.1:29330", removed}},
	{path: "appservice.hostname", bad: []string{`""`, removed}},
	{path: "appservice.port", bad: []string{"0", "-1", "65536", removed}},
	{path: "appservice.id", bad: []string{`""`, removed}},
	{path: "appservice.bot_localpart", bad: []string{`""`, "Exodus", "ex odus", "'@exodus'", "exodus:localhost", removed}},
	{path: "appservice.as_token", bad: []string{"generate", "short", "123456789012345", `""`, removed}},
	{path: "appservice.hs_token", bad: []string{"generate", "short", `""`, removed}},
	{path: "bot.prefix", bad: []string{`""`, `"! ex"`, `"!ex\t"`, `"!exodusexodusexod"`, removed}},
	{path: "bot.commands_per_minute", bad: []string{"0", "-1", "601", removed}},
	{path: "bot.other_bots", bad: []string{"['(']", "['a[']"}, key: "bot.other_bots[0]"},
	{path: "bot.other_bots", bad: []string{`['@irc_.*', '*']`}, key: "bot.other_bots[1]"},
	{path: "bot.trusted_bots", key: "bot.trusted_bots[0]", bad: []string{
		"[exodus]", "['exodus:other.example']", "['@:other.example']", "['@exodus']", "['@exodus:bad host']",
		"['@exodus:localhost']", "['https://matrix.to/#/@exodus:localhost']"}}, // the last two: this bot itself
	{path: "bot.trusted_bots", bad: []string{"['@exodus:other.example', 'nope']"}, key: "bot.trusted_bots[1]"},
	{path: "bot.reconcile_interval", bad: []string{"soon", "30", "99ms", "-1s", "61m"}},
	{path: "bot.takeover_after", bad: []string{"soon", "999ms", "0s", "24h1s"}},
	{path: "encryption.key_request_after", bad: []string{"soon", "99ms", "0s", "1h1s"}},
	{path: "ledger.default_pledge", bad: []string{`""`, "lots", "100 XYZ", "0 EUR", "-5 EUR", "12.345 EUR", "4 h", removed}},
	{path: "ledger.default_lang", bad: []string{"fr", `""`, removed}},
	{path: "ledger.invite_ttl", bad: []string{"soon", "5", "59s", "8760h1s", `""`, removed}},
	{path: "ledger.code_ttl", bad: []string{"soon", "30s", "9000h", removed}},
	{path: "ledger.sos_window", bad: []string{"soon", "-24h", removed}},
	{path: "ledger.remind_interval", bad: []string{"soon", "30s", "366d"}},
	{path: "ledger.sos_limit", bad: []string{"0", "-3", "101", removed}},
	{path: "ledger.journal_ops", bad: []string{"0", "-1", "10000001"}},
	{path: "ledger.snapshot_every", bad: []string{"0", "-1", "10000001"}},
	{path: "cycle.time_zone", bad: []string{"Mars/Olympus", "'Europe/Berlin '", "../../etc/passwd", "CET+1"}},
	{path: "cycle.remind_days", bad: []string{"0", "-1", "28"}},
	{path: "cycle.tick_interval", bad: []string{"soon", "99ms", "1h1s", "0s"}},
	{path: "cycle.deadline_warning", bad: []string{"soon", "999ms", "168h1s", "-1h"}},
	{path: "web.listen", bad: []string{"8009", "127.0.0.1", "'127.0.0.1:'", "127.0.0.1:0", "127.0.0.1:99999", "127.0.0.1:http", "'[::1'", "'[::1]'"}},
	{path: "web.public_url", bad: []string{`""`, "exodus.example.org", "ftp://exodus.example.org", removed}},
	{path: "web.requests_per_minute", bad: []string{"-1", "10001"}},
	{path: "web.failed_auth_limit", bad: []string{"-1", "10001"}},
	{path: "web.failed_auth_window", bad: []string{"soon", "999ms", "24h1s"}},
	{path: "web.trusted_proxies", bad: []string{"[proxy.local]", "['10.0.0.0/33']", "['fe80::1%eth0']", "['10.0.0.1/']"}, key: "web.trusted_proxies[0]"},
	{path: "web.trusted_proxies", bad: []string{"['127.0.0.1', '10.0.0.256']"}, key: "web.trusted_proxies[1]"},
	{path: "web.frame_origins", bad: []string{"[app.element.io]", "['https://app.element.io/']", "['ftp://x.org']", "['https://app.element.io/#/room']"}, key: "web.frame_origins[0]"},
	{path: "web.frame_origins", bad: []string{"['https://app.element.io', '*']"}, key: "web.frame_origins[1]"},
	{path: "web.openid_servers", bad: []string{"{'Example.org': 'https://matrix.example.org'}", "{'exa mple.org': 'https://x.org'}"}},
	{path: "web.openid_servers", bad: []string{"{example.org: 'matrix.example.org'}", "{example.org: 'ftp://x.org'}"},
		key: "web.openid_servers.example.org", want: "the homeserver's http(s) base URL, such as https://matrix.example.org"},
	{path: "database.type", bad: []string{"mysql", "sqlite3", `""`, removed}},
	{path: "database.uri", bad: []string{`""`, removed}},
	{path: "database.max_open_conns", bad: []string{"0", "-1", removed}},
	{path: "database.max_idle_conns", bad: []string{"-1", "6"}},
	{path: "logging.min_level", bad: []string{"loud", "INFO", `""`, removed}},
	{path: "logging.format", bad: []string{"text", `""`, removed}},
	{path: "encryption.pickle_key", bad: []string{"generate", "short", "0123456789012345678901234567890"}},
	{path: "metrics.listen", bad: []string{"8001", "127.0.0.1:http", "127.0.0.1:0", "'[::1]:70000'", "'127.0.0.1:'"}, also: metricsOn,
		want: "a host:port to listen on, such as 127.0.0.1:8001"},
	{path: "metrics.listen", bad: []string{"127.0.0.1:8009", "127.0.0.1:29330"}, also: metricsOn, // web.listen, the appservice's
		want: "an address other than web.listen's and the appservice's"},
	// Of the wrong type, refused by keys.go before Validate.
	{path: "appservice.port", bad: []string{"http", "8008.5", "1.0", "[1]", "{a: 1}"}, want: "a whole number"},
	{path: "cycle.remind_days", bad: []string{"2.5", "three"}, want: "a whole number"},
	{path: "bot.other_bots", bad: []string{"'@bridge:.*'"}, want: "a list such as [a, b], or []"},
	{path: "metrics.enabled", bad: []string{"maybe", "[true]"}, want: "true or false"},
	{path: "cycle", bad: []string{"monthly", "[a]"}, want: "a section of keys"},
	{path: "bot.prefix", bad: []string{"[a, b]", "{a: b}"}, want: "a single value (quote it if in doubt)"},
}

// TestValidateRefusesEachKey checks that each bad value of each key is
// refused by LoadConfig with one line naming the key (with its index in a
// list) and what is expected there.
func TestValidateRefusesEachKey(t *testing.T) {
	for _, r := range refusals {
		key, want := r.names()
		if want == "" {
			t.Fatalf("%s: no expected text", key)
		}
		for _, bad := range r.bad {
			t.Run(r.path+"="+bad, func(t *testing.T) {
				_, path, err := loadEdited(t, append(slices.Clone(r.also), edit{r.path, bad})...)
				msg, ok := strings.CutPrefix(fmt.Sprint(err), "config "+path+": ")
				if !ok || !strings.HasPrefix(msg, key+": expected "+want+", got ") || strings.Contains(msg, "\n") {
					t.Errorf("got  %v\nwant %s: expected %s, got …", err, key, want)
				}
			})
		}
	}
}

// The calls of keyError in the validation's source: the key, and what is
// expected when it is written there as a string.
var (
	keyErrorRe = regexp.MustCompile(`keyError\((?:fmt\.Sprintf\()?"([a-z_.]+)(?:\[%d\]", i\)|"), (?:"([^"]*)")?`)
	ledgerRe   = regexp.MustCompile(`\{"(ledger\.[a-z_]+)", l\.`) // validateLedger's durations
)

// TestValidateRefusalsCoverEveryCheck checks that every keyError of
// config.go and metrics_config.go has a refusal: each key has a row, and
// each expected text written in the source is one a row asserts.
func TestValidateRefusalsCoverEveryCheck(t *testing.T) {
	asserted := make(map[string]bool) // key without index, and key+"\n"+want
	for _, r := range refusals {
		key, want := r.names()
		bare, _, _ := strings.Cut(key, "[")
		asserted[bare], asserted[bare+"\n"+want] = true, true
	}
	sites := 0
	for _, file := range []string{"config.go", "metrics_config.go"} {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyErrorRe.FindAllStringSubmatch(string(src), -1) {
			sites++
			if !asserted[m[1]] || m[2] != "" && !asserted[m[1]+"\n"+m[2]] {
				t.Errorf("%s: no refusal for %s", file, m[0])
			}
		}
		for _, m := range ledgerRe.FindAllStringSubmatch(string(src), -1) {
			sites++
			if !asserted[m[1]] {
				t.Errorf("%s: no refusal for %s", file, m[1])
			}
		}
	}
	if sites < 39 { // 36 keyError calls, one of them for 4 keys, when written
		t.Errorf("found %d checks in the source: has the regexp gone stale?", sites)
	}
	t.Logf("%d checks in the source, each refused", sites)
}

// acceptance is a good value of a key (or its removal, for its default)
// and what Validate makes of it.
type acceptance struct {
	path, value string
	got         func(*Config) any
	want        string // fmt.Sprint of got
	also        []edit // made before the value
}

// acceptances are values at the edges of each range, defaults of the
// optional keys, and the keys not read when their section is off.
var acceptances = []acceptance{
	{path: "homeserver.address", value: "https://matrix.example.org", got: func(c *Config) any { return c.Homeserver.Address }, want: "https://matrix.example.org"},
	{path: "homeserver.domain", value: "example.org:8448", got: func(c *Config) any { return c.Homeserver.Domain }, want: "example.org:8448"},
	{path: "appservice.port", value: "1", got: func(c *Config) any { return c.AppService.Port }, want: "1"},
	{path: "appservice.port", value: "65535", got: func(c *Config) any { return c.AppService.Port }, want: "65535"},
	{path: "appservice.bot_localpart", value: "ex.bot_1=/+-", got: func(c *Config) any { return c.AppService.BotLocalpart }, want: "ex.bot_1=/+-"},
	{path: "appservice.as_token", value: "0123456789abcdef", got: func(c *Config) any { return string(c.rules.CodeKey) }, want: "exodus-codes:0123456789abcdef"},
	{path: "bot.prefix", value: `"!exodusexodusexo"`, got: func(c *Config) any { return c.Bot.Prefix }, want: "!exodusexodusexo"},
	{path: "bot.commands_per_minute", value: "600", got: func(c *Config) any { return c.Bot.CommandsPerMinute }, want: "600"},
	{path: "bot.other_bots", value: `['@irc_.*:example\.org', '^@telegram_']`, got: func(c *Config) any { return c.otherBots }, want: `[@irc_.*:example\.org ^@telegram_]`},
	{path: "bot.trusted_bots", value: "['@exodus:other.example', 'https://matrix.to/#/@exodus:third.example']",
		got: func(c *Config) any { return c.trusted }, want: "[@exodus:other.example @exodus:third.example]"},
	{path: "bot.reconcile_interval", value: "100ms", got: func(c *Config) any { return c.reconcile }, want: "100ms"},
	{path: "bot.reconcile_interval", value: "1h", got: func(c *Config) any { return c.reconcile }, want: "1h0m0s"},
	{path: "bot.reconcile_interval", value: removed, got: func(c *Config) any { return c.reconcile }, want: "30s"},
	{path: "bot.takeover_after", value: "1s", got: func(c *Config) any { return c.takeover }, want: "1s"},
	{path: "bot.takeover_after", value: removed, got: func(c *Config) any { return c.takeover }, want: "5m0s"},
	{path: "encryption.key_request_after", value: "100ms", got: func(c *Config) any { return c.keyRequest }, want: "100ms"},
	{path: "encryption.key_request_after", value: removed, got: func(c *Config) any { return c.keyRequest }, want: "1m0s"},
	{path: "ledger.default_pledge", value: "12.50 USD", got: func(c *Config) any { return c.rules.DefaultPledge }, want: "12.50 USD"},
	{path: "ledger.default_pledge", value: "50", got: func(c *Config) any { return c.rules.DefaultPledge }, want: "50 EUR"},
	{path: "ledger.default_lang", value: "русский", got: func(c *Config) any { return c.rules.DefaultLang }, want: "ru"},
	{path: "ledger.invite_ttl", value: "1m", got: func(c *Config) any { return c.rules.InviteTTL }, want: "1m0s"},
	{path: "ledger.code_ttl", value: "8760h", got: func(c *Config) any { return c.rules.CodeTTL }, want: "8760h0m0s"},
	{path: "ledger.sos_window", value: "90m", got: func(c *Config) any { return c.rules.SOSWindow }, want: "1h30m0s"},
	{path: "ledger.remind_interval", value: removed, got: func(c *Config) any { return c.rules.RemindInterval }, want: "12h0m0s"},
	{path: "ledger.sos_limit", value: "100", got: func(c *Config) any { return c.rules.SOSLimit }, want: "100"},
	{path: "ledger.journal_ops", value: "3", got: func(c *Config) any { return c.rules.AidJournalOps }, want: "3"},
	{path: "ledger.journal_ops", value: removed, got: func(c *Config) any { return c.rules.AidJournalOps }, want: "0"},
	{path: "ledger.snapshot_every", value: "10", got: func(c *Config) any { return c.rules.AidSnapshotEvery }, want: "10"},
	{path: "ledger.snapshot_every", value: removed, got: func(c *Config) any { return c.rules.AidSnapshotEvery }, want: "0"},
	{path: "cycle.time_zone", value: "Europe/Berlin", got: func(c *Config) any { return c.rules.Cycle.Location }, want: "Europe/Berlin"},
	{path: "cycle.time_zone", value: removed, got: func(c *Config) any { return c.rules.Cycle.Location }, want: "UTC"},
	{path: "cycle.remind_days", value: "27", got: func(c *Config) any { return c.rules.Cycle.RemindDays }, want: "27"},
	{path: "cycle.remind_days", value: "~", got: func(c *Config) any { return c.rules.Cycle.RemindDays }, want: "3"},
	{path: "cycle.remind_days", value: removed, got: func(c *Config) any { return c.rules.Cycle.RemindDays }, want: "3"},
	{path: "cycle.tick_interval", value: "100ms", got: func(c *Config) any { return c.tick }, want: "100ms"},
	{path: "cycle.tick_interval", value: removed, got: func(c *Config) any { return c.tick }, want: "1m0s"},
	{path: "cycle.deadline_warning", value: "2h", got: func(c *Config) any { return c.rules.Cycle.WarnBefore }, want: "2h0m0s"},
	{path: "cycle.deadline_warning", value: removed, got: func(c *Config) any { return c.rules.Cycle.WarnBefore }, want: "24h0m0s"},
	{path: "web.listen", value: "'[::1]:8009'", got: func(c *Config) any { return c.Web.Listen }, want: "[::1]:8009"},
	{path: "web.listen", value: "':65535'", got: func(c *Config) any { return c.Web.Listen }, want: ":65535"},
	{path: "web.requests_per_minute", value: "0", got: func(c *Config) any { return c.Web.RequestsPerMinute }, want: "120"},
	{path: "web.requests_per_minute", value: "10000", got: func(c *Config) any { return c.Web.RequestsPerMinute }, want: "10000"},
	{path: "web.failed_auth_limit", value: removed, got: func(c *Config) any { return c.Web.FailedAuthLimit }, want: "10"},
	{path: "web.openid_servers", value: removed, got: func(c *Config) any { return c.openIDServers() }, want: "map[localhost:http://127.0.0.1:8008]"},
	{path: "web.openid_servers", value: "{example.org: 'https://matrix.example.org'}", got: func(c *Config) any { return c.openIDServers() },
		want: "map[example.org:https://matrix.example.org localhost:http://127.0.0.1:8008]"},
	{path: "web.frame_origins", value: "['https://app.element.io', 'http://127.0.0.1:8080', 'vector://vector']", got: func(c *Config) any { return c.Web.FrameOrigins },
		want: "[https://app.element.io http://127.0.0.1:8080 vector://vector]"},
	{path: "web.failed_auth_window", value: "24h", got: func(c *Config) any { return c.authWindow }, want: "24h0m0s"},
	{path: "web.trusted_proxies", value: "['10.1.2.3/8', '::ffff:192.0.2.1']", got: func(c *Config) any { return c.trustedProxies }, want: "[10.0.0.0/8 192.0.2.1/32]"},
	{path: "web.public_url", value: "not a URL", got: func(c *Config) any { return c.Web.PublicURL }, want: "not a URL", // web off: not read
		also: []edit{{"web.listen", `""`}, {"web.requests_per_minute", "-1"}, {"web.trusted_proxies", "[nope]"}}},
	{path: "database.type", value: "postgres", got: func(c *Config) any { return c.Database.Type }, want: "postgres"},
	{path: "database.max_idle_conns", value: "0", got: func(c *Config) any { return c.Database.MaxIdleConns }, want: "0"},
	{path: "database.max_idle_conns", value: "5", got: func(c *Config) any { return c.Database.MaxIdleConns }, want: "5"},
	{path: "database.max_open_conns", value: "1", got: func(c *Config) any { return c.Database.MaxOpenConns }, want: "1",
		also: []edit{{"database.max_idle_conns", "1"}}},
	{path: "logging.min_level", value: "trace", got: func(c *Config) any { return c.Logging.MinLevel }, want: "trace"},
	{path: "logging.format", value: "json", got: func(c *Config) any { return c.Logging.Format }, want: "json"},
	{path: "metrics.listen", value: "127.0.0.1:9100", got: func(c *Config) any { return c.Metrics.Listen }, want: "127.0.0.1:9100", also: metricsOn},
	{path: "metrics.listen", value: removed, got: func(c *Config) any { return c.Metrics.Listen }, want: DefaultMetricsListen, also: metricsOn},
	{path: "metrics.listen", value: "nonsense", got: func(c *Config) any { return c.Metrics.Listen }, want: "nonsense"}, // metrics off: not read
}

// TestValidateAcceptsAndApplies checks that each good value is accepted
// by LoadConfig and lands, parsed, where the bot reads it.
func TestValidateAcceptsAndApplies(t *testing.T) {
	for _, a := range acceptances {
		t.Run(a.path+"="+a.value, func(t *testing.T) {
			cfg, _, err := loadEdited(t, append(slices.Clone(a.also), edit{a.path, a.value})...)
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprint(a.got(cfg)); got != a.want {
				t.Errorf("got %s, want %s", got, a.want)
			}
		})
	}
}

// TestLoadConfigRefusesTheFile checks the refusals that are not of one
// key's value: no file, an unreadable one, broken YAML, an unknown or
// twice-written key, and an empty file (the first required key named).
func TestLoadConfigRefusesTheFile(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "config.yaml")
	_, err := LoadConfig(missing)
	want := "no config file at " + missing + "; create one from the example with `exodus -g -c " + missing + " -r " + filepath.Join(dir, "registration.yaml") + "`"
	if fmt.Sprint(err) != want {
		t.Errorf("missing file: %v\nwant %s", err, want)
	}
	if _, err := LoadConfig(dir); err == nil || !strings.HasPrefix(err.Error(), "failed to read config: ") {
		t.Errorf("a directory: %v", err)
	}
	for _, c := range []struct{ doc, want string }{
		{"", `homeserver.address: expected ` + expected["homeserver.address"] + `, got ""`},
		{"bot: [\n", "failed to parse: yaml: line 1: did not find expected node content"},
		{"bot:\n    prefix: a\n    prefixx: b\n", "bot.prefixx: unknown key; did you mean bot.prefix?"},
		{"bot:\n    prefix: a\n    prefix: b\n", "bot.prefix: set twice, on lines 2 and 3; keep one"},
	} {
		path := filepath.Join(t.TempDir(), "config.yaml")
		if err := os.WriteFile(path, []byte(c.doc), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadConfig(path); fmt.Sprint(err) != "config "+path+": "+c.want {
			t.Errorf("%q: %v\nwant config %s: %s", c.doc, err, path, c.want)
		}
	}
}
