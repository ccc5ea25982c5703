package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
)

// TestMemberReadInATransactionIsWhatTheTransactionWrote: a member record
// read in a transaction is read once and kept; what the transaction writes
// is read back, a savepoint taken back takes its write back from what is
// read, and a record read and changed by its reader is not changed for
// the next one.
func TestMemberReadInATransactionIsWhatTheTransactionWrote(t *testing.T) {
	s := openSQLite(t)
	ctx := context.Background()
	u := ledger.UserID("@alice:test")
	if err := s.Members.PutMember(ctx, &ledger.Member{ID: u, Lang: "en", PoolSeen: []ledger.Amount{eur(100)}}); err != nil {
		t.Fatal(err)
	}
	get := func(ctx context.Context) *ledger.Member {
		t.Helper()
		m, err := s.Members.GetMember(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	errBack := errors.New("taken back")
	err := s.InTx(ctx, func(ctx context.Context) error {
		m := get(ctx)
		m.Lang, m.PoolSeen[0] = "ru", eur(5) // the reader's copy
		if m := get(ctx); m.Lang != "en" || m.PoolSeen[0] != eur(100) {
			t.Fatalf("a reader's change reached the next reader: %+v", m)
		}
		if err := s.Members.PutMember(ctx, &ledger.Member{ID: u, Lang: "ru"}); err != nil {
			return err
		}
		if m := get(ctx); m.Lang != "ru" {
			t.Fatalf("read %q after writing ru", m.Lang)
		}
		if err := s.InTx(ctx, func(ctx context.Context) error {
			if err := s.Members.PutMember(ctx, &ledger.Member{ID: u, Lang: "de"}); err != nil {
				return err
			}
			return errBack
		}); !errors.Is(err, errBack) {
			t.Fatalf("savepoint: %v", err)
		}
		if m := get(ctx); m.Lang != "ru" {
			t.Fatalf("read %q after the savepoint that wrote de was taken back, want ru", m.Lang)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if m := get(ctx); m.Lang != "ru" {
		t.Fatalf("committed %q, want ru", m.Lang)
	}
}

// TestProfileAndCircleReadInATransaction: a profile known to be absent,
// then saved, then deleted, reads as each in the same transaction; a
// circle written reads back as written, and a reader's change of a
// requisite does not reach the next reader.
func TestProfileAndCircleReadInATransaction(t *testing.T) {
	s := openSQLite(t)
	ctx := context.Background()
	u := ledger.UserID("@alice:test")
	err := s.InTx(ctx, func(ctx context.Context) error {
		if _, err := s.Members.GetProfile(ctx, u); ledger.ErrorCode(err) != ledger.ENotFound {
			t.Fatalf("no profile yet: %v", err)
		}
		p := &ledger.Profile{Member: u, About: "hi", Requisites: []ledger.Requisite{{Text: "IBAN 1", Default: true}}}
		if err := s.Members.PutProfile(ctx, p); err != nil {
			return err
		}
		got, err := s.Members.GetProfile(ctx, u)
		if err != nil || got.About != "hi" || got.Requisites[0].Text != "IBAN 1" {
			t.Fatalf("profile after saving it: %+v, %v", got, err)
		}
		got.Requisites[0].Text = "changed by a reader"
		if again, _ := s.Members.GetProfile(ctx, u); again.Requisites[0].Text != "IBAN 1" {
			t.Fatalf("a reader's change reached the next reader: %+v", again)
		}
		if err := s.Members.DeleteProfile(ctx, u); err != nil {
			return err
		}
		if _, err := s.Members.GetProfile(ctx, u); ledger.ErrorCode(err) != ledger.ENotFound {
			t.Fatalf("profile after deleting it: %v", err)
		}
		c := &ledger.Circle{ID: "!c:test", Name: "One", Pledge: eur(100)}
		if err := s.Circles.PutCircle(ctx, c); err != nil {
			return err
		}
		c.Name = "Two"
		if err := s.Circles.PutCircle(ctx, c); err != nil {
			return err
		}
		if got, err := s.Circles.GetCircle(ctx, c.ID); err != nil || got.Name != "Two" {
			t.Fatalf("circle after renaming it: %+v, %v", got, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.Circles.GetCircle(ctx, "!c:test"); err != nil || got.Name != "Two" {
		t.Fatalf("committed circle: %+v, %v", got, err)
	}
}
