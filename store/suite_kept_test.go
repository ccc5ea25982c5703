package store_test

import (
	"context"
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/store"
)

// keptCases are the suite's tests of the members' records and profiles
// kept in memory between transactions.
var keptCases = []suiteCase{
	{"ProfileKeptBetweenTransactions", testProfileKeptBetweenTransactions},
	{"ProfileWriteTakenBack", testProfileWriteTakenBack},
	{"ProfileReadDuringAWrite", testProfileReadDuringAWrite},
	{"ProfilesCleared", testProfilesCleared},
	{"MemberKeptBetweenTransactions", testMemberKeptBetweenTransactions},
	{"MemberWriteTakenBack", testMemberWriteTakenBack},
	{"MemberReadDuringAWrite", testMemberReadDuringAWrite},
}

// aboutOf reads u's profile and returns its About ("-" when u has none).
func aboutOf(t *testing.T, ctx context.Context, s *store.Store, u ledger.UserID) string {
	t.Helper()
	p, err := s.Members.GetProfile(ctx, u)
	if ledger.ErrorCode(err) == ledger.ENotFound {
		return "-"
	}
	must(t, err)
	return p.About
}

// testProfileKeptBetweenTransactions: a profile read once is served from
// memory afterwards (a change made behind the store's back, which only
// another process could make, is not seen), in a transaction too; a write
// through the store is seen at once; the copy handed out is the caller's.
func testProfileKeptBetweenTransactions(t *testing.T, s *store.Store) {
	ctx := context.Background()
	must(t, s.Members.PutProfile(ctx, &ledger.Profile{Member: alice, About: "one", Muted: []ledger.NoticeKind{ledger.NoticeStatus}}))
	eq(t, "first read", aboutOf(t, ctx, s, alice), "one")
	eq(t, "no profile", aboutOf(t, ctx, s, bob), "-")
	_, err := s.DB().Exec(ctx, `UPDATE profiles SET about = 'behind' WHERE user_id = $1`, string(alice))
	must(t, err)
	_, err = s.DB().Exec(ctx, `INSERT INTO profiles (user_id, about, requisites, muted, timezone) VALUES ($1, 'behind', '[]', '[]', '')`, string(bob))
	must(t, err)
	eq(t, "kept", aboutOf(t, ctx, s, alice), "one")
	eq(t, "kept absent", aboutOf(t, ctx, s, bob), "-")
	must(t, s.InTx(ctx, func(ctx context.Context) error {
		eq(t, "kept, in a transaction", aboutOf(t, ctx, s, alice), "one")
		return nil
	}))
	p, err := s.Members.GetProfile(ctx, alice)
	must(t, err)
	p.Muted[0] = ledger.NoticeClosed
	again, err := s.Members.GetProfile(ctx, alice)
	must(t, err)
	eq(t, "a copy", again.Muted, []ledger.NoticeKind{ledger.NoticeStatus})
	must(t, s.Members.PutProfile(ctx, &ledger.Profile{Member: alice, About: "two"}))
	eq(t, "written", aboutOf(t, ctx, s, alice), "two")
}

// testProfileWriteTakenBack: a profile written in a transaction taken
// back is read as it was before, outside and in the next transaction;
// within the writing transaction, after a savepoint taken back, the
// transaction's own write is read.
func testProfileWriteTakenBack(t *testing.T, s *store.Store) {
	ctx := context.Background()
	must(t, s.Members.PutProfile(ctx, &ledger.Profile{Member: alice, About: "one"}))
	eq(t, "before", aboutOf(t, ctx, s, alice), "one")
	err := s.InTx(ctx, func(ctx context.Context) error {
		must(t, s.Members.PutProfile(ctx, &ledger.Profile{Member: alice, About: "two"}))
		eq(t, "in the writing transaction", aboutOf(t, ctx, s, alice), "two")
		return errBoom
	})
	eq(t, "rolled back", err, errBoom)
	eq(t, "after the rollback", aboutOf(t, ctx, s, alice), "one")
	must(t, s.InTx(ctx, func(ctx context.Context) error {
		must(t, s.Members.PutProfile(ctx, &ledger.Profile{Member: alice, About: "three"}))
		_ = s.InTx(ctx, func(ctx context.Context) error {
			must(t, s.Members.DeleteProfile(ctx, bob))
			return errBoom
		})
		eq(t, "after a savepoint taken back", aboutOf(t, ctx, s, alice), "three")
		return nil
	}))
	eq(t, "committed", aboutOf(t, ctx, s, alice), "three")
}

// testProfileReadDuringAWrite: a profile read outside a transaction while
// another transaction writes it reads the committed one, and once that
// transaction commits, its write is read, not what was read meanwhile.
func testProfileReadDuringAWrite(t *testing.T, s *store.Store) {
	ctx := context.Background()
	must(t, s.Members.PutProfile(ctx, &ledger.Profile{Member: alice, About: "one"}))
	written, commit, done := make(chan struct{}), make(chan struct{}), make(chan error)
	go func() {
		done <- s.InTx(ctx, func(ctx context.Context) error {
			if err := s.Members.PutProfile(ctx, &ledger.Profile{Member: alice, About: "two"}); err != nil {
				return err
			}
			close(written)
			<-commit
			return nil
		})
	}()
	<-written
	eq(t, "during the write", aboutOf(t, ctx, s, alice), "one")
	close(commit)
	must(t, <-done)
	eq(t, "after the commit", aboutOf(t, ctx, s, alice), "two")
}

