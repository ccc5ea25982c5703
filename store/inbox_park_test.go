package store_test

import (
	"context"
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/store"
)

// testInboxPark: a parked event leaves Pending, keeps its body and is not
// done; Unpark by its session (or all) brings it back in its place, with
// the time of its first park; MarkDone ends the wait.
func testInboxPark(t *testing.T, s *store.Store) {
	ctx := context.Background()
	_, err := s.Enqueue(ctx, []ledger.InboxEvent{inboxEvent("$p1", 0), inboxEvent("$p2", 1), inboxEvent("$p3", 2)})
	must(t, err)
	pending, err := s.Pending(ctx, 10)
	must(t, err)
	eq(t, "pending", len(pending), 3)
	eq(t, "never parked", pending[0].WaitingSince.IsZero(), true)

	none, err := s.CountParked(ctx)
	must(t, err)
	eq(t, "parked before any park", none, store.Parked{})
	must(t, s.Park(ctx, pending[0].Seq, "sessA", at(5)))
	must(t, s.Park(ctx, pending[1].Seq, "sessB", at(6)))
	parked, err := s.CountParked(ctx)
	must(t, err)
	eq(t, "parked", parked, store.Parked{Events: 2, Oldest: at(5)})
	rest, err := s.Pending(ctx, 10)
	must(t, err)
	eq(t, "pending while two are parked", len(rest), 1)
	eq(t, "the unparked one", rest[0].ID, ledger.EventID("$p3"))
	n, err := s.CountPending(ctx)
	must(t, err)
	eq(t, "parked events are still pending work", n, 3)

	woke, err := s.Unpark(ctx, "sessA")
	must(t, err)
	eq(t, "woken by sessA", woke, 1)
	woke, err = s.Unpark(ctx, "sessA")
	must(t, err)
	eq(t, "woken again", woke, 0)
	rest, err = s.Pending(ctx, 10)
	must(t, err)
	eq(t, "pending after a wake", len(rest), 2)
	eq(t, "woken event first, in its place", rest[0].ID, ledger.EventID("$p1"))
	eq(t, "body kept", string(rest[0].Raw), string(pending[0].Raw))
	eq(t, "first wait kept", rest[0].WaitingSince, at(5))

	must(t, s.Park(ctx, rest[0].Seq, "sessA", at(9))) // still no key
	again, err := s.Pending(ctx, 10)
	must(t, err)
	eq(t, "parked again", len(again), 1)
	woke, err = s.Unpark(ctx, "")
	must(t, err)
	eq(t, "all woken", woke, 2)
	parked, err = s.CountParked(ctx)
	must(t, err)
	eq(t, "parked after all woke", parked.Events, 0)
	all, err := s.Pending(ctx, 10)
	must(t, err)
	eq(t, "all pending", len(all), 3)
	eq(t, "wait since the first park", all[0].WaitingSince, at(5))

	must(t, s.MarkDone(ctx, all[0].Seq, "no room key"))
	wantNotFound(t, s.Park(ctx, all[0].Seq, "sessA", at(10)), "inbox.not_found")
	wantNotFound(t, s.Park(ctx, 999_999, "sessA", at(10)), "inbox.not_found")
}
