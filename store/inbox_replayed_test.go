package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/store"
)

// testInboxRecordHandled: events recorded as handled (a rebuild's replayed
// ones, more than one statement carries, one repeated) are done at once,
// without a body, with the error given; a pending one is marked done, one
// done before keeps its error; a pending event not among them stays
// pending; all are known to Enqueue afterwards.
func testInboxRecordHandled(t *testing.T, s *store.Store) {
	ctx := context.Background()
	_, err := s.Enqueue(ctx, []ledger.InboxEvent{inboxEvent("$pend", 0), inboxEvent("$done", 0), inboxEvent("$other", 0)})
	must(t, err)
	pending, err := s.Pending(ctx, 10)
	must(t, err)
	must(t, s.MarkDone(ctx, pending[1].Seq, "old error"))

	events := []ledger.InboxEvent{inboxEvent("$new", 3), inboxEvent("$pend", 3), inboxEvent("$done", 3), inboxEvent("$new", 4)}
	for i := range 70 {
		events = append(events, inboxEvent(fmt.Sprintf("$r%02d", i), 5))
	}
	errs := map[ledger.EventID]string{"$new": "boom", "$done": "new error", "$r65": "late"}
	must(t, s.InTx(ctx, func(ctx context.Context) error { return s.RecordHandled(ctx, events, errs) }))
	must(t, s.RecordHandled(ctx, nil, nil))

	rest, err := s.Pending(ctx, 100)
	must(t, err)
	eq(t, "pending: only the one not handled", len(rest), 1)
	eq(t, "the one not handled", rest[0].ID, ledger.EventID("$other"))
	for _, id := range []string{"$new", "$pend", "$done", "$r00", "$r69"} {
		eq(t, "body of "+id, rawLen(t, s, id), 0)
	}
	for id, want := range map[string]string{"$new": "boom", "$pend": "", "$done": "old error", "$r65": "late", "$r64": ""} {
		eq(t, "error of "+id, inboxError(t, s, id), want)
	}
	var room string
	var received int64
	must(t, s.DB().QueryRow(ctx, `SELECT room_id, received_at FROM inbox WHERE event_id = '$new'`).Scan(&room, &received))
	eq(t, "room recorded", room, "!room:x")
	eq(t, "received_at recorded (the first of a repeated ID)", received, at(3).UnixMilli())
	added, err := s.Enqueue(ctx, events)
	must(t, err)
	eq(t, "enqueued again", added, 0)
}

// inboxError returns the error recorded for an event of the inbox.
func inboxError(t *testing.T, s *store.Store, evt string) string {
	t.Helper()
	var e string
	must(t, s.DB().QueryRow(context.Background(), `SELECT error FROM inbox WHERE event_id = $1`, evt).Scan(&e))
	return e
}
