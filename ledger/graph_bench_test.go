package ledger_test

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

// graphBenchMembers is the size of the synthetic trust network.
const graphBenchMembers = 100_000

// graphBenchNetwork is the synthetic network, built once: guarantees, blocks,
// the member IDs, and the graph itself.
var graphBenchNetwork = sync.OnceValues(func() (*graphBenchData, error) {
	d := &graphBenchData{}
	d.ids, d.guarantees, d.blocks = syntheticTrustNetwork(graphBenchMembers)
	d.graph = ledger.NewGraph(d.guarantees, d.blocks)
	return d, nil
})

type graphBenchData struct {
	ids        []ledger.UserID
	guarantees []ledger.Guarantee
	blocks     []ledger.Block
	graph      *ledger.Graph
}

// syntheticTrustNetwork generates, deterministically, n members where each
// links to one to five (three on average) earlier members: most often a
// recent one (members join in clusters, invited by friends), otherwise
// anyone. Pledges are mostly EUR, some USD; about one guarantee in two
// hundred is blocked. IDs are scrambled so their sort order is unrelated
// to the order members joined.
func syntheticTrustNetwork(n int) ([]ledger.UserID, []ledger.Guarantee, []ledger.Block) {
	r := rand.New(rand.NewPCG(1, 2))
	ids := make([]ledger.UserID, n)
	for i := range ids {
		ids[i] = ledger.UserID(fmt.Sprintf("@u%08x:example.org", uint32(i)*2654435761))
	}
	var gs []ledger.Guarantee
	var bs []ledger.Block
	for i := 1; i < n; i++ {
		for range 1 + r.IntN(5) {
			j := r.IntN(i)
			if r.IntN(10) < 6 {
				j = max(0, i-1-r.IntN(100))
			}
			p := ledger.Amount{Minor: 1000 * (1 + r.Int64N(5)), Currency: "EUR"}
			if r.IntN(5) == 0 {
				p.Currency = "USD"
			}
			gs = append(gs, ledger.NewGuarantee(ids[i], ids[j], "!c:example.org", p, "$e", time.Time{}))
			if r.IntN(200) == 0 {
				bs = append(bs, ledger.Block{Blocker: ids[i], Blocked: ids[j]})
			}
		}
	}
	return ids, gs, bs
}

// graphBenchSetup returns the network and a seeded source of random members.
func graphBenchSetup(b *testing.B) (*graphBenchData, func() ledger.UserID) {
	b.Helper()
	d, _ := graphBenchNetwork()
	r := rand.New(rand.NewPCG(3, 4))
	b.ReportAllocs()
	b.ResetTimer()
	return d, func() ledger.UserID { return d.ids[r.IntN(len(d.ids))] }
}

func BenchmarkGraphNew(b *testing.B) {
	d, _ := graphBenchSetup(b)
	var g *ledger.Graph
	for b.Loop() {
		g = ledger.NewGraph(d.guarantees, d.blocks)
	}
	b.ReportMetric(float64(len(d.guarantees)), "guarantees")
	b.ReportMetric(float64(g.Members()), "members")
}

func BenchmarkGraphTrustList(b *testing.B) {
	d, member := graphBenchSetup(b)
	n := 0
	for b.Loop() {
		n += d.graph.TrustList(member()).Count()
	}
	b.ReportMetric(float64(n)/float64(b.N), "members/op")
}

func BenchmarkGraphChain(b *testing.B) {
	d, member := graphBenchSetup(b)
	n := 0
	for b.Loop() {
		n += len(d.graph.Chain(member(), member()))
	}
	b.ReportMetric(float64(n)/float64(b.N), "ids/op")
}

func BenchmarkGraphDistance(b *testing.B) {
	d, member := graphBenchSetup(b)
	for b.Loop() {
		d.graph.Distance(member(), member())
	}
}

func BenchmarkGraphPool(b *testing.B) {
	d, member := graphBenchSetup(b)
	for b.Loop() {
		d.graph.Pool(member())
	}
}
