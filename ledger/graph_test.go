package ledger_test

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

// grID turns a short name into a user ID: "a" -> "@a:x".
func grID(name string) ledger.UserID { return ledger.UserID("@" + name + ":x") }

// grIDs turns short names into user IDs; nil for no names.
func grIDs(names ...string) []ledger.UserID {
	if len(names) == 0 {
		return nil
	}
	out := make([]ledger.UserID, len(names))
	for i, n := range names {
		out[i] = grID(n)
	}
	return out
}

func grEUR(minor int64) ledger.Amount { return ledger.Amount{Minor: minor, Currency: "EUR"} }
func grUSD(minor int64) ledger.Amount { return ledger.Amount{Minor: minor, Currency: "USD"} }

// grPledge is a guarantee between x and y pledging p, ends left as given.
func grPledge(x, y string, p ledger.Amount) ledger.Guarantee {
	return ledger.Guarantee{A: grID(x), B: grID(y), Pledge: p}
}

// grEdge is a guarantee between x and y pledging 10 EUR.
func grEdge(x, y string) ledger.Guarantee { return grPledge(x, y, grEUR(1000)) }

// grBlock is the block of blocked by blocker.
func grBlock(blocker, blocked string) ledger.Block {
	return ledger.Block{Blocker: grID(blocker), Blocked: grID(blocked)}
}

// grSameIDs compares ID lists, requiring nil for an empty list as the API promises.
func grSameIDs(got, want []ledger.UserID) bool {
	return (got == nil) == (len(want) == 0) && slices.Equal(got, want)
}

// grSameAmounts compares amount lists, requiring nil for an empty list.
func grSameAmounts(got, want []ledger.Amount) bool {
	return (got == nil) == (len(want) == 0) && slices.Equal(got, want)
}

func TestGraphTrustList(t *testing.T) {
	tests := []struct {
		name             string
		gs               []ledger.Guarantee
		bs               []ledger.Block
		member           string
		direct, indirect []string
	}{
		{"line", []ledger.Guarantee{grEdge("a", "b"), grEdge("b", "c"), grEdge("c", "d")}, nil,
			"a", []string{"b"}, []string{"c", "d"}},
		{"middle of line", []ledger.Guarantee{grEdge("a", "b"), grEdge("b", "c"), grEdge("c", "d")}, nil,
			"c", []string{"b", "d"}, []string{"a"}},
		{"by distance then ID", []ledger.Guarantee{
			grEdge("a", "m"), grEdge("m", "b"), grEdge("a", "c"), grEdge("c", "z"), grEdge("z", "d")}, nil,
			"a", []string{"c", "m"}, []string{"b", "z", "d"}},
		{"cycle", []ledger.Guarantee{grEdge("a", "b"), grEdge("b", "c"), grEdge("c", "d"), grEdge("d", "a")}, nil,
			"a", []string{"b", "d"}, []string{"c"}},
		{"unordered ends", []ledger.Guarantee{grEdge("z", "a"), grEdge("y", "z")}, nil,
			"a", []string{"z"}, []string{"y"}},
		{"block cuts edge", []ledger.Guarantee{grEdge("a", "b"), grEdge("b", "c")}, []ledger.Block{grBlock("a", "b")},
			"a", nil, nil},
		{"block cuts edge, other side", []ledger.Guarantee{grEdge("a", "b"), grEdge("b", "c")}, []ledger.Block{grBlock("a", "b")},
			"b", []string{"c"}, nil},
		{"reverse block cuts edge", []ledger.Guarantee{grEdge("a", "b"), grEdge("b", "c")}, []ledger.Block{grBlock("b", "a")},
			"a", nil, nil},
		{"block leaves other route", []ledger.Guarantee{grEdge("a", "b"), grEdge("b", "c"), grEdge("a", "c")},
			[]ledger.Block{grBlock("c", "a")}, "a", []string{"b"}, []string{"c"}},
		{"unrelated blocks", []ledger.Guarantee{grEdge("a", "b"), grEdge("b", "c")},
			[]ledger.Block{grBlock("a", "c"), grBlock("a", "q"), grBlock("q", "b"), grBlock("a", "a")},
			"a", []string{"b"}, []string{"c"}},
		{"duplicates", []ledger.Guarantee{grEdge("a", "b"), grEdge("a", "b"), grEdge("b", "a"), grEdge("b", "c"), grEdge("c", "b")}, nil,
			"a", []string{"b"}, []string{"c"}},
		{"self edges", []ledger.Guarantee{grEdge("a", "a"), grEdge("a", "b"), grEdge("b", "b")}, nil,
			"a", []string{"b"}, nil},
		{"unknown member", []ledger.Guarantee{grEdge("a", "b")}, nil,
			"q", nil, nil},
		{"empty graph", nil, nil, "a", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := ledger.NewGraph(tt.gs, tt.bs)
			tl := g.TrustList(grID(tt.member))
			if tl.Member != grID(tt.member) {
				t.Errorf("Member = %q, want %q", tl.Member, grID(tt.member))
			}
			if !grSameIDs(tl.Direct, grIDs(tt.direct...)) {
				t.Errorf("Direct = %v, want %v", tl.Direct, grIDs(tt.direct...))
			}
			if !grSameIDs(tl.Indirect, grIDs(tt.indirect...)) {
				t.Errorf("Indirect = %v, want %v", tl.Indirect, grIDs(tt.indirect...))
			}
			if !grSameIDs(g.Direct(grID(tt.member)), grIDs(tt.direct...)) {
				t.Errorf("Direct() = %v, want %v", g.Direct(grID(tt.member)), grIDs(tt.direct...))
			}
			all := grIDs(append(slices.Clone(tt.direct), tt.indirect...)...)
			if tl.Count() != len(all) || !slices.Equal(tl.All(), all) {
				t.Errorf("Count, All = %d, %v; want %d, %v", tl.Count(), tl.All(), len(all), all)
			}
		})
	}
}

