package bot_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/exodus-matrix/exodus/bot"
	"github.com/exodus-matrix/exodus/store"
)

// failingInbox is the store's inbox, whose MarkDone fails for one event
// (by Seq) while fail holds it.
type failingInbox struct {
	*store.Store
	fail atomic.Int64
}

func (f *failingInbox) MarkDone(ctx context.Context, seq int64, errText string) error {
	if seq == f.fail.Load() {
		return errors.New("disk full")
	}
	return f.Store.MarkDone(ctx, seq, errText)
}

// TestAFailedEventOfARunIsTakenBackAlone: plain events share a
// transaction; when the second of three fails to be marked done, the
// first stays handled (committed, answered once), the second and third
// stay pending, and the next Drain handles them, each answered once.
func TestAFailedEventOfARunIsTakenBackAlone(t *testing.T) {
	h := newHarness(t)
	for i, who := range []string{"@a:test", "@b:test", "@c:test"} {
		if code := h.put(t, hsToken, fmt.Sprint("t", i), message(fmt.Sprint("$p", i), string(h.circle), who, "!ex pool")); code != http.StatusOK {
			t.Fatalf("status %d", code)
		}
	}
	pending, err := h.store.Pending(h.ctx, 10)
	if err != nil || len(pending) != 3 {
		t.Fatalf("pending = %d, %v", len(pending), err)
	}
	inbox := &failingInbox{Store: h.store}
	inbox.fail.Store(pending[1].Seq)
	intake := bot.NewIntake(inbox, hsToken, h.bot, nil, h.clock, nil)
	if _, err := intake.Drain(h.ctx); err == nil {
		t.Fatal("Drain did not report the failed event")
	}
	if n, err := h.store.CountPending(h.ctx); err != nil || n != 2 {
		t.Fatalf("pending after the failure = %d (%v), want the failed event and the one after it", n, err)
	}
	if got := len(h.cli.messages()); got != 1 {
		t.Fatalf("answers after the failure = %d, want the first event's", got)
	}
	inbox.fail.Store(0)
	if n, err := intake.Drain(h.ctx); err != nil || n != 2 {
		t.Fatalf("Drain after the failure = %d, %v, want the two left", n, err)
	}
	if n, _ := intake.Drain(h.ctx); n != 0 {
		t.Fatalf("events handled again: %d", n)
	}
	if got := len(h.cli.messages()); got != 3 {
		t.Fatalf("answers = %d, want one per event", got)
	}
}

// TestARunOfEventsIsOneTransaction: the plain events a Drain finds share
// one transaction (counted by the counting driver), and each is answered.
func TestARunOfEventsIsOneTransaction(t *testing.T) {
	h := newHarnessOn(t, useCountingDriver())
	events := make([]json.RawMessage, 20)
	for i := range events {
		events[i] = message(fmt.Sprint("$r", i), string(h.circle), fmt.Sprintf("@m%d:test", i), "!ex pool")
	}
	if code := h.put(t, hsToken, "t", events...); code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	_, _, before := sqlCounts.snapshot()
	drainDurable(t, h)
	if _, _, after := sqlCounts.snapshot(); after-before != 1 {
		t.Fatalf("%d transactions for a run of %d events, want 1", after-before, len(events))
	}
	if got := len(h.cli.messages()); got != len(events) {
		t.Fatalf("answers = %d, want %d", got, len(events))
	}
}
