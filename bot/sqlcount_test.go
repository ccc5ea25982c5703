package bot_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"math"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/exodus-matrix/exodus/store"
)

// countingDriver is the store's SQLite driver with every statement
// counted: what a benchmark reports as SQL statements per event. Its
// name starts with "sqlite", so the store treats it as SQLite.
const countingDriver = "sqlite3-counted"

// sqlCount is what the counting driver saw.
type sqlCount struct {
	// statements counts the statements run (each Exec or Query, on the
	// connection or on a prepared statement; SAVEPOINT and RELEASE too).
	statements atomic.Int64
	// prepares counts the statements compiled: every Exec or Query on the
	// connection (the driver prepares, runs and finalizes it) and every
	// Prepare.
	prepares atomic.Int64
	// txns counts the transactions begun.
	txns atomic.Int64
	// texts counts, when set, the statements run by text.
	mu    sync.Mutex
	texts map[string]int
}

// sqlCounts is what the counting driver counts into.
var sqlCounts sqlCount

// snapshot returns the counts so far.
func (c *sqlCount) snapshot() (statements, prepares, txns int64) {
	return c.statements.Load(), c.prepares.Load(), c.txns.Load()
}

// ran counts one statement run, compiled too if compiled.
func (c *sqlCount) ran(query string, compiled bool) {
	c.statements.Add(1)
	if compiled {
		c.prepares.Add(1)
	}
	c.mu.Lock()
	if c.texts != nil {
		c.texts[query]++
	}
	c.mu.Unlock()
}

// record starts counting statements by text; the returned function stops
// and returns the counts.
func (c *sqlCount) record() func() map[string]int {
	c.mu.Lock()
	c.texts = map[string]int{}
	c.mu.Unlock()
	return func() map[string]int {
		c.mu.Lock()
		defer c.mu.Unlock()
		t := c.texts
		c.texts = nil
		return t
	}
}

var registerCounting sync.Once

// useCountingDriver registers countingDriver (once) over the store's
// SQLite driver and returns its name.
func useCountingDriver() string {
	registerCounting.Do(func() {
		db, err := sql.Open(store.TypeSQLite, "")
		if err != nil {
			panic(err)
		}
		sql.Register(countingDriver, countDriver{db.Driver()})
		_ = db.Close()
	})
	return countingDriver
}

type countDriver struct{ driver.Driver }

func (d countDriver) Open(name string) (driver.Conn, error) {
	c, err := d.Driver.Open(name)
	if err != nil {
		return nil, err
	}
	size := 0
	if u, err := url.Parse(name); err == nil {
		size, _ = strconv.Atoi(u.Query().Get("_stmt_cache_size"))
	}
	return &countConn{Conn: c, cacheSize: size}, nil
}

// countConn counts what runs on a connection; the real one (mattn's
// SQLiteConn) implements every context interface used here. It mirrors
// the driver's statement cache (_stmt_cache_size: the statements run on
// the connection most recently, kept compiled) to tell a compilation from
// a reuse.
type countConn struct {
	driver.Conn
	cacheSize int
	cached    map[string]int64 // statement: when last run (tick)
	tick      int64
}

// compiled reports whether running q on the connection compiles it, and
// notes it as the most recently used.
func (c *countConn) compiled(q string) bool {
	if c.cacheSize == 0 {
		return true
	}
	c.tick++
	if _, ok := c.cached[q]; ok {
		c.cached[q] = c.tick
		return false
	}
	if c.cached == nil {
		c.cached = map[string]int64{}
	}
	if len(c.cached) == c.cacheSize {
		oldest, at := "", int64(math.MaxInt64)
		for s, t := range c.cached {
			if t < at {
				oldest, at = s, t
			}
		}
		delete(c.cached, oldest)
	}
	c.cached[q] = c.tick
	return true
}

func (c *countConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	sqlCounts.ran(q, len(args) == 0 || c.compiled(q))
	return c.Conn.(driver.ExecerContext).ExecContext(ctx, q, args)
}

func (c *countConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	sqlCounts.ran(q, c.compiled(q))
	return c.Conn.(driver.QueryerContext).QueryContext(ctx, q, args)
}

func (c *countConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	sqlCounts.prepares.Add(1)
	s, err := c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	return countStmt{s, q}, nil
}

func (c *countConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	sqlCounts.txns.Add(1)
	return c.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
}

func (c *countConn) Ping(ctx context.Context) error {
	return c.Conn.(driver.Pinger).Ping(ctx)
}

type countStmt struct {
	driver.Stmt
	q string
}

func (s countStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	sqlCounts.ran(s.q, false)
	return s.Stmt.(driver.StmtExecContext).ExecContext(ctx, args)
}

func (s countStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	sqlCounts.ran(s.q, false)
	return s.Stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
}