func TestGraphMembers(t *testing.T) {
	tests := []struct {
		name string
		gs   []ledger.Guarantee
		bs   []ledger.Block
		want int
	}{
		{"empty", nil, nil, 0},
		{"one edge", []ledger.Guarantee{grEdge("a", "b")}, nil, 2},
		{"duplicates", []ledger.Guarantee{grEdge("a", "b"), grEdge("b", "a"), grEdge("b", "c")}, nil, 3},
		{"blocked ends count", []ledger.Guarantee{grEdge("a", "b"), grEdge("c", "d")}, []ledger.Block{grBlock("c", "d")}, 4},
		{"blocks add nobody", []ledger.Guarantee{grEdge("a", "b")}, []ledger.Block{grBlock("x", "y")}, 2},
		{"self edges ignored", []ledger.Guarantee{grEdge("a", "a"), grEdge("a", "b"), grEdge("x", "x")}, nil, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ledger.NewGraph(tt.gs, tt.bs).Members(); got != tt.want {
				t.Errorf("Members() = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestGraphChain(t *testing.T) {
	// Two routes of length 3 from a to z: a-x-q-z and a-y-p-z. Listed so
	// that the larger IDs come first.
	twoRoutes := []ledger.Guarantee{grEdge("y", "a"), grEdge("p", "y"), grEdge("z", "p"), grEdge("a", "x"), grEdge("q", "x"), grEdge("q", "z")}
	tests := []struct {
		name     string
		gs       []ledger.Guarantee
		bs       []ledger.Block
		from, to string
		chain    []string
		distance int
	}{
		{"direct", []ledger.Guarantee{grEdge("a", "b")}, nil, "a", "b", []string{"a", "b"}, 1},
		{"tie picks smaller ID", []ledger.Guarantee{grEdge("a", "c"), grEdge("c", "d"), grEdge("a", "b"), grEdge("b", "d")}, nil,
			"a", "d", []string{"a", "b", "d"}, 2},
		{"tie decided at first step", twoRoutes, nil, "a", "z", []string{"a", "x", "q", "z"}, 3},
		{"tie decided at first step, reversed", twoRoutes, nil, "z", "a", []string{"z", "p", "y", "a"}, 3},
		{"tie decided late", []ledger.Guarantee{grEdge("a", "b"), grEdge("b", "d"), grEdge("b", "c"), grEdge("c", "e"), grEdge("d", "e")}, nil,
			"a", "e", []string{"a", "b", "c", "e"}, 3},
		{"shortest beats smaller", []ledger.Guarantee{grEdge("a", "b"), grEdge("b", "c"), grEdge("c", "z"), grEdge("a", "y"), grEdge("y", "z")}, nil,
			"a", "z", []string{"a", "y", "z"}, 2},
		{"block forces detour", []ledger.Guarantee{grEdge("a", "z"), grEdge("a", "m"), grEdge("m", "z")}, []ledger.Block{grBlock("z", "a")},
			"a", "z", []string{"a", "m", "z"}, 2},
		{"blocked away", []ledger.Guarantee{grEdge("a", "b"), grEdge("b", "c")}, []ledger.Block{grBlock("c", "b")},
			"a", "c", nil, -1},
		{"disconnected", []ledger.Guarantee{grEdge("a", "b"), grEdge("c", "d")}, nil, "a", "d", nil, -1},
		{"same member", []ledger.Guarantee{grEdge("a", "b")}, nil, "a", "a", nil, 0},
		{"unknown from", []ledger.Guarantee{grEdge("a", "b")}, nil, "q", "a", nil, -1},
		{"unknown to", []ledger.Guarantee{grEdge("a", "b")}, nil, "a", "q", nil, -1},
		{"same unknown", []ledger.Guarantee{grEdge("a", "b")}, nil, "q", "q", nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := ledger.NewGraph(tt.gs, tt.bs)
			if got := g.Chain(grID(tt.from), grID(tt.to)); !grSameIDs(got, grIDs(tt.chain...)) {
				t.Errorf("Chain = %v, want %v", got, grIDs(tt.chain...))
			}
			if got := g.Distance(grID(tt.from), grID(tt.to)); got != tt.distance {
				t.Errorf("Distance = %d, want %d", got, tt.distance)
			}
		})
	}
}

func TestGraphPledgeAndPool(t *testing.T) {
	gs := []ledger.Guarantee{
		grPledge("a", "b", grEUR(1000)),
		grPledge("b", "a", grEUR(5000)), // same pair, larger pledge: the max counts
		grPledge("a", "c", grUSD(2000)),
		grPledge("c", "d", grEUR(500)),
		grPledge("a", "e", grEUR(100000)), // blocked below: does not count
		grPledge("d", "f", ledger.Amount{}),
		grPledge("g", "g", grEUR(7)), // self edge: ignored
	}
	g := ledger.NewGraph(gs, []ledger.Block{grBlock("e", "a")})
	pledges := []struct {
		member string
		want   []ledger.Amount
	}{
		{"a", []ledger.Amount{grEUR(5000), grUSD(2000)}},
		{"b", []ledger.Amount{grEUR(5000)}},
		{"c", []ledger.Amount{grEUR(500), grUSD(2000)}},
		{"d", []ledger.Amount{grEUR(500)}},
		{"e", nil},
		{"f", nil}, // only a pledge without currency
		{"g", nil},
		{"q", nil},
	}
	for _, p := range pledges {
		if got := g.PledgeOf(grID(p.member)); !grSameAmounts(got, p.want) {
			t.Errorf("PledgeOf(%s) = %v, want %v", p.member, got, p.want)
		}
	}
	pools := []struct {
		member string
		want   []ledger.Amount
	}{
		{"b", []ledger.Amount{grEUR(5000 + 500 + 500), grUSD(2000 + 2000)}},
		{"a", []ledger.Amount{grEUR(5000 + 500 + 500), grUSD(2000)}},
		{"f", []ledger.Amount{grEUR(5000 + 5000 + 500 + 500), grUSD(2000 + 2000)}},
		{"e", nil},
		{"g", nil},
		{"q", nil},
	}
	for _, p := range pools {
		if got := g.Pool(grID(p.member)); !grSameAmounts(got, p.want) {
			t.Errorf("Pool(%s) = %v, want %v", p.member, got, p.want)
		}
	}
}

func TestGraphPoolExactAndClamped(t *testing.T) {
	const maxI, minI = math.MaxInt64, math.MinInt64
	// A line a-b-c-d. b and c pledge the max of their two guarantees, so
	// the pledges are a: max, b: max, c: -max, d: -max.
	line := []ledger.Guarantee{
		grPledge("a", "b", grEUR(maxI)), grPledge("b", "c", grEUR(minI)), grPledge("c", "d", grEUR(-maxI))}
	tests := []struct {
		name   string
		gs     []ledger.Guarantee
		member string
		want   int64
	}{
		{"too big clamps", []ledger.Guarantee{grPledge("a", "b", grEUR(maxI)), grPledge("b", "c", grEUR(maxI))}, "b", maxI},
		{"too small clamps", []ledger.Guarantee{grPledge("a", "b", grEUR(minI)), grPledge("b", "c", grEUR(minI))}, "b", minI},
		{"exact though a partial sum overflows", line, "c", maxI}, // max + max - max
		{"exact though partial sums underflow", line, "b", -maxI}, // max - max - max
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ledger.NewGraph(tt.gs, nil).Pool(grID(tt.member))
			if want := []ledger.Amount{grEUR(tt.want)}; !slices.Equal(got, want) {
				t.Errorf("Pool = %v, want %v", got, want)
			}
		})
	}
}

func TestGraphResultsAreCopies(t *testing.T) {
	g := ledger.NewGraph([]ledger.Guarantee{grEdge("a", "b"), grEdge("b", "c")}, nil)
	g.Direct(grID("b"))[0] = grID("zz")
	g.PledgeOf(grID("b"))[0] = grUSD(1)
	g.TrustList(grID("a")).Direct[0] = grID("zz")
	if got := g.Direct(grID("b")); !slices.Equal(got, grIDs("a", "c")) {
		t.Errorf("Direct after mutation = %v", got)
	}
	if got := g.PledgeOf(grID("b")); !slices.Equal(got, []ledger.Amount{grEUR(1000)}) {
		t.Errorf("PledgeOf after mutation = %v", got)
	}
}

func TestGraphConcurrentReads(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	var gs []ledger.Guarantee
	for i := 1; i < 300; i++ {
		gs = append(gs, grEdge(fmt.Sprint(i), fmt.Sprint(r.IntN(i))))
	}
	g := ledger.NewGraph(gs, nil)
	want := g.Chain(grID("299"), grID("0"))
	wantTL := g.TrustList(grID("150")).All()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				if got := g.Chain(grID("299"), grID("0")); !slices.Equal(got, want) {
					t.Errorf("Chain = %v, want %v", got, want)
				}
				if got := g.TrustList(grID("150")).All(); !slices.Equal(got, wantTL) {
					t.Errorf("TrustList differs")
				}
			}
		})
	}
	wg.Wait()
}