// testProfilesCleared: the ledger cleared, no profile kept in memory is
// read.
func testProfilesCleared(t *testing.T, s *store.Store) {
	ctx := context.Background()
	must(t, s.Members.PutProfile(ctx, &ledger.Profile{Member: alice, About: "one"}))
	eq(t, "before", aboutOf(t, ctx, s, alice), "one")
	must(t, s.ClearLedger(ctx))
	eq(t, "after clearing", aboutOf(t, ctx, s, alice), "-")
}

// countOf reads u's record and returns its PoolSeenCount (-1 when u has
// none).
func countOf(t *testing.T, ctx context.Context, s *store.Store, u ledger.UserID) int {
	t.Helper()
	m, err := s.Members.GetMember(ctx, u)
	if ledger.ErrorCode(err) == ledger.ENotFound {
		return -1
	}
	must(t, err)
	return m.PoolSeenCount
}

// putCount writes u's record with PoolSeenCount n.
func putCount(t *testing.T, ctx context.Context, s *store.Store, u ledger.UserID, n int) {
	t.Helper()
	must(t, s.Members.PutMember(ctx, &ledger.Member{ID: u, Lang: "en", PoolSeenCount: n, PoolSeen: []ledger.Amount{eur(int64(n))}}))
}

// testMemberKeptBetweenTransactions: a record read once, or written, is
// served from memory afterwards (a change made behind the store's back is
// not seen), in a transaction too, as a copy; a write through the store
// is seen at once.
func testMemberKeptBetweenTransactions(t *testing.T, s *store.Store) {
	ctx := context.Background()
	putCount(t, ctx, s, alice, 1)
	eq(t, "no record", countOf(t, ctx, s, bob), -1)
	_, err := s.DB().Exec(ctx, `UPDATE members SET pool_seen_count = 7 WHERE user_id = $1`, string(alice))
	must(t, err)
	_, err = s.DB().Exec(ctx, `INSERT INTO members (user_id, lang, lang_chosen, direct_room, pool_seen, pool_seen_count, pool_seen_at, created_at)
		VALUES ($1, 'en', false, '', '[]', 7, 0, 0)`, string(bob))
	must(t, err)
	eq(t, "kept", countOf(t, ctx, s, alice), 1)
	eq(t, "kept absent", countOf(t, ctx, s, bob), -1)
	must(t, s.InTx(ctx, func(ctx context.Context) error {
		eq(t, "kept, in a transaction", countOf(t, ctx, s, alice), 1)
		return nil
	}))
	m, err := s.Members.GetMember(ctx, alice)
	must(t, err)
	m.PoolSeen[0] = eur(99)
	again, err := s.Members.GetMember(ctx, alice)
	must(t, err)
	eq(t, "a copy", again.PoolSeen, []ledger.Amount{eur(1)})
	must(t, s.InTx(ctx, func(ctx context.Context) error {
		putCount(t, ctx, s, alice, 2)
		return nil
	}))
	eq(t, "written", countOf(t, ctx, s, alice), 2)
}

// testMemberWriteTakenBack: a record written in a transaction taken back,
// or in a savepoint taken back within a transaction that commits, is read
// as it was before; the transaction's own writes are read within it.
func testMemberWriteTakenBack(t *testing.T, s *store.Store) {
	ctx := context.Background()
	putCount(t, ctx, s, alice, 1)
	err := s.InTx(ctx, func(ctx context.Context) error {
		putCount(t, ctx, s, alice, 2)
		eq(t, "in the writing transaction", countOf(t, ctx, s, alice), 2)
		return errBoom
	})
	eq(t, "rolled back", err, errBoom)
	eq(t, "after the rollback", countOf(t, ctx, s, alice), 1)
	must(t, s.InTx(ctx, func(ctx context.Context) error {
		putCount(t, ctx, s, alice, 3)
		_ = s.InTx(ctx, func(ctx context.Context) error {
			putCount(t, ctx, s, alice, 4)
			putCount(t, ctx, s, bob, 4)
			return errBoom
		})
		eq(t, "after a savepoint taken back", countOf(t, ctx, s, alice), 3)
		return nil
	}))
	eq(t, "committed, without the savepoint's write", countOf(t, ctx, s, alice), 3)
	eq(t, "nothing of the savepoint", countOf(t, ctx, s, bob), -1)
}

// testMemberReadDuringAWrite: a record read outside a transaction while
// another transaction writes it reads the committed one, and once that
// transaction commits, its write is read.
func testMemberReadDuringAWrite(t *testing.T, s *store.Store) {
	ctx := context.Background()
	putCount(t, ctx, s, alice, 1)
	written, commit, done := make(chan struct{}), make(chan struct{}), make(chan error)
	go func() {
		done <- s.InTx(ctx, func(ctx context.Context) error {
			if err := s.Members.PutMember(ctx, &ledger.Member{ID: alice, Lang: "en", PoolSeenCount: 2}); err != nil {
				return err
			}
			close(written)
			<-commit
			return nil
		})
	}()
	<-written
	eq(t, "during the write", countOf(t, ctx, s, alice), 1)
	close(commit)
	must(t, <-done)
	eq(t, "after the commit", countOf(t, ctx, s, alice), 2)
}
