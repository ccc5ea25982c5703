package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/exodus-matrix/exodus/ledger"
)

// Health paths: on the appservice listener, and on the web listener when
// the web organizer is on.
const (
	healthPath    = "/_exodus/health"
	webHealthPath = "/health"
)

// dbPingEvery is how long a database ping answers the health checks: a
// hit within it reuses the last one.
const dbPingEvery = 5 * time.Second

// outboxLate is how long the oldest pending message may wait, while the
// bot runs, before the outbox check fails. The sender retries a failed
// send within 5 minutes at most, so a message still there after 10 has
// failed again and again: the homeserver refuses what the bot sends or
// does not answer. A message written before the start counts from the
// start: what a stopped bot left is delivered once it runs again.
const outboxLate = 10 * time.Minute

// healthEvery is how often the homeserver is asked again who the bot is.
const healthEvery = time.Minute

// check is one line of the health report. CheckedAt is null until the
// check was made once; Detail says why a failing check fails.
type check struct {
	OK        bool       `json:"ok"`
	Critical  bool       `json:"critical"`
	CheckedAt *time.Time `json:"checked_at"`
	Detail    string     `json:"detail,omitempty"`
}

// transactionsCheck tells when the homeserver last pushed a transaction
// (null: none since the start). It never fails: a quiet community is no
// fault.
type transactionsCheck struct {
	OK           bool       `json:"ok"`
	Critical     bool       `json:"critical"`
	LastReceived *time.Time `json:"last_received"`
}

// outboxCheck tells how much the bot has still to say: the messages
// pending in the outbox and the age of the oldest, in whole seconds (0
// when none). It fails when the oldest waits longer than outboxLate, or
// when the outbox cannot be read.
type outboxCheck struct {
	OK               bool   `json:"ok"`
	Critical         bool   `json:"critical"`
	Messages         int    `json:"messages"`
	OldestAgeSeconds int64  `json:"oldest_age_seconds"`
	Detail           string `json:"detail,omitempty"`
}

// webCheck tells whether the web organizer listens; it is critical when
// enabled.
type webCheck struct {
	OK       bool `json:"ok"`
	Critical bool `json:"critical"`
	Enabled  bool `json:"enabled"`
}

// healthReport is the JSON of GET /_exodus/health. Status is "ok" when
// every critical check passes, "failing" otherwise.
type healthReport struct {
	Status string       `json:"status"`
	Checks healthChecks `json:"checks"`
}

// healthChecks are the checks of a report, in a fixed order.
type healthChecks struct {
	Database            check             `json:"database"`
	HomeserverReachable check             `json:"homeserver_reachable"`
	ASTokenAccepted     check             `json:"as_token_accepted"`
	BotRegistered       check             `json:"bot_registered"`
	Transactions        transactionsCheck `json:"transactions"`
	Outbox              outboxCheck       `json:"outbox"`
	Web                 webCheck          `json:"web"`
	Encryption          encryptionCheck   `json:"encryption"`
}

// health keeps the results of the checks. The homeserver is never asked
// on a hit: its checks come from the start-up, the periodic probe and the
// answers to the bot's own requests (record). The database is pinged at
// most every dbPingEvery; the outbox is counted on each hit (one query).
type health struct {
	ping    func(context.Context) error
	lastTxn func() time.Time
	backlog func(context.Context) (ledger.OutboxBacklog, error)
	now     func() time.Time
	started time.Time // when the outbox's messages start to count late

	mu         sync.Mutex
	database   check
	reachable  check
	token      check
	registered check
	web        webCheck
	enc        *encryptionSource // nil: no encryption device (health_e2ee.go)
}

// newHealth returns the health of a bot whose database answers ping,
// whose intake tells lastTxn and whose outbox backlog counts; webEnabled
// says whether the web organizer must listen (setWebListening says it
// does).
func newHealth(ping func(context.Context) error, lastTxn func() time.Time,
	backlog func(context.Context) (ledger.OutboxBacklog, error), webEnabled bool, now func() time.Time) *health {
	unchecked := check{Critical: true, Detail: "not checked yet"}
	return &health{ping: ping, lastTxn: lastTxn, backlog: backlog, now: now, started: now(),
		database: unchecked, reachable: unchecked, token: unchecked, registered: unchecked,
		web: webCheck{OK: !webEnabled, Critical: webEnabled, Enabled: webEnabled}}
}

