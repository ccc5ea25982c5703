package ledger

import (
	"math/bits"
	"slices"
)

// A change of the trust network that only adds a guarantee is made to a
// copy of the graph in memory rather than by loading the graph anew: the
// copy shares what the change leaves alone, and every array it changes is
// new, so a Graph stays immutable for the readers who hold it. The copy
// costs a few passes over the arrays (O(V + E) memory moves, no hashing
// and no store read), where a load reads every guarantee.

// maxAdded is how many members a chain of copies numbers outside the
// frozen ID index before the next copy builds the index anew.
const maxAdded = 4096

// withGuarantee returns a copy of g with an active guarantee between a and
// b with pledge added, as NewGraph would build it from g's guarantees and
// this one. It returns nil when it cannot make the change (the pledge is
// in a currency g does not know): the graph must then be loaded anew. The
// caller must know the guarantee is not cut by a block; adding a
// guarantee g already counts changes nothing.
func (g *Graph) withGuarantee(a, b UserID, pledge Amount) *Graph {
	if a == b {
		return g
	}
	cur := int32(-1)
	if pledge.Currency != "" {
		i, ok := slices.BinarySearch(g.curs, pledge.Currency)
		if !ok {
			return nil
		}
		cur = int32(i)
	}
	h := g.copyShared()
	h.addMember(a)
	h.addMember(b)
	x, _ := h.lookup(a)
	y, _ := h.lookup(b)
	sums := map[int32][]compSum{}
	h.addEdge(x, y, sums)
	if cur >= 0 {
		h.raisePledges([2]int32{x, y}, cur, pledge.Minor, sums)
	}
	h.replaceSums(sums)
	h.setScratch()
	return h
}

// linked reports whether a and b are linked by an active guarantee.
func (g *Graph) linked(a, b UserID) bool {
	x, ok1 := g.lookup(a)
	y, ok2 := g.lookup(b)
	if !ok1 || !ok2 {
		return false
	}
	_, found := slices.BinarySearch(g.neighbours(x), y)
	return found
}

// copyShared returns a new Graph sharing g's arrays.
func (g *Graph) copyShared() *Graph {
	return &Graph{
		ids: g.ids, index: g.index, added: g.added, rank: g.rank, off: g.off, adj: g.adj,
		curs: g.curs, pOff: g.pOff, pledges: g.pledges,
		comp: g.comp, cSize: g.cSize, cOff: g.cOff, cSums: g.cSums,
	}
}

// setScratch sizes the queries' working memory to the graph's members.
func (g *Graph) setScratch() {
	n := len(g.ids)
	g.scratch.New = func() any {
		s := &scratch{d: [2][]int32{make([]int32, n), make([]int32, n)}, good: make([]bool, n)}
		for i := range n {
			s.d[0][i], s.d[1][i] = -1, -1
		}
		return s
	}
}

// addMember numbers u, if new, as a member without guarantees in a
// component of their own, at their place in ID order: the indices after
// it move up by one.
func (g *Graph) addMember(u UserID) {
	if _, ok := g.lookup(u); ok {
		return
	}
	p32, _ := slices.BinarySearch(g.ids, u)
	p := int32(p32)
	g.ids = slices.Insert(slices.Clone(g.ids), p32, u)
	rank := make([]int32, len(g.rank), len(g.rank)+1)
	for t, r := range g.rank {
		rank[t] = r + b2i(r >= p)
	}
	g.rank = append(rank, p)
	g.added = cloneAdded(g.added, len(g.added)+1)
	g.added[u] = int32(len(g.rank) - 1)
	if len(g.added) > maxAdded {
		g.reindex()
	}
	adj := make([]int32, len(g.adj))
	for k, w := range g.adj {
		adj[k] = w + b2i(w >= p)
	}
	g.adj = adj
	g.off = slices.Insert(slices.Clone(g.off), p32+1, g.off[p])
	g.pOff = slices.Insert(slices.Clone(g.pOff), p32+1, g.pOff[p])
	g.comp = slices.Insert(slices.Clone(g.comp), p32, int32(len(g.cSize)))
	g.cSize = append(slices.Clip(g.cSize), 1)
	g.cOff = append(slices.Clip(g.cOff), g.cOff[len(g.cOff)-1])
}

// b2i is 1 for true, 0 for false.
func b2i(b bool) int32 {
	if b {
		return 1
	}
	return 0
}

// cloneAdded copies the members numbered outside the frozen index.
func cloneAdded(m map[UserID]int32, size int) map[UserID]int32 {
	out := make(map[UserID]int32, size)
	for u, t := range m {
		out[u] = t
	}
	return out
}

// reindex numbers every member anew in a new ID index, in ID order.
func (g *Graph) reindex() {
	x := newIDIndex()
	for _, u := range g.ids {
		x.intern(u)
	}
	x.freeze()
	g.index, g.added = x, nil
	g.rank = make([]int32, len(g.ids))
	for i := range g.rank {
		g.rank[i] = int32(i)
	}
}

// addEdge links x and y, if they are not linked yet, joining their
// components: the smaller one takes the larger one's number, and the
// larger one's sums in sums become those of both.
func (g *Graph) addEdge(x, y int32, sums map[int32][]compSum) {
	if _, found := slices.BinarySearch(g.neighbours(x), y); found {
		return
	}
	lo, hi := min(x, y), max(x, y)
	adj := make([]int32, len(g.adj)+2)
	w := copy(adj, g.adj[:g.off[lo]])
	w += copyInserting(adj[w:], g.neighbours(lo), hi)
	w += copy(adj[w:], g.adj[g.off[lo+1]:g.off[hi]])
	w += copyInserting(adj[w:], g.neighbours(hi), lo)
	copy(adj[w:], g.adj[g.off[hi+1]:])
	off := make([]int32, len(g.off))
	for m, o := range g.off {
		off[m] = o + b2i(int32(m) > lo) + b2i(int32(m) > hi)
	}
	g.adj, g.off = adj, off
	cx, cy := g.comp[x], g.comp[y]
	if cx == cy {
		return
	}
	big, small := cx, cy
	if g.cSize[small] > g.cSize[big] {
		big, small = small, big
	}
	comp := slices.Clone(g.comp)
	for i, c := range comp {
		if c == small {
			comp[i] = big
		}
	}
	g.comp = comp
	g.cSize = slices.Clone(g.cSize)
	g.cSize[big] += g.cSize[small]
	g.cSize[small] = 0
	sums[big] = mergeSums(g.sumsOf(big), g.sumsOf(small))
	sums[small] = nil
}

