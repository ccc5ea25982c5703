package bot_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/bot"
	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/store"
)

// failingInbox is the store's inbox, whose marks fail for one event (by
// Seq) while fail holds it; with onlyFailures, only a mark that records a
// failure fails.
type failingInbox struct {
	*store.Store
	fail         atomic.Int64
	onlyFailures bool
}

func (f *failingInbox) MarkDone(ctx context.Context, seq int64, errText string) error {
	if seq == f.fail.Load() && (errText != "" || !f.onlyFailures) {
		return errors.New("disk full")
	}
	return f.Store.MarkDone(ctx, seq, errText)
}

func (f *failingInbox) MarkAllDone(ctx context.Context, seqs []int64) error {
	if slices.Contains(seqs, f.fail.Load()) && !f.onlyFailures {
		return errors.New("disk full")
	}
	return f.Store.MarkAllDone(ctx, seqs)
}

// TestARunIsTakenBackWhenItsMarkFails: plain events share a transaction
// and are marked done together at its end; when that mark fails, the
// whole run is taken back (nothing answered, every event pending), and the
// next Drain handles each event once, each answered once.
func TestARunIsTakenBackWhenItsMarkFails(t *testing.T) {
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
		t.Fatal("Drain did not report the failed mark")
	}
	if n, err := h.store.CountPending(h.ctx); err != nil || n != 3 || len(h.cli.messages()) != 0 {
		t.Fatalf("pending after the failure = %d (%v), answers %d; want the run taken back", n, err, len(h.cli.messages()))
	}
	inbox.fail.Store(0)
	if n, err := intake.Drain(h.ctx); err != nil || n != 3 {
		t.Fatalf("Drain after the failure = %d, %v, want 3", n, err)
	}
	if n, _ := intake.Drain(h.ctx); n != 0 {
		t.Fatalf("events handled again: %d", n)
	}
	if got := len(h.cli.messages()); got != 3 {
		t.Fatalf("answers = %d, want one per event", got)
	}
}

// TestARunIsMarkedDoneInFewStatements: the 20 events of a run are marked
// done by two UPDATEs (16 and 4 events), not one per event, and none is
// left pending.
func TestARunIsMarkedDoneInFewStatements(t *testing.T) {
	h := newHarnessOn(t, useCountingDriver())
	events := putPoolRun(t, h, "$d", 20)
	counts, runs := drainCounting(t, h, "UPDATE inbox SET done_at")
	wantChunked(t, "marked the run done", counts[0], runs, len(events))
	if n, err := h.store.CountPending(h.ctx); err != nil || n != 0 {
		t.Fatalf("pending = %d, %v", n, err)
	}
}

// TestARunOfEventsIsOneTransaction: the plain events a Drain finds share
// one transaction (counted by the counting driver), and each is answered.
func TestARunOfEventsIsOneTransaction(t *testing.T) {
	h := newHarnessOn(t, useCountingDriver())
	bot.SetRunHold(h.intake, time.Hour) // a busy machine must not split the run
	events := putPoolRun(t, h, "$r", 20)
	_, _, before := sqlCounts.snapshot()
	drainDurable(t, h)
	if _, _, after := sqlCounts.snapshot(); after-before != 1 {
		t.Fatalf("%d transactions for a run of %d events, want 1", after-before, len(events))
	}
	if got := len(h.cli.messages()); got != len(events) {
		t.Fatalf("answers = %d, want %d", got, len(events))
	}
}

// TestARunIsTakenBackWhenAFailureCannotBeRecorded: each event of a run is
// marked done before it is handled; when an event fails (it does not
// parse) and its failure cannot be recorded, the whole run is taken back
// (nothing answered, everything pending), and the next Drain handles each
// event once.
func TestARunIsTakenBackWhenAFailureCannotBeRecorded(t *testing.T) {
	h := newHarness(t)
	events := []json.RawMessage{message("$q0", string(h.circle), "@a:test", "!ex pool"),
		json.RawMessage(`{"event_id":"$q1","room_id":"` + string(h.circle) + `","type":"m.room.message","content":7}`),
		message("$q2", string(h.circle), "@c:test", "!ex pool")}
	if code := h.put(t, hsToken, "t", events...); code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	pending, err := h.store.Pending(h.ctx, 10)
	if err != nil || len(pending) != 3 {
		t.Fatalf("pending = %d, %v", len(pending), err)
	}
	inbox := &failingInbox{Store: h.store, onlyFailures: true}
	inbox.fail.Store(pending[1].Seq)
	intake := bot.NewIntake(inbox, hsToken, h.bot, nil, h.clock, nil)
	if _, err := intake.Drain(h.ctx); err == nil {
		t.Fatal("Drain did not report the failure it could not record")
	}
	if n, err := h.store.CountPending(h.ctx); err != nil || n != 3 || len(h.cli.messages()) != 0 {
		t.Fatalf("pending = %d (%v), answers %d; want the run taken back", n, err, len(h.cli.messages()))
	}
	inbox.fail.Store(0)
	if n, err := intake.Drain(h.ctx); err != nil || n != 3 {
		t.Fatalf("Drain after the failure = %d, %v, want 3", n, err)
	}
	if got := len(h.cli.messages()); got != 2 {
		t.Fatalf("answers = %d, want one per command", got)
	}
}

