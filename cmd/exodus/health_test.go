package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/store"
)

// testHealth is a health whose clock, database, intake and outbox the
// test sets (an empty outbox unless backlog is set).
type testHealth struct {
	*health
	now     time.Time
	pingErr error
	pings   int
	lastTxn time.Time
	backlog func(context.Context) (ledger.OutboxBacklog, error)
}

func newTestHealth(webEnabled bool) *testHealth {
	th := &testHealth{now: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)}
	th.health = newHealth(func(context.Context) error { th.pings++; return th.pingErr },
		func() time.Time { return th.lastTxn },
		func(ctx context.Context) (ledger.OutboxBacklog, error) {
			if th.backlog == nil {
				return ledger.OutboxBacklog{}, nil
			}
			return th.backlog(ctx)
		}, webEnabled, func() time.Time { return th.now })
	return th
}

// openTestStore opens a new migrated SQLite store in a temporary directory.
func openTestStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(quietCtx(), store.Config{URI: "file:" + filepath.Join(t.TempDir(), "exodus.db") + "?_txlock=immediate"},
		zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// putOutbox writes a message to the outbox as the bot does, written at at.
func putOutbox(t *testing.T, st *store.Store, at time.Time) {
	t.Helper()
	err := st.PutOutbox(quietCtx(), ledger.OutboxMessage{Room: "!r:x", EventType: "m.room.message", Content: []byte(`{}`),
		CreatedAt: at})
	if err != nil {
		t.Fatal(err)
	}
}

// get answers GET /_exodus/health: the status and the JSON, as a map and
// as a report.
func (th *testHealth) get(t *testing.T) (int, map[string]any, healthReport) {
	t.Helper()
	rec := httptest.NewRecorder()
	th.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, healthPath, nil))
	var raw map[string]any
	var rep healthReport
	if err := json.Unmarshal(rec.Body.Bytes(), &raw); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("content type %q", ct)
	}
	return rec.Code, raw, rep
}

func allYes(at time.Time) probe {
	return probe{at: at, reachable: yes(), tokenOK: yes(), registered: yes()}
}

// Before the homeserver was checked the bot is not healthy; after, every
// check is there, with when it was made.
func TestHealthReport(t *testing.T) {
	th := newTestHealth(true)
	code, _, rep := th.get(t)
	if code != http.StatusServiceUnavailable || rep.Status != "failing" || rep.Checks.HomeserverReachable.Detail != "not checked yet" {
		t.Fatalf("before any check: %d %+v", code, rep)
	}
	th.record(allYes(th.now))
	th.setWebListening()
	code, raw, rep := th.get(t)
	if code != http.StatusOK || rep.Status != "ok" {
		t.Fatalf("all checks passed: %d %+v", code, rep)
	}
	checks, _ := raw["checks"].(map[string]any)
	for _, name := range []string{"database", "homeserver_reachable", "as_token_accepted", "bot_registered", "transactions", "outbox", "web"} {
		c, ok := checks[name].(map[string]any)
		if !ok || c["ok"] != true {
			t.Errorf("%s: %v", name, checks[name])
		}
	}
	if tx := checks["transactions"].(map[string]any); tx["last_received"] != nil || tx["critical"] != false {
		t.Errorf("transactions before any: %v", tx)
	}
	if db := checks["database"].(map[string]any); db["checked_at"] != "2026-05-01T12:00:00Z" || db["critical"] != true {
		t.Errorf("database: %v", db)
	}
	th.lastTxn = th.now.Add(-time.Minute)
	if _, _, rep := th.get(t); rep.Checks.Transactions.LastReceived == nil || !rep.Checks.Transactions.LastReceived.Equal(th.lastTxn) {
		t.Errorf("last transaction: %+v", rep.Checks.Transactions)
	}
}

// A critical check failing makes the answer 503 and says why; a probe
// that learnt nothing of a check leaves it as it was.
func TestHealthFailing(t *testing.T) {
	th := newTestHealth(false)
	th.record(allYes(th.now))
	th.record(probe{at: th.now, reachable: yes(), tokenOK: no(), detail: "M_UNKNOWN_TOKEN"})
	code, _, rep := th.get(t)
	if code != http.StatusServiceUnavailable || rep.Checks.ASTokenAccepted.OK || rep.Checks.ASTokenAccepted.Detail != "M_UNKNOWN_TOKEN" ||
		!rep.Checks.BotRegistered.OK || !rep.Checks.Web.OK || rep.Checks.Web.Enabled {
		t.Fatalf("token refused: %d %+v", code, rep)
	}
	if got := strings.Join(rep.failing(), ", "); got != "as_token_accepted (M_UNKNOWN_TOKEN)" {
		t.Fatalf("failing: %s", got)
	}
	th.record(allYes(th.now))
	th.now = th.now.Add(dbPingEvery)
	th.pingErr = errors.New("closed")
	if code, _, rep := th.get(t); code != http.StatusServiceUnavailable || rep.Checks.Database.OK {
		t.Fatalf("database down: %d %+v", code, rep)
	}
}

// The web organizer, when enabled, must listen.
func TestHealthWeb(t *testing.T) {
	th := newTestHealth(true)
	th.record(allYes(th.now))
	if code, _, rep := th.get(t); code != http.StatusServiceUnavailable || rep.Checks.Web.OK || !rep.Checks.Web.Critical {
		t.Fatalf("web not listening: %d %+v", code, rep.Checks.Web)
	}
}

