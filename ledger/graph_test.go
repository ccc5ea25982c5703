package ledger_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

// uid turns a short name into a user ID: "a" -> "@a:x".
func uid(name string) ledger.UserID { return ledger.UserID("@" + name + ":x") }

// uids turns short names into user IDs; nil for no names.
func uids(names ...string) []ledger.UserID {
	if len(names) == 0 {
		return nil
	}
	out := make([]ledger.UserID, len(names))
	for i, n := range names {
		out[i] = uid(n)
	}
	return out
}

func eur(minor int64) ledger.Amount { return ledger.Amount{Minor: minor, Currency: "EUR"} }
func usd(minor int64) ledger.Amount { return ledger.Amount{Minor: minor, Currency: "USD"} }

// gp is a guarantee between x and y pledging p, ends left as given.
func gp(x, y string, p ledger.Amount) ledger.Guarantee {
	return ledger.Guarantee{A: uid(x), B: uid(y), Pledge: p}
}

// gu is a guarantee between x and y pledging 10 EUR.
func gu(x, y string) ledger.Guarantee { return gp(x, y, eur(1000)) }

// blk is a block of blocked by blocker.
func blk(blocker, blocked string) ledger.Block {
	return ledger.Block{Blocker: uid(blocker), Blocked: uid(blocked)}
}

// sameIDs compares ID lists, requiring nil for an empty list as the API promises.
func sameIDs(got, want []ledger.UserID) bool {
	return (got == nil) == (len(want) == 0) && slices.Equal(got, want)
}