// TestEventsParsedAtThePutAreHandledOnceWhenTheirRunIsTakenBack: the
// events a PUT parsed are handed to the worker; when their run is taken
// back, the next Drain parses them again from the inbox's rows and handles
// each once, each answered once; the transaction sent again changes nothing.
func TestEventsParsedAtThePutAreHandledOnceWhenTheirRunIsTakenBack(t *testing.T) {
	h := newHarness(t)
	inbox := &failingInbox{Store: h.store}
	h.intake = bot.NewIntake(inbox, hsToken, h.bot, nil, h.clock, nil)
	var events []json.RawMessage
	for i, who := range []string{"@a:test", "@b:test", "@c:test"} {
		events = append(events, message(fmt.Sprint("$q", i), string(h.circle), who, "!ex pool"))
	}
	if code := h.put(t, hsToken, "t1", events...); code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	pending, err := h.store.Pending(h.ctx, 10)
	if err != nil || len(pending) != 3 {
		t.Fatalf("pending = %d, %v", len(pending), err)
	}
	inbox.fail.Store(pending[2].Seq)
	if _, err := h.intake.Drain(h.ctx); err == nil {
		t.Fatal("Drain did not report the failed mark")
	}
	if n, err := h.store.CountPending(h.ctx); err != nil || n != 3 || len(h.cli.messages()) != 0 {
		t.Fatalf("pending after the failure = %d (%v), answers %d; want the run taken back", n, err, len(h.cli.messages()))
	}
	inbox.fail.Store(0)
	if n, err := h.intake.Drain(h.ctx); err != nil || n != 3 {
		t.Fatalf("Drain after the failure = %d, %v, want 3", n, err)
	}
	if code := h.put(t, hsToken, "t1", events...); code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	if n, _ := h.intake.Drain(h.ctx); n != 0 {
		t.Fatalf("events handled again: %d", n)
	}
	if got := len(h.cli.messages()); got != 3 {
		t.Fatalf("answers = %d, want one per event", got)
	}
}

// TestARunsAppliedMarksAreWrittenTogether: the ledger's applied marks of a
// run's 20 events are written by two INSERTs (16 and 4 events) before its
// commit, not one per event, and each is then in the table: applying one
// of the events again is a duplicate.
func TestARunsAppliedMarksAreWrittenTogether(t *testing.T) {
	h := newHarnessOn(t, useCountingDriver())
	events := putPoolRun(t, h, "$m", 20)
	counts, runs := drainCounting(t, h, "INSERT INTO applied_events")
	wantChunked(t, "marked the run's events applied", counts[0], runs, len(events))
	if got := len(h.cli.messages()); got != len(events) {
		t.Fatalf("answers = %d, want %d", got, len(events))
	}
	for i := range events {
		fresh, err := h.store.MarkApplied(h.ctx, ledger.EventID(fmt.Sprint("$m", i)), h.clock.Now())
		if err != nil || fresh {
			t.Fatalf("$m%d applied again: fresh %v, %v", i, fresh, err)
		}
	}
}

