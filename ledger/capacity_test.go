package ledger_test

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
)

// debts is what each member owes on open commitments, per currency.
type debts map[ledger.UserID]map[ledger.Currency]int64

// of is debts as a ledger.Owed.
func (d debts) of(u ledger.UserID, cur ledger.Currency) int64 { return d[u][cur] }

// capRef is the capacity model written out plainly, from the guarantees
// themselves: each member's pledge per currency, the capacity of each
// pair of members, and a maximum flow by Edmonds–Karp on a dense matrix.
type capRef struct {
	ids    []ledger.UserID
	pledge map[ledger.UserID]map[ledger.Currency]int64
	linked map[[2]ledger.UserID]bool // both orders
}

// newCapRef reads the guarantees and blocks as NewGraph is documented to.
func newCapRef(gs []ledger.Guarantee, bs []ledger.Block) *capRef {
	r := &capRef{pledge: map[ledger.UserID]map[ledger.Currency]int64{}, linked: map[[2]ledger.UserID]bool{}}
	blocked := map[[2]ledger.UserID]bool{}
	for _, b := range bs {
		blocked[[2]ledger.UserID{b.Blocker, b.Blocked}] = true
		blocked[[2]ledger.UserID{b.Blocked, b.Blocker}] = true
	}
	seen := map[ledger.UserID]bool{}
	for _, g := range gs {
		if g.A == g.B {
			continue
		}
		for _, m := range []ledger.UserID{g.A, g.B} {
			if !seen[m] {
				seen[m] = true
				r.ids = append(r.ids, m)
				r.pledge[m] = map[ledger.Currency]int64{}
			}
		}
		if blocked[[2]ledger.UserID{g.A, g.B}] {
			continue
		}
		r.linked[[2]ledger.UserID{g.A, g.B}], r.linked[[2]ledger.UserID{g.B, g.A}] = true, true
		for _, m := range []ledger.UserID{g.A, g.B} {
			if g.Pledge.Currency != "" {
				r.pledge[m][g.Pledge.Currency] = max(r.pledge[m][g.Pledge.Currency], g.Pledge.Minor)
			}
		}
	}
	return r
}

// edgeCap is what a guarantee between a and b carries each way.
func (r *capRef) edgeCap(a, b ledger.UserID, cur ledger.Currency) int64 {
	if !r.linked[[2]ledger.UserID{a, b}] {
		return 0
	}
	return min(r.pledge[a][cur], r.pledge[b][cur])
}

// supply is what m can give of their own.
func (r *capRef) supply(m, to ledger.UserID, cur ledger.Currency, owed debts) int64 {
	if m == to {
		return 0
	}
	return max(0, r.pledge[m][cur]-owed[m][cur])
}

// maxFlow is Edmonds–Karp: shortest augmenting paths, found breadth first,
// on the matrix of source (node n), members 0..n-1.
func (r *capRef) maxFlow(to ledger.UserID, cur ledger.Currency, owed debts) int64 {
	n := len(r.ids)
	res := make([][]int64, n+1)
	for i := range res {
		res[i] = make([]int64, n+1)
	}
	sink := -1
	for i, a := range r.ids {
		if a == to {
			sink = i
		}
		res[n][i] = r.supply(a, to, cur, owed)
		for j, b := range r.ids {
			res[i][j] = r.edgeCap(a, b, cur)
		}
	}
	if sink < 0 {
		return 0
	}
	var total int64
	for {
		prev := make([]int, n+1)
		for i := range prev {
			prev[i] = -1
		}
		prev[n] = n
		q := []int{n}
		for len(q) > 0 && prev[sink] < 0 {
			v := q[0]
			q = q[1:]
			for w := range n + 1 {
				if prev[w] < 0 && res[v][w] > 0 {
					prev[w] = v
					q = append(q, w)
				}
			}
		}
		if prev[sink] < 0 {
			return total
		}
		least := int64(1) << 62
		for w := sink; w != n; w = prev[w] {
			least = min(least, res[prev[w]][w])
		}
		for w := sink; w != n; w = prev[w] {
			res[prev[w]][w] -= least
			res[w][prev[w]] += least
		}
		total += least
	}
}

