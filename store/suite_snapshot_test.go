package store_test

import (
	"context"
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/store"
)

// snapshotCases are the suite's cases of the book's snapshot
// (aid_snapshot.go), on SQLite and Postgres alike.
var snapshotCases = []suiteCase{
	{"BookSnapshot", testBookSnapshot},
	{"BookSnapshotDropped", testBookSnapshotDropped},
}

// snapOps records ops at minutes 0..n-1 (event IDs $o00…) and returns them.
func snapOps(t *testing.T, s *store.Store, n int) []ledger.Op {
	t.Helper()
	ctx := context.Background()
	var ops []ledger.Op
	for i := range n {
		op := ledger.Op{Kind: ledger.OpStatus, Event: ledger.EventID("$o" + string(rune('a'+i))), Actor: alice,
			At: at(i), Status: ledger.StatusOrange, Text: "t"}
		must(t, s.Aid.AppendOp(ctx, op))
		ops = append(ops, op)
	}
	return ops
}

// blob is bytes a text column would not keep: a zero, invalid UTF-8.
var blob = []byte{0, 0xff, 0xfe, 'x', 0, 0x80}

// testBookSnapshot: none at first (epoch 0); written only when the ops up
// to its position number its count (from the previous one's, or from the
// start) and the epoch is the one read; read back byte for byte; the ops
// after its position listed and counted.
func testBookSnapshot(t *testing.T, s *store.Store) {
	ctx := context.Background()
	snap, err := s.Aid.BookSnapshot(ctx)
	must(t, err)
	eq(t, "no snapshot", snap, ledger.BookSnapshot{})
	ops := snapOps(t, s, 6)

	first := ledger.BookSnapshot{At: ops[2].At, Event: ops[2].Event, Ops: 3, Data: blob}
	wrote, err := s.Aid.PutBookSnapshot(ctx, 0, nil, ledger.BookSnapshot{At: first.At, Event: first.Event, Ops: 2, Data: blob})
	must(t, err)
	eq(t, "written with a wrong count", wrote, false)
	wrote, err = s.Aid.PutBookSnapshot(ctx, 1, nil, first)
	must(t, err)
	eq(t, "written with another epoch", wrote, false)
	wrote, err = s.Aid.PutBookSnapshot(ctx, 0, nil, first)
	must(t, err)
	eq(t, "written", wrote, true)
	snap, err = s.Aid.BookSnapshot(ctx)
	must(t, err)
	eq(t, "read back", snap, first)

	after, err := s.Aid.OpsAfter(ctx, snap.At, snap.Event)
	must(t, err)
	eq(t, "ops after it", after, ops[3:])
	n, err := s.Aid.CountOpsAfter(ctx, snap.At, snap.Event)
	must(t, err)
	eq(t, "ops after it, counted", n, 3)
	all, err := s.Aid.OpsAfter(ctx, snap.At.AddDate(-1, 0, 0), "")
	must(t, err)
	eq(t, "ops after a year before", len(all), 6)

	next := ledger.BookSnapshot{At: ops[4].At, Event: ops[4].Event, Ops: 5, Data: []byte("next")}
	wrote, err = s.Aid.PutBookSnapshot(ctx, 0, &first, next)
	must(t, err)
	eq(t, "the next written from the first", wrote, true)
	snap, err = s.Aid.BookSnapshot(ctx)
	must(t, err)
	eq(t, "the next read back", snap, next)
}

// testBookSnapshotDropped: an op after the snapshot's position keeps it;
// one before drops it and counts an invalidation (a snapshot built from
// the epoch before is not written); so do erasing a text, a drop of its
// own, and clearing the ledger (LedgerEmpty still true after a drop).
func testBookSnapshotDropped(t *testing.T, s *store.Store) {
	ctx := context.Background()
	ops := snapOps(t, s, 4)
	put := func(epoch int64) bool {
		t.Helper()
		all, err := s.Aid.Ops(ctx)
		must(t, err)
		last := all[len(all)-2]
		wrote, err := s.Aid.PutBookSnapshot(ctx, epoch, nil, ledger.BookSnapshot{At: last.At, Event: last.Event, Ops: len(all) - 1, Data: blob})
		must(t, err)
		return wrote
	}
	epoch := func() int64 {
		t.Helper()
		snap, err := s.Aid.BookSnapshot(ctx)
		must(t, err)
		return snap.Epoch
	}
	held := func(what string, want bool) {
		t.Helper()
		snap, err := s.Aid.BookSnapshot(ctx)
		must(t, err)
		eq(t, what, snap.Data != nil, want)
	}
	eq(t, "written", put(0), true)
	must(t, s.Aid.AppendOp(ctx, ledger.Op{Kind: ledger.OpStatus, Event: "$later", Actor: bob, At: ops[3].At}))
	held("after an op after its position", true)
	must(t, s.Aid.AppendOp(ctx, ledger.Op{Kind: ledger.OpStatus, Event: "$early", Actor: bob, At: ops[0].At}))
	held("after an op before its position", false)
	eq(t, "epoch after a late op", epoch(), int64(1))
	eq(t, "written from the epoch before", put(0), false)

	eq(t, "written again", put(1), true)
	must(t, s.Aid.EraseOpTexts(ctx, bob, ledger.OpStatus)) // bob's ops have no text
	held("after erasing no text", true)
	must(t, s.Aid.EraseOpTexts(ctx, alice, ledger.OpStatus))
	held("after erasing a text", false)
	eq(t, "epoch after an erasure", epoch(), int64(2))

	must(t, s.ClearLedger(ctx))
	must(t, s.Aid.DropBookSnapshot(ctx))
	empty, err := s.LedgerEmpty(ctx)
	must(t, err)
	eq(t, "empty with the snapshot dropped", empty, true)
	must(t, s.ClearLedger(ctx))
	eq(t, "epoch after clearing", epoch(), int64(0))
}
