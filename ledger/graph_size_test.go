package ledger_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/ledger/memstore"
)

// checkTrustSize compares TrustSize and TrustListHead for u with tl, the
// whole trust list found by search; it returns the first difference, or "".
func checkTrustSize(g *ledger.Graph, u ledger.UserID, tl ledger.TrustList) string {
	want := ledger.TrustSize{Direct: len(tl.Direct), Indirect: len(tl.Indirect)}
	if got := g.TrustSize(u); got != want || got.Count() != tl.Count() {
		return fmt.Sprintf("TrustSize(%s) = %+v, want %+v", u, got, want)
	}
	for _, n := range []int{0, 1, 2, 3, 5, 8, tl.Count(), tl.Count() + 1} {
		head, size := g.TrustListHead(u, n)
		if size != want || head.Member != u ||
			!grSameIDs(head.Direct, tl.Direct[:min(n, len(tl.Direct))]) ||
			!grSameIDs(head.Indirect, tl.Indirect[:min(n, len(tl.Indirect))]) {
			return fmt.Sprintf("TrustListHead(%s, %d) = %v, %+v; whole list %v", u, n, head, size, tl)
		}
	}
	return ""
}

// TestGraphTrustSizeUnderChanges drives a trust network through random
// changes (guarantees made, members blocking and unblocking each other,
// members leaving with their guarantees) and checks after each that the
// graph LoadGraph reads from the store counts every member's trust list
// exactly as the full search does, and lists its head the same. Member
// status plays no part: the graph reads guarantees and blocks only.
func TestGraphTrustSizeUnderChanges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for trial := range sized(200, 30) {
		r := rand.New(rand.NewPCG(20261203, uint64(trial)))
		names := randomGraphNames(r, 2+r.IntN(30))
		st := memstore.New()
		for step := range sized(60, 25) {
			change := randomTrustChange(ctx, t, r, st, names)
			g, err := ledger.LoadGraph(ctx, st)
			if err != nil {
				t.Fatal(err)
			}
			gs, _ := st.Guarantees(ctx)
			bs, _ := st.Blocks(ctx)
			full := ledger.NewGraph(gs, bs)
			for _, u := range append(names, grID("nobody")) {
				if msg := checkTrustSize(g, u, full.TrustList(u)); msg != "" {
					t.Fatalf("trial %d step %d after %s: %s", trial, step, change, msg)
				}
				if got, want := g.Pool(u), full.Pool(u); !grSameAmounts(got, want) {
					t.Fatalf("trial %d step %d after %s: Pool(%s) = %v, want %v", trial, step, change, u, got, want)
				}
			}
		}
	}
}

// randomTrustChange applies one random change to the network in st and
// describes it.
func randomTrustChange(ctx context.Context, t *testing.T, r *rand.Rand, st *memstore.Store, names []ledger.UserID) string {
	t.Helper()
	x, y := names[r.IntN(len(names))], names[r.IntN(len(names))]
	var err error
	var what string
	switch k := r.IntN(10); {
	case k < 6:
		p := ledger.Amount{Minor: 1 + r.Int64N(1000), Currency: []ledger.Currency{"EUR", "USD"}[r.IntN(2)]}
		_, err = st.AddGuarantee(ctx, ledger.NewGuarantee(x, y, "!c:x", p, "$e", time.Time{}))
		what = fmt.Sprintf("vouch %s %s", x, y)
	case k < 8:
		err = st.PutBlock(ctx, ledger.Block{Blocker: x, Blocked: y})
		what = fmt.Sprintf("block %s %s", x, y)
	case k < 9:
		bs, _ := st.Blocks(ctx)
		if len(bs) > 0 {
			b := bs[r.IntN(len(bs))]
			err = st.DeleteBlock(ctx, b.Blocker, b.Blocked)
			x, y = b.Blocker, b.Blocked
		}
		what = fmt.Sprintf("unblock %s %s", x, y)
	default:
		err = st.DeleteGuaranteesOf(ctx, x)
		what = fmt.Sprintf("leave %s", x)
	}
	if err != nil {
		t.Fatal(err)
	}
	return what
}

// TestLoadGraphMatchesNewGraph checks that the graph LoadGraph streams
// from a store answers as NewGraph's from the same guarantees and blocks.
func TestLoadGraphMatchesNewGraph(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for trial := range sized(300, 50) {
		r := rand.New(rand.NewPCG(20261204, uint64(trial)))
		names := randomGraphNames(r, 2+r.IntN(30))
		gs, bs := randomGraph(r, names)
		st := memstore.New()
		for _, g := range gs {
			if _, err := st.AddGuarantee(ctx, g); err != nil {
				t.Fatal(err)
			}
		}
		for _, b := range bs {
			if err := st.PutBlock(ctx, b); err != nil {
				t.Fatal(err)
			}
		}
		stored, _ := st.Guarantees(ctx)
		want := ledger.NewGraph(stored, bs)
		got, err := ledger.LoadGraph(ctx, st)
		if err != nil {
			t.Fatal(err)
		}
		if got.Members() != want.Members() {
			t.Fatalf("trial %d: Members = %d, want %d", trial, got.Members(), want.Members())
		}
		for _, u := range names {
			g, w := got.TrustList(u), want.TrustList(u)
			if !slices.Equal(g.All(), w.All()) || !grSameAmounts(got.Pool(u), want.Pool(u)) ||
				!grSameAmounts(got.PledgeOf(u), want.PledgeOf(u)) {
				t.Fatalf("trial %d: %s: loaded %v pool %v, built %v pool %v", trial, u, g, got.Pool(u), w, want.Pool(u))
			}
		}
	}
}

