//go:build unix

package store_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/store"
)

// Environment of BenchmarkGraphLoad: graphBench1MEnv adds the network of
// 1,000,000 members (about 3,000,000 guarantees; writing it takes minutes),
// and graphBenchDBEnv names a SQLite file to keep the network in between
// runs (written if missing, reused if present; else the benchmark writes
// each network once into a temporary directory).
const (
	graphBench1MEnv = "EXODUS_BENCH_1M"
	graphBenchDBEnv = "EXODUS_BENCH_GRAPH_DB"
)

// BenchmarkGraphLoad measures a cold load of the trust graph from SQLite,
// what the service does after a guarantee or block changes: "rows" reads
// every guarantee and block whole and builds the graph from them, as
// Trust.Graph did before; "stream" is ledger.LoadGraph, which reads only
// the ends and pledges and reduces each row as it comes. Besides time and
// allocation per load, it reports the peak of the heap during a load above
// the heap before it (sampled every millisecond after a collection) and the
// CPU time of a load (which a busy machine inflates less than the time).
func BenchmarkGraphLoad(b *testing.B) {
	sizes := []int{100_000}
	if os.Getenv(graphBench1MEnv) != "" {
		sizes = append(sizes, 1_000_000)
	}
	loads := []struct {
		name string
		load func(ctx context.Context, s *store.Store) (*ledger.Graph, error)
	}{
		{"rows", loadGraphRows},
		{"stream", func(ctx context.Context, s *store.Store) (*ledger.Graph, error) {
			return ledger.LoadGraph(ctx, s.Trust)
		}},
	}
	dir := b.TempDir()
	for _, n := range sizes {
		for _, l := range loads {
			b.Run(fmt.Sprintf("members=%d/%s", n, l.name), func(b *testing.B) {
				s := graphBenchStore(b, dir, n)
				ctx := context.Background()
				var peak, cpu float64
				var g *ledger.Graph
				b.ReportAllocs()
				for b.Loop() {
					g = nil
					b.StopTimer()
					runtime.GC()
					stop := sampleHeapPeak()
					cpu0 := cpuSeconds()
					b.StartTimer()
					var err error
					if g, err = l.load(ctx, s); err != nil {
						b.Fatal(err)
					}
					cpu += cpuSeconds() - cpu0
					peak = max(peak, stop())
				}
				b.ReportMetric(peak/(1<<20), "peak-heap-MB")
				b.ReportMetric(cpu/float64(b.N), "cpu-s/op")
				b.ReportMetric(float64(g.Members()), "members")
			})
		}
	}
}

// loadGraphRows is the load before LoadGraph: every column of every
// guarantee read into a slice, then the graph built from it.
func loadGraphRows(ctx context.Context, s *store.Store) (*ledger.Graph, error) {
	gs, err := s.Trust.Guarantees(ctx)
	if err != nil {
		return nil, err
	}
	bs, err := s.Trust.Blocks(ctx)
	if err != nil {
		return nil, err
	}
	return ledger.NewGraph(gs, bs), nil
}

// cpuSeconds returns the CPU time the process has used, user and system,
// on all its threads (the garbage collector's included).
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// sampleHeapPeak samples the bytes of heap objects (live or not yet
// swept) every millisecond until the returned function is called, which
// returns the peak above the first sample.
func sampleHeapPeak() func() float64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	base := read()
	var peak atomic.Uint64
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			peak.Store(max(peak.Load(), read()))
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() float64 {
		close(done)
		<-finished
		return float64(max(peak.Load(), base) - base)
	}
}

