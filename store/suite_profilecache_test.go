package store_test

import (
	"context"
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/store"
)

// profileCacheCases are the suite's tests of the profiles kept in memory
// between transactions.
var profileCacheCases = []suiteCase{
	{"ProfileKeptBetweenTransactions", testProfileKeptBetweenTransactions},
	{"ProfileWriteTakenBack", testProfileWriteTakenBack},
	{"ProfileReadDuringAWrite", testProfileReadDuringAWrite},
	{"ProfilesCleared", testProfilesCleared},
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
