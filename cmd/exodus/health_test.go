package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// testHealth is a health whose clock, database and intake the test sets.
type testHealth struct {
	*health
	now     time.Time
	pingErr error
	pings   int
	lastTxn time.Time
}

func newTestHealth(webEnabled bool) *testHealth {
	th := &testHealth{now: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)}
	th.health = newHealth(func(context.Context) error { th.pings++; return th.pingErr },
		func() time.Time { return th.lastTxn }, webEnabled, func() time.Time { return th.now })
	return th
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
	for _, name := range []string{"database", "homeserver_reachable", "as_token_accepted", "bot_registered", "transactions", "web"} {
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
