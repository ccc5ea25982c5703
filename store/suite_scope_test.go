package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/store"
)

// A scope that writes last (store/scope.go), nested in a transaction: on
// SQLite without a savepoint of its own unless something in it writes
// before its last write; on Postgres a savepoint. Either way it keeps
// what it wrote when it succeeds and takes back what it wrote when it
// fails, and the transaction around it goes on.
var scopeCases = []suiteCase{
	{"ScopeWritingLastKeepsItsWrite", testScopeWritingLastKeepsItsWrite},
	{"ScopeWritingLastTakesBackAFailedLastWrite", testScopeWritingLastTakesBackAFailedLastWrite},
	{"ScopeWritingLastTakesBackAnUnheldMark", testScopeWritingLastTakesBackAnUnheldMark},
	{"ScopeWritingLastTakesBackASavepointInIt", testScopeWritingLastTakesBackASavepointInIt},
	{"ScopeWritingLastInAnother", testScopeWritingLastInAnother},
}

// wantNoMember fails the test unless u has no record, read through ctx.
func wantNoMember(t *testing.T, ctx context.Context, s *store.Store, u ledger.UserID) {
	t.Helper()
	_, err := s.Members.GetMember(ctx, u)
	wantNotFound(t, err, "member.not_found")
}

// testScopeWritingLastKeepsItsWrite: the mark held and the last write of
// a scope that succeeds are kept.
func testScopeWritingLastKeepsItsWrite(t *testing.T, s *store.Store) {
	ctx := context.Background()
	must(t, s.InTx(ctx, func(ctx context.Context) error {
		must(t, s.LookUpApplied(ctx, []ledger.EventID{"$a"}))
		return s.InTxWritingLast(ctx, func(ctx context.Context) error {
			eq(t, "$a", markApplied(t, ctx, s, "$a"), true)
			return s.Members.PutMember(ctx, &ledger.Member{ID: alice, CreatedAt: at(0)})
		})
	}))
	eq(t, "$a after the commit", isApplied(t, ctx, s, "$a"), true)
	if _, err := s.Members.GetMember(ctx, alice); err != nil {
		t.Fatal(err)
	}
}

// testScopeWritingLastTakesBackAFailedLastWrite: a scope whose last write
// fails (a unique key taken) returns the failure and leaves nothing of it
// (its mark held is dropped), and the transaction around it goes on and
// commits what it wrote before and after.
func testScopeWritingLastTakesBackAFailedLastWrite(t *testing.T, s *store.Store) {
	ctx := context.Background()
	eq(t, "$taken", markApplied(t, ctx, s, "$taken"), true)
	must(t, s.InTx(ctx, func(ctx context.Context) error {
		must(t, s.Members.PutMember(ctx, &ledger.Member{ID: alice, CreatedAt: at(0)}))
		must(t, s.LookUpApplied(ctx, []ledger.EventID{"$a"}))
		err := s.InTxWritingLast(ctx, func(ctx context.Context) error {
			eq(t, "$a", markApplied(t, ctx, s, "$a"), true)
			_, err := s.DB().Exec(ctx, `INSERT INTO applied_events (event_id, applied_at) VALUES ('$taken', 0)`)
			return err
		})
		if err == nil {
			t.Fatal("the failed last write was not returned")
		}
		eq(t, "$a after its scope failed", markApplied(t, ctx, s, "$a"), true)
		return s.Members.PutMember(ctx, &ledger.Member{ID: bob, CreatedAt: at(0)})
	}))
	for _, u := range []ledger.UserID{alice, bob} {
		if _, err := s.Members.GetMember(ctx, u); err != nil {
			t.Fatalf("%s: %v", u, err)
		}
	}
	eq(t, "$a after the commit", isApplied(t, ctx, s, "$a"), true)
}

// testScopeWritingLastTakesBackAnUnheldMark: a mark not held (its event
// not looked up) is written at once, which opens the scope's savepoint: a
// failure after it takes back the mark and the writes after it.
func testScopeWritingLastTakesBackAnUnheldMark(t *testing.T, s *store.Store) {
	ctx := context.Background()
	refused := errors.New("refused")
	must(t, s.InTx(ctx, func(ctx context.Context) error {
		err := s.InTxWritingLast(ctx, func(ctx context.Context) error {
			eq(t, "$b", markApplied(t, ctx, s, "$b"), true)
			must(t, s.Members.PutMember(ctx, &ledger.Member{ID: carol, CreatedAt: at(0)}))
			return refused
		})
		eq(t, "the scope's error", err, refused)
		eq(t, "$b in the transaction", isApplied(t, ctx, s, "$b"), false)
		wantNoMember(t, ctx, s, carol)
		return nil
	}))
	eq(t, "$b after the commit", isApplied(t, ctx, s, "$b"), false)
	wantNoMember(t, ctx, s, carol)
}

// testScopeWritingLastTakesBackASavepointInIt: a transaction nested in a
// scope that writes last opens the scope's savepoint first, so that the
// scope's failure takes back what the nested one wrote.
func testScopeWritingLastTakesBackASavepointInIt(t *testing.T, s *store.Store) {
	ctx := context.Background()
	refused := errors.New("refused")
	must(t, s.InTx(ctx, func(ctx context.Context) error {
		must(t, s.LookUpApplied(ctx, []ledger.EventID{"$c"}))
		err := s.InTxWritingLast(ctx, func(ctx context.Context) error {
			eq(t, "$c", markApplied(t, ctx, s, "$c"), true)
			must(t, s.InTx(ctx, func(ctx context.Context) error {
				return s.Members.PutMember(ctx, &ledger.Member{ID: carol, CreatedAt: at(0)})
			}))
			return refused
		})
		eq(t, "the scope's error", err, refused)
		wantNoMember(t, ctx, s, carol)
		eq(t, "$c after its scope failed", markApplied(t, ctx, s, "$c"), true)
		return nil
	}))
	wantNoMember(t, ctx, s, carol)
	eq(t, "$c after the commit", isApplied(t, ctx, s, "$c"), true)
}

// testScopeWritingLastInAnother: a scope that writes last nested in
// another is a savepoint (opening the outer scope's first), so the outer
// scope's failure takes back what the inner one wrote.
func testScopeWritingLastInAnother(t *testing.T, s *store.Store) {
	ctx := context.Background()
	refused := errors.New("refused")
	must(t, s.InTx(ctx, func(ctx context.Context) error {
		err := s.InTxWritingLast(ctx, func(ctx context.Context) error {
			must(t, s.InTxWritingLast(ctx, func(ctx context.Context) error {
				return s.Members.PutMember(ctx, &ledger.Member{ID: carol, CreatedAt: at(0)})
			}))
			return refused
		})
		eq(t, "the outer scope's error", err, refused)
		wantNoMember(t, ctx, s, carol)
		return nil
	}))
	wantNoMember(t, ctx, s, carol)
}
