package bot_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/exodus-matrix/exodus/bot"
	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/ledger/access"
)

// put sends a transaction to the intake and returns the HTTP status.
func (h *harness) put(t testing.TB, token, txnID string, events ...json.RawMessage) int {
	mux := http.NewServeMux()
	h.intake.Register(mux)
	body, _ := json.Marshal(map[string]any{"events": events})
	req := httptest.NewRequest(http.MethodPut, "/_matrix/app/v1/transactions/"+txnID, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req.WithContext(h.ctx))
	return rec.Code
}

// drain handles everything recorded so far.
func (h *harness) drain(t testing.TB) {
	for {
		n, err := h.intake.Drain(h.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			deliver(h.bot) // what the bot said, sent as its sender would
			return
		}
	}
}

func TestRetriedTransactionIsHandledOnce(t *testing.T) {
	h := newHarness(t)
	evt := message("$m1", string(h.circle), "@alice:test", "!ex invite @bob:test")
	for i := 0; i < 3; i++ {
		if code := h.put(t, hsToken, "txn1", evt); code != http.StatusOK {
			t.Fatalf("status %d", code)
		}
	}
	if code := h.put(t, hsToken, "txn2", evt); code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	h.drain(t)
	if got := len(h.cli.messages()); got != 1 {
		t.Fatalf("bot sent %d messages, want 1 invitation card", got)
	}
	pending, err := h.store.Trust.PendingInvitations(h.ctx, h.circle, "@bob:test")
	if err != nil || len(pending) != 1 {
		t.Fatalf("pending invitations = %d (%v), want 1", len(pending), err)
	}
}

func TestWrongTokenIsRefusedAndNothingRecorded(t *testing.T) {
	h := newHarness(t)
	evt := message("$m1", string(h.circle), "@alice:test", "!ex invite @bob:test")
	for _, token := range []string{"nope", ""} {
		if code := h.put(t, token, "txn1", evt); code != http.StatusUnauthorized {
			t.Fatalf("token %q: status %d, want 401", token, code)
		}
	}
	h.drain(t)
	if got := len(h.cli.messages()); got != 0 {
		t.Fatalf("bot answered a refused transaction: %v", h.cli.messages())
	}
}

func TestBotsEventsNeverCount(t *testing.T) {
	h := newHarness(t)
	cases := []json.RawMessage{
		message("$own", string(h.circle), "@exodus:test", "!ex invite @bob:test"),
		message("$other", string(h.circle), "@telegram_123:test", "!ex invite @bob:test"),
	}
	h.put(t, hsToken, "txn", cases...)
	h.drain(t)
	if got := len(h.cli.messages()); got != 0 {
		t.Fatalf("bot acted on a bot's message: %v", h.cli.messages())
	}
	pending, _ := h.store.Trust.PendingInvitations(h.ctx, h.circle, "@bob:test")
	if len(pending) != 0 {
		t.Fatalf("a bot's command made %d invitations", len(pending))
	}
}

func TestCardsCarryMachineReadableContent(t *testing.T) {
	h := newHarness(t)
	h.put(t, hsToken, "txn", message("$m1", string(h.circle), "@alice:test", "!ex invite @bob:test"))
	h.drain(t)
	msgs := h.cli.messages()
	if len(msgs) != 1 {
		t.Fatalf("got %d messages", len(msgs))
	}
	c := msgs[0].Content
	ns, _ := c["org.exodus"].(map[string]any)
	data, _ := ns["data"].(map[string]any)
	if ns["type"] != "invitation" || data["invitee"] != "@bob:test" || data["pledge_minor"] != float64(10000) {
		t.Fatalf("namespace content = %v", ns)
	}
	if c["body"] == "" || c["formatted_body"] == "" || c["format"] != "org.matrix.custom.html" {
		t.Fatalf("card lacks a body or an HTML body: %v", c)
	}
	if inv, err := h.svc.Trust.InvitationByCard(h.ctx, ledger.EventID("$bot1")); err != nil || inv.Invitee != "@bob:test" {
		t.Fatalf("card not attached to the invitation: %v %v", inv, err)
	}
}

// TestRecordedEventsSurviveARestart records a transaction, then hands the
// same database to a new bot (as after a crash before handling): the event
// is handled once, by the new one.
func TestRecordedEventsSurviveARestart(t *testing.T) {
	h := newHarness(t)
	if code := h.put(t, hsToken, "txn", message("$m1", string(h.circle), "@alice:test", "!ex invite @bob:test")); code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	cli := &fakeClient{}
	restarted := hook(bot.New(bot.Config{UserID: "@exodus:test", Prefix: "!ex"}, cli, h.svc, access.New(h.store.Ledger(), h.svc), h.store), cli)
	intake := bot.NewIntake(h.store, hsToken, restarted, nil, ledger.SystemClock{}, nil)
	if n, err := intake.Drain(h.ctx); err != nil || n != 1 {
		t.Fatalf("drain after restart: %d, %v", n, err)
	}
	if n, _ := intake.Drain(h.ctx); n != 0 {
		t.Fatalf("event handled twice")
	}
	if len(cli.messages()) != 1 || len(h.cli.messages()) != 0 {
		t.Fatalf("restarted bot sent %d, old bot %d", len(cli.messages()), len(h.cli.messages()))
	}
}
