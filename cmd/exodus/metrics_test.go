package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

// homeserverSink answers every client-server request as done (with a
// fresh event ID), but the profile's, which it forbids.
func homeserverSink() http.Handler {
	var n atomic.Int64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.Contains(r.URL.Path, "/profile/") {
			w.WriteHeader(http.StatusForbidden)
			_, _ = io.WriteString(w, `{"errcode":"M_FORBIDDEN","error":"no"}`)
			return
		}
		if strings.HasSuffix(r.URL.Path, "/join") { // the bot joins a room before it sends there
			_ = json.NewEncoder(w).Encode(map[string]any{"room_id": "!circle:localhost"})
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"event_id": "$sent" + strings.Repeat("x", int(n.Add(1)))})
	})
}

// rawEvent is an event as the homeserver pushes it.
func rawEvent(evtID, typ, room, sender string, content map[string]any) json.RawMessage {
	raw, _ := json.Marshal(map[string]any{"event_id": evtID, "room_id": room, "sender": sender, "type": typ,
		"origin_server_ts": 1_790_000_000_000, "content": content})
	return raw
}

// scrape reads the metrics as Prometheus does.
func scrape(t *testing.T, m *promMetrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("scrape: %d %s", rec.Code, rec.Body)
	}
	return rec.Body.String()
}

// Events pushed through the intake and handled by the bot show in the
// scraped metrics: received and handled by type, the ops with their
// result, the backlog, the latencies, and the homeserver's refusals.
func TestMetricsScrape(t *testing.T) {
	hs := httptest.NewServer(homeserverSink())
	defer hs.Close()
	w, m, cfg := wireTo(t, hs.URL, true)
	observeHomeserver(w.as.HTTPClient, m.homeserverAnswer)
	ctx := quietCtx()
	circle := ledger.CircleID("!circle:localhost")
	if _, err := w.svc.Circles.Create(ctx, ledger.Action{Event: "$create", Actor: "@owner:localhost", At: w.svc.Now()},
		ledger.CircleSpec{ID: circle, Name: "Test"}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []ledger.UserID{"@alice:localhost", "@bob:localhost"} {
		if err := w.svc.Circles.SetMembership(ctx, circle, u, true); err != nil {
			t.Fatal(err)
		}
	}
	text := func(body string) map[string]any { return map[string]any{"msgtype": "m.text", "body": body} }
	put(t, w, cfg.AppService.HSToken, "txn1",
		rawEvent("$m1", "m.room.message", string(circle), "@alice:localhost", text("!ex status orange 300")),
		rawEvent("$x1", "com.example.anything", string(circle), "@alice:localhost", map[string]any{}))
	put(t, w, cfg.AppService.HSToken, "txn2", rawEvent("$m2", "m.room.message", string(circle), "@bob:localhost", text("!ex got")))
	if got := scrape(t, m); !strings.Contains(got, "exodus_inbox_pending 3\n") {
		t.Fatalf("backlog before handling:\n%s", got)
	}
	for {
		n, err := w.intake.Drain(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
	}
	if err := w.intent.SetDisplayName(ctx, "Exodus"); err == nil {
		t.Fatal("the sink let the bot set its name")
	}
	if _, err := w.bot.Sender().Flush(ctx); err != nil { // the answers, the card
		t.Fatal(err)
	}
	got := scrape(t, m)
	for _, want := range []string{
		`exodus_events_received_total{type="m.room.message"} 2`,
		`exodus_events_received_total{type="other"} 1`,
		`exodus_events_handled_total{type="m.room.message"} 2`,
		`exodus_events_handled_total{type="other"} 1`,
		`exodus_ledger_ops_total{kind="status",result="applied"} 1`,
		`exodus_ledger_ops_total{kind="got",result="refused"} 1`,
		`exodus_inbox_pending 0`,
		`exodus_event_answer_seconds_count 3`,
		`exodus_event_handle_seconds_count 3`,
		`exodus_homeserver_errors_total{kind="M_FORBIDDEN"} 1`,
		`exodus_outbox_sends_total{result="accepted"} 3`,
		`exodus_outbox_delivery_seconds_count 3`,
		`exodus_outbox_pending 0`,
	} {
		if !strings.Contains(got, want+"\n") {
			t.Errorf("no %s in:\n%s", want, grepExodus(got))
		}
	}
	if strings.Contains(got, "exodus_handler_failures_total{") {
		t.Errorf("a handler failed:\n%s", grepExodus(got))
	}
}

// put sends a transaction to the intake as the homeserver does.
func put(t *testing.T, w *parts, token, txnID string, events ...json.RawMessage) {
	t.Helper()
	mux := http.NewServeMux()
	w.intake.Register(mux)
	body, _ := json.Marshal(map[string]any{"events": events})
	req := httptest.NewRequest(http.MethodPut, "/_matrix/app/v1/transactions/"+txnID, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req.WithContext(quietCtx()))
	if rec.Code != http.StatusOK {
		t.Fatalf("transaction %s: %d %s", txnID, rec.Code, rec.Body)
	}
}

// grepExodus keeps the lines of the exodus metrics.
func grepExodus(text string) string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "exodus_") {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}

// The outbox gauges count what the store holds on each scrape: the
// messages pending, and the age of the oldest (0 when none).
func TestMetricsOutbox(t *testing.T) {
	st := openTestStore(t)
	m := newPromMetrics(st.CountPending, st.OutboxBacklog)
	got := scrape(t, m)
	for _, want := range []string{"exodus_outbox_pending 0\n", "exodus_outbox_oldest_age_seconds 0\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("no %s in:\n%s", want, grepExodus(got))
		}
	}
	putOutbox(t, st, time.Now().Add(-2*time.Minute))
	putOutbox(t, st, time.Now().Add(-time.Minute))
	got = scrape(t, m)
	if !strings.Contains(got, "exodus_outbox_pending 2\n") {
		t.Errorf("two pending:\n%s", grepExodus(got))
	}
	if age := gauge(t, got, "exodus_outbox_oldest_age_seconds"); age < 120 || age > 130 {
		t.Errorf("oldest age %v, want about 120:\n%s", age, grepExodus(got))
	}
}

// gauge is the value of an unlabelled metric in a scrape.
func gauge(t *testing.T, text, name string) float64 {
	t.Helper()
	for _, line := range strings.Split(text, "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
	}
	t.Fatalf("no %s in:\n%s", name, grepExodus(text))
	return 0
}