// The database is pinged at most every dbPingEvery, however many hits.
func TestHealthPingsTheDatabaseSparingly(t *testing.T) {
	th := newTestHealth(false)
	for range 5 {
		th.get(t)
	}
	if th.pings != 1 {
		t.Fatalf("%d pings for 5 hits at once", th.pings)
	}
	th.now = th.now.Add(dbPingEvery)
	th.get(t)
	if th.pings != 2 {
		t.Fatalf("%d pings after %s", th.pings, dbPingEvery)
	}
}

// The web listener's mirror, which anyone may reach, says which check
// fails but not why: a network error names internal hosts.
func TestPublicHealthHidesDetails(t *testing.T) {
	th := newTestHealth(false)
	th.record(probe{at: th.now, reachable: no(), detail: "dial: lookup matrix.internal on 10.0.0.2:53: no such host"})
	private := httptest.NewRecorder()
	th.ServeHTTP(private, httptest.NewRequest(http.MethodGet, healthPath, nil))
	public := httptest.NewRecorder()
	th.ServePublic(public, httptest.NewRequest(http.MethodGet, webHealthPath, nil))
	if !strings.Contains(private.Body.String(), "matrix.internal") {
		t.Fatalf("the operator's health lost the detail: %s", private.Body)
	}
	if strings.Contains(public.Body.String(), "matrix.internal") || public.Code != http.StatusServiceUnavailable ||
		!strings.Contains(public.Body.String(), `"homeserver_reachable":{"ok":false`) {
		t.Fatalf("public health %d: %s", public.Code, public.Body)
	}
}

// The outbox check counts the messages pending and the age of the oldest,
// read from the store on each hit; it fails once the oldest has waited
// more than outboxLate while the bot runs.
func TestHealthOutbox(t *testing.T) {
	st := openTestStore(t)
	th := newTestHealth(false)
	th.backlog = st.OutboxBacklog
	th.record(allYes(th.now))
	_, raw, _ := th.get(t)
	if ob := raw["checks"].(map[string]any)["outbox"]; fmt.Sprint(ob) != "map[critical:true messages:0 ok:true oldest_age_seconds:0]" {
		t.Fatalf("empty outbox: %v", ob)
	}
	start := th.now
	putOutbox(t, st, start.Add(-90*time.Second)) // left from before the start
	putOutbox(t, st, start.Add(-10*time.Second))
	code, _, rep := th.get(t)
	if ob := rep.Checks.Outbox; code != http.StatusOK || !ob.OK || ob.Messages != 2 || ob.OldestAgeSeconds != 90 || ob.Detail != "" {
		t.Fatalf("two pending: %d %+v", code, ob)
	}
	th.now = start.Add(outboxLate) // the oldest is older, but not late for as long while the bot runs
	if code, _, rep := th.get(t); code != http.StatusOK || !rep.Checks.Outbox.OK {
		t.Fatalf("at the limit: %d %+v", code, rep.Checks.Outbox)
	}
	th.now = start.Add(outboxLate + time.Second)
	code, _, rep = th.get(t)
	if ob := rep.Checks.Outbox; code != http.StatusServiceUnavailable || rep.Status != "failing" || ob.OK ||
		ob.OldestAgeSeconds != int64((outboxLate+91*time.Second)/time.Second) || !strings.Contains(ob.Detail, "10 minutes") {
		t.Fatalf("late: %d %+v", code, ob)
	}
	if got := strings.Join(rep.failing(), ", "); !strings.HasPrefix(got, "outbox (a message has waited more than 10 minutes") {
		t.Fatalf("failing: %s", got)
	}
	public := httptest.NewRecorder()
	th.ServePublic(public, httptest.NewRequest(http.MethodGet, webHealthPath, nil))
	if public.Code != http.StatusServiceUnavailable || strings.Contains(public.Body.String(), "10 minutes") ||
		!strings.Contains(public.Body.String(), `"outbox":{"ok":false`) {
		t.Fatalf("public health %d: %s", public.Code, public.Body)
	}
}

// A message written while the bot runs is late outboxLate after it was
// written; an outbox that cannot be read fails the check.
func TestHealthOutboxLateAndUnreadable(t *testing.T) {
	st := openTestStore(t)
	th := newTestHealth(false)
	th.backlog = st.OutboxBacklog
	th.record(allYes(th.now))
	th.now = th.now.Add(time.Hour)
	putOutbox(t, st, th.now.Add(-outboxLate-time.Second))
	if code, _, rep := th.get(t); code != http.StatusServiceUnavailable || rep.Checks.Outbox.OK ||
		rep.Checks.Outbox.Messages != 1 || rep.Checks.Outbox.OldestAgeSeconds != 601 {
		t.Fatalf("late: %d %+v", code, rep.Checks.Outbox)
	}
	th.backlog = func(context.Context) (ledger.OutboxBacklog, error) {
		return ledger.OutboxBacklog{}, errors.New("closed")
	}
	if code, _, rep := th.get(t); code != http.StatusServiceUnavailable || rep.Checks.Outbox.OK ||
		rep.Checks.Outbox.Detail != "the outbox cannot be read" {
		t.Fatalf("unreadable: %d %+v", code, rep.Checks.Outbox)
	}
}