// setWebListening records that the web organizer listens.
func (h *health) setWebListening() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.web.OK = true
}

// record takes in what a probe of the homeserver learnt.
func (h *health) record(p probe) {
	h.mu.Lock()
	defer h.mu.Unlock()
	setCheck(&h.reachable, p.reachable, p.at, p.detail)
	setCheck(&h.token, p.tokenOK, p.at, p.detail)
	setCheck(&h.registered, p.registered, p.at, p.detail)
}

// setCheck sets c from a verdict, if there is one.
func setCheck(c *check, ok *bool, at time.Time, detail string) {
	if ok == nil {
		return
	}
	c.OK, c.CheckedAt, c.Detail = *ok, &at, ""
	if !*ok {
		c.Detail = detail
	}
}

// report pings the database if its last ping is older than dbPingEvery,
// counts the outbox, and returns every check.
func (h *health) report(ctx context.Context) healthReport {
	now := h.now()
	h.mu.Lock()
	stale := h.database.CheckedAt == nil || now.Sub(*h.database.CheckedAt) >= dbPingEvery
	h.mu.Unlock()
	if stale {
		ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		ok := h.ping(ctx) == nil
		cancel()
		h.mu.Lock()
		setCheck(&h.database, &ok, now, "the database does not answer")
		h.mu.Unlock()
	}
	outbox := h.outbox(ctx, now)
	enc := h.encryption(ctx, now)
	h.mu.Lock()
	defer h.mu.Unlock()
	r := healthReport{Status: "ok", Checks: healthChecks{Database: h.database, HomeserverReachable: h.reachable,
		ASTokenAccepted: h.token, BotRegistered: h.registered, Web: h.web, Transactions: transactionsCheck{OK: true},
		Outbox: outbox, Encryption: enc}}
	if last := h.lastTxn(); !last.IsZero() {
		r.Checks.Transactions.LastReceived = &last
	}
	for _, c := range []check{r.Checks.Database, r.Checks.HomeserverReachable, r.Checks.ASTokenAccepted, r.Checks.BotRegistered} {
		if c.Critical && !c.OK {
			r.Status = "failing"
		}
	}
	if (r.Checks.Outbox.Critical && !r.Checks.Outbox.OK) || (r.Checks.Web.Critical && !r.Checks.Web.OK) ||
		(r.Checks.Encryption.Critical && !r.Checks.Encryption.OK) {
		r.Status = "failing"
	}
	return r
}

// outbox counts the outbox backlog at now: late when its oldest message
// has waited longer than outboxLate since it was written and since the
// start.
func (h *health) outbox(ctx context.Context, now time.Time) outboxCheck {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	b, err := h.backlog(ctx)
	if err != nil {
		return outboxCheck{Critical: true, Detail: "the outbox cannot be read"}
	}
	c := outboxCheck{OK: true, Critical: true, Messages: b.Messages}
	if b.Messages == 0 || b.Oldest.IsZero() {
		return c
	}
	c.OldestAgeSeconds = int64(max(now.Sub(b.Oldest), 0) / time.Second)
	if now.Sub(later(b.Oldest, h.started)) > outboxLate {
		c.OK = false
		c.Detail = "a message has waited more than " + strconv.Itoa(int(outboxLate/time.Minute)) +
			" minutes to be sent: the homeserver refuses what the bot sends or does not answer"
	}
	return c
}

// later is the later of two times.
func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// ServeHTTP answers the report as JSON: 200 when every critical check
// passes, 503 otherwise.
func (h *health) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.serve(w, h.report(r.Context()))
}

// ServePublic answers the report without the details of failing checks
// (a network error names internal hosts): the web listener's mirror,
// which anyone may reach.
func (h *health) ServePublic(w http.ResponseWriter, r *http.Request) {
	rep := h.report(r.Context())
	for _, c := range []*check{&rep.Checks.Database, &rep.Checks.HomeserverReachable, &rep.Checks.ASTokenAccepted, &rep.Checks.BotRegistered} {
		c.Detail = ""
	}
	rep.Checks.Outbox.Detail = ""
	rep.Checks.Encryption.SyncError = ""
	h.serve(w, rep)
}

