package main

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/ledger"
)

// Config is the whole configuration file.
type Config struct {
	// Mode is how the bot reaches its homeserver: "appservice" (the
	// default: a registered appservice, pushed transactions) or "bot" (an
	// ordinary account, its own /sync; added later: optional).
	Mode       string `yaml:"mode"`
	Homeserver struct {
		Address string `yaml:"address"`
		Domain  string `yaml:"domain"`
	} `yaml:"homeserver"`
	AppService struct {
		Address        string `yaml:"address"`
		Hostname       string `yaml:"hostname"`
		Port           int    `yaml:"port"`
		ID             string `yaml:"id"`
		BotLocalpart   string `yaml:"bot_localpart"`
		BotDisplayname string `yaml:"bot_displayname"`
		ASToken        string `yaml:"as_token"`
		HSToken        string `yaml:"hs_token"`
	} `yaml:"appservice"`
	Bot struct {
		Prefix            string   `yaml:"prefix"`
		CommandsPerMinute int      `yaml:"commands_per_minute"`
		OtherBots         []string `yaml:"other_bots"`
		// TrustedBots are the other Exodus bots this one follows, by exact
		// user ID (added after the first release: none when absent).
		TrustedBots []string `yaml:"trusted_bots"`
		// ReconcileInterval is how often the bot reads the rooms with open
		// need cards for what the homeserver did not push (redactions).
		ReconcileInterval string `yaml:"reconcile_interval"`
		// TakeoverAfter is how long a command in a circle may go unanswered
		// by the circle's answering bot before another bot takes over.
		TakeoverAfter string `yaml:"takeover_after"`
		// UserID, Password and AccessToken are the account of mode: bot
		// (password or token), unused by an appservice.
		UserID      string `yaml:"user_id"`
		Password    string `yaml:"password"`
		AccessToken string `yaml:"access_token"`
	} `yaml:"bot"`
	Cycle struct {
		TimeZone     string `yaml:"time_zone"`
		RemindDays   *int   `yaml:"remind_days"`
		TickInterval string `yaml:"tick_interval"`
		// DeadlineWarning is how long before its deadline a red
		// collection's owner and givers are warned (default 24h).
		DeadlineWarning string `yaml:"deadline_warning"`
	} `yaml:"cycle"`
	Ledger struct {
		DefaultPledge string `yaml:"default_pledge"`
		DefaultLang   string `yaml:"default_lang"`
		InviteTTL     string `yaml:"invite_ttl"`
		CodeTTL       string `yaml:"code_ttl"`
		SOSLimit      int    `yaml:"sos_limit"`
		SOSWindow     string `yaml:"sos_window"`
		RemindEvery   string `yaml:"remind_interval"`
		// JournalOps and SnapshotEvery tune the mutual-aid book (added
		// later: optional): how many recent ops a late op is applied
		// among without a full replay, and how many ops past that the
		// book's snapshot may lag before a new one is written.
		JournalOps    *int `yaml:"journal_ops"`
		SnapshotEvery *int `yaml:"snapshot_every"`
	} `yaml:"ledger"`
	// Web is the web organizer and the HTTP API (added after the first
	// release: off when listen is empty).
	Web struct {
		Listen            string `yaml:"listen"`
		PublicURL         string `yaml:"public_url"`
		RequestsPerMinute int    `yaml:"requests_per_minute"`
		// FailedAuthLimit and FailedAuthWindow bound the failed
		// authentications of one client address (added later: optional).
		FailedAuthLimit  int    `yaml:"failed_auth_limit"`
		FailedAuthWindow string `yaml:"failed_auth_window"`
		// TrustedProxies are the reverse proxies (IPs or CIDRs) whose
		// X-Forwarded-For names the client address.
		TrustedProxies []string `yaml:"trusted_proxies"`
		// FrameOrigins are the origins of the Element clients allowed to
		// show the web organizer as a room widget (added later: none when
		// absent, and no site may frame the pages).
		FrameOrigins []string `yaml:"frame_origins"`
		// OpenIDServers are other homeservers, by server name, whose
		// members may sign in through the widget, each with the base URL
		// to ask (the bot's own homeserver always may).
		OpenIDServers map[string]string `yaml:"openid_servers"`
	} `yaml:"web"`
	Database struct {
		Type         string `yaml:"type"`
		URI          string `yaml:"uri"`
		MaxOpenConns int    `yaml:"max_open_conns"`
		MaxIdleConns int    `yaml:"max_idle_conns"`
	} `yaml:"database"`
	Logging struct {
		MinLevel string `yaml:"min_level"`
		Format   string `yaml:"format"`
	} `yaml:"logging"`
	// Encryption is the bot's end-to-end encryption (added after the
	// first release: off when pickle_key is empty).
	Encryption struct {
		// PickleKey encrypts the bot's olm keys and recovery key in the
		// database; the same for the life of the database.
		PickleKey string `yaml:"pickle_key"`
		// KeyRequestAfter is how long an encrypted event waits for its
		// room key before the bot asks the sender's devices for it (added
		// later: optional).
		KeyRequestAfter string `yaml:"key_request_after"`
	} `yaml:"encryption"`
	// Metrics is the opt-in Prometheus listener (metrics_config.go).
	Metrics MetricsConfig `yaml:"metrics"`

	// path is the file the config was loaded from.
	path string

	// Parsed values, filled by Validate.
	rules          ledger.Config
	otherBots      []*regexp.Regexp
	trusted        []id.UserID
	reconcile      time.Duration
	takeover       time.Duration
	tick           time.Duration
	keyRequest     time.Duration
	authWindow     time.Duration
	trustedProxies []netip.Prefix
}