// TestAnEventAppliedBeforeItsRunIsADuplicate: an event another path
// applied first (a catch-up, say) is found applied by the run's look-up:
// it changes nothing and gets no answer, while the run's other event is
// handled and answered.
func TestAnEventAppliedBeforeItsRunIsADuplicate(t *testing.T) {
	h := newHarness(t)
	if _, err := h.svc.Trust.Pool(h.ctx, ledger.Action{Event: "$x0", Actor: "@a:test", At: h.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	before, err := h.store.Members.GetMember(h.ctx, "@a:test")
	if err != nil {
		t.Fatal(err)
	}
	events := []json.RawMessage{message("$x0", string(h.circle), "@a:test", "!ex pool"),
		message("$x1", string(h.circle), "@b:test", "!ex pool")}
	if code := h.put(t, hsToken, "t", events...); code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	if n, err := h.intake.Drain(h.ctx); err != nil || n != 2 {
		t.Fatalf("Drain = %d, %v, want 2", n, err)
	}
	if got := len(h.cli.messages()); got != 1 {
		t.Fatalf("answers = %d, want 1 (the event applied before gets none)", got)
	}
	after, err := h.store.Members.GetMember(h.ctx, "@a:test")
	if err != nil || !after.PoolSeenAt.Equal(before.PoolSeenAt) {
		t.Fatalf("the pool seen by @a moved from %v to %v (%v)", before.PoolSeenAt, after.PoolSeenAt, err)
	}
	if n, err := h.store.CountPending(h.ctx); err != nil || n != 0 {
		t.Fatalf("pending = %d, %v", n, err)
	}
}

// TestPoolCommandsOfARunOpenNoSavepoint: `pool` writes only the member's
// record, last, and its applied mark is held for the run's commit, so its
// service opens no savepoint in the run (ApplyWritingLast); each command is
// answered and its pool remembered.
func TestPoolCommandsOfARunOpenNoSavepoint(t *testing.T) {
	h := newHarnessOn(t, useCountingDriver())
	events := putPoolRun(t, h, "$s", 5)
	stop := sqlCounts.record()
	drainDurable(t, h)
	for q, n := range stop() {
		if strings.Contains(q, "SAVEPOINT") {
			t.Errorf("%d× %s", n, q)
		}
	}
	if got := len(h.cli.messages()); got != len(events) {
		t.Fatalf("answers = %d, want %d", got, len(events))
	}
	for i := range events {
		m, err := h.store.Members.GetMember(h.ctx, ledger.UserID(fmt.Sprintf("@m%d:test", i)))
		if err != nil || m.PoolSeenAt.IsZero() {
			t.Fatalf("@m%d's pool not remembered: %+v, %v", i, m, err)
		}
	}
}

// TestARunsAnswersAreWrittenTogether: the answers of a run's 20 events
// are held in its transaction and written to the outbox by two INSERTs
// (16 and 4), not one per event; each is sent, in the order of the
// commands.
func TestARunsAnswersAreWrittenTogether(t *testing.T) {
	h := newHarnessOn(t, useCountingDriver())
	events := putPoolRun(t, h, "$o", 20)
	counts, runs := drainCounting(t, h, "INSERT INTO outbox")
	wantChunked(t, "wrote the run's answers", counts[0], runs, len(events))
	msgs := h.cli.messages()
	if len(msgs) != len(events) {
		t.Fatalf("answers = %d, want %d", len(msgs), len(events))
	}
	for i, m := range msgs {
		if !repliesTo(m, id.EventID(fmt.Sprint("$o", i))) {
			t.Fatalf("answer %d does not reply to $o%d: %v", i, i, m.Content)
		}
	}
}

// drainCounting drains everything pending and returns how many statements
// began with each prefix and how many transactions the drain took.
func drainCounting(t *testing.T, h *harness, prefixes ...string) (counts []int, runs int) {
	t.Helper()
	stop := sqlCounts.record()
	_, _, t0 := sqlCounts.snapshot()
	drainDurable(t, h)
	_, _, t1 := sqlCounts.snapshot()
	counts = make([]int, len(prefixes))
	for q, n := range stop() {
		for i, p := range prefixes {
			if strings.HasPrefix(q, p) {
				counts[i] += n
			}
		}
	}
	return counts, int(t1 - t0)
}

// wantChunked fails the test unless the run of events was written by two
// statements (16 and 4 rows) in one transaction, or, should a busy
// machine split it (maxRunHold), by fewer statements than events.
func wantChunked(t *testing.T, what string, statements, runs, events int) {
	t.Helper()
	if runs == 1 && statements != 2 || statements >= events {
		t.Fatalf("%d statements %s in %d transactions, want 2 in 1", statements, what, runs)
	}
}

// putPoolRun puts one transaction of n `!ex pool` commands, from n
// members, with event IDs prefix0, prefix1…, and returns the events.
func putPoolRun(t *testing.T, h *harness, prefix string, n int) []json.RawMessage {
	t.Helper()
	events := make([]json.RawMessage, n)
	for i := range events {
		events[i] = message(fmt.Sprint(prefix, i), string(h.circle), fmt.Sprintf("@m%d:test", i), "!ex pool")
	}
	if code := h.put(t, hsToken, "t", events...); code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	return events
}
