package ledger_test

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

// capacityBenchOwed is what the members of the synthetic network owe: one
// in three has an open commitment of 5 to 40 EUR.
func capacityBenchOwed(ids []ledger.UserID) debts {
	r := rand.New(rand.NewPCG(5, 6))
	owed := debts{}
	for _, id := range ids {
		if r.IntN(3) == 0 {
			owed[id] = map[ledger.Currency]int64{"EUR": 500 * (1 + r.Int64N(8))}
		}
	}
	return owed
}

// BenchmarkGraphCapacity is the most help in EUR that can reach a random
// member of the 100,000-member network, with its five largest paths; the
// baseline of the same run is BenchmarkGraphTrustList (one search of the
// same component). It reports the p50, p99 and maximum of single calls.
func BenchmarkGraphCapacity(b *testing.B) {
	d, _ := graphBenchNetwork()
	owed := capacityBenchOwed(d.ids)
	r := rand.New(rand.NewPCG(3, 4))
	var times []time.Duration
	var value, paths int64
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		c := d.graph.Capacity(d.ids[r.IntN(len(d.ids))], "EUR", owed.of, ledger.MaxCapacityPaths)
		times = append(times, time.Since(start))
		value += c.Value.Minor
		paths += int64(c.PathCount)
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(times[len(times)*99/100].Microseconds()), "p99-µs")
	b.ReportMetric(float64(times[len(times)-1].Microseconds()), "max-µs")
	b.ReportMetric(float64(value)/float64(b.N)/100, "EUR/op")
	b.ReportMetric(float64(paths)/float64(b.N), "paths/op")
}

// BenchmarkGraphCapacityExhausted is the worst case of BenchmarkGraphCapacity:
// every member owes more than their pledge, so nothing can reach anyone and
// the last search, finding nobody with anything left, covers the member's
// whole part of the network.
func BenchmarkGraphCapacityExhausted(b *testing.B) {
	d, member := graphBenchSetup(b)
	everything := func(ledger.UserID, ledger.Currency) int64 { return 1 << 40 }
	for b.Loop() {
		if c := d.graph.Capacity(member(), "EUR", everything, ledger.MaxCapacityPaths); c.Value.Minor != 0 {
			b.Fatalf("capacity %v with every pledge taken", c.Value)
		}
	}
}