// graphBenchStore opens a SQLite store holding the synthetic network of n
// members in the file dir/graph.db.n, writing it if it is missing. dir is
// where graphBenchDBEnv says, else a directory of the whole benchmark, so
// that its loads share one file.
func graphBenchStore(b *testing.B, dir string, n int) *store.Store {
	b.Helper()
	path := fmt.Sprintf("%s.%d", filepath.Join(dir, "graph.db"), n)
	if env := os.Getenv(graphBenchDBEnv); env != "" {
		path = fmt.Sprintf("%s.%d", env, n)
	}
	_, statErr := os.Stat(path)
	cfg := store.Config{Type: store.TypeSQLite, URI: "file:" + path + "?_txlock=immediate"}
	s, err := store.Open(context.Background(), cfg, zerolog.Nop())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close() })
	if statErr != nil {
		writeSyntheticNetwork(b, s, n)
	}
	return s
}

// writeSyntheticNetwork writes the network of syntheticNetwork into s,
// in one transaction, with multi-row INSERTs.
func writeSyntheticNetwork(b *testing.B, s *store.Store, n int) {
	b.Helper()
	err := s.InTx(context.Background(), func(ctx context.Context) error {
		gs := &batchInsert{s: s, head: "guarantees (a, b, circle_id, pledge_minor, pledge_currency, created_by, created_at)", per: 7}
		bs := &batchInsert{s: s, head: "blocks (blocker, blocked, created_by, created_at)", per: 4}
		syntheticNetwork(n, func(i int, x, y ledger.UserID, p ledger.Amount, blocked bool) {
			g := ledger.NewGuarantee(x, y, "!c:example.org", p, ledger.EventID(fmt.Sprintf("$accept%d_%s", i, y)), at(i))
			gs.add(ctx, string(g.A), string(g.B), string(g.Circle), p.Minor, string(p.Currency), string(g.CreatedBy), g.CreatedAt.UnixMilli())
			if blocked {
				bs.add(ctx, string(x), string(y), "$block", int64(0))
			}
		})
		return errors.Join(gs.flush(ctx), bs.flush(ctx))
	})
	if err != nil {
		b.Fatal(err)
	}
}

// syntheticNetwork generates, deterministically, n members where each
// guarantees one to five (three on average) earlier members, most often a
// recent one, with pledges mostly in EUR, some in USD, and about one
// guarantee in two hundred blocked: the network of
// ledger/graph_bench_test.go. It calls fn with the i-th member, the member
// guaranteed, the pledge, and whether i blocks them.
func syntheticNetwork(n int, fn func(i int, x, y ledger.UserID, p ledger.Amount, blocked bool)) {
	r := rand.New(rand.NewPCG(1, 2))
	id := func(i int) ledger.UserID {
		return ledger.UserID(fmt.Sprintf("@u%08x:example.org", uint32(i)*2654435761))
	}
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
			fn(i, id(i), id(j), p, r.IntN(200) == 0)
		}
	}
}

// batchInsert writes rows into a table 1,000 at a time, skipping those
// that conflict; it keeps the first error.
type batchInsert struct {
	s    *store.Store
	head string // table (columns)
	per  int    // values per row
	args []any
	err  error
}

// add queues one row, writing the batch when it is full.
func (bi *batchInsert) add(ctx context.Context, values ...any) {
	bi.args = append(bi.args, values...)
	if len(bi.args) >= 1000*bi.per {
		bi.err = errors.Join(bi.err, bi.flush(ctx))
	}
}

// flush writes the queued rows.
func (bi *batchInsert) flush(ctx context.Context) error {
	if len(bi.args) == 0 || bi.err != nil {
		return bi.err
	}
	var sb strings.Builder
	sb.WriteString("INSERT INTO " + bi.head + " VALUES ")
	for k := 0; k < len(bi.args); k += bi.per {
		if k > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString("(")
		for c := range bi.per {
			if c > 0 {
				sb.WriteString(", ")
			}
			fmt.Fprintf(&sb, "$%d", k+c+1)
		}
		sb.WriteString(")")
	}
	_, err := bi.s.DB().Exec(ctx, sb.String()+" ON CONFLICT DO NOTHING", bi.args...)
	bi.args = bi.args[:0]
	return err
}
