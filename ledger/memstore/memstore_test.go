package memstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/ledger/memstore"
)

var t0 = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)

// A nested transaction's error takes back what it wrote, and only that; the
// outer one's error takes back everything.
func TestNestedTransactions(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	boom := errors.New("boom")
	err := s.InTx(ctx, func(ctx context.Context) error {
		if _, err := s.MarkApplied(ctx, "$outer", t0); err != nil {
			return err
		}
		err := s.InTx(ctx, func(ctx context.Context) error {
			if _, err := s.MarkApplied(ctx, "$inner", t0); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("inner error %v; want boom", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for evt, want := range map[ledger.EventID]bool{"$outer": false, "$inner": true} {
		if fresh, _ := s.MarkApplied(ctx, evt, t0); fresh != want {
			t.Errorf("%s fresh %v; want %v", evt, fresh, want)
		}
	}
	_ = s.InTx(ctx, func(ctx context.Context) error {
		_ = s.PutMember(ctx, &ledger.Member{ID: "@a:t"})
		return boom
	})
	if _, err := s.GetMember(ctx, "@a:t"); ledger.ErrorCode(err) != ledger.ENotFound {
		t.Errorf("member after a rolled back transaction: %v; want ENotFound", err)
	}
}

// What a caller changes in a value it got or put does not change the store.
func TestValuesAreCopied(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	p := &ledger.Profile{Member: "@a:t", Requisites: []ledger.Requisite{{Text: "x", Default: true}}}
	if err := s.PutProfile(ctx, p); err != nil {
		t.Fatal(err)
	}
	p.Requisites[0].Text = "changed"
	got, err := s.GetProfile(ctx, "@a:t")
	if err != nil || got.Requisites[0].Text != "x" {
		t.Fatalf("profile %+v, %v; want the text put", got, err)
	}
	got.Requisites[0].Text = "changed"
	if again, _ := s.GetProfile(ctx, "@a:t"); again.Requisites[0].Text != "x" {
		t.Fatalf("profile changed through a copy: %+v", again)
	}
}

// Lists come in the SQL store's orders.
func TestOrders(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	for i, id := range []ledger.InvitationID{"$1", "$2", "$3"} {
		inv := &ledger.Invitation{ID: id, Circle: "!c", Invitee: "@b:t", Status: ledger.InvitationPending,
			CreatedAt: t0.Add(time.Duration(i) * time.Minute)}
		if err := s.PutInvitation(ctx, inv); err != nil {
			t.Fatal(err)
		}
	}
	list, err := s.PendingInvitations(ctx, "", "@b:t")
	if err != nil || len(list) != 3 || list[0].ID != "$3" || list[2].ID != "$1" {
		t.Fatalf("pending %v, %v; want newest first", list, err)
	}
	for _, u := range []ledger.UserID{"@c:t", "@a:t", "@b:t"} {
		_ = s.SetCircleMember(ctx, "!c", u, true, t0)
	}
	_ = s.SetCircleMember(ctx, "!c", "@b:t", false, t0)
	members, _ := s.CircleMembers(ctx, "!c")
	if len(members) != 2 || members[0] != "@a:t" || members[1] != "@c:t" {
		t.Fatalf("members %v; want @a:t, @c:t", members)
	}
	if added, _ := s.AddGuarantee(ctx, ledger.Guarantee{A: "@b:t", B: "@a:t"}); !added {
		t.Fatal("first guarantee not added")
	}
	if added, _ := s.AddGuarantee(ctx, ledger.Guarantee{A: "@a:t", B: "@b:t"}); added {
		t.Fatal("the same guarantee added twice")
	}
}