// refGraph is the naive reference the property test checks Graph against:
// an adjacency matrix, Floyd–Warshall distances and brute-force chains.
type refGraph struct {
	names   []ledger.UserID // every name, members or not
	member  []bool
	adj     [][]bool
	dist    [][]int // grInf when unreachable
	pledges [][]ledger.Amount
}

const grInf = math.MaxInt32

// newRefGraph builds the reference for names and the given guarantees and blocks.
func newRefGraph(names []ledger.UserID, gs []ledger.Guarantee, bs []ledger.Block) *refGraph {
	n := len(names)
	at := func(u ledger.UserID) int { return slices.Index(names, u) }
	r := &refGraph{names: names, member: make([]bool, n), adj: make([][]bool, n),
		dist: make([][]int, n), pledges: make([][]ledger.Amount, n)}
	blocked := make([][]bool, n)
	for i := range n {
		r.adj[i], r.dist[i], blocked[i] = make([]bool, n), make([]int, n), make([]bool, n)
	}
	for _, b := range bs {
		x, y := at(b.Blocker), at(b.Blocked)
		if x >= 0 && y >= 0 {
			blocked[x][y] = true
		}
	}
	for _, g := range gs {
		x, y := at(g.A), at(g.B)
		if x == y {
			continue
		}
		r.member[x], r.member[y] = true, true
		if blocked[x][y] || blocked[y][x] {
			continue
		}
		r.adj[x][y], r.adj[y][x] = true, true
		if g.Pledge.Currency != "" {
			r.pledges[x] = grRefMax(r.pledges[x], g.Pledge)
			r.pledges[y] = grRefMax(r.pledges[y], g.Pledge)
		}
	}
	r.floydWarshall()
	return r
}