// sameAmounts compares amount lists, requiring nil for an empty list.
func sameAmounts(got, want []ledger.Amount) bool {
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
		{"line", []ledger.Guarantee{gu("a", "b"), gu("b", "c"), gu("c", "d")}, nil,
			"a", []string{"b"}, []string{"c", "d"}},
		{"middle of line", []ledger.Guarantee{gu("a", "b"), gu("b", "c"), gu("c", "d")}, nil,
			"c", []string{"b", "d"}, []string{"a"}},
		{"by distance then ID", []ledger.Guarantee{
			gu("a", "m"), gu("m", "b"), gu("a", "c"), gu("c", "z"), gu("z", "d")}, nil,
			"a", []string{"c", "m"}, []string{"b", "z", "d"}},
		{"cycle", []ledger.Guarantee{gu("a", "b"), gu("b", "c"), gu("c", "d"), gu("d", "a")}, nil,
			"a", []string{"b", "d"}, []string{"c"}},
		{"unordered ends", []ledger.Guarantee{gu("z", "a"), gu("y", "z")}, nil,
			"a", []string{"z"}, []string{"y"}},
		{"block cuts edge", []ledger.Guarantee{gu("a", "b"), gu("b", "c")}, []ledger.Block{blk("a", "b")},
			"a", nil, nil},
		{"block cuts edge, other side", []ledger.Guarantee{gu("a", "b"), gu("b", "c")}, []ledger.Block{blk("a", "b")},
			"b", []string{"c"}, nil},
		{"reverse block cuts edge", []ledger.Guarantee{gu("a", "b"), gu("b", "c")}, []ledger.Block{blk("b", "a")},
			"a", nil, nil},
		{"block leaves other route", []ledger.Guarantee{gu("a", "b"), gu("b", "c"), gu("a", "c")},
			[]ledger.Block{blk("c", "a")}, "a", []string{"b"}, []string{"c"}},
		{"unrelated blocks", []ledger.Guarantee{gu("a", "b"), gu("b", "c")},
			[]ledger.Block{blk("a", "c"), blk("a", "q"), blk("q", "b"), blk("a", "a")},
			"a", []string{"b"}, []string{"c"}},
		{"duplicates", []ledger.Guarantee{gu("a", "b"), gu("a", "b"), gu("b", "a"), gu("b", "c"), gu("c", "b")}, nil,
			"a", []string{"b"}, []string{"c"}},
		{"self edges", []ledger.Guarantee{gu("a", "a"), gu("a", "b"), gu("b", "b")}, nil,
			"a", []string{"b"}, nil},
		{"unknown member", []ledger.Guarantee{gu("a", "b")}, nil,
			"q", nil, nil},
		{"empty graph", nil, nil, "a", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := ledger.NewGraph(tt.gs, tt.bs)
			tl := g.TrustList(uid(tt.member))
			if tl.Member != uid(tt.member) {
				t.Errorf("Member = %q, want %q", tl.Member, uid(tt.member))
			}
			if !sameIDs(tl.Direct, uids(tt.direct...)) {
				t.Errorf("Direct = %v, want %v", tl.Direct, uids(tt.direct...))
			}
			if !sameIDs(tl.Indirect, uids(tt.indirect...)) {
				t.Errorf("Indirect = %v, want %v", tl.Indirect, uids(tt.indirect...))
			}
			if !sameIDs(g.Direct(uid(tt.member)), uids(tt.direct...)) {
				t.Errorf("Direct() = %v, want %v", g.Direct(uid(tt.member)), uids(tt.direct...))
			}
			all := uids(append(slices.Clone(tt.direct), tt.indirect...)...)
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
		{"one edge", []ledger.Guarantee{gu("a", "b")}, nil, 2},
		{"duplicates", []ledger.Guarantee{gu("a", "b"), gu("b", "a"), gu("b", "c")}, nil, 3},
		{"blocked ends count", []ledger.Guarantee{gu("a", "b"), gu("c", "d")}, []ledger.Block{blk("c", "d")}, 4},
		{"blocks add nobody", []ledger.Guarantee{gu("a", "b")}, []ledger.Block{blk("x", "y")}, 2},
		{"self edges ignored", []ledger.Guarantee{gu("a", "a"), gu("a", "b"), gu("x", "x")}, nil, 2},
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
	twoRoutes := []ledger.Guarantee{gu("y", "a"), gu("p", "y"), gu("z", "p"), gu("a", "x"), gu("q", "x"), gu("q", "z")}
	tests := []struct {
		name     string
		gs       []ledger.Guarantee
		bs       []ledger.Block
		from, to string
		chain    []string
		distance int
	}{
		{"direct", []ledger.Guarantee{gu("a", "b")}, nil, "a", "b", []string{"a", "b"}, 1},
		{"tie picks smaller ID", []ledger.Guarantee{gu("a", "c"), gu("c", "d"), gu("a", "b"), gu("b", "d")}, nil,
			"a", "d", []string{"a", "b", "d"}, 2},
		{"tie decided at first step", twoRoutes, nil, "a", "z", []string{"a", "x", "q", "z"}, 3},
		{"tie decided at first step, reversed", twoRoutes, nil, "z", "a", []string{"z", "p", "y", "a"}, 3},
		{"tie decided late", []ledger.Guarantee{gu("a", "b"), gu("b", "d"), gu("b", "c"), gu("c", "e"), gu("d", "e")}, nil,
			"a", "e", []string{"a", "b", "c", "e"}, 3},
		{"shortest beats smaller", []ledger.Guarantee{gu("a", "b"), gu("b", "c"), gu("c", "z"), gu("a", "y"), gu("y", "z")}, nil,
			"a", "z", []string{"a", "y", "z"}, 2},
		{"block forces detour", []ledger.Guarantee{gu("a", "z"), gu("a", "m"), gu("m", "z")}, []ledger.Block{blk("z", "a")},
			"a", "z", []string{"a", "m", "z"}, 2},
		{"blocked away", []ledger.Guarantee{gu("a", "b"), gu("b", "c")}, []ledger.Block{blk("c", "b")},
			"a", "c", nil, -1},
		{"disconnected", []ledger.Guarantee{gu("a", "b"), gu("c", "d")}, nil, "a", "d", nil, -1},
		{"same member", []ledger.Guarantee{gu("a", "b")}, nil, "a", "a", nil, 0},
		{"unknown from", []ledger.Guarantee{gu("a", "b")}, nil, "q", "a", nil, -1},
		{"unknown to", []ledger.Guarantee{gu("a", "b")}, nil, "a", "q", nil, -1},
		{"same unknown", []ledger.Guarantee{gu("a", "b")}, nil, "q", "q", nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := ledger.NewGraph(tt.gs, tt.bs)
			if got := g.Chain(uid(tt.from), uid(tt.to)); !sameIDs(got, uids(tt.chain...)) {
				t.Errorf("Chain = %v, want %v", got, uids(tt.chain...))
			}
			if got := g.Distance(uid(tt.from), uid(tt.to)); got != tt.distance {
				t.Errorf("Distance = %d, want %d", got, tt.distance)
			}
		})
	}
}

