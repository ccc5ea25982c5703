package ledger

import (
	"math"
	"slices"
)

// The searches of the trust network: who a member's guarantors are, near
// and far (TrustList), how far apart two members are (Distance) and the
// chain of guarantees between them (Chain). The graph they search is built
// in graph.go.

// scratch is the working memory of one query; side 0 searches from its
// start, side 1 from its target. Distances are -1 and flags false between
// queries; each query resets only what it touched.
type scratch struct {
	d    [2][]int32 // distance from the side's origin
	q    [2][]int32 // members labelled, in order
	good []bool
}

// Members returns the number of distinct members appearing in any guarantee
// (the ends of blocked edges included, self-guarantees not).
func (g *Graph) Members() int { return len(g.ids) }

// neighbours returns the sorted neighbour indices of member i.
func (g *Graph) neighbours(i int32) []int32 { return g.adj[g.off[i]:g.off[i+1]] }

// userIDs converts member indices to IDs; nil if there are none.
func (g *Graph) userIDs(is []int32) []UserID {
	if len(is) == 0 {
		return nil
	}
	out := make([]UserID, len(is))
	for k, i := range is {
		out[k] = g.ids[i]
	}
	return out
}

// Direct returns u's neighbours through active edges, sorted by ID; nil if
// u has none or is unknown.
func (g *Graph) Direct(u UserID) []UserID {
	i, ok := g.lookup(u)
	if !ok {
		return nil
	}
	return g.userIDs(g.neighbours(i))
}

// TrustList is everyone reachable from a member: direct guarantors first,
// then the rest by distance.
type TrustList struct {
	Member   UserID
	Direct   []UserID // distance 1, sorted by ID
	Indirect []UserID // distance >= 2, sorted by distance then ID
}

// Count returns the number of members on the list: len(Direct)+len(Indirect).
func (t TrustList) Count() int { return len(t.Direct) + len(t.Indirect) }

// All returns the members on the list, Direct then Indirect, in a new slice.
func (t TrustList) All() []UserID {
	out := make([]UserID, 0, t.Count())
	out = append(out, t.Direct...)
	return append(out, t.Indirect...)
}

// TrustList returns everyone reachable from u over active edges, u
// excluded, found by breadth-first search. Both lists are nil when empty,
// as they are for an unknown member.
func (g *Graph) TrustList(u UserID) TrustList {
	t, _ := g.TrustListHead(u, math.MaxInt)
	return t
}

// TrustSize is how many members a trust list holds.
type TrustSize struct {
	Direct   int // distance 1
	Indirect int // distance >= 2
}

// Count returns the number of members on the list: Direct+Indirect.
func (s TrustSize) Count() int { return s.Direct + s.Indirect }

// TrustSize returns how many members TrustList(u) holds, in constant time:
// the trust list is u's connected component without u, whose size
// NewGraph has counted.
func (g *Graph) TrustSize(u UserID) TrustSize {
	i, ok := g.lookup(u)
	if !ok {
		return TrustSize{}
	}
	direct := int(g.off[i+1] - g.off[i])
	return TrustSize{Direct: direct, Indirect: int(g.cSize[g.comp[i]]) - 1 - direct}
}

// TrustListHead returns the first n members of each part of u's trust
// list (the first n of Direct and the first n of Indirect, in TrustList's
// order) and the size of the whole list. The search stops at the distance
// where the n-th indirect member stands, so a short head of a large list
// costs a small part of the whole search.
func (g *Graph) TrustListHead(u UserID, n int) (TrustList, TrustSize) {
	t := TrustList{Member: u}
	src, ok := g.lookup(u)
	if !ok || n <= 0 {
		return t, g.TrustSize(u)
	}
	size := g.TrustSize(u)
	in := min(n, size.Indirect)
	s := g.scratch.Get().(*scratch)
	q := g.bfs(s, src, 1+size.Direct+in)
	t.Direct = g.userIDs(q[1 : 1+min(n, size.Direct)])
	t.Indirect = g.userIDs(q[1+size.Direct : 1+size.Direct+in])
	g.release(s)
	return t, size
}

// bfs labels s.d[0] with the distance from src of the members it reaches
// and returns them by distance, then ID (src first); the slice is s.q[0].
// Each distance level is complete, and gets sorted, when the search starts
// on it; the search stops there once it holds at least limit members. The
// caller must release s afterwards.
func (g *Graph) bfs(s *scratch, src int32, limit int) []int32 {
	d, q := s.d[0], append(s.q[0][:0], src)
	d[src] = 0
	for head, level := 0, 1; head < len(q); head++ {
		if head == level {
			slices.Sort(q[level:])
			level = len(q)
			if level >= limit {
				break
			}
		}
		v := q[head]
		dv := d[v] + 1
		for _, w := range g.neighbours(v) {
			if d[w] < 0 {
				d[w] = dv
				q = append(q, w)
			}
		}
	}
	s.q[0] = q
	return q
}