// LoadConfig reads and validates a configuration file. A missing file is
// one line with the fix (`exodus -g` makes one); an unknown key, a value of
// the wrong type or out of range is one line naming its dotted key.
func LoadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no config file at %s; create one from the example with `exodus -g -c %s -r %s`",
			path, path, defaultRegistration(path))
	}
	if err != nil {
		return nil, fmt.Errorf("failed to read config: %w", err)
	}
	var cfg Config
	if err := decodeConfig(data, &cfg); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	cfg.path = path
	return &cfg, nil
}

// defaultRegistration is where the registration goes when -r is not given:
// registration.yaml beside the config file.
func defaultRegistration(cfgPath string) string {
	return filepath.Join(filepath.Dir(cfgPath), "registration.yaml")
}

// keyError names the key that is wrong and what is expected there.
func keyError(key, expected string, got any) error {
	return fmt.Errorf("%s: expected %s, got %q", key, expected, fmt.Sprint(got))
}

// Validate checks every value and fills in the parsed ones; the first
// problem found is returned, naming its key.
func (c *Config) Validate() error {
	checks := []func() error{c.validateHomeserver, c.validateMode, c.validateAppService, c.validateBot, c.validateLedger,
		c.validateCycle, c.validateWeb, c.validateDatabase, c.validateLogging,
		c.validateEncryption, c.validateMetrics} // metrics_config.go
	for _, check := range checks {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

func validURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// validListen reports whether addr is a host:port to listen on, the port
// a number from 1 to 65535 (not 0, which would pick a random one).
func validListen(addr string) bool {
	_, port, err := net.SplitHostPort(addr)
	p, perr := strconv.Atoi(port)
	return err == nil && perr == nil && p >= 1 && p <= 65535
}

func (c *Config) validateHomeserver() error {
	if !validURL(c.Homeserver.Address) {
		return keyError("homeserver.address", "an http(s) URL such as http://127.0.0.1:8008", c.Homeserver.Address)
	}
	if c.Homeserver.Domain == "" || strings.ContainsAny(c.Homeserver.Domain, " /@") {
		return keyError("homeserver.domain", "the homeserver's server_name, such as example.org", c.Homeserver.Domain)
	}
	return nil
}

// tokenExpected is what an appservice token must be.
const tokenExpected = `a random token of at least 16 characters (set it to "generate" and run exodus -g to make one)`

var localpartRe = regexp.MustCompile(`^[a-z0-9._=/+-]+$`)

func (c *Config) validateAppService() error {
	as := &c.AppService
	if c.botMode() {
		return nil // account.go: the account is in bot.*
	}
	switch {
	case !validURL(as.Address):
		return keyError("appservice.address", "the http(s) URL where the homeserver reaches the bot", as.Address)
	case as.Hostname == "":
		return keyError("appservice.hostname", "an address to listen on, such as 127.0.0.1 or 0.0.0.0", as.Hostname)
	case as.Port < 1 || as.Port > 65535:
		return keyError("appservice.port", "a TCP port from 1 to 65535", as.Port)
	case as.ID == "":
		return keyError("appservice.id", "a non-empty appservice ID", as.ID)
	case !localpartRe.MatchString(as.BotLocalpart):
		return keyError("appservice.bot_localpart", "a Matrix localpart (lower-case letters, digits, ._=/+-)", as.BotLocalpart)
	case len(as.ASToken) < 16 || as.ASToken == "generate":
		return keyError("appservice.as_token", tokenExpected, as.ASToken)
	case len(as.HSToken) < 16 || as.HSToken == "generate":
		return keyError("appservice.hs_token", tokenExpected, as.HSToken)
	}
	return nil
}

// pickleKeyExpected is what encryption.pickle_key must be.
const pickleKeyExpected = `a random key of at least 32 characters (set it to "generate" and run exodus -g to make one; ` +
	`never change it once the bot has run), or nothing for no encryption`

// validateEncryption checks the pickle key; without one the bot has no
// device and cannot read encrypted rooms, as before encryption existed.
func (c *Config) validateEncryption() error {
	k := c.Encryption.PickleKey
	if k != "" && (len(k) < 32 || k == "generate") {
		return keyError("encryption.pickle_key", pickleKeyExpected, k)
	}
	if c.Encryption.KeyRequestAfter == "" { // added later: optional
		c.Encryption.KeyRequestAfter = "1m"
	}
	v, err := time.ParseDuration(c.Encryption.KeyRequestAfter)
	if err != nil || v < 100*time.Millisecond || v > time.Hour {
		return keyError("encryption.key_request_after", "a duration from 100ms to 1h, such as 1m", c.Encryption.KeyRequestAfter)
	}
	c.keyRequest = v
	return nil
}

// encrypts reports whether the bot has an encryption device.
func (c *Config) encrypts() bool { return c.Encryption.PickleKey != "" }

func (c *Config) validateBot() error {
	if c.Bot.Prefix == "" || strings.ContainsAny(c.Bot.Prefix, " \t\n") || len(c.Bot.Prefix) > 16 {
		return keyError("bot.prefix", "1 to 16 characters without spaces, such as !ex", c.Bot.Prefix)
	}
	if c.Bot.CommandsPerMinute < 1 || c.Bot.CommandsPerMinute > 600 {
		return keyError("bot.commands_per_minute", "a number from 1 to 600", c.Bot.CommandsPerMinute)
	}
	if err := c.validateBotUsers(); err != nil {
		return err
	}
	if c.Bot.ReconcileInterval == "" { // added after the first release: optional
		c.Bot.ReconcileInterval = "30s"
	}
	v, err := time.ParseDuration(c.Bot.ReconcileInterval)
	if err != nil || v < 100*time.Millisecond || v > time.Hour {
		return keyError("bot.reconcile_interval", "a duration from 100ms to 1h, such as 30s", c.Bot.ReconcileInterval)
	}
	c.reconcile = v
	if c.Bot.TakeoverAfter == "" { // added after the first release: optional
		c.Bot.TakeoverAfter = "5m"
	}
	v, err = time.ParseDuration(c.Bot.TakeoverAfter)
	if err != nil || v < time.Second || v > 24*time.Hour {
		return keyError("bot.takeover_after", "a duration from 1s to 24h, such as 5m", c.Bot.TakeoverAfter)
	}
	c.takeover = v
	return nil
}

// validateBotUsers checks the other automated users (patterns) and the
// trusted Exodus bots (exact user IDs, never this bot itself).
func (c *Config) validateBotUsers() error {
	c.otherBots = nil
	for i, s := range c.Bot.OtherBots {
		re, err := regexp.Compile(s)
		if err != nil {
			return keyError(fmt.Sprintf("bot.other_bots[%d]", i), "a regular expression", s)
		}
		c.otherBots = append(c.otherBots, re)
	}
	c.trusted = nil
	self := c.botUserID()
	for i, s := range c.Bot.TrustedBots {
		u, err := ledger.ParseUserID(s)
		if err != nil || id.UserID(u) == self {
			return keyError(fmt.Sprintf("bot.trusted_bots[%d]", i), "the full user ID of another community's Exodus bot, such as @exodus:example.org", s)
		}
		c.trusted = append(c.trusted, id.UserID(u))
	}
	return nil
}

func (c *Config) validateLedger() error {
	l := &c.Ledger
	rules := ledger.DefaultConfig()
	pledge, err := ledger.ParseAmount(l.DefaultPledge, "EUR")
	if err != nil || !pledge.IsMoney() {
		return keyError("ledger.default_pledge", "an amount with a currency, such as 100 EUR", l.DefaultPledge) // money only: not hours or things
	}
	rules.DefaultPledge = pledge
	lang, ok := ledger.ParseLang(l.DefaultLang)
	if !ok {
		return keyError("ledger.default_lang", "en or ru", l.DefaultLang)
	}
	rules.DefaultLang = lang
	if l.RemindEvery == "" { // added after the first release: optional
		l.RemindEvery = "12h"
	}
	durations := []struct {
		key, val string
		into     *time.Duration
	}{{"ledger.invite_ttl", l.InviteTTL, &rules.InviteTTL}, {"ledger.code_ttl", l.CodeTTL, &rules.CodeTTL}, {"ledger.sos_window", l.SOSWindow, &rules.SOSWindow},
		{"ledger.remind_interval", l.RemindEvery, &rules.RemindInterval}}
	for _, d := range durations {
		v, err := time.ParseDuration(d.val)
		if err != nil || v < time.Minute || v > 365*24*time.Hour {
			return keyError(d.key, "a duration from 1m to 8760h, such as 168h", d.val)
		}
		*d.into = v
	}
	if l.SOSLimit < 1 || l.SOSLimit > 100 {
		return keyError("ledger.sos_limit", "a number from 1 to 100", l.SOSLimit)
	}
	rules.SOSLimit = l.SOSLimit
	if err := bookSizes(l.JournalOps, l.SnapshotEvery, &rules); err != nil {
		return err
	}
	if key := c.codeSecret(); key != "" {
		rules.CodeKey = []byte("exodus-codes:" + key) // secret and stable: codes survive a rebuild
	}
	c.rules = rules
	return nil
}

// bookSizes reads ledger.journal_ops and ledger.snapshot_every (optional:
// the ledger's defaults when missing).
func bookSizes(journal, every *int, rules *ledger.Config) error {
	sizes := []struct {
		key  string
		val  *int
		into *int
	}{{"ledger.journal_ops", journal, &rules.AidJournalOps}, {"ledger.snapshot_every", every, &rules.AidSnapshotEvery}}
	for _, n := range sizes {
		if n.val == nil {
			continue
		}
		if *n.val < 1 || *n.val > 10_000_000 {
			return keyError(n.key, "a number of ops from 1 to 10000000", *n.val)
		}
		*n.into = *n.val
	}
	return nil
}

// validateCycle reads the monthly cycle's settings; the section was added
// after the first release, so every key has a default.
func (c *Config) validateCycle() error {
	cy := &c.Cycle
	if cy.TimeZone == "" {
		cy.TimeZone = "UTC"
	}
	loc, err := time.LoadLocation(cy.TimeZone)
	if err != nil {
		return keyError("cycle.time_zone", "an IANA time zone, such as Europe/Berlin or UTC", cy.TimeZone)
	}
	days := 3
	if cy.RemindDays != nil {
		days = *cy.RemindDays
	}
	if days < 1 || days > 27 {
		return keyError("cycle.remind_days", "a number of days from 1 to 27", days)
	}
	if cy.TickInterval == "" {
		cy.TickInterval = "1m"
	}
	tick, err := time.ParseDuration(cy.TickInterval)
	if err != nil || tick < 100*time.Millisecond || tick > time.Hour {
		return keyError("cycle.tick_interval", "a duration from 100ms to 1h, such as 1m", cy.TickInterval)
	}
	if cy.DeadlineWarning == "" {
		cy.DeadlineWarning = "24h"
	}
	warn, err := time.ParseDuration(cy.DeadlineWarning)
	if err != nil || warn < time.Second || warn > 7*24*time.Hour {
		return keyError("cycle.deadline_warning", "a duration from 1s to 168h, such as 24h", cy.DeadlineWarning)
	}
	c.rules.Cycle = ledger.CycleConfig{Location: loc, RemindDays: days, WarnBefore: warn}
	c.tick = tick
	return nil
}

func (c *Config) validateDatabase() error {
	d := &c.Database
	if d.Type != "sqlite3-fk-wal" && d.Type != "postgres" {
		return keyError("database.type", "sqlite3-fk-wal or postgres", d.Type)
	}
	if d.URI == "" {
		return keyError("database.uri", "a database URI, such as file:exodus.db?_txlock=immediate", d.URI)
	}
	if d.MaxOpenConns < 1 {
		return keyError("database.max_open_conns", "a number of at least 1", d.MaxOpenConns)
	}
	if d.MaxIdleConns < 0 || d.MaxIdleConns > d.MaxOpenConns {
		return keyError("database.max_idle_conns", fmt.Sprintf("a number from 0 to max_open_conns (%d)", d.MaxOpenConns), d.MaxIdleConns)
	}
	return nil
}

func (c *Config) validateLogging() error {
	switch c.Logging.MinLevel {
	case "trace", "debug", "info", "warn", "error":
	default:
		return keyError("logging.min_level", "trace, debug, info, warn or error", c.Logging.MinLevel)
	}
	if c.Logging.Format != "pretty" && c.Logging.Format != "json" {
		return keyError("logging.format", "pretty or json", c.Logging.Format)
	}
	return nil
}

// validateWeb checks the web organizer's settings; without listen it is off.
func (c *Config) validateWeb() error {
	w := &c.Web
	if w.Listen == "" {
		return nil
	}
	if !validListen(w.Listen) {
		return keyError("web.listen", "a host:port to listen on, such as 127.0.0.1:8009", w.Listen)
	}
	if !validURL(w.PublicURL) {
		return keyError("web.public_url", "the http(s) URL members open, such as https://exodus.example.org", w.PublicURL)
	}
	if w.RequestsPerMinute == 0 {
		w.RequestsPerMinute = 120
	}
	if w.RequestsPerMinute < 1 || w.RequestsPerMinute > 10000 {
		return keyError("web.requests_per_minute", "a number from 1 to 10000", w.RequestsPerMinute)
	}
	return c.validateWebAuth()
}

// validateWebAuth checks the limit on failed authentications and the
// trusted proxies; every key has a default.
func (c *Config) validateWebAuth() error {
	w := &c.Web
	if w.FailedAuthLimit == 0 {
		w.FailedAuthLimit = 10
	}
	if w.FailedAuthLimit < 1 || w.FailedAuthLimit > 10000 {
		return keyError("web.failed_auth_limit", "a number from 1 to 10000", w.FailedAuthLimit)
	}
	if w.FailedAuthWindow == "" {
		w.FailedAuthWindow = "1m"
	}
	v, err := time.ParseDuration(w.FailedAuthWindow)
	if err != nil || v < time.Second || v > 24*time.Hour {
		return keyError("web.failed_auth_window", "a duration from 1s to 24h, such as 1m", w.FailedAuthWindow)
	}
	c.authWindow = v
	c.trustedProxies = nil
	for i, s := range w.TrustedProxies {
		p, err := parseProxy(s)
		if err != nil {
			return keyError(fmt.Sprintf("web.trusted_proxies[%d]", i), "an IP address or a CIDR block, such as 127.0.0.1 or 10.0.0.0/8", s)
		}
		c.trustedProxies = append(c.trustedProxies, p)
	}
	return c.validateWidget()
}

// validateWidget checks the origins allowed to frame the pages and the
// homeservers whose OpenID tokens sign members in through the widget.
func (c *Config) validateWidget() error {
	w := &c.Web
	for i, o := range w.FrameOrigins {
		if !validOrigin(o) {
			return keyError(fmt.Sprintf("web.frame_origins[%d]", i), "an origin (scheme://host[:port], no path), such as https://app.element.io", o)
		}
	}
	for name, base := range w.OpenIDServers {
		if _, err := ledger.ParseUserID("@x:" + name); err != nil || name != strings.ToLower(name) {
			return keyError("web.openid_servers", "server names in lower case, such as example.org", name)
		}
		if !validURL(base) {
			return keyError("web.openid_servers."+name, "the homeserver's http(s) base URL, such as https://matrix.example.org", base)
		}
	}
	return nil
}

// validOrigin reports whether s is an origin a client frames pages from:
// http(s) (Element Web) or vector (Element Desktop, vector://vector), a
// host, no path.
func validOrigin(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https" || u.Scheme == "vector") && u.Host != "" && u.User == nil &&
		u.Path == "" && u.RawQuery == "" && u.Fragment == "" && s == u.Scheme+"://"+u.Host
}

// openIDServers are the homeservers whose OpenID tokens the widget takes:
// the bot's own, at its configured address, and those listed.
func (c *Config) openIDServers() map[string]string {
	out := map[string]string{strings.ToLower(c.Homeserver.Domain): c.Homeserver.Address}
	for name, base := range c.Web.OpenIDServers {
		out[name] = base
	}
	return out
}

// parseProxy reads a trusted proxy: a block, or an address (a block of
// one).
func parseProxy(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		return p.Masked(), err
	}
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Prefix{}, fmt.Errorf("not an IP address: %q", s)
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}