// randomCapNetwork is a small random network: up to 8 members, guarantees
// in EUR and USD, duplicates, self-guarantees and blocks, and random debts.
func randomCapNetwork(r *rand.Rand) ([]ledger.Guarantee, []ledger.Block, debts) {
	n := 2 + r.IntN(7)
	id := func() ledger.UserID { return ledger.UserID(fmt.Sprintf("@m%d:x", r.IntN(n))) }
	var gs []ledger.Guarantee
	var bs []ledger.Block
	for range r.IntN(3 * n) {
		p := ledger.Amount{Minor: 100 * (1 + r.Int64N(5)), Currency: "EUR"}
		if r.IntN(4) == 0 {
			p.Currency = "USD"
		}
		gs = append(gs, ledger.Guarantee{A: id(), B: id(), Pledge: p})
		if r.IntN(10) == 0 {
			bs = append(bs, ledger.Block{Blocker: id(), Blocked: id()})
		}
	}
	owed := debts{}
	for range r.IntN(n) {
		owed[id()] = map[ledger.Currency]int64{"EUR": 50 * r.Int64N(8)}
	}
	return gs, bs, owed
}

// TestCapacityMatchesReference checks, on random small networks, that the
// capacity equals Edmonds–Karp's maximum flow on the plain model, and that
// its paths carry exactly that value within every capacity.
func TestCapacityMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 18))
	for round := range 3000 {
		gs, bs, owed := randomCapNetwork(r)
		g, ref := ledger.NewGraph(gs, bs), newCapRef(gs, bs)
		for _, to := range ref.ids {
			for _, cur := range []ledger.Currency{"EUR", "USD"} {
				c, paths := g.CapacityFlowForTest(to, cur, owed.of)
				if want := ref.maxFlow(to, cur, owed); c.Value.Minor != want || c.Value.Currency != cur {
					t.Fatalf("round %d, %s %s: value %v, reference %d\nguarantees %v\nblocks %v\nowed %v",
						round, to, cur, c.Value, want, gs, bs, owed)
				}
				checkCapPaths(t, ref, to, cur, owed, c.Value.Minor, paths)
			}
		}
	}
}

// checkCapPaths checks that paths carry value in all, each from a giver to
// to along guarantees, no giver beyond their supply and no guarantee
// beyond its capacity, each guarantee used one way only.
func checkCapPaths(t *testing.T, ref *capRef, to ledger.UserID, cur ledger.Currency, owed debts, value int64, paths []ledger.FlowPath) {
	t.Helper()
	var sum int64
	given := map[ledger.UserID]int64{}
	carried := map[[2]ledger.UserID]int64{}
	for _, p := range paths {
		ms := p.Members
		if p.Amount.Minor <= 0 || p.Amount.Currency != cur || len(ms) < 2 || ms[len(ms)-1] != to {
			t.Fatalf("bad path %v toward %s", p, to)
		}
		sum += p.Amount.Minor
		given[ms[0]] += p.Amount.Minor
		for k := 1; k < len(ms); k++ {
			if !ref.linked[[2]ledger.UserID{ms[k-1], ms[k]}] {
				t.Fatalf("path %v steps off the guarantees", p)
			}
			carried[[2]ledger.UserID{ms[k-1], ms[k]}] += p.Amount.Minor
		}
	}
	if sum != value {
		t.Fatalf("paths toward %s carry %d, value %d: %v", to, sum, value, paths)
	}
	for m, v := range given {
		if v > ref.supply(m, to, cur, owed) {
			t.Fatalf("%s gives %d, more than their %d", m, v, ref.supply(m, to, cur, owed))
		}
	}
	for e, v := range carried {
		if v > ref.edgeCap(e[0], e[1], cur) || carried[[2]ledger.UserID{e[1], e[0]}] > 0 {
			t.Fatalf("guarantee %v carries %d (back %d), capacity %d", e, v, carried[[2]ledger.UserID{e[1], e[0]}], ref.edgeCap(e[0], e[1], cur))
		}
	}
}

// minCut is the smallest cut between the source and to, by brute force
// over every set of members on the source's side: the pledges left of the
// members on to's side, and the guarantees from the source's side to
// to's. By the max-flow min-cut theorem it equals the maximum flow.
func (r *capRef) minCut(to ledger.UserID, cur ledger.Currency, owed debts) int64 {
	var others []ledger.UserID
	for _, m := range r.ids {
		if m != to {
			others = append(others, m)
		}
	}
	best := int64(-1)
	for set := range 1 << len(others) {
		sourceSide := map[ledger.UserID]bool{}
		for i, m := range others {
			if set&(1<<i) != 0 {
				sourceSide[m] = true
			}
		}
		var cut int64
		for _, b := range r.ids {
			if sourceSide[b] {
				continue
			}
			cut += r.supply(b, to, cur, owed)
			for a := range sourceSide {
				cut += r.edgeCap(a, b, cur)
			}
		}
		if best < 0 || cut < best {
			best = cut
		}
	}
	return best
}

