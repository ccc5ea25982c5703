package ledger_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/ledger/memstore"
)

// errRolledBack fails the outer transaction of a step the test rolls back.
var errRolledBack = errors.New("rolled back")

// TestTrustGraphKeptUnderChanges drives a trust service through random
// changes (guarantees made, blocks and unblocks, members leaving, and some
// of these inside an outer transaction that rolls back, after which the
// caller calls Forget as the intake does) and checks after each step that
// the graph the service keeps in memory, changed in place where it can,
// answers as a graph loaded fresh from the store: members, every member's
// trust-list size and head, direct guarantors, pledges and pool.
func TestTrustGraphKeptUnderChanges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for trial := range sized(120, 20) {
		r := rand.New(rand.NewPCG(20261205, uint64(trial)))
		names := randomGraphNames(r, 2+r.IntN(40))
		st := memstore.New()
		svc := ledger.NewService(st.Stores(), ledger.NewManualClock(time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)), ledger.DefaultConfig())
		for step := range sized(80, 30) {
			if _, err := svc.Trust.Graph(ctx); err != nil { // a graph in memory to change
				t.Fatal(err)
			}
			act := ledger.Action{Event: ledger.EventID(fmt.Sprintf("$t%d-s%d", trial, step)), Actor: names[r.IntN(len(names))]}
			change := keptGraphChange(ctx, t, r, svc, st, act, names)
			kept, err := svc.Trust.Graph(ctx)
			if err != nil {
				t.Fatal(err)
			}
			fresh, err := ledger.LoadGraph(ctx, st)
			if err != nil {
				t.Fatal(err)
			}
			if msg := sameGraphs(kept, fresh, append(names, grID("nobody"))); msg != "" {
				t.Fatalf("trial %d step %d after %s: %s", trial, step, change, msg)
			}
		}
	}
}

// keptGraphChange makes one random change through svc, perhaps inside a
// transaction that then rolls back, and describes it.
func keptGraphChange(ctx context.Context, t *testing.T, r *rand.Rand, svc *ledger.Service, st *memstore.Store, act ledger.Action, names []ledger.UserID) string {
	t.Helper()
	y := names[r.IntN(len(names))]
	var what string
	var change func(ctx context.Context) error
	switch k := r.IntN(10); {
	case k < 6:
		p := ledger.Amount{Minor: 1 + r.Int64N(1000), Currency: []ledger.Currency{"EUR", "USD", ""}[r.IntN(3)]}
		what = fmt.Sprintf("vouch %s %s %v", act.Actor, y, p)
		g := ledger.NewGuarantee(act.Actor, y, "!c:x", p, act.Event, time.Time{})
		change = func(ctx context.Context) error { return svc.Trust.AddGuaranteeForTest(ctx, act, g) }
	case k < 8:
		what = fmt.Sprintf("block %s %s", act.Actor, y)
		change = func(ctx context.Context) error { _, err := svc.Trust.Block(ctx, act, y); return err }
	case k < 9:
		what = fmt.Sprintf("unblock %s %s", act.Actor, y)
		change = func(ctx context.Context) error { _, err := svc.Trust.Unblock(ctx, act, y); return err }
	default:
		what = fmt.Sprintf("leave %s", act.Actor)
		change = func(ctx context.Context) error { _, err := svc.Leave(ctx, act); return err }
	}
	if r.IntN(5) == 0 {
		err := st.InTx(ctx, func(ctx context.Context) error {
			if err := change(ctx); err != nil {
				return err
			}
			return errRolledBack
		})
		svc.Forget() // as the intake does when its transaction fails
		if err != nil && !errors.Is(err, errRolledBack) && ledger.ErrorCode(err) == "" {
			t.Fatalf("%s (rolled back): %v", what, err)
		}
		return what + " (rolled back)"
	}
	if err := change(ctx); err != nil && ledger.ErrorCode(err) == "" {
		t.Fatalf("%s: %v", what, err)
	}
	return what
}

// sameGraphs compares what two graphs answer for the members us; it
// returns the first difference, or "".
func sameGraphs(got, want *ledger.Graph, us []ledger.UserID) string {
	if got.Members() != want.Members() {
		return fmt.Sprintf("Members() = %d, want %d", got.Members(), want.Members())
	}
	for _, u := range us {
		tl := want.TrustList(u)
		if msg := checkTrustSize(got, u, tl); msg != "" {
			return msg
		}
		if g := got.TrustList(u); !grSameIDs(g.Direct, tl.Direct) || !grSameIDs(g.Indirect, tl.Indirect) {
			return fmt.Sprintf("TrustList(%s) = %v, want %v", u, g, tl)
		}
		if g, w := got.Pool(u), want.Pool(u); !grSameAmounts(g, w) {
			return fmt.Sprintf("Pool(%s) = %v, want %v", u, g, w)
		}
		if g, w := got.PledgeOf(u), want.PledgeOf(u); !grSameAmounts(g, w) {
			return fmt.Sprintf("PledgeOf(%s) = %v, want %v", u, g, w)
		}
	}
	return ""
}

// countingTrustStore counts the full reads of the guarantees.
type countingTrustStore struct {
	ledger.TrustStore
	scans int
}

func (c *countingTrustStore) ScanGuarantees(ctx context.Context, fn func(a, b ledger.UserID, pledge ledger.Amount)) error {
	c.scans++
	return c.TrustStore.ScanGuarantees(ctx, fn)
}

// TestVouchKeepsGraphLoaded checks that a vouch changes the graph in
// memory rather than have it loaded anew, and that a rollback the caller
// reports with Forget does have it loaded anew, without the change.
func TestVouchKeepsGraphLoaded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := memstore.New()
	counting := &countingTrustStore{TrustStore: st}
	stores := st.Stores()
	stores.Trust = counting
	svc := ledger.NewService(stores, ledger.NewManualClock(time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)), ledger.DefaultConfig())
	alice, bob, carol := grID("alice"), grID("bob"), grID("carol")
	vouch := func(ctx context.Context, ev ledger.EventID, x, y ledger.UserID) error {
		return svc.Trust.AddGuaranteeForTest(ctx, ledger.Action{Event: ev, Actor: x},
			ledger.NewGuarantee(x, y, "!c:x", grEUR(100), ev, time.Time{}))
	}
	if err := vouch(ctx, "$1", alice, bob); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Trust.Graph(ctx); err != nil || counting.scans != 1 {
		t.Fatalf("first load: %v, %d scans", err, counting.scans)
	}
	if err := vouch(ctx, "$2", bob, carol); err != nil {
		t.Fatal(err)
	}
	g, err := svc.Trust.Graph(ctx)
	if err != nil || counting.scans != 1 || g.TrustSize(alice).Count() != 2 {
		t.Fatalf("after a vouch: %v, %d scans, alice's list %+v; want 1 scan, 2 members", err, counting.scans, g.TrustSize(alice))
	}
	err = st.InTx(ctx, func(ctx context.Context) error {
		if err := vouch(ctx, "$3", carol, grID("dave")); err != nil {
			return err
		}
		return errRolledBack
	})
	svc.Forget()
	g, _ = svc.Trust.Graph(ctx)
	if !errors.Is(err, errRolledBack) || counting.scans != 2 || g.TrustSize(alice).Count() != 2 {
		t.Fatalf("after a rollback: %v, %d scans, alice's list %+v; want 2 scans, 2 members", err, counting.scans, g.TrustSize(alice))
	}
}
