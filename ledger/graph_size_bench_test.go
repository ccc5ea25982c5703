package ledger_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

// graphBench1M is the environment variable that adds the network of
// 1,000,000 members (about 3,000,000 guarantees) to the graph size
// benchmarks: building it takes about a minute and a gigabyte or two.
const graphBench1M = "EXODUS_BENCH_1M"

// graphAtSize returns the synthetic network of n members, built once per n.
var graphAtSize = func() func(n int) *graphBenchData {
	var mu sync.Mutex
	built := map[int]*graphBenchData{}
	return func(n int) *graphBenchData {
		mu.Lock()
		defer mu.Unlock()
		if d := built[n]; d != nil {
			return d
		}
		d := &graphBenchData{}
		d.ids, d.guarantees, d.blocks = syntheticTrustNetwork(n)
		d.graph = ledger.NewGraph(d.guarantees, d.blocks)
		d.guarantees = nil // only the graph is measured
		built[n] = d
		return d
	}
}()

// graphSizes are the network sizes the size benchmarks run at.
func graphSizes() []int {
	if os.Getenv(graphBench1M) != "" {
		return []int{graphBenchMembers, 1_000_000}
	}
	return []int{graphBenchMembers}
}

// BenchmarkGraphTrustSize measures how many members a random member's trust
// list holds (what pool, list, the API and the dashboard count): "search"
// counts the whole list found by breadth-first search, as every caller did
// before; "size" reads it from the graph; "list-head" is what the list
// command reads: the sizes and the first 200 members of each part. Each op is timed alone, and the
// median and 99th percentile reported.
func BenchmarkGraphTrustSize(b *testing.B) {
	for _, n := range graphSizes() {
		b.Run(fmt.Sprintf("members=%d/search", n), func(b *testing.B) {
			benchTrustSize(b, n, func(g *ledger.Graph, u ledger.UserID) int { return g.TrustList(u).Count() })
		})
		b.Run(fmt.Sprintf("members=%d/size", n), func(b *testing.B) {
			benchTrustSize(b, n, func(g *ledger.Graph, u ledger.UserID) int { return g.TrustSize(u).Count() })
		})
		b.Run(fmt.Sprintf("members=%d/list-head", n), func(b *testing.B) {
			benchTrustSize(b, n, func(g *ledger.Graph, u ledger.UserID) int {
				t, size := g.TrustListHead(u, 200) // what `list` shows and carries
				return size.Count() + 0*len(t.Indirect)
			})
		})
	}
}

// benchTrustSize runs size on random members of the network of n members
// and reports the percentiles of the time per op.
func benchTrustSize(b *testing.B, n int, size func(*ledger.Graph, ledger.UserID) int) {
	d := graphAtSize(n)
	r := rand.New(rand.NewPCG(3, 4))
	var took []time.Duration
	total := 0
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		u := d.ids[r.IntN(len(d.ids))]
		t0 := time.Now()
		total += size(d.graph, u)
		took = append(took, time.Since(t0))
	}
	slices.Sort(took)
	pct := func(p float64) float64 { return float64(took[int(p*float64(len(took)-1))].Nanoseconds()) }
	b.ReportMetric(pct(0.50), "p50-ns")
	b.ReportMetric(pct(0.99), "p99-ns")
	b.ReportMetric(float64(total)/float64(b.N), "members/op")
	b.ReportMetric(float64(d.graph.Members()), "members")
}