// copyInserting copies the sorted s into dst with v at its place, and
// returns how many it wrote.
func copyInserting(dst, s []int32, v int32) int {
	i, _ := slices.BinarySearch(s, v)
	copy(dst, s[:i])
	dst[i] = v
	copy(dst[i+1:], s[i:])
	return len(s) + 1
}

// sumsOf returns a copy of component c's sums.
func (g *Graph) sumsOf(c int32) []compSum {
	return slices.Clone(g.cSums[g.cOff[c]:g.cOff[c+1]])
}

// mergeSums adds two components' sums, both sorted by currency.
func mergeSums(x, y []compSum) []compSum {
	out := make([]compSum, 0, len(x)+len(y))
	for len(x) > 0 || len(y) > 0 {
		switch {
		case len(y) == 0 || (len(x) > 0 && x[0].cur < y[0].cur):
			out, x = append(out, x[0]), x[1:]
		case len(x) == 0 || y[0].cur < x[0].cur:
			out, y = append(out, y[0]), y[1:]
		default:
			s := x[0]
			s.count += y[0].count
			s.sum.addWide(y[0].sum)
			out, x, y = append(out, s), x[1:], y[1:]
		}
	}
	return out
}

// addWide adds v to w.
func (w *wide) addWide(v wide) {
	var carry uint64
	w.lo, carry = bits.Add64(w.lo, v.lo, 0)
	w.hi += v.hi + int64(carry)
}

// raisePledges raises the pledge in currency cur of members x and y to
// minor where it is lower, and their components' sums in sums with it.
func (g *Graph) raisePledges(ends [2]int32, cur int32, minor int64, sums map[int32][]compSum) {
	var raised [2]bool
	var seg [2][]pledge
	for k, m := range ends {
		ps := g.pledges[g.pOff[m]:g.pOff[m+1]]
		i, found := slices.BinarySearchFunc(ps, cur, func(p pledge, c int32) int { return int(p.cur - c) })
		if found && ps[i].minor >= minor {
			continue
		}
		c := g.comp[m]
		s, ok := sums[c]
		if !ok {
			s = g.sumsOf(c)
		}
		j, has := slices.BinarySearchFunc(s, cur, func(cs compSum, c int32) int { return int(cs.cur - c) })
		if !has {
			s = slices.Insert(s, j, compSum{cur: cur})
		}
		ps = slices.Clone(ps)
		if found {
			s[j].sum.sub(ps[i].minor)
			ps[i].minor = minor
		} else {
			s[j].count++
			ps = slices.Insert(ps, i, pledge{cur, minor})
		}
		s[j].sum.add(minor)
		sums[c] = s
		raised[k], seg[k] = true, ps
	}
	if raised[0] || raised[1] {
		g.replacePledges(ends, raised, seg)
	}
}

// replacePledges gives the members ends[k] for which raised[k] the pledges
// seg[k], copying the others' in blocks.
func (g *Graph) replacePledges(ends [2]int32, raised [2]bool, seg [2][]pledge) {
	if ends[0] > ends[1] {
		ends[0], ends[1] = ends[1], ends[0]
		raised[0], raised[1] = raised[1], raised[0]
		seg[0], seg[1] = seg[1], seg[0]
	}
	var reps []replaced[pledge]
	for k := range ends {
		if raised[k] {
			reps = append(reps, replaced[pledge]{ends[k], seg[k]})
		}
	}
	g.pledges, g.pOff = replaceSegments(g.pledges, g.pOff, reps)
}

// replaced is the new segment of one member or component.
type replaced[T any] struct {
	at  int32
	seg []T
}

// replaceSegments returns a copy of the packed segments (those of i are
// items[off[i]:off[i+1]]) with the segments of reps (sorted by at)
// replaced, and the offsets of the copy.
func replaceSegments[T any](items []T, off []int32, reps []replaced[T]) ([]T, []int32) {
	out := make([]T, 0, len(items)+8)
	prev := int32(0)
	for _, r := range reps {
		out = append(out, items[off[prev]:off[r.at]]...)
		out = append(out, r.seg...)
		prev = r.at + 1
	}
	out = append(out, items[off[prev]:]...)
	newOff := make([]int32, len(off))
	d, k := int32(0), 0
	for i, o := range off {
		newOff[i] = o + d
		if k < len(reps) && reps[k].at == int32(i) {
			d += int32(len(reps[k].seg)) - (off[i+1] - o)
			k++
		}
	}
	return out, newOff
}

// replaceSums gives each component c in sums the sums sums[c].
func (g *Graph) replaceSums(sums map[int32][]compSum) {
	if len(sums) == 0 {
		return
	}
	reps := make([]replaced[compSum], 0, len(sums))
	for c, s := range sums {
		reps = append(reps, replaced[compSum]{c, s})
	}
	slices.SortFunc(reps, func(x, y replaced[compSum]) int { return int(x.at - y.at) })
	g.cSums, g.cOff = replaceSegments(g.cSums, g.cOff, reps)
}
