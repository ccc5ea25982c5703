package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/store"
)

// The applied marks of a run's events, looked up at its start and written
// together before its commit (store/applied.go), on SQLite and Postgres.
var appliedCases = []suiteCase{
	{"AppliedMarksHeldUntilTheCommit", testAppliedMarksHeldUntilTheCommit},
	{"AppliedMarksTakenBackWithTheirSavepoint", testAppliedMarksTakenBackWithTheirSavepoint},
	{"AppliedMarksTakenBackWithTheirTransaction", testAppliedMarksTakenBackWithTheirTransaction},
	{"AppliedMarkMadeMeanwhileTakesTheTransactionBack", testAppliedMarkMadeMeanwhileTakesTheTransactionBack},
}

// isApplied reports whether the table holds evt's mark, read through ctx
// (in its transaction, if it carries one).
func isApplied(t *testing.T, ctx context.Context, s *store.Store, evt ledger.EventID) bool {
	t.Helper()
	var n int
	must(t, s.DB().QueryRow(ctx, `SELECT COUNT(*) FROM applied_events WHERE event_id = $1`, string(evt)).Scan(&n))
	return n > 0
}

// markApplied marks evt applied through ctx and returns whether it was
// fresh.
func markApplied(t *testing.T, ctx context.Context, s *store.Store, evt ledger.EventID) bool {
	t.Helper()
	fresh, err := s.MarkApplied(ctx, evt, at(0))
	must(t, err)
	return fresh
}

// testAppliedMarksHeldUntilTheCommit: an event looked up is fresh once,
// whether or not it was marked before the look-up is told; its mark is
// written only before the commit, and then it is in the table; an event
// not looked up is marked at once, as before.
func testAppliedMarksHeldUntilTheCommit(t *testing.T, s *store.Store) {
	ctx := context.Background()
	eq(t, "an earlier mark", markApplied(t, ctx, s, "$old"), true)
	must(t, s.InTx(ctx, func(ctx context.Context) error {
		must(t, s.LookUpApplied(ctx, []ledger.EventID{"$old", "$new", "$new2"}))
		eq(t, "$old, marked before the run", markApplied(t, ctx, s, "$old"), false)
		eq(t, "$new, first mark", markApplied(t, ctx, s, "$new"), true)
		eq(t, "$new, held before the commit", isApplied(t, ctx, s, "$new"), false)
		eq(t, "$new, second mark in the run", markApplied(t, ctx, s, "$new"), false)
		eq(t, "$other, not looked up", markApplied(t, ctx, s, "$other"), true)
		eq(t, "$other, written at once", isApplied(t, ctx, s, "$other"), true)
		return nil
	}))
	for _, evt := range []ledger.EventID{"$old", "$new", "$other"} {
		eq(t, string(evt)+" in the table after the commit", isApplied(t, ctx, s, evt), true)
	}
	eq(t, "$new2, never marked", isApplied(t, ctx, s, "$new2"), false)
	eq(t, "$new after the commit", markApplied(t, ctx, s, "$new"), false)
}

// testAppliedMarksTakenBackWithTheirSavepoint: a mark held in a savepoint
// that is taken back is dropped (the event is fresh again), while a mark
// held before it stays and is written.
func testAppliedMarksTakenBackWithTheirSavepoint(t *testing.T, s *store.Store) {
	ctx := context.Background()
	refused := errors.New("refused")
	must(t, s.InTx(ctx, func(ctx context.Context) error {
		must(t, s.LookUpApplied(ctx, []ledger.EventID{"$a", "$b"}))
		eq(t, "$a", markApplied(t, ctx, s, "$a"), true)
		err := s.InTx(ctx, func(ctx context.Context) error {
			eq(t, "$b in the savepoint", markApplied(t, ctx, s, "$b"), true)
			return refused
		})
		eq(t, "the savepoint's error", err, refused)
		eq(t, "$a after the savepoint", markApplied(t, ctx, s, "$a"), false)
		eq(t, "$b after its savepoint was taken back", markApplied(t, ctx, s, "$b"), true)
		return nil
	}))
	eq(t, "$a written", isApplied(t, ctx, s, "$a"), true)
	eq(t, "$b written", isApplied(t, ctx, s, "$b"), true)
}

// testAppliedMarksTakenBackWithTheirTransaction: the marks a transaction
// held are not written when it is taken back.
func testAppliedMarksTakenBackWithTheirTransaction(t *testing.T, s *store.Store) {
	ctx := context.Background()
	refused := errors.New("refused")
	err := s.InTx(ctx, func(ctx context.Context) error {
		must(t, s.LookUpApplied(ctx, []ledger.EventID{"$a"}))
		eq(t, "$a", markApplied(t, ctx, s, "$a"), true)
		return refused
	})
	eq(t, "the transaction's error", err, refused)
	eq(t, "$a after the transaction was taken back", isApplied(t, ctx, s, "$a"), false)
	eq(t, "$a marked again", markApplied(t, ctx, s, "$a"), true)
}

// testAppliedMarkMadeMeanwhileTakesTheTransactionBack: when a mark held
// turns out to be in the table at the commit (another transaction made it
// after the look-up; here, a write behind the look-up's back), the commit
// fails and nothing of the transaction is kept.
func testAppliedMarkMadeMeanwhileTakesTheTransactionBack(t *testing.T, s *store.Store) {
	ctx := context.Background()
	err := s.InTx(ctx, func(ctx context.Context) error {
		must(t, s.LookUpApplied(ctx, []ledger.EventID{"$a", "$b"}))
		eq(t, "$a", markApplied(t, ctx, s, "$a"), true)
		eq(t, "$b", markApplied(t, ctx, s, "$b"), true)
		must(t, s.Members.PutMember(ctx, &ledger.Member{ID: alice, CreatedAt: at(0)}))
		_, err := s.DB().Exec(ctx, `INSERT INTO applied_events (event_id, applied_at) VALUES ('$b', 0)`)
		return err
	})
	if err == nil {
		t.Fatal("the commit of a transaction whose mark was made meanwhile succeeded")
	}
	eq(t, "$a after the transaction was taken back", isApplied(t, ctx, s, "$a"), false)
	eq(t, "$b after the transaction was taken back", isApplied(t, ctx, s, "$b"), false)
	_, err = s.Members.GetMember(ctx, alice)
	wantNotFound(t, err, "member.not_found")
}