// release resets what a query touched in s and returns s to the pool.
func (g *Graph) release(s *scratch) {
	for side, q := range s.q {
		for _, v := range q {
			s.d[side][v] = -1
			s.good[v] = false
		}
		s.q[side] = q[:0]
	}
	g.scratch.Put(s)
}

// Distance returns the number of guarantees on the shortest chain from
// from to to: 0 if from == to, -1 if to cannot be reached (or either member
// is unknown).
func (g *Graph) Distance(from, to UserID) int {
	if from == to {
		return 0
	}
	a, ok1 := g.lookup(from)
	b, ok2 := g.lookup(to)
	if !ok1 || !ok2 {
		return -1
	}
	s := g.scratch.Get().(*scratch)
	defer g.release(s)
	d, _, _ := g.meet(s, a, b)
	return d
}

// Chain returns a shortest chain of guarantees from from to to, both ends
// included. Among several shortest chains it returns the lexicographically
// smallest sequence of IDs. It returns nil if from == to, if either member
// is unknown, or if to cannot be reached.
func (g *Graph) Chain(from, to UserID) []UserID {
	a, ok1 := g.lookup(from)
	b, ok2 := g.lookup(to)
	if !ok1 || !ok2 || a == b {
		return nil
	}
	s := g.scratch.Get().(*scratch)
	defer g.release(s)
	d, kf, kt := g.meet(s, a, b)
	if d < 0 {
		return nil
	}
	g.markGood(s, kf, kt)
	path := make([]int32, d+1)
	path[0], path[d] = a, b
	for i := 1; i < d; i++ {
		path[i] = g.nextStep(s, path[i-1], i, d, kf)
	}
	return g.userIDs(path)
}

// meet runs a bidirectional breadth-first search between a and b (a != b),
// always growing the side with the smaller frontier by one whole level. It
// returns the distance d, or -1, and the numbers of levels kf and kt that
// are complete in s.d[0] (distances from a) and s.d[1] (distances to b);
// when the sides meet, d == kf+kt+1. Labels beyond the complete levels may
// be partial and must not be trusted.
func (g *Graph) meet(s *scratch, a, b int32) (d, kf, kt int) {
	s.q[0], s.q[1] = append(s.q[0][:0], a), append(s.q[1][:0], b)
	s.d[0][a], s.d[1][b] = 0, 0
	var start, k [2]int
	for {
		side := 0
		if len(s.q[1])-start[1] < len(s.q[0])-start[0] {
			side = 1
		}
		end := len(s.q[side])
		if end == start[side] {
			return -1, k[0], k[1] // the smaller frontier is empty
		}
		var met bool
		s.q[side], met = g.grow(s.q[side], start[side], s.d[side], s.d[1-side], int32(k[side]+1))
		if met {
			return k[0] + k[1] + 1, k[0], k[1]
		}
		start[side] = end
		k[side]++
	}
}

// grow labels with dist the unlabelled neighbours of the frontier q[from:],
// appending them to q, which it returns. It stops early, reporting true, at
// the first member the other side has labelled.
func (g *Graph) grow(q []int32, from int, mine, other []int32, dist int32) ([]int32, bool) {
	end := len(q)
	for k := from; k < end; k++ {
		for _, w := range g.neighbours(q[k]) {
			if mine[w] >= 0 {
				continue
			}
			mine[w] = dist
			q = append(q, w)
			if other[w] >= 0 {
				return q, true
			}
		}
	}
	return q, false
}

// markGood sets s.good for every member at distance 1..kf from the start
// that lies on a shortest chain. Walking the start's queue backwards visits
// each distance level before the one below it.
func (g *Graph) markGood(s *scratch, kf, kt int) {
	d0, d1 := s.d[0], s.d[1]
	for k := len(s.q[0]) - 1; k > 0; k-- {
		x := s.q[0][k]
		dx := int(d0[x])
		if dx > kf {
			continue // a partial level
		}
		for _, y := range g.neighbours(x) {
			if (dx == kf && d1[y] == int32(kt)) ||
				(dx < kf && d0[y] == int32(dx+1) && s.good[y]) {
				s.good[x] = true
				break
			}
		}
	}
}

// nextStep returns the smallest neighbour of cur that can stand at position
// i of a shortest chain of length d, given cur stands at position i-1.
func (g *Graph) nextStep(s *scratch, cur int32, i, d, kf int) int32 {
	for _, w := range g.neighbours(cur) {
		if i <= kf {
			if s.d[0][w] == int32(i) && s.good[w] {
				return w
			}
		} else if s.d[1][w] == int32(d-i) {
			return w
		}
	}
	panic("ledger: graph chain lost its way") // unreachable
}
