package ledger

import (
	"math"
	"slices"
)

// flowNet is a flow network in arrays, for Dinic's maximum flow and the
// flow's decomposition into paths. Arcs come in pairs e and e^1, each the
// other's reverse: an edge of one direction has a reverse of capacity 0,
// an undirected edge two arcs of the same capacity. The arcs of a node are
// a linked list (head, next).
type flowNet struct {
	head []int32 // first arc of each node, -1: none
	next []int32 // next arc of the same node, -1: none
	to   []int32 // the node an arc leads to
	orig []int64 // an arc's capacity as added
	res  []int64 // an arc's residual capacity
}

// newFlowNet returns a network of n nodes without arcs, with room for
// about arcs arcs.
func newFlowNet(n, arcs int) *flowNet {
	f := &flowNet{head: make([]int32, n), next: make([]int32, 0, arcs), to: make([]int32, 0, arcs),
		orig: make([]int64, 0, arcs), res: make([]int64, 0, arcs)}
	for i := range f.head {
		f.head[i] = -1
	}
	return f
}

// arc adds an arc from u to v of capacity c.
func (f *flowNet) arc(u, v int32, c int64) {
	f.next = append(f.next, f.head[u])
	f.head[u] = int32(len(f.to))
	f.to = append(f.to, v)
	f.orig = append(f.orig, c)
	f.res = append(f.res, c)
}

// edge adds an edge from u to v of capacity c (and its reverse, of
// capacity back: c for an undirected edge, 0 for a directed one).
func (f *flowNet) edge(u, v int32, c, back int64) {
	f.arc(u, v, c)
	f.arc(v, u, back)
}

// flow is the net flow along arc e: positive when it carries flow, the
// negative of its reverse's otherwise.
func (f *flowNet) flow(e int32) int64 { return f.orig[e] - f.res[e] }

// maxFlow pushes as much flow from s to t as the capacities allow, by
// Dinic's algorithm: breadth-first levels from s in the residual network,
// then a blocking flow along arcs that go one level up, until t is out of
// reach. It returns the flow's value.
func (f *flowNet) maxFlow(s, t int32) int64 {
	n := len(f.head)
	level, it, q := make([]int32, n), make([]int32, n), make([]int32, 0, n)
	var total int64
	for f.levels(s, t, level, q) {
		copy(it, f.head)
		for {
			pushed := f.push(s, t, math.MaxInt64, level, it)
			if pushed == 0 {
				break
			}
			total += pushed
		}
	}
	return total
}

// levels labels every node with its distance from s over arcs with
// residual capacity (-1: out of reach) and reports whether t is reached.
func (f *flowNet) levels(s, t int32, level, q []int32) bool {
	for i := range level {
		level[i] = -1
	}
	level[s] = 0
	q = append(q[:0], s)
	for head := 0; head < len(q); head++ {
		v := q[head]
		for e := f.head[v]; e >= 0; e = f.next[e] {
			if w := f.to[e]; f.res[e] > 0 && level[w] < 0 {
				level[w] = level[v] + 1
				q = append(q, w)
			}
		}
	}
	return level[t] >= 0
}

// push sends up to limit from v toward t along arcs one level up, skipping
// for good (it[v] moves on) the arcs that can take no more in this phase.
// It returns what it sent.
func (f *flowNet) push(v, t int32, limit int64, level, it []int32) int64 {
	if v == t {
		return limit
	}
	for ; it[v] >= 0; it[v] = f.next[it[v]] {
		e := it[v]
		w := f.to[e]
		if f.res[e] <= 0 || level[w] != level[v]+1 {
			continue
		}
		if got := f.push(w, t, min(limit, f.res[e]), level, it); got > 0 {
			f.res[e] -= got
			f.res[e^1] += got
			return got
		}
	}
	return 0
}

// flowPath is one path of a flow's decomposition: its nodes from the
// source's side to the sink, and what it carries.
type flowPath struct {
	nodes  []int32
	amount int64
}

// decompose splits the flow into paths from s to t, largest first, taking
// it out of the network; cycles of flow, which carry nothing from s to t,
// are cancelled on the way. The paths carry the whole flow's value.
func (f *flowNet) decompose(s, t int32) []flowPath {
	n := len(f.head)
	it, onPath := slices.Clone(f.head), make([]int32, n)
	for i := range onPath {
		onPath[i] = -1
	}
	var paths []flowPath
	var nodes, arcs []int32 // walked back from t: arcs[k] leads from nodes[k+1] into nodes[k]
	for {
		nodes, arcs = append(nodes[:0], t), arcs[:0]
		onPath[t] = 0
		for v := t; v != s; {
			e := f.inflow(v, it)
			if e < 0 {
				break // no more flow reaches t
			}
			u := f.to[e^1]
			if k := onPath[u]; k >= 0 { // a cycle: cancel it, walk on from u
				f.cancel(arcs[k:])
				for _, x := range nodes[k+1:] {
					onPath[x] = -1
				}
				nodes, arcs, v = nodes[:k+1], arcs[:k], u
				continue
			}
			onPath[u] = int32(len(nodes))
			nodes, arcs, v = append(nodes, u), append(arcs, e), u
		}
		for _, x := range nodes {
			onPath[x] = -1
		}
		if nodes[len(nodes)-1] != s {
			break
		}
		amount := f.cancel(arcs)
		path := slices.Clone(nodes[:len(nodes)-1])
		slices.Reverse(path)
		paths = append(paths, flowPath{path, amount})
	}
	slices.SortStableFunc(paths, func(a, b flowPath) int {
		if a.amount != b.amount {
			return int(min(max(b.amount-a.amount, -1), 1))
		}
		return len(a.nodes) - len(b.nodes)
	})
	return paths
}

// inflow returns an arc carrying flow into v, found among the reverses of
// v's arcs from it[v] on (arcs only lose flow here, so it[v] never needs to
// go back), or -1.
func (f *flowNet) inflow(v int32, it []int32) int32 {
	for ; it[v] >= 0; it[v] = f.next[it[v]] {
		if in := it[v] ^ 1; f.flow(in) > 0 {
			return in
		}
	}
	return -1
}

// cancel takes the smallest flow among arcs off each of them and returns
// it.
func (f *flowNet) cancel(arcs []int32) int64 {
	least := int64(math.MaxInt64)
	for _, e := range arcs {
		least = min(least, f.flow(e))
	}
	for _, e := range arcs {
		f.res[e] += least
		f.res[e^1] -= least
	}
	return least
}