func TestGraphPledgeAndPool(t *testing.T) {
	gs := []ledger.Guarantee{
		gp("a", "b", eur(1000)),
		gp("b", "a", eur(5000)), // same pair, larger pledge: the max counts
		gp("a", "c", usd(2000)),
		gp("c", "d", eur(500)),
		gp("a", "e", eur(100000)), // blocked below: does not count
		gp("d", "f", ledger.Amount{}),
		gp("g", "g", eur(7)), // self edge: ignored
	}
	g := ledger.NewGraph(gs, []ledger.Block{blk("e", "a")})
	pledges := []struct {
		member string
		want   []ledger.Amount
	}{
		{"a", []ledger.Amount{eur(5000), usd(2000)}},
		{"b", []ledger.Amount{eur(5000)}},
		{"c", []ledger.Amount{eur(500), usd(2000)}},
		{"d", []ledger.Amount{eur(500)}},
		{"e", nil},
		{"f", nil}, // only a pledge without currency
		{"g", nil},
		{"q", nil},
	}
	for _, p := range pledges {
		if got := g.PledgeOf(uid(p.member)); !sameAmounts(got, p.want) {
			t.Errorf("PledgeOf(%s) = %v, want %v", p.member, got, p.want)
		}
	}
	pools := []struct {
		member string
		want   []ledger.Amount
	}{
		{"b", []ledger.Amount{eur(5000 + 500 + 500), usd(2000 + 2000)}},
		{"a", []ledger.Amount{eur(5000 + 500 + 500), usd(2000)}},
		{"f", []ledger.Amount{eur(5000 + 5000 + 500 + 500), usd(2000 + 2000)}},
		{"e", nil},
		{"g", nil},
		{"q", nil},
	}
	for _, p := range pools {
		if got := g.Pool(uid(p.member)); !sameAmounts(got, p.want) {
			t.Errorf("Pool(%s) = %v, want %v", p.member, got, p.want)
		}
	}
}

func TestGraphPoolSaturates(t *testing.T) {
	big := eur(math.MaxInt64)
	g := ledger.NewGraph([]ledger.Guarantee{gp("a", "b", big), gp("b", "c", big)}, nil)
	want := []ledger.Amount{eur(math.MaxInt64)}
	if got := g.Pool(uid("b")); !slices.Equal(got, want) {
		t.Errorf("Pool = %v, want %v", got, want)
	}
}

func TestGraphResultsAreCopies(t *testing.T) {
	g := ledger.NewGraph([]ledger.Guarantee{gu("a", "b"), gu("b", "c")}, nil)
	g.Direct(uid("b"))[0] = uid("zz")
	g.PledgeOf(uid("b"))[0] = usd(1)
	g.TrustList(uid("a")).Direct[0] = uid("zz")
	if got := g.Direct(uid("b")); !slices.Equal(got, uids("a", "c")) {
		t.Errorf("Direct after mutation = %v", got)
	}
	if got := g.PledgeOf(uid("b")); !slices.Equal(got, []ledger.Amount{eur(1000)}) {
		t.Errorf("PledgeOf after mutation = %v", got)
	}
}

func TestGraphConcurrentReads(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	var gs []ledger.Guarantee
	for i := 1; i < 300; i++ {
		gs = append(gs, gu(fmt.Sprint(i), fmt.Sprint(r.IntN(i))))
	}
	g := ledger.NewGraph(gs, nil)
	want := g.Chain(uid("299"), uid("0"))
	wantTL := g.TrustList(uid("150")).All()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				if got := g.Chain(uid("299"), uid("0")); !slices.Equal(got, want) {
					t.Errorf("Chain = %v, want %v", got, want)
				}
				if got := g.TrustList(uid("150")).All(); !slices.Equal(got, wantTL) {
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
	dist    [][]int // refInf when unreachable
	pledges [][]ledger.Amount
}

const refInf = math.MaxInt32

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
			r.pledges[x] = refMax(r.pledges[x], g.Pledge)
			r.pledges[y] = refMax(r.pledges[y], g.Pledge)
		}
	}
	r.floydWarshall()
	return r
}

