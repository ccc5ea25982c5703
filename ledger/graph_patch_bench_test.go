package ledger_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
)

// sliceSource is a GraphSource over guarantees and blocks in memory.
type sliceSource struct {
	gs []ledger.Guarantee
	bs []ledger.Block
}

func (s sliceSource) ScanGuarantees(_ context.Context, fn func(a, b ledger.UserID, pledge ledger.Amount)) error {
	for _, g := range s.gs {
		fn(g.A, g.B, g.Pledge)
	}
	return nil
}

func (s sliceSource) Blocks(context.Context) ([]ledger.Block, error) { return s.bs, nil }

// changeBenchNetwork is the synthetic network of n members with its
// guarantees kept, built once per n.
var changeBenchNetwork = func() func(n int) (sliceSource, []ledger.UserID, *ledger.Graph) {
	var mu sync.Mutex
	type net struct {
		src sliceSource
		ids []ledger.UserID
		g   *ledger.Graph
	}
	built := map[int]net{}
	return func(n int) (sliceSource, []ledger.UserID, *ledger.Graph) {
		mu.Lock()
		defer mu.Unlock()
		d, ok := built[n]
		if !ok {
			d.ids, d.src.gs, d.src.bs = syntheticTrustNetwork(n)
			d.g = ledger.NewGraph(d.src.gs, d.src.bs)
			built[n] = d
		}
		return d.src, d.ids, d.g
	}
}()

// BenchmarkGraphChange measures what one change of the trust network costs
// the graph in memory: "reload" is what every vouch and block did before
// (the graph dropped and loaded anew with LoadGraph, here from memory, so
// without the store's reading: the SQLite load of BenchmarkGraphLoad costs
// more), what a block, an unblock or a departure still does; "vouch-new"
// is a vouch for a newcomer by a random member (what accepting an
// invitation does to the graph now), "vouch-join" a guarantee between two
// random members (joining their components if they differ). Each op
// changes the same loaded graph, which stays as it was.
func BenchmarkGraphChange(b *testing.B) {
	ctx := context.Background()
	for _, n := range graphSizes() {
		b.Run(fmt.Sprintf("members=%d/reload", n), func(b *testing.B) {
			src, _, _ := changeBenchNetwork(n)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ledger.LoadGraph(ctx, src); err != nil {
					b.Fatal(err)
				}
			}
		})
		for _, newcomer := range []bool{true, false} {
			name := map[bool]string{true: "vouch-new", false: "vouch-join"}[newcomer]
			b.Run(fmt.Sprintf("members=%d/%s", n, name), func(b *testing.B) {
				_, ids, g := changeBenchNetwork(n)
				r := rand.New(rand.NewPCG(5, 6))
				p := ledger.Amount{Minor: 2000, Currency: "EUR"}
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					x, y := ids[r.IntN(len(ids))], ids[r.IntN(len(ids))]
					if newcomer {
						y = ledger.UserID(fmt.Sprintf("@newcomer%d:example.org", i))
					}
					i++
					if h := g.WithGuaranteeForTest(x, y, p); h == nil || h.TrustSize(y).Count() == 0 {
						b.Fatal("the vouch did not make it into the graph")
					}
				}
			})
		}
	}
}
