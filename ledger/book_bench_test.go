package ledger_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/store"
)

// The synthetic mutual-aid history: 100,000 members, about 1,000,000 ops.
const (
	aidBenchMembers = 100_000
	aidBenchOps     = 1_000_000
	// aidBenchGivers is how many members answer each need.
	aidBenchGivers = 20
)

// aidBenchStart is when the synthetic history begins.
var aidBenchStart = time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)

// aidStream generates, deterministically and without end, a realistic
// history of the mutual-aid ledger. About 10 % of the members have a need
// open at any time (70 % orange, 30 % red). Each need is answered by 20
// other members: toward an orange need each intends (half by ❤️ with the
// circle's pledge, half with an amount typed), commits, says sent, and the
// owner confirms receipt (got); toward a red need each commits directly.
// The steps of the givers of all open needs interleave at random. When all
// 20 are confirmed the owner returns to green (the need is archived) and
// another member opens a need. Times are increasing (1 ms to 1 s apart);
// event IDs are random, as Matrix event IDs are hashes.
type aidStream struct {
	r       *rand.Rand
	members []ledger.UserID
	busy    map[ledger.UserID]bool // members with a need open
	active  []*aidPlan
	queue   []ledger.Op
	at      time.Time
	open    int // how many needs are kept open
}

type aidPlan struct {
	owner  ledger.UserID
	need   ledger.NeedID
	red    bool
	givers []aidGiver // those not done yet
}

// aidGiver is a giver and the next step: 0 intend, 1 commit, 2 sent, 3 got.
type aidGiver struct {
	id   ledger.UserID
	step int
}

func newAidStream(members int, seed uint64) *aidStream {
	s := &aidStream{
		r:       rand.New(rand.NewPCG(seed, 7)),
		members: make([]ledger.UserID, members),
		busy:    make(map[ledger.UserID]bool),
		at:      aidBenchStart,
		open:    members / 10,
	}
	for i := range s.members {
		s.members[i] = ledger.UserID(fmt.Sprintf("@u%08x:example.org", uint32(i)*2654435761))
	}
	return s
}

// event returns a fresh event ID shaped like a Matrix one (44 characters).
func (s *aidStream) event() ledger.EventID {
	return ledger.EventID(fmt.Sprintf("$%016x%016x%011x", s.r.Uint64(), s.r.Uint64(), s.r.Uint64()>>20))
}

func (s *aidStream) member() ledger.UserID { return s.members[s.r.IntN(len(s.members))] }

func (s *aidStream) amount() ledger.Amount {
	return ledger.Amount{Minor: 1000 * (1 + s.r.Int64N(5)), Currency: "EUR"} // 10 to 50 EUR
}

// next returns the next op of the history.
func (s *aidStream) next() ledger.Op {
	s.at = s.at.Add(time.Millisecond * time.Duration(1+s.r.IntN(1000)))
	if len(s.queue) > 0 {
		op := s.queue[0]
		s.queue = s.queue[1:]
		op.At = s.at
		return op
	}
	op := ledger.Op{Event: s.event(), At: s.at}
	if len(s.active) < s.open {
		s.openNeed(&op)
		return op
	}
	pi := s.r.IntN(len(s.active))
	p := s.active[pi]
	gi := s.r.IntN(len(p.givers))
	g := &p.givers[gi]
	op.Need = p.need
	switch g.step {
	case 0:
		op.Kind, op.Actor = ledger.OpIntend, g.id
		if s.r.IntN(2) == 0 {
			op.Reaction, op.Default = op.Event, ledger.Amount{Minor: 2000, Currency: "EUR"}
		} else {
			op.Amount = s.amount()
		}
	case 1:
		op.Kind, op.Actor = ledger.OpCommit, g.id
		switch {
		case !p.red && s.r.IntN(2) == 0: // the intention's amount
		case s.r.IntN(2) == 0: // 🤝 with the pledge
			op.Reaction, op.Default = op.Event, ledger.Amount{Minor: 2000, Currency: "EUR"}
		default:
			op.Amount = s.amount()
		}
	case 2:
		op.Kind, op.Actor = ledger.OpSent, g.id
	case 3:
		op.Kind, op.Actor, op.Giver = ledger.OpGot, p.owner, g.id
	}
	g.step++
	if g.step == 4 {
		p.givers[gi] = p.givers[len(p.givers)-1]
		p.givers = p.givers[:len(p.givers)-1]
	}
	if len(p.givers) == 0 {
		// All confirmed: the owner is green again, the need archived.
		s.queue = append(s.queue, ledger.Op{Kind: ledger.OpStatus, Event: s.event(), Actor: p.owner, Status: ledger.StatusGreen})
		delete(s.busy, p.owner)
		s.active[pi] = s.active[len(s.active)-1]
		s.active = s.active[:len(s.active)-1]
	}
	return op
}