// TestCapacityIsTheMinimumCut checks, on random small networks, that the
// capacity equals the smallest cut found by trying every cut.
func TestCapacityIsTheMinimumCut(t *testing.T) {
	r := rand.New(rand.NewPCG(18, 37))
	for round := range 1500 {
		gs, bs, owed := randomCapNetwork(r)
		g, ref := ledger.NewGraph(gs, bs), newCapRef(gs, bs)
		for _, to := range ref.ids {
			c := g.Capacity(to, "EUR", owed.of, ledger.MaxCapacityPaths)
			if want := ref.minCut(to, "EUR", owed); c.Value.Minor != want {
				t.Fatalf("round %d, %s: value %v, minimum cut %d\nguarantees %v\nblocks %v\nowed %v",
					round, to, c.Value, want, gs, bs, owed)
			}
		}
	}
}

// TestCapacityOnAPatchedGraph: the capacity on a graph that got its
// guarantees one by one in memory (as a vouch makes it) is the one on the
// graph built from them all.
func TestCapacityOnAPatchedGraph(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 71))
	for round := range 500 {
		gs, _, owed := randomCapNetwork(r)
		if len(gs) == 0 {
			continue
		}
		whole := ledger.NewGraph(gs, nil)
		patched := ledger.NewGraph(gs[:1], nil)
		for _, gu := range gs[1:] {
			if next := patched.WithGuaranteeForTest(gu.A, gu.B, gu.Pledge); next != nil {
				patched = next
			} else {
				patched = ledger.NewGraph(append([]ledger.Guarantee{gu}, gs...), nil)
			}
		}
		for _, m := range newCapRef(gs, nil).ids {
			a, b := whole.Capacity(m, "EUR", owed.of, 3), patched.Capacity(m, "EUR", owed.of, 3)
			if a.Value != b.Value {
				t.Fatalf("round %d, %s: patched %v, whole %v\nguarantees %v", round, m, b.Value, a.Value, gs)
			}
		}
	}
}

// TestCapacityPathsLargestFirst: Capacity lists at most top paths, the
// largest first, and counts them all; an unknown member or currency gets
// nothing.
func TestCapacityPathsLargestFirst(t *testing.T) {
	// a star: five members vouch for hub, each with a different pledge.
	var gs []ledger.Guarantee
	for i := range 5 {
		gs = append(gs, grPledge("hub", fmt.Sprint("m", i), grEUR(int64(100*(i+1)))))
	}
	g := ledger.NewGraph(gs, nil)
	c := g.Capacity(grID("hub"), "EUR", nil, 3)
	if c.Value != grEUR(1500) || c.PathCount != 5 || len(c.Paths) != 3 {
		t.Fatalf("hub's capacity: %+v", c)
	}
	for k, want := range []int64{500, 400, 300} {
		if p := c.Paths[k]; p.Amount != grEUR(want) || len(p.Members) != 2 || p.Members[1] != grID("hub") {
			t.Errorf("path %d: %+v", k, p)
		}
	}
	for _, c := range []ledger.Capacity{g.Capacity(grID("nobody"), "EUR", nil, 3), g.Capacity(grID("hub"), "USD", nil, 3)} {
		if c.Value.Minor != 0 || c.Paths != nil || c.PathCount != 0 {
			t.Errorf("nothing expected: %+v", c)
		}
	}
}

// TestCapacityConcurrent: capacities asked at once of one graph (their
// working memory shared through a pool) are those asked one at a time.
func TestCapacityConcurrent(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	gs, bs, owed := randomCapNetwork(r)
	for len(gs) < 10 {
		gs, bs, owed = randomCapNetwork(r)
	}
	g, ids := ledger.NewGraph(gs, bs), newCapRef(gs, bs).ids
	want := map[ledger.UserID]ledger.Amount{}
	for _, m := range ids {
		want[m] = g.Capacity(m, "EUR", owed.of, 3).Value
	}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range 200 {
				m := ids[(w+k)%len(ids)]
				if got := g.Capacity(m, "EUR", owed.of, 3).Value; got != want[m] {
					t.Errorf("%s: %v at once, %v alone", m, got, want[m])
					return
				}
			}
		}()
	}
	wg.Wait()
}
