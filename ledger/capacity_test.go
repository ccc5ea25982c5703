package ledger_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
)

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
func (r *capRef) supply(m, to ledger.UserID, cur ledger.Currency, owed ledger.Owed) int64 {
	if m == to {
		return 0
	}
	return max(0, r.pledge[m][cur]-owed[m][cur])
}

// maxFlow is Edmonds–Karp: shortest augmenting paths, found breadth first,
// on the matrix of source (node n), members 0..n-1.
func (r *capRef) maxFlow(to ledger.UserID, cur ledger.Currency, owed ledger.Owed) int64 {
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
func randomCapNetwork(r *rand.Rand) ([]ledger.Guarantee, []ledger.Block, ledger.Owed) {
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
	owed := ledger.Owed{}
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
				c, paths := g.CapacityFlowForTest(to, cur, owed)
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
func checkCapPaths(t *testing.T, ref *capRef, to ledger.UserID, cur ledger.Currency, owed ledger.Owed, value int64, paths []ledger.FlowPath) {
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
