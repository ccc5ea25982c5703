package ledger

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
	"sync"
)

// Graph is the trust network at one moment (immutable after NewGraph, safe
// for concurrent reads). Use it through the pointer NewGraph returns; do not
// copy a Graph.
//
// Members are interned to int32 indices in ID order, so comparing two
// indices compares the IDs; active edges are kept in compressed sparse row
// form (one sorted neighbour slice per member, all in one array). Queries
// borrow their working memory from a pool, so the breadth-first searches do
// not touch maps or allocate per visited member.
type Graph struct {
	ids   []UserID         // index -> ID, sorted
	index *idIndex         // ID -> number in order of first appearance
	added map[UserID]int32 // numbers of members added since (graph_patch.go)
	rank  []int32          // number -> index
	off   []int32          // neighbours of i are adj[off[i]:off[i+1]]
	adj   []int32          // sorted within each member

	curs    []Currency // distinct pledge currencies, sorted
	pOff    []int32    // pledges of i are pledges[pOff[i]:pOff[i+1]]
	pledges []pledge   // sorted by currency within each member

	comp  []int32   // connected component of each member
	cSize []int32   // number of members of each component
	cOff  []int32   // sums of component c are cSums[cOff[c]:cOff[c+1]]
	cSums []compSum // sorted by currency within each component

	scratch sync.Pool // of *scratch
}

// lookup returns u's index, false if u is not a member.
func (g *Graph) lookup(u UserID) (int32, bool) {
	t, ok := g.index.number(u)
	if !ok {
		if t, ok = g.added[u]; !ok {
			return 0, false
		}
	}
	return g.rank[t], true
}

// pledge is one member's largest pledge in one currency; cur indexes Graph.curs.
type pledge struct {
	cur   int32
	minor int64
}

// compSum is the exact sum of the pledges in one currency of the members of
// one component, and how many members have a pledge in that currency.
type compSum struct {
	cur, count int32
	sum        wide
}

// dropBlocked marks inactive the edge keys that a block cuts. Blocks are
// rare, so only guarantees between two members who take part in some block
// are looked up.
func (g *Graph) dropBlocked(ends []uint64, blocks []Block) {
	var keys []uint64
	involved := make([]bool, len(g.ids))
	for _, b := range blocks {
		x, ok1 := g.lookup(b.Blocker)
		y, ok2 := g.lookup(b.Blocked)
		if ok1 && ok2 && x != y {
			keys = append(keys, edgeKey(x, y))
			involved[x], involved[y] = true, true
		}
	}
	if len(keys) == 0 {
		return
	}
	slices.Sort(keys)
	for i, k := range ends {
		if k == inactive {
			continue
		}
		if a, b := edgeEnds(k); involved[a] && involved[b] {
			if _, found := slices.BinarySearch(keys, k); found {
				ends[i] = inactive
			}
		}
	}
}

// buildEdges fills the adjacency (off, adj) and the pledges (pOff,
// pledges) from the active edge keys; cur[i] and minor[i] are the pledge
// of the guarantee with key ends[i] (cur -1: none counts). It files each
// guarantee's number under both its ends once, reduces each member's group
// to their largest pledge per currency, then turns the group in place into
// the member's neighbours, sorted and free of duplicates: one table of
// 4 bytes per end serves both.
func (g *Graph) buildEdges(n int, ends []uint64, cur []int32, minor []int64) {
	start := make([]int32, n+1)
	for _, k := range ends {
		if k != inactive {
			a, b := edgeEnds(k)
			start[a+1]++
			start[b+1]++
		}
	}
	for m := range n {
		start[m+1] += start[m]
	}
	items := make([]int32, start[n])
	next := slices.Clone(start[:n])
	for i, k := range ends {
		if k != inactive {
			a, b := edgeEnds(k)
			items[next[a]], items[next[b]] = int32(i), int32(i)
			next[a]++
			next[b]++
		}
	}
	g.buildPledges(n, start, items, cur, minor)
	g.off = make([]int32, n+1)
	w := int32(0)
	for m := range int32(n) {
		group := items[start[m]:start[m+1]]
		for j, e := range group {
			a, b := edgeEnds(ends[e])
			group[j] = a ^ b ^ m // the other end
		}
		slices.Sort(group)
		w += int32(copy(items[w:], slices.Compact(group)))
		g.off[m+1] = w
	}
	g.adj = slices.Clip(items[:w])
}

// buildPledges keeps, for every member and currency, the largest pledge
// among the member's active guarantees, whose numbers are
// items[start[m]:start[m+1]] for member m.
func (g *Graph) buildPledges(n int, start, items, cur []int32, minor []int64) {
	g.pOff = make([]int32, n+1)
	var ps []pledge
	for m := range n {
		ps = ps[:0]
		for _, e := range items[start[m]:start[m+1]] {
			if cur[e] >= 0 {
				ps = append(ps, pledge{cur[e], minor[e]})
			}
		}
		g.pledges = append(g.pledges, maxPerCurrency(ps)...)
		g.pOff[m+1] = int32(len(g.pledges))
	}
	g.pledges = slices.Clip(g.pledges)
}

