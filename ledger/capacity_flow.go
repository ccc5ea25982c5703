package ledger

import "sync"

// reach finds the maximum flow of Capacity by Dinic's algorithm, searching
// from the member backwards and building the flow network only as far as
// the search goes: on a large network, help reaches a member through the
// few rings of guarantees around them, and the rest is never touched.
//
// Node 0 is the member (the sink), node 1 the source; every other node is a
// member of the network, added with the source's arc to them (what is left
// of their pledge) and their guarantees with the members added before.
// Each phase labels nodes with their distance to the sink in the residual
// network, stopping at the first distance D where a member has something
// left to give; then it pushes a blocking flow from those members along
// arcs that go one level down. Each phase makes D longer; the flow is
// maximal when no member with anything left can reach the sink.
type reach struct {
	g     *Graph
	ci    int32    // the currency's number in g.curs
	cur   Currency // the currency
	owed  Owed
	net   flowNet
	local []int32 // node of each member index, -1: none yet
	ids   []int32 // member index of each node (-1: the source)
	pl    []int64 // each node's pledge in the currency
	src   []int32 // each node's arc from the source, -1: none
	level []int32 // each node's distance to the sink, -1: not reached
	it    []int32 // each node's next arc to try in a phase's blocking flow
	q     []int32
}

const (
	reachSink   int32 = 0
	reachSource int32 = 1
)

// reachBuffers keeps the working memory of finished searches for the next
// (a search over a whole network would otherwise allocate its arrays anew
// each time). A reach in it has every entry of local at -1.
var reachBuffers sync.Pool // of *reach

// newReach returns the network of member t (a member index) in the
// currency numbered ci, with the sink and the source only. Call release
// when done with it.
func newReach(g *Graph, t, ci int32, cur Currency, owed Owed) *reach {
	r, _ := reachBuffers.Get().(*reach)
	if r == nil {
		r = &reach{}
	}
	r.g, r.ci, r.cur, r.owed = g, ci, cur, owed
	if len(r.local) != len(g.ids) {
		r.local = make([]int32, len(g.ids))
		for i := range r.local {
			r.local[i] = -1
		}
	}
	f := &r.net
	f.head, f.next, f.to, f.orig, f.res = f.head[:0], f.next[:0], f.to[:0], f.orig[:0], f.res[:0]
	r.ids, r.pl, r.src, r.level, r.it = r.ids[:0], r.pl[:0], r.src[:0], r.level[:0], r.it[:0]
	r.addMember(t)
	r.addNode(-1)
	return r
}

// release resets what the search touched and keeps r's memory for the
// next search; r must not be used after.
func (r *reach) release() {
	for _, m := range r.ids {
		if m >= 0 {
			r.local[m] = -1
		}
	}
	r.g, r.owed = nil, nil
	reachBuffers.Put(r)
}

// addNode adds a node for member index m (-1: the source) and returns it.
func (r *reach) addNode(m int32) int32 {
	v := r.net.node()
	r.ids = append(r.ids, m)
	r.pl = append(r.pl, 0)
	r.src = append(r.src, -1)
	r.level = append(r.level, -1)
	r.it = append(r.it, -1)
	return v
}

// addMember adds member index m: its node, the source's arc to it and its
// guarantees with the members already added. It returns the node.
func (r *reach) addMember(m int32) int32 {
	v := r.addNode(m)
	r.local[m] = v
	r.pl[v] = r.g.pledgeIn(m, r.ci)
	if v != reachSink {
		left := r.pl[v]
		if r.owed != nil {
			left -= r.owed(r.g.ids[m], r.cur)
		}
		if left > 0 {
			r.src[v] = int32(len(r.net.to))
			r.net.edge(reachSource, v, left, 0)
		}
	}
	for _, w := range r.g.neighbours(m) {
		if lw := r.local[w]; lw >= 0 {
			if c := min(r.pl[v], r.pl[lw]); c > 0 {
				r.net.edge(v, lw, c, c)
			}
		}
	}
	return v
}

// left is what node v has left to give of its own.
func (r *reach) left(v int32) int64 {
	if e := r.src[v]; e >= 0 {
		return r.net.res[e]
	}
	return 0
}

// maxFlow runs the phases and returns the flow's value.
func (r *reach) maxFlow() int64 {
	var total int64
	for {
		starts := r.levels()
		if len(starts) == 0 {
			return total
		}
		copy(r.it, r.net.head)
		for _, x := range starts {
			for left := r.left(x); left > 0; left = r.left(x) {
				got := r.push(x, left)
				if got == 0 {
					break
				}
				r.net.res[r.src[x]] -= got
				r.net.res[r.src[x]^1] += got
				total += got
			}
		}
	}
}

// levels labels the nodes with their distance to the sink over arcs with
// residual capacity, adding members as the search meets them, and returns
// the nodes at the first distance where some have anything left to give;
// none when no node that has can reach the sink.
func (r *reach) levels() []int32 {
	for i := range r.level {
		r.level[i] = -1
	}
	r.level[reachSink] = 0
	q := append(r.q[:0], reachSink)
	var starts []int32
	depth := int32(-1)
	for head := 0; head < len(q); head++ {
		v := q[head]
		if v != reachSink && r.left(v) > 0 {
			if depth < 0 {
				depth = r.level[v]
			}
			starts = append(starts, v)
		}
		if depth >= 0 && r.level[v] >= depth {
			continue
		}
		for e := r.net.head[v]; e >= 0; e = r.net.next[e] {
			if w := r.net.to[e]; w != reachSource && r.level[w] < 0 && r.net.res[e^1] > 0 {
				r.level[w] = r.level[v] + 1
				q = append(q, w)
			}
		}
		q = r.grow(v, q)
	}
	r.q = q
	return starts
}

// grow adds the members next to node v that are not in the network yet
// and whose guarantee with v carries something, one level above v, to the
// search's queue q, which it returns.
func (r *reach) grow(v int32, q []int32) []int32 {
	if r.pl[v] == 0 {
		return q
	}
	for _, w := range r.g.neighbours(r.ids[v]) {
		if r.local[w] < 0 && r.g.pledgeIn(w, r.ci) > 0 {
			nw := r.addMember(w)
			r.level[nw] = r.level[v] + 1
			q = append(q, nw)
		}
	}
	return q
}

// push sends up to limit from v toward the sink along arcs one level down,
// skipping for good (it[v] moves on) the arcs that can take no more in
// this phase. It returns what it sent.
func (r *reach) push(v int32, limit int64) int64 {
	if v == reachSink {
		return limit
	}
	for ; r.it[v] >= 0; r.it[v] = r.net.next[r.it[v]] {
		e := r.it[v]
		w := r.net.to[e]
		if r.net.res[e] <= 0 || w == reachSource || r.level[w] != r.level[v]-1 {
			continue
		}
		if got := r.push(w, min(limit, r.net.res[e])); got > 0 {
			r.net.res[e] -= got
			r.net.res[e^1] += got
			return got
		}
	}
	return 0
}
