package bot_test

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/store"
)

// BenchmarkIntake measures events from a homeserver transaction to the
// durable ledger, interleaved with a raw SQLite baseline in the same run.
// Each iteration:
//   - intake: a transaction of 50 `pool` commands of different members in
//     a circle is PUT to the transaction endpoint (recorded in the inbox),
//     then drained: each command applied to the ledger and its answer
//     written to the outbox as a draft, the events marked done together; timed up to
//     the commit of the last one (the durable path: what a crash keeps);
//   - send: the outbox delivered to a recording fake client, each draft
//     rendered, as the Sender does asynchronously (timed apart;
//     "events/s-sent" adds it);
//   - raw: 100 rows shaped like inbox rows (the same event JSON) inserted
//     into a bare SQLite table in one transaction through one prepared
//     statement, on the same driver (WAL, synchronous=NORMAL).
//
// It reports events/s of the durable path, raw-rows/s, their ratio
// (x-raw), the same ratio on the process's CPU time (x-raw-cpu, with the
// CPU µs per event and per raw row), the SQL statements, statement compilations and transactions per
// event (counted by a wrapping driver), and the allocations per 50 events
// of the durable path. EXODUS_BENCH_SQL=1 logs the statements of one
// iteration by text.
func BenchmarkIntake(b *testing.B) {
	h := newHarnessOn(b, useCountingDriver())
	raw := openRawBaseline(b)
	var t intakeTotals
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		events := make([]json.RawMessage, intakePerTxn)
		for j := range events {
			events[j] = message(fmt.Sprintf("$e%d_%d", i, j), string(h.circle), fmt.Sprintf("@m%d:test", j), "!ex pool")
		}
		var stop func() map[string]int
		if i == b.N-1 && b.N > 1 && os.Getenv("EXODUS_BENCH_SQL") != "" {
			stop = sqlCounts.record()
		}
		t.durablePath(b, h, i, events)
		if stop != nil {
			logStatements(b, stop(), intakePerTxn)
		}

		start := time.Now()
		deliver(h.bot)
		t.sent += time.Since(start)

		start, cpu := time.Now(), cpuTime()
		raw.insert(b, i, events, rawPerTxn)
		t.raw += time.Since(start)
		t.rawCPU += cpuTime() - cpu
	}
	b.StopTimer()
	t.report(b)
}

// The intake's transactions carry intakePerTxn events; the baseline's
// rawPerTxn rows.
const intakePerTxn, rawPerTxn = 50, 100

// intakeTotals adds up what BenchmarkIntake measures.
type intakeTotals struct {
	durable, sent, raw    time.Duration
	durableCPU, rawCPU    time.Duration // the process's CPU time (user and system)
	mallocs               uint64
	stmts, compiles, txns int64
}

// durablePath PUTs the transaction of events and drains it, timed and
// counted.
func (t *intakeTotals) durablePath(b *testing.B, h *harness, i int, events []json.RawMessage) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	m0 := ms.Mallocs
	s0, c0, t0 := sqlCounts.snapshot()
	start, cpu := time.Now(), cpuTime()
	if code := h.put(b, hsToken, fmt.Sprintf("t%d", i), events...); code != http.StatusOK {
		b.Fatalf("status %d", code)
	}
	drainDurable(b, h)
	t.durable += time.Since(start)
	t.durableCPU += cpuTime() - cpu
	s1, c1, t1 := sqlCounts.snapshot()
	t.stmts, t.compiles, t.txns = t.stmts+s1-s0, t.compiles+c1-c0, t.txns+t1-t0
	runtime.ReadMemStats(&ms)
	t.mallocs += ms.Mallocs - m0
}

// report reports the rates, the ratio to the raw baseline and the counts.
func (t *intakeTotals) report(b *testing.B) {
	n := float64(b.N * intakePerTxn)
	events, rows := n/t.durable.Seconds(), float64(b.N*rawPerTxn)/t.raw.Seconds()
	b.ReportMetric(events, "events/s")
	b.ReportMetric(n/(t.durable+t.sent).Seconds(), "events/s-sent")
	b.ReportMetric(rows, "raw-rows/s")
	b.ReportMetric(events/rows, "x-raw")
	// The same ratio on the process's CPU time: what the machine's other
	// work (waiting for a core) adds to the wall time is left out.
	cpuEvents, cpuRows := n/t.durableCPU.Seconds(), float64(b.N*rawPerTxn)/t.rawCPU.Seconds()
	b.ReportMetric(float64(t.durableCPU.Microseconds())/n, "cpu-µs/event")
	b.ReportMetric(float64(t.rawCPU.Microseconds())/float64(b.N*rawPerTxn), "raw-cpu-µs/row")
	b.ReportMetric(cpuEvents/cpuRows, "x-raw-cpu")
	b.ReportMetric(float64(t.stmts)/n, "stmts/event")
	b.ReportMetric(float64(t.compiles)/n, "compiles/event")
	b.ReportMetric(float64(t.txns)/n, "txns/event")
	b.ReportMetric(float64(t.mallocs)/float64(b.N), "allocs/50-events")
}

// cpuTime returns the CPU time (user and system) the process used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// drainDurable handles everything recorded so far, without sending.
func drainDurable(tb testing.TB, h *harness) {
	for {
		n, err := h.intake.Drain(h.ctx)
		if err != nil {
			tb.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

// logStatements logs the statements of one iteration by text, most run
// first.
func logStatements(b *testing.B, texts map[string]int, events int) {
	keys := make([]string, 0, len(texts))
	for q := range texts {
		keys = append(keys, q)
	}
	slices.SortFunc(keys, func(x, y string) int { return texts[y] - texts[x] })
	for _, q := range keys {
		b.Logf("%6.2f/event  %s", float64(texts[q])/float64(events), oneLine(q))
	}
}

// oneLine squeezes a statement's whitespace.
func oneLine(q string) string {
	out, space := make([]byte, 0, len(q)), true
	for i := 0; i < len(q); i++ {
		c := q[i]
		if c == '\n' || c == '\t' || c == ' ' {
			if !space {
				out = append(out, ' ')
			}
			space = true
			continue
		}
		out, space = append(out, c), false
	}
	return string(out)
}

// rawBaseline is a bare SQLite table with inbox-shaped rows.
type rawBaseline struct {
	db   *sql.DB
	stmt *sql.Stmt
}

// openRawBaseline opens the raw baseline's database on the store's driver
// (WAL, synchronous=NORMAL), in a file of its own.
func openRawBaseline(b *testing.B) *rawBaseline {
	db, err := sql.Open(store.TypeSQLite, "file:"+filepath.Join(b.TempDir(), "raw.db")+"?_txlock=immediate")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := db.Exec(`CREATE TABLE raw (seq INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE,
		room_id TEXT NOT NULL, raw BLOB NOT NULL, received_at BIGINT NOT NULL)`); err != nil {
		b.Fatal(err)
	}
	stmt, err := db.Prepare(`INSERT INTO raw (event_id, room_id, raw, received_at) VALUES (?, ?, ?, ?)`)
	if err != nil {
		b.Fatal(err)
	}
	return &rawBaseline{db: db, stmt: stmt}
}

// insert writes rows rows in one transaction, cycling through events.
func (r *rawBaseline) insert(b *testing.B, iter int, events []json.RawMessage, rows int) {
	tx, err := r.db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	st := tx.Stmt(r.stmt)
	for k := range rows {
		if _, err := st.Exec(fmt.Sprintf("$raw%d_%d", iter, k), "!circle:test", []byte(events[k%len(events)]), int64(iter)); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}