// maxPerCurrency reduces ps in place to the largest pledge per currency,
// sorted by currency, and returns the reduced prefix. Members have few
// currencies, so a linear scan beats a map.
func maxPerCurrency(ps []pledge) []pledge {
	k := 0
	for _, p := range ps {
		j := 0
		for j < k && ps[j].cur != p.cur {
			j++
		}
		switch {
		case j == k:
			ps[k] = p
			k++
		case p.minor > ps[j].minor:
			ps[j].minor = p.minor
		}
	}
	ps = ps[:k]
	slices.SortFunc(ps, func(x, y pledge) int { return cmp.Compare(x.cur, y.cur) })
	return ps
}

// buildComponents labels the connected components of the active edges,
// counts their members and sums the pledges of each, so that neither
// TrustSize nor Pool need search. A breadth-first
// search from each unlabelled member visits its component contiguously.
func (g *Graph) buildComponents(n int) {
	g.comp = make([]int32, n)
	for i := range g.comp {
		g.comp[i] = -1
	}
	g.cOff = []int32{0}
	q := make([]int32, 0, n)
	acc := make([]compSum, len(g.curs))
	var touched []int32
	for src := range int32(n) {
		if g.comp[src] >= 0 {
			continue
		}
		c := int32(len(g.cOff) - 1)
		q = append(q[:0], src)
		g.comp[src] = c
		for head := 0; head < len(q); head++ {
			m := q[head]
			for _, w := range g.neighbours(m) {
				if g.comp[w] < 0 {
					g.comp[w] = c
					q = append(q, w)
				}
			}
			for _, p := range g.pledges[g.pOff[m]:g.pOff[m+1]] {
				if acc[p.cur].count == 0 {
					touched = append(touched, p.cur)
				}
				acc[p.cur].count++
				acc[p.cur].sum.add(p.minor)
			}
		}
		slices.Sort(touched)
		for _, cur := range touched {
			g.cSums = append(g.cSums, compSum{cur, acc[cur].count, acc[cur].sum})
			acc[cur] = compSum{}
		}
		touched = touched[:0]
		g.cOff = append(g.cOff, int32(len(g.cSums)))
		g.cSize = append(g.cSize, int32(len(q)))
	}
}

// PledgeOf returns, per currency, the largest pledge among u's active
// guarantees, sorted by currency; nil if there is none. Pledges without a
// currency (the zero Amount) are ignored.
func (g *Graph) PledgeOf(u UserID) []Amount {
	i, ok := g.lookup(u)
	if !ok || g.pOff[i] == g.pOff[i+1] {
		return nil
	}
	ps := g.pledges[g.pOff[i]:g.pOff[i+1]]
	out := make([]Amount, len(ps))
	for k, p := range ps {
		out[k] = Amount{Minor: p.minor, Currency: g.curs[p.cur]}
	}
	return out
}

// Pool returns, per currency, the sum of PledgeOf(m) over every m in
// TrustList(u) (u excluded), sorted by currency; nil if empty. The trust
// list is u's connected component without u, whose sums NewGraph has
// computed, so Pool takes time in the number of currencies only.
//
// Sums are in int64 minor units. Amounts the ledger accepts are bounded by
// MaxMajorUnits (10^9 minor units at two decimals), so even a pool of a
// million members stays below 10^15, far from the int64 limit of about
// 9.2*10^18. Should absurd pledges get in anyway, sums are computed exactly
// in 128 bits and clamped to the int64 range rather than wrapping around.
func (g *Graph) Pool(u UserID) []Amount {
	i, ok := g.lookup(u)
	if !ok {
		return nil
	}
	c := g.comp[i]
	own := g.pledges[g.pOff[i]:g.pOff[i+1]]
	var out []Amount
	for _, cs := range g.cSums[g.cOff[c]:g.cOff[c+1]] {
		for len(own) > 0 && own[0].cur < cs.cur {
			own = own[1:]
		}
		if len(own) > 0 && own[0].cur == cs.cur {
			cs.sum.sub(own[0].minor)
			cs.count--
		}
		if cs.count > 0 {
			out = append(out, Amount{Minor: cs.sum.clamp(), Currency: g.curs[cs.cur]})
		}
	}
	return out
}

// wide is a signed 128-bit integer, for sums that cannot overflow.
type wide struct {
	hi int64
	lo uint64
}

// add adds x to w.
func (w *wide) add(x int64) {
	var carry uint64
	w.lo, carry = bits.Add64(w.lo, uint64(x), 0)
	w.hi += int64(carry) + x>>63
}

// sub subtracts x from w.
func (w *wide) sub(x int64) {
	var borrow uint64
	w.lo, borrow = bits.Sub64(w.lo, uint64(x), 0)
	w.hi -= int64(borrow) + x>>63
}

// clamp returns w, or the nearest int64 bound if w is out of range.
func (w wide) clamp() int64 {
	switch {
	case w.hi == 0 && w.lo <= math.MaxInt64, w.hi == -1 && w.lo > math.MaxInt64:
		return int64(w.lo)
	case w.hi < 0:
		return math.MinInt64
	}
	return math.MaxInt64
}