// serve writes a report.
func (h *health) serve(w http.ResponseWriter, rep healthReport) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if rep.Status != "ok" {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	_ = json.NewEncoder(w).Encode(rep)
}

// failing lists the critical checks that fail, with why.
func (r healthReport) failing() []string {
	var out []string
	named := []struct {
		name string
		c    check
	}{{"database", r.Checks.Database}, {"homeserver_reachable", r.Checks.HomeserverReachable},
		{"as_token_accepted", r.Checks.ASTokenAccepted}, {"bot_registered", r.Checks.BotRegistered}}
	for _, n := range named {
		if n.c.Critical && !n.c.OK {
			out = append(out, n.name+" ("+n.c.Detail+")")
		}
	}
	if r.Checks.Outbox.Critical && !r.Checks.Outbox.OK {
		out = append(out, "outbox ("+r.Checks.Outbox.Detail+")")
	}
	if r.Checks.Web.Critical && !r.Checks.Web.OK {
		out = append(out, "web (not listening)")
	}
	if r.Checks.Encryption.Critical && !r.Checks.Encryption.OK {
		out = append(out, "encryption ("+r.Checks.Encryption.Detail+")")
	}
	return out
}

// startup is what the start-up line names: the homeserver's address, the
// bot user, and the listeners' addresses ("" for one that is off).
type startup struct {
	homeserver, bot, web, metrics string // addresses; web and metrics "" when off
	// account is set in mode: bot: the token checked is the account's
	// login, not an as_token.
	account bool
}

// logStartup says, in one line, what was checked at start and the result
// of each: at info level when every critical check passed, warn
// otherwise.
func (h *health) logStartup(ctx context.Context, s startup) {
	rep := h.report(ctx)
	c := rep.Checks
	token, user := "as_token "+verdict(c.ASTokenAccepted, "accepted"), fmt.Sprintf("bot user %s %s", s.bot, verdict(c.BotRegistered, "registered"))
	if s.account {
		token, user = "login "+verdict(c.ASTokenAccepted, "accepted"), fmt.Sprintf("bot account %s %s (mode: bot)", s.bot, verdict(c.BotRegistered, "logged in"))
	}
	parts := []string{
		"database " + verdict(c.Database, "ok"),
		fmt.Sprintf("homeserver %s %s", s.homeserver, verdict(c.HomeserverReachable, "reachable")),
		token, user,
		"web organizer " + listening(s.web),
		"metrics " + listening(s.metrics),
		encryptionLine(c.Encryption),
	}
	evt := zerolog.Ctx(ctx).Info()
	if rep.Status != "ok" {
		evt = zerolog.Ctx(ctx).Warn()
	}
	evt.Str("health", rep.Status).Msg("Start-up checks: " + strings.Join(parts, "; "))
}

// verdict is a check's result in the start-up line.
func verdict(c check, ok string) string {
	if c.OK {
		return ok
	}
	return "FAILING (" + c.Detail + ")"
}

// listening is a listener's state in the start-up line.
func listening(addr string) string {
	if addr == "" {
		return "off"
	}
	return "listening on " + addr
}

// watch asks the homeserver again (ask) every `every` until ctx ends, and logs
// when the health changes (failing, or ok again).
func (h *health) watch(ctx context.Context, ask func(context.Context, time.Time) probe, every time.Duration) error {
	log := zerolog.Ctx(ctx)
	tick := time.NewTicker(every)
	defer tick.Stop()
	was := strings.Join(h.report(ctx).failing(), ", ")
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
		h.record(ask(ctx, h.now()))
		now := strings.Join(h.report(ctx).failing(), ", ")
		switch {
		case now == was:
		case now == "":
			log.Info().Msg("Health is ok again")
		default:
			log.Warn().Str("failing", now).Msg("Health is failing: " + now)
		}
		was = now
	}
}
