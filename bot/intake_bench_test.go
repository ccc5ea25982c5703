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
//     rendered and written to the outbox, the event marked done; timed up
//     to the commit of the last one (the durable path: what a crash keeps);
//   - send: the outbox delivered to a recording fake client, as the Sender
//     does asynchronously (timed apart; "events/s-sent" adds it);
//   - raw: 100 rows shaped like inbox rows (the same event JSON) inserted
//     into a bare SQLite table in one transaction through one prepared
//     statement, on the same driver (WAL, synchronous=NORMAL).
//
// It reports events/s of the durable path, raw-rows/s, their ratio
// (x-raw), the SQL statements, statement compilations and transactions per
// event (counted by a wrapping driver), and the allocations per 50 events
// of the durable path. EXODUS_BENCH_SQL=1 logs the statements of one
// iteration by text.
func BenchmarkIntake(b *testing.B) {
	h := newHarnessOn(b, useCountingDriver())
	raw := openRawBaseline(b)
	const perTxn, rawPerTxn = 50, 100
	var durable, sent, rawTime time.Duration
	var mallocs uint64
	var ms runtime.MemStats
	stmt0, prep0, txn0 := sqlCounts.snapshot()
	var stmts, preps, txns int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		events := make([]json.RawMessage, perTxn)
		for j := range events {
			events[j] = message(fmt.Sprintf("$e%d_%d", i, j), string(h.circle), fmt.Sprintf("@m%d:test", j), "!ex pool")
		}
		var stop func() map[string]int
		if i == b.N-1 && b.N > 1 && os.Getenv("EXODUS_BENCH_SQL") != "" {
			stop = sqlCounts.record()
		}
		runtime.ReadMemStats(&ms)
		m0 := ms.Mallocs
		stmt0, prep0, txn0 = sqlCounts.snapshot()
		start := time.Now()
		if code := h.put(b, hsToken, fmt.Sprintf("t%d", i), events...); code != http.StatusOK {
			b.Fatalf("status %d", code)
		}
		drainDurable(b, h)
		durable += time.Since(start)
		s1, p1, t1 := sqlCounts.snapshot()
		stmts, preps, txns = stmts+s1-stmt0, preps+p1-prep0, txns+t1-txn0
		runtime.ReadMemStats(&ms)
		mallocs += ms.Mallocs - m0
		if stop != nil {
			logStatements(b, stop(), perTxn)
		}

		start = time.Now()
		deliver(h.bot)
		sent += time.Since(start)

		start = time.Now()
		raw.insert(b, i, events[:cap(events)], rawPerTxn)
		rawTime += time.Since(start)
	}
	b.StopTimer()
	n := float64(b.N * perTxn)
	b.ReportMetric(n/durable.Seconds(), "events/s")
	b.ReportMetric(n/(durable+sent).Seconds(), "events/s-sent")
	b.ReportMetric(float64(b.N*rawPerTxn)/rawTime.Seconds(), "raw-rows/s")
	b.ReportMetric((n/durable.Seconds())/(float64(b.N*rawPerTxn)/rawTime.Seconds()), "x-raw")
	b.ReportMetric(float64(stmts)/n, "stmts/event")
	b.ReportMetric(float64(preps)/n, "compiles/event")
	b.ReportMetric(float64(txns)/n, "txns/event")
	b.ReportMetric(float64(mallocs)/float64(b.N), "allocs/50-events")
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
