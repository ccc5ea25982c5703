package ledger

import (
	"math"
	"slices"
)

// flowNet is a flow network in arrays that grows a node at a time, and the
// decomposition of a flow in it into paths (the maximum flow is found by
// capacity_flow.go's reach, which builds the network as it searches). Arcs come
// in pairs e and e^1, each the other's reverse: an edge of one direction
// has a reverse of capacity 0, an undirected edge two arcs of the same
// capacity. The arcs of a node are a linked list (head, next).
type flowNet struct {
	head []int32 // first arc of each node, -1: none
	next []int32 // next arc of the same node, -1: none
	to   []int32 // the node an arc leads to
	orig []int64 // an arc's capacity as added
	res  []int64 // an arc's residual capacity
}

// node adds a node without arcs and returns it.
func (f *flowNet) node() int32 {
	f.head = append(f.head, -1)
	return int32(len(f.head) - 1)
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
