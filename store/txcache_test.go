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

// TestMemberReadInATransactionBringsTheirProfile: within a transaction, a
// member's record is read with their profile in one statement, so the
// profile asked for next is the one read then (a change made behind the
// store's back afterwards is not read), and a member without a profile is
// known to have none; outside a transaction each is read anew.
func TestMemberReadInATransactionBringsTheirProfile(t *testing.T) {
	s := openSQLite(t)
	ctx := context.Background()
	alice, bob := ledger.UserID("@alice:test"), ledger.UserID("@bob:test")
	for _, u := range []ledger.UserID{alice, bob} {
		if err := s.Members.PutMember(ctx, &ledger.Member{ID: u, Lang: "en"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Members.PutProfile(ctx, &ledger.Profile{Member: alice, About: "gardener", TimeZone: "Europe/Riga",
		Requisites: []ledger.Requisite{{Text: "IBAN LV00"}}}); err != nil {
		t.Fatal(err)
	}
	behind := func(ctx context.Context, about string) { // in the transaction ctx carries, not through the store
		t.Helper()
		if _, err := s.DB().Exec(ctx, `UPDATE profiles SET about = $1`, about); err != nil {
			t.Fatal(err)
		}
	}
	err := s.InTx(ctx, func(ctx context.Context) error {
		if _, err := s.Members.GetMember(ctx, alice); err != nil {
			return err
		}
		if _, err := s.Members.GetMember(ctx, bob); err != nil {
			return err
		}
		behind(ctx, "changed behind")
		p, err := s.Members.GetProfile(ctx, alice)
		if err != nil || p.About != "gardener" || p.TimeZone != "Europe/Riga" || len(p.Requisites) != 1 {
			t.Fatalf("alice's profile = %+v (%v), want the one read with her record", p, err)
		}
		if _, err := s.Members.GetProfile(ctx, bob); ledger.ErrorCode(err) != ledger.ENotFound {
			t.Fatalf("bob's profile: %v, want none", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if p, err := s.Members.GetProfile(ctx, alice); err != nil || p.About != "changed behind" {
		t.Fatalf("outside a transaction: %+v (%v), want it read anew", p, err)
	}
}