// grRefMax folds p into ps, keeping the largest amount per currency, sorted.
func grRefMax(ps []ledger.Amount, p ledger.Amount) []ledger.Amount {
	for i := range ps {
		if ps[i].Currency == p.Currency {
			ps[i].Minor = max(ps[i].Minor, p.Minor)
			return ps
		}
	}
	ps = append(ps, p)
	slices.SortFunc(ps, func(a, b ledger.Amount) int { return cmp.Compare(a.Currency, b.Currency) })
	return ps
}

func (r *refGraph) floydWarshall() {
	n := len(r.names)
	for i := range n {
		for j := range n {
			switch {
			case i == j:
				r.dist[i][j] = 0
			case r.adj[i][j]:
				r.dist[i][j] = 1
			default:
				r.dist[i][j] = grInf
			}
		}
	}
	for k := range n {
		for i := range n {
			for j := range n {
				if r.dist[i][k] != grInf && r.dist[k][j] != grInf && r.dist[i][k]+r.dist[k][j] < r.dist[i][j] {
					r.dist[i][j] = r.dist[i][k] + r.dist[k][j]
				}
			}
		}
	}
}

// trustList lists everyone at a finite, non-zero distance from u.
func (r *refGraph) trustList(u int) (direct, indirect []ledger.UserID) {
	var others []int
	for v := range r.names {
		if v != u && r.dist[u][v] != grInf {
			others = append(others, v)
		}
	}
	slices.SortFunc(others, func(a, b int) int {
		if r.dist[u][a] != r.dist[u][b] {
			return r.dist[u][a] - r.dist[u][b]
		}
		return cmp.Compare(r.names[a], r.names[b])
	})
	for _, v := range others {
		if r.dist[u][v] == 1 {
			direct = append(direct, r.names[v])
		} else {
			indirect = append(indirect, r.names[v])
		}
	}
	return direct, indirect
}