// refMax folds p into ps, keeping the largest amount per currency, sorted.
func refMax(ps []ledger.Amount, p ledger.Amount) []ledger.Amount {
	for i := range ps {
		if ps[i].Currency == p.Currency {
			ps[i].Minor = max(ps[i].Minor, p.Minor)
			return ps
		}
	}
	ps = append(ps, p)
	slices.SortFunc(ps, func(a, b ledger.Amount) int { return compareStrings(string(a.Currency), string(b.Currency)) })
	return ps
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
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
				r.dist[i][j] = refInf
			}
		}
	}
	for k := range n {
		for i := range n {
			for j := range n {
				if r.dist[i][k] != refInf && r.dist[k][j] != refInf && r.dist[i][k]+r.dist[k][j] < r.dist[i][j] {
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
		if v != u && r.dist[u][v] != refInf {
			others = append(others, v)
		}
	}
	slices.SortFunc(others, func(a, b int) int {
		if r.dist[u][a] != r.dist[u][b] {
			return r.dist[u][a] - r.dist[u][b]
		}
		return compareStrings(string(r.names[a]), string(r.names[b]))
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
	if u == v || r.dist[u][v] == refInf {
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
		if v == u || r.dist[u][v] == refInf {
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
	slices.SortFunc(out, func(a, b ledger.Amount) int { return compareStrings(string(a.Currency), string(b.Currency)) })
	return out
}

// randomNames returns n distinct IDs whose sort order is unrelated to
// their order in the slice.
func randomNames(r *rand.Rand, n int) []ledger.UserID {
	seen := map[ledger.UserID]bool{}
	var names []ledger.UserID
	for len(names) < n {
		b := make([]byte, 1+r.IntN(3))
		for i := range b {
			b[i] = byte('a' + r.IntN(6))
		}
		u := uid(string(b))
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
			y = uid("outsider")
		}
		bs = append(bs, ledger.Block{Blocker: x, Blocked: y})
	}
	return gs, bs
}

func TestGraphMatchesReference(t *testing.T) {
	trials := 2000
	if testing.Short() {
		trials = 200
	}
	for trial := range trials {
		r := rand.New(rand.NewPCG(20240601, uint64(trial)))
		names := randomNames(r, 2+r.IntN(39))
		gs, bs := randomGraph(r, names)
		g := ledger.NewGraph(gs, bs)
		// The reference also knows one name that is nobody.
		ref := newRefGraph(append(names, uid("nobody")), gs, bs)
		if msg := checkAgainstReference(g, ref); msg != "" {
			t.Fatalf("trial %d (rand.NewPCG(20240601, %d)), %d names, %d guarantees, %d blocks: %s",
				trial, trial, len(names), len(gs), len(bs), msg)
		}
	}
}

// checkAgainstReference compares every query for every member and pair; it
// returns a description of the first difference, or "".
func checkAgainstReference(g *ledger.Graph, ref *refGraph) string {
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
		if !sameIDs(tl.Direct, direct) || !sameIDs(tl.Indirect, indirect) || tl.Member != un {
			return fmt.Sprintf("TrustList(%s) = %v, want direct %v indirect %v", un, tl, direct, indirect)
		}
		if got := g.Direct(un); !sameIDs(got, direct) {
			return fmt.Sprintf("Direct(%s) = %v, want %v", un, got, direct)
		}
		if got := g.PledgeOf(un); !sameAmounts(got, ref.pledges[u]) {
			return fmt.Sprintf("PledgeOf(%s) = %v, want %v", un, got, ref.pledges[u])
		}
		if got, want := g.Pool(un), ref.pool(u); !sameAmounts(got, want) {
			return fmt.Sprintf("Pool(%s) = %v, want %v", un, got, want)
		}
		for v, vn := range ref.names {
			want := ref.dist[u][v]
			if want == refInf {
				want = -1
			}
			if got := g.Distance(un, vn); got != want {
				return fmt.Sprintf("Distance(%s, %s) = %d, want %d", un, vn, got, want)
			}
			if got, want := g.Chain(un, vn), ref.chain(u, v); !sameIDs(got, want) {
				return fmt.Sprintf("Chain(%s, %s) = %v, want %v", un, vn, got, want)
			}
		}
	}
	return ""
}