// openNeed makes op a status op of a member without a need.
func (s *aidStream) openNeed(op *ledger.Op) {
	owner := s.member()
	for s.busy[owner] {
		owner = s.member()
	}
	s.busy[owner] = true
	op.Kind, op.Actor = ledger.OpStatus, owner
	p := &aidPlan{owner: owner, need: ledger.NeedID(op.Event), red: s.r.IntN(10) < 3}
	if p.red {
		op.Status, op.Amount, op.Days = ledger.StatusRed, ledger.Amount{Minor: 200_000, Currency: "EUR"}, 14
	} else {
		op.Status, op.Amount = ledger.StatusOrange, ledger.Amount{Minor: 100_000, Currency: "EUR"}
	}
	seen := map[ledger.UserID]bool{owner: true}
	for len(p.givers) < aidBenchGivers {
		g := s.member()
		if seen[g] {
			continue
		}
		seen[g] = true
		step := 0
		if p.red {
			step = 1 // a red collection takes commitments only
		}
		p.givers = append(p.givers, aidGiver{id: g, step: step})
	}
	s.active = append(s.active, p)
}

// take returns the next n ops.
func (s *aidStream) take(n int) []ledger.Op {
	ops := make([]ledger.Op, n)
	for i := range ops {
		ops[i] = s.next()
	}
	return ops
}

// aidBenchHistory is the synthetic history of 1,000,000 ops over 100,000
// members, built once.
var aidBenchHistory = sync.OnceValue(func() []ledger.Op {
	return newAidStream(aidBenchMembers, 1).take(aidBenchOps)
})

// replay folds ops into a fresh book and counts the refusals, as the
// service does after a restart (ledger.Replay).
func replay(ops []ledger.Op) (*ledger.Book, int) {
	return ledger.Replay(ops)
}

// aidApplyBatch is how many ops one iteration of BenchmarkBookApply
// applies, so that a short run (make bench: 20 iterations) still measures
// thousands of ops.
const aidApplyBatch = 1000

// BenchmarkBookApply measures Book.Apply on a book that already holds the
// first half of the history (steady state: 10,000 needs open, some 150,000
// promises), 1,000 ops per iteration; ns/apply and allocs/apply are per op.
// When the second half runs out the book is rebuilt outside the timer.
func BenchmarkBookApply(b *testing.B) {
	ops := aidBenchHistory()
	half := len(ops) / 2
	kinds := map[ledger.OpKind]int{}
	for _, op := range ops {
		kinds[op.Kind]++
	}
	b.Logf("%d ops: %v", len(ops), kinds)
	book, refused := replay(ops[:half])
	i, applied, errs := half, 0, 0
	var mallocs uint64 // during the timed part
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	start := ms.Mallocs
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if i+aidApplyBatch > len(ops) {
			b.StopTimer()
			runtime.ReadMemStats(&ms)
			mallocs += ms.Mallocs - start
			book, _ = replay(ops[:half])
			i = half
			runtime.ReadMemStats(&ms)
			start = ms.Mallocs
			b.StartTimer()
		}
		for _, op := range ops[i : i+aidApplyBatch] {
			if _, err := book.Apply(op); err != nil {
				errs++
			}
		}
		i += aidApplyBatch
		applied += aidApplyBatch
	}
	b.StopTimer()
	runtime.ReadMemStats(&ms)
	mallocs += ms.Mallocs - start
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(applied), "ns/apply")
	b.ReportMetric(float64(mallocs)/float64(applied), "allocs/apply")
	b.ReportMetric(float64(applied)/b.Elapsed().Seconds(), "ops/s")
	b.ReportMetric(float64(refused+errs)/float64(half+applied), "refused/op")
}

// BenchmarkBookReplay measures building a book from the whole recorded
// history, as the service does on its first use after a restart and on
// every late op. heap-MB is the live heap after the build (the 1,000,000
// ops included); book-MB is what the book alone adds to it.
func BenchmarkBookReplay(b *testing.B) {
	ops := aidBenchHistory()
	before := liveHeap()
	var book *ledger.Book
	refused := 0
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		book, refused = replay(ops)
	}
	b.StopTimer()
	after := liveHeap()
	needs, promises, _ := book.Snapshot()
	b.ReportMetric(float64(len(ops)), "ops")
	b.ReportMetric(float64(len(needs)), "needs")
	b.ReportMetric(float64(len(promises)), "promises")
	b.ReportMetric(float64(refused), "refused")
	b.ReportMetric(float64(after)/(1<<20), "heap-MB")
	b.ReportMetric((float64(after)-float64(before))/(1<<20), "book-MB")
}