// chain enumerates every shortest chain from u to v by depth-first search
// over the shortest-path DAG and returns the lexicographically smallest.
func (r *refGraph) chain(u, v int) []ledger.UserID {
	if u == v || r.dist[u][v] == grInf {
		return nil
	}
	var best []ledger.UserID
	var walk func(path []ledger.UserID, cur int)
	walk = func(path []ledger.UserID, cur int) {
		path = append(path, r.names[cur])
		if cur == v {
			if best == nil || slices.Compare(path, best) < 0 {
				best = slices.Clone(path)
			}
			return
		}
		for w := range r.names {
			if r.adj[cur][w] && r.dist[w][v] == r.dist[cur][v]-1 {
				walk(path, w)
			}
		}
	}
	walk(nil, u)
	return best
}

// pool sums the pledges of everyone on u's trust list.
func (r *refGraph) pool(u int) []ledger.Amount {
	var out []ledger.Amount
	for v := range r.names {
		if v == u || r.dist[u][v] == grInf {
			continue
		}
		for _, p := range r.pledges[v] {
			i := slices.IndexFunc(out, func(a ledger.Amount) bool { return a.Currency == p.Currency })
			if i < 0 {
				out = append(out, p)
			} else {
				out[i].Minor += p.Minor
			}
		}
	}
	slices.SortFunc(out, func(a, b ledger.Amount) int { return cmp.Compare(a.Currency, b.Currency) })
	return out
}

// randomGraphNames returns n distinct IDs whose sort order is unrelated to
// their order in the slice.
func randomGraphNames(r *rand.Rand, n int) []ledger.UserID {
	seen := map[ledger.UserID]bool{}
	var names []ledger.UserID
	for len(names) < n {
		b := make([]byte, 1+r.IntN(3))
		for i := range b {
			b[i] = byte('a' + r.IntN(6))
		}
		u := grID(string(b))
		if !seen[u] {
			seen[u] = true
			names = append(names, u)
		}
	}
	return names
}