// TestTrustGraphLoadsOnce checks that callers asking for the graph at the
// same time share one load.
func TestTrustGraphLoadsOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := memstore.New()
	r := rand.New(rand.NewPCG(7, 8))
	names := randomGraphNames(r, 30)
	gs, _ := randomGraph(r, names)
	for _, g := range gs {
		if _, err := st.AddGuarantee(ctx, g); err != nil {
			t.Fatal(err)
		}
	}
	svc := ledger.NewService(st.Stores(), ledger.NewManualClock(time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)), ledger.DefaultConfig())
	got := make([]*ledger.Graph, 8)
	var wg sync.WaitGroup
	for i := range got {
		wg.Go(func() {
			g, err := svc.Trust.Graph(ctx)
			if err != nil {
				t.Error(err)
			}
			got[i] = g
		})
	}
	wg.Wait()
	for _, g := range got[1:] {
		if g != got[0] {
			t.Fatal("concurrent callers got different graphs: the graph was loaded more than once")
		}
	}
	size, err := svc.Trust.TrustSizeOf(ctx, names[0])
	if err != nil || size != got[0].TrustSize(names[0]) {
		t.Fatalf("TrustSizeOf = %+v, %v; graph says %+v", size, err, got[0].TrustSize(names[0]))
	}
}

// TestGraphManyMembers checks the numbering of members past the sizes the
// random graphs reach: a path of thousands of members, each of whom must be
// found with exactly their two neighbours.
func TestGraphManyMembers(t *testing.T) {
	t.Parallel()
	n := sized(20_000, 3_000)
	id := func(i int) ledger.UserID { return ledger.UserID(fmt.Sprintf("@p%d:x", i)) }
	var gs []ledger.Guarantee
	for i := 1; i < n; i++ {
		gs = append(gs, ledger.NewGuarantee(id(i-1), id(i), "!c:x", grEUR(1), "$e", time.Time{}))
	}
	g := ledger.NewGraph(gs, nil)
	if g.Members() != n {
		t.Fatalf("Members() = %d, want %d", g.Members(), n)
	}
	for i := range n {
		want := []ledger.UserID{}
		for _, j := range []int{i - 1, i + 1} {
			if j >= 0 && j < n {
				want = append(want, id(j))
			}
		}
		slices.Sort(want)
		if got := g.Direct(id(i)); !grSameIDs(got, want) {
			t.Fatalf("Direct(%s) = %v, want %v", id(i), got, want)
		}
		if got := g.TrustSize(id(i)); got.Count() != n-1 || got.Direct != len(want) {
			t.Fatalf("TrustSize(%s) = %+v, want %d in all", id(i), got, n-1)
		}
	}
	if got := g.TrustSize(id(n)); got.Count() != 0 || g.Direct(id(n)) != nil {
		t.Fatalf("a stranger has a trust list: %+v", got)
	}
}

// pausedTrustStore holds the answer of its first Blocks until release is
// closed, telling started when it has read it.
type pausedTrustStore struct {
	ledger.TrustStore
	started, release chan struct{}
	calls            atomic.Int32
}

func (p *pausedTrustStore) Blocks(ctx context.Context) ([]ledger.Block, error) {
	bs, err := p.TrustStore.Blocks(ctx)
	if p.calls.Add(1) == 1 {
		close(p.started)
		<-p.release
	}
	return bs, err
}

// TestTrustGraphAfterChangeDuringLoad checks that a caller who asks for the
// graph after a change made while a load was running gets a graph with the
// change, not the load's older one.
func TestTrustGraphAfterChangeDuringLoad(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := memstore.New()
	alice, bob := grID("alice"), grID("bob")
	if _, err := st.AddGuarantee(ctx, ledger.NewGuarantee(alice, bob, "!c:x", grEUR(100), "$g", time.Time{})); err != nil {
		t.Fatal(err)
	}
	if err := st.PutBlock(ctx, ledger.Block{Blocker: alice, Blocked: bob}); err != nil {
		t.Fatal(err)
	}
	paused := &pausedTrustStore{TrustStore: st, started: make(chan struct{}), release: make(chan struct{})}
	stores := st.Stores()
	stores.Trust = paused
	svc := ledger.NewService(stores, ledger.NewManualClock(time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)), ledger.DefaultConfig())

	first := make(chan *ledger.Graph)
	go func() {
		g, _ := svc.Trust.Graph(ctx) // reads the block, then pauses
		first <- g
	}()
	<-paused.started
	unblocked := make(chan *ledger.BlockResult)
	go func() {
		res, err := svc.Trust.Unblock(ctx, ledger.Action{Event: "$unblock", Actor: alice}, bob)
		if err != nil {
			t.Error(err)
		}
		unblocked <- res
	}()
	// Unblock saves the change, then waits for the paused load to end.
	for blocks, _ := st.Blocks(ctx); len(blocks) > 0; blocks, _ = st.Blocks(ctx) {
		runtime.Gosched()
	}
	close(paused.release)
	if g := <-first; g.TrustSize(alice).Count() != 0 {
		t.Fatalf("the first load saw %d members on alice's list, want 0 (blocked)", g.TrustSize(alice).Count())
	}
	if res := <-unblocked; res == nil || !res.HadGuarantee {
		t.Fatalf("Unblock = %+v, want the restored guarantee with bob (a graph from after the change)", res)
	}
}