// liveHeap returns HeapAlloc after a collection.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// aidBench is a service on a real migrated SQLite in WAL mode whose ledger
// holds the first ops of a synthetic history (ops/10 members, all in one
// circle, so that the shared-circle check of Do runs and passes).
type aidBench struct {
	ctx    context.Context
	st     *store.Store
	svc    *ledger.Service
	clock  *ledger.ManualClock
	stream *aidStream
	// recorded counts the ops in the store; late numbers the late ops.
	recorded, late int
}

// newAidBench records the first `ops` ops of a history straight into the
// store (event marked applied, op appended, one SQL transaction) and then
// rebuilds the projection: the same tables Service.Do leaves after
// applying them in order, without the minutes it would take to get there.
func newAidBench(b *testing.B, ops int) *aidBench {
	b.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Config{URI: "file:" + filepath.Join(b.TempDir(), "aid.db") + "?_txlock=immediate"}, zerolog.Nop())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = st.Close() })
	clock := ledger.NewManualClock(aidBenchStart.AddDate(1, 0, 0)) // the history lies in its past
	w := &aidBench{ctx: ctx, st: st, svc: ledger.NewService(st.Ledger(), clock, ledger.DefaultConfig()), clock: clock,
		stream: newAidStream(max(ops/10, aidBenchGivers*10), 2)}
	const circle ledger.CircleID = "!aid:example.org"
	err = st.InTx(ctx, func(ctx context.Context) error {
		if _, err := w.svc.Circles.Create(ctx, ledger.Action{Event: "$circle", Actor: "@founder:example.org", At: aidBenchStart},
			ledger.CircleSpec{ID: circle, Name: "Aid"}); err != nil {
			return err
		}
		for _, u := range w.stream.members {
			if err := w.svc.Circles.SetMembership(ctx, circle, u, true); err != nil {
				return err
			}
		}
		for range ops {
			op := w.stream.next()
			if _, err := st.MarkApplied(ctx, op.Event, op.At); err != nil {
				return err
			}
			if err := st.Aid.AppendOp(ctx, op); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if err := w.svc.Aid.Rebuild(ctx); err != nil {
		b.Fatal(err)
	}
	w.recorded = ops
	return w
}

// do applies op through Service.Do; a refusal by the rules counts, any
// other failure stops the benchmark.
func (w *aidBench) do(b *testing.B, op ledger.Op) (refused bool) {
	_, err := w.svc.Aid.Do(w.ctx, op)
	if !ledger.IsDuplicate(err) && ledger.ErrorCode(err) != ledger.EForbidden {
		w.recorded++ // recorded, even when the book refused it
	}
	if err != nil && ledger.AsError(err) == nil {
		b.Fatalf("Do(%+v): %v", op, err)
	}
	return err != nil
}

// BenchmarkAidDo measures Service.Do end to end on SQLite, over a ledger
// of 10,000 and 100,000 recorded ops (and 1,000,000 when EXODUS_BENCH_1M is
// set: over a minute of setup and half a minute per late op, kept out of
// make bench):
//   - restart: the first op after a restart (a new Service), which first
//     reads every op back and replays it (there is no snapshot);
//   - restart-snapshot: the same once a checkpoint wrote the book's
//     snapshot: decoded, with the ops after it replayed;
//   - late: an op that sorts before every op recorded, older than the
//     journal reaches: it reads every op back, replays it and rewrites the
//     whole projection;
//   - late-recent: an op 30 s older than the newest (about 60 ops back),
//     applied in its place by taking those ops back through the journal;
//   - in-order: the next op of the history, applied to the book in memory
//     and the changed rows written.
//
// The three share one store and each adds its ops to it; in-order, which
// adds the most, runs last. "recorded" is the number of ops in the store
// when a run starts.
func BenchmarkAidDo(b *testing.B) {
	sizes := []int{10_000, 100_000}
	if os.Getenv("EXODUS_BENCH_1M") != "" {
		sizes = append(sizes, aidBenchOps)
	}
	for _, size := range sizes {
		b.Run(fmt.Sprintf("ops=%d", size), func(b *testing.B) {
			w := newAidBench(b, size)
			b.Run("read", func(b *testing.B) { w.runRead(b) })
			b.Run("restart", func(b *testing.B) {
				recorded := w.recorded
				b.ReportAllocs()
				for b.Loop() {
					w.svc = ledger.NewService(w.st.Ledger(), w.clock, ledger.DefaultConfig())
					if w.do(b, w.stream.next()) {
						b.Fatalf("op refused")
					}
				}
				b.ReportMetric(float64(recorded), "recorded")
			})
			// restart-snapshot and checkpoint: aid_snapshot_bench_test.go;
			// checkpoint records 50,000 ops per iteration: opt-in.
			b.Run("restart-snapshot", func(b *testing.B) { w.runRestartSnapshot(b) })
			if os.Getenv("EXODUS_BENCH_1M") != "" {
				b.Run("checkpoint", func(b *testing.B) { w.runCheckpoint(b) })
			}
			// late: a member turns orange a day before the history began (the
			// event arrives last but sorts first); late-recent: 30 seconds
			// before the newest op, about 60 ops back, within the journal.
			b.Run("late", func(b *testing.B) {
				w.runLate(b, func() time.Time { return aidBenchStart.Add(-24*time.Hour + time.Duration(w.late)*time.Millisecond) })
			})
			// late-wait applies thousands of ops per iteration beyond 10,000
			// recorded: opt-in there with the 1,000,000 sizes (make bench
			// runs 20 iterations).
			if size == 10_000 || os.Getenv("EXODUS_BENCH_1M") != "" {
				b.Run("late-wait", func(b *testing.B) { w.runLateWait(b) })
			}
			b.Run("late-recent", func(b *testing.B) {
				w.runLate(b, func() time.Time { return w.stream.at.Add(-30 * time.Second) })
			})
			b.Run("in-order", func(b *testing.B) {
				recorded := w.recorded
				refused := 0
				b.ReportAllocs()
				for b.Loop() {
					if w.do(b, w.stream.next()) {
						refused++
					}
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
				b.ReportMetric(float64(refused)/float64(b.N), "refused/op")
				b.ReportMetric(float64(recorded), "recorded")
			})
		})
	}
}

// runLate applies, per iteration, a status op of a fresh member stamped at
// the time at gives: an op that sorts before the newest one recorded.
func (w *aidBench) runLate(b *testing.B, at func() time.Time) {
	recorded := w.recorded
	b.ReportAllocs()
	for b.Loop() {
		w.late++
		op := ledger.Op{Kind: ledger.OpStatus, Event: ledger.EventID(fmt.Sprintf("$late%d", w.late)),
			Actor: ledger.UserID(fmt.Sprintf("@late%d:example.org", w.late)), At: at(),
			Status: ledger.StatusOrange, Amount: ledger.Amount{Minor: 30_000, Currency: "EUR"}}
		if w.do(b, op) {
			b.Fatalf("late op refused")
		}
	}
	b.ReportMetric(float64(recorded), "recorded")
}

// runRead reads every recorded op's row from SQLite, in canonical order,
// without decoding it: the floor a restart that replays the ops cannot go
// under, measured on the same store as restart.
func (w *aidBench) runRead(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		rows, err := w.st.DB().Query(w.ctx, `SELECT body FROM aid_ops ORDER BY at, event_id`)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for rows.Next() {
			var body string
			if err := rows.Scan(&body); err != nil {
				b.Fatal(err)
			}
			n++
		}
		if err := rows.Close(); err != nil {
			b.Fatal(err)
		}
		if n != w.recorded {
			b.Fatalf("read %d rows, %d recorded", n, w.recorded)
		}
	}
	b.ReportMetric(float64(w.recorded), "recorded")
}

// runLateWait applies, per iteration, a very late op (as late does) while
// this goroutine applies the history's next ops one after the other until
// the late op is done: wait-max-ms is the longest any of those calls took
// (what a call waits behind the late op, at worst), late-ms how long the
// late op took, meanwhile how many ops were applied during it,
// lock-wait-max-ms the longest a probe that takes the mutual-aid lock every
// millisecond waited for it (what any call waits behind the late op); then as
// many ops are applied with no late op running, alone-max-ms the longest
// of those and lock-alone-max-ms the probe's longest wait then (the
// machine's own noise: the calls during the late op share the two cores
// with its replay and its garbage collection); wait-p99-ms and
// alone-p99-ms are the 99th percentiles of the calls' times in both;
// gc-cpu-s and gc-assist-s the garbage collector's CPU during the late ops
// (and in assists), alone-gc-cpu-s and alone-gc-assist-s during the calls
// alone.
func (w *aidBench) runLateWait(b *testing.B) {
	recorded := w.recorded
	var longest, alone, total, lockWait, lockAlone time.Duration
	var during, calm []time.Duration // every call's time, for the 99th percentile
	var gcDuring, gcAlone gcTime
	meanwhile := 0
	b.ReportAllocs()
	for b.Loop() {
		w.late++
		op := ledger.Op{Kind: ledger.OpStatus, Event: ledger.EventID(fmt.Sprintf("$late%d", w.late)),
			Actor:  ledger.UserID(fmt.Sprintf("@late%d:example.org", w.late)),
			At:     aidBenchStart.Add(-24*time.Hour + time.Duration(w.late)*time.Millisecond),
			Status: ledger.StatusOrange, Amount: ledger.Amount{Minor: 30_000, Currency: "EUR"}}
		done := make(chan error, 1)
		n := 0
		gc0 := gcCPU()
		start := time.Now()
		go func() {
			_, err := w.svc.Aid.Do(w.ctx, op)
			done <- err
		}()
		stop := probeLock(w.svc)
		for finished := false; !finished; {
			select {
			case err := <-done:
				if err != nil {
					b.Fatalf("late op: %v", err)
				}
				finished = true
				continue
			default:
			}
			t0 := time.Now()
			w.do(b, w.stream.next())
			longest = max(longest, time.Since(t0))
			during = append(during, time.Since(t0))
			n++
		}
		meanwhile += n
		total += time.Since(start)
		gcDuring = gcDuring.add(gcCPU().sub(gc0))
		lockWait = max(lockWait, stop())
		w.recorded++
		// The same number of calls with no late op running: the slowest
		// call's own cost, against which wait-max-ms is read.
		stop = probeLock(w.svc)
		gc0 = gcCPU()
		for range n {
			t0 := time.Now()
			w.do(b, w.stream.next())
			alone = max(alone, time.Since(t0))
			calm = append(calm, time.Since(t0))
		}
		lockAlone = max(lockAlone, stop())
		gcAlone = gcAlone.add(gcCPU().sub(gc0))
	}
	b.ReportMetric(gcDuring.assist, "gc-assist-s")
	b.ReportMetric(gcDuring.total, "gc-cpu-s")
	b.ReportMetric(gcAlone.assist, "alone-gc-assist-s")
	b.ReportMetric(gcAlone.total, "alone-gc-cpu-s")
	b.ReportMetric(float64(longest.Microseconds())/1000, "wait-max-ms")
	b.ReportMetric(float64(alone.Microseconds())/1000, "alone-max-ms")
	b.ReportMetric(float64(p99(during).Microseconds())/1000, "wait-p99-ms")
	b.ReportMetric(float64(p99(calm).Microseconds())/1000, "alone-p99-ms")
	b.ReportMetric(float64(lockWait.Microseconds())/1000, "lock-wait-max-ms")
	b.ReportMetric(float64(lockAlone.Microseconds())/1000, "lock-alone-max-ms")
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "late-ms")
	b.ReportMetric(float64(meanwhile)/float64(b.N), "meanwhile")
	b.ReportMetric(float64(recorded), "recorded")
}

// gcTime is the CPU the garbage collector took, in seconds: in all, and
// in assists (goroutines that allocate during a collection made to mark).
type gcTime struct{ total, assist float64 }

func (g gcTime) add(o gcTime) gcTime { return gcTime{g.total + o.total, g.assist + o.assist} }
func (g gcTime) sub(o gcTime) gcTime { return gcTime{g.total - o.total, g.assist - o.assist} }

// gcCPU reads the process's garbage-collection CPU so far (runtime/metrics).
func gcCPU() gcTime {
	s := []metrics.Sample{{Name: "/cpu/classes/gc/total:cpu-seconds"}, {Name: "/cpu/classes/gc/mark/assist:cpu-seconds"}}
	metrics.Read(s)
	return gcTime{total: s[0].Value.Float64(), assist: s[1].Value.Float64()}
}

// p99 returns the 99th percentile of ds (zero if empty).
func p99(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	return ds[len(ds)*99/100]
}

// probeLock starts a probe that takes the mutual-aid lock every
// millisecond; stop ends it and returns the longest it waited for it.
func probeLock(svc *ledger.Service) (stop func() time.Duration) {
	done := make(chan struct{})
	most := make(chan time.Duration, 1)
	go func() {
		var m time.Duration
		for {
			select {
			case <-done:
				most <- m
				return
			default:
			}
			m = max(m, ledger.AidLockWait(svc))
			time.Sleep(time.Millisecond)
		}
	}()
	return func() time.Duration {
		close(done)
		return <-most
	}
}