// randomGraph draws guarantees and blocks among names: sparse or dense,
// with duplicates, self edges, unordered ends, blocks in either direction
// (some naming outsiders), and pledges in up to three currencies.
func randomGraph(r *rand.Rand, names []ledger.UserID) ([]ledger.Guarantee, []ledger.Block) {
	n := len(names)
	m := r.IntN(2*n + 1)
	if r.IntN(4) == 0 {
		m = r.IntN(n*n/2 + 1)
	}
	currencies := []ledger.Currency{"EUR", "USD", "JPY"}[:1+r.IntN(3)]
	gs := make([]ledger.Guarantee, 0, m)
	for range m {
		x, y := names[r.IntN(n)], names[r.IntN(n)]
		p := ledger.Amount{Minor: 1 + r.Int64N(1000), Currency: currencies[r.IntN(len(currencies))]}
		if r.IntN(20) == 0 {
			p = ledger.Amount{}
		}
		g := ledger.NewGuarantee(x, y, "!c:x", p, "$e", time.Time{})
		if r.IntN(3) == 0 {
			g.A, g.B = g.B, g.A
		}
		gs = append(gs, g)
	}
	var bs []ledger.Block
	for range r.IntN(n/2 + 1) {
		x, y := names[r.IntN(n)], names[r.IntN(n)]
		if r.IntN(10) == 0 {
			y = grID("outsider")
		}
		bs = append(bs, ledger.Block{Blocker: x, Blocked: y})
	}
	return gs, bs
}

func TestGraphMatchesReference(t *testing.T) {
	t.Parallel()
	for trial := range sized(2000, 200) {
		r := rand.New(rand.NewPCG(20240601, uint64(trial)))
		names := randomGraphNames(r, 2+r.IntN(39))
		gs, bs := randomGraph(r, names)
		g := ledger.NewGraph(gs, bs)
		// The reference also knows one name that is nobody.
		ref := newRefGraph(append(names, grID("nobody")), gs, bs)
		if msg := checkGraphAgainstReference(g, ref); msg != "" {
			t.Fatalf("trial %d (rand.NewPCG(20240601, %d)), %d names, %d guarantees, %d blocks: %s",
				trial, trial, len(names), len(gs), len(bs), msg)
		}
	}
}

// checkGraphAgainstReference compares every query for every member and pair; it
// returns a description of the first difference, or "".
func checkGraphAgainstReference(g *ledger.Graph, ref *refGraph) string {
	members := 0
	for _, m := range ref.member {
		if m {
			members++
		}
	}
	if g.Members() != members {
		return fmt.Sprintf("Members() = %d, want %d", g.Members(), members)
	}
	for u, un := range ref.names {
		direct, indirect := ref.trustList(u)
		tl := g.TrustList(un)
		if !grSameIDs(tl.Direct, direct) || !grSameIDs(tl.Indirect, indirect) || tl.Member != un {
			return fmt.Sprintf("TrustList(%s) = %v, want direct %v indirect %v", un, tl, direct, indirect)
		}
		if msg := checkTrustSize(g, un, tl); msg != "" {
			return msg
		}
		if got := g.Direct(un); !grSameIDs(got, direct) {
			return fmt.Sprintf("Direct(%s) = %v, want %v", un, got, direct)
		}
		if got := g.PledgeOf(un); !grSameAmounts(got, ref.pledges[u]) {
			return fmt.Sprintf("PledgeOf(%s) = %v, want %v", un, got, ref.pledges[u])
		}
		if got, want := g.Pool(un), ref.pool(u); !grSameAmounts(got, want) {
			return fmt.Sprintf("Pool(%s) = %v, want %v", un, got, want)
		}
		for v, vn := range ref.names {
			want := ref.dist[u][v]
			if want == grInf {
				want = -1
			}
			if got := g.Distance(un, vn); got != want {
				return fmt.Sprintf("Distance(%s, %s) = %d, want %d", un, vn, got, want)
			}
			if got, want := g.Chain(un, vn), ref.chain(u, v); !grSameIDs(got, want) {
				return fmt.Sprintf("Chain(%s, %s) = %v, want %v", un, vn, got, want)
			}
		}
	}
	return ""
}
