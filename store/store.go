// Package store persists the ledger in SQL through go.mau.fi/util/dbutil.
// SQLite (driver "sqlite3-fk-wal", cgo) is the default; Postgres (type
// "postgres") runs the same code and the same migrations. *Store implements
// ledger.TxStore, ledger.Inbox and ledger.Outbox, and holds one store per
// role of the ledger (Store.Ledger hands them to ledger.NewService).
//
// Amounts are stored as BIGINT minor units plus a TEXT currency, times as
// BIGINT unix milliseconds (0 for an unset time), so times round-trip at
// millisecond precision and come back in UTC.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	// The Postgres driver, registered as "postgres".
	_ "github.com/lib/pq"
	"github.com/rs/zerolog"
	"go.mau.fi/util/dbutil"
	// The SQLite drivers, among them "sqlite3-fk-wal" (foreign keys on, WAL,
	// synchronous=NORMAL, busy_timeout=5000).
	_ "go.mau.fi/util/dbutil/litestream"

	"github.com/exodus-matrix/exodus/ledger"
)

// Database types accepted in Config.Type.
const (
	// TypeSQLite is the default: SQLite with foreign keys and WAL.
	TypeSQLite = "sqlite3-fk-wal"
	// TypePostgres is Postgres through github.com/lib/pq.
	TypePostgres = "postgres"
)

// DefaultSQLiteURI is the recommended SQLite URI. _txlock=immediate makes
// every transaction take the write lock when it begins, so two transactions
// that read then write wait for each other (busy_timeout) instead of failing
// with SQLITE_BUSY.
const DefaultSQLiteURI = "file:exodus.db?_txlock=immediate"

// Pool sizes used when Config leaves them at zero.
const (
	DefaultMaxOpenConns = 20
	DefaultMaxIdleConns = 2
)

// owner is written into dbutil's database_owner table; a database owned by
// another program is refused.
const owner = "exodus"

//go:embed upgrades/*.sql
var upgradesFS embed.FS

// upgrades is the migration table, built from the numbered SQL files.
var upgrades = dbutil.BuildUpgradeTable().WithFSPath(upgradesFS, "upgrades").Finish()

// Config says which database to open.
type Config struct {
	// Type is "sqlite3-fk-wal" (the default when empty) or "postgres".
	Type string
	// URI is the data source name. For SQLite use e.g.
	// "file:exodus.db?_txlock=immediate" (see DefaultSQLiteURI); for Postgres
	// "postgres://user:pass@host/db?sslmode=disable".
	URI string
	// MaxOpenConns and MaxIdleConns size the connection pool; zero means
	// DefaultMaxOpenConns and DefaultMaxIdleConns.
	MaxOpenConns, MaxIdleConns int
}

// Store is the SQL database: its transactions, the inbox and the outbox,
// and one store per role of the ledger over the same database (Members,
// Circles, Trust, Aid, Access), which join its transactions. It is safe
// for concurrent use.
type Store struct {
	// Members keeps member records and profiles.
	Members *Members
	// Circles keeps circles and their members.
	Circles *Circles
	// Trust keeps invitations, guarantees and blocks.
	Trust *Trust
	// Aid keeps the mutual-aid ledger and the cards.
	Aid *Aid
	// Access keeps API tokens, login links and web sessions.
	Access *Access

	db  *dbutil.Database
	now func() time.Time // stamps inbox done_at
}

var (
	_ ledger.TxStore     = (*Store)(nil)
	_ ledger.ActionStore = (*Store)(nil)
	_ ledger.Inbox       = (*Store)(nil)
	_ ledger.Outbox      = (*Store)(nil)
)

// newStore returns the Store over an open database.
func newStore(db *dbutil.Database) *Store {
	members := &Members{db: db, members: newKept[ledger.UserID](copyMember), profiles: newKept[ledger.UserID](copyProfile)}
	return &Store{Members: members, Circles: &Circles{db}, Trust: &Trust{db}, Aid: &Aid{db},
		Access: &Access{db}, db: db, now: time.Now}
}

// Ledger returns the stores a ledger.Service is built over.
func (s *Store) Ledger() ledger.Stores {
	return ledger.Stores{Tx: s, Actions: s, Members: s.Members, Circles: s.Circles, Trust: s.Trust,
		Aid: s.Aid, Access: s.Access}
}

// Open connects to the database, brings its schema up to date and returns
// the Store. The caller must Close it.
func Open(ctx context.Context, cfg Config, log zerolog.Logger) (*Store, error) {
	if cfg.Type == "" {
		cfg.Type = TypeSQLite
	}
	if cfg.URI == "" {
		return nil, fmt.Errorf("failed to open database: no URI configured")
	}
	if cfg.MaxOpenConns == 0 {
		cfg.MaxOpenConns = DefaultMaxOpenConns
	}
	if cfg.MaxIdleConns == 0 {
		cfg.MaxIdleConns = DefaultMaxIdleConns
	}
	if strings.HasPrefix(cfg.Type, "sqlite") { // dbutil's test for the SQLite dialect
		cfg.URI = withParam(withParam(cfg.URI, "_secure_delete", "on"), "_stmt_cache_size", strconv.Itoa(StmtCacheSize))
	}
	db, err := dbutil.NewFromConfig(owner, dbutil.Config{PoolConfig: dbutil.PoolConfig{
		Type:         cfg.Type,
		URI:          cfg.URI,
		MaxOpenConns: cfg.MaxOpenConns,
		MaxIdleConns: cfg.MaxIdleConns,
	}}, dbutil.ZeroLogger(log))
	if err != nil {
		return nil, fmt.Errorf("failed to open %s database: %w", cfg.Type, err)
	}
	db.UpgradeTable = upgrades
	if err = db.Upgrade(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("failed to upgrade database schema: %w", err)
	}
	return newStore(db), nil
}

// StmtCacheSize is how many compiled statements each SQLite connection
// keeps (the driver's _stmt_cache_size), so a statement run again, as the
// intake's are for every event, is not compiled again.
const StmtCacheSize = 64

// withParam sets a parameter of a SQLite URI unless it says otherwise:
// _secure_delete=on (deleted and overwritten content is zeroed in the
// file, so what a member typed and erased is not left in free pages) and
// _stmt_cache_size (StmtCacheSize).
func withParam(uri, key, value string) string {
	if strings.Contains(uri, key+"=") {
		return uri
	}
	if strings.Contains(uri, "?") {
		return uri + "&" + key + "=" + value
	}
	return uri + "?" + key + "=" + value
}

// DB returns the underlying database, so that other components (mautrix's
// SQL state store) can keep their tables in the same database and pool.
func (s *Store) DB() *dbutil.Database { return s.db }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.RawDB.PingContext(ctx); err != nil {
		return fmt.Errorf("failed to reach the database: %w", err)
	}
	return nil
}

// Close closes the connection pool.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("failed to close database: %w", err)
	}
	return nil
}

// InTx runs fn in one transaction carried by ctx. A call made with a context
// that already carries a transaction of this store runs fn in a savepoint of
// it: fn's error takes back what fn wrote (and only that), and only the
// outermost call commits. fn's error is returned unchanged (after rollback).
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if depth, ok := ctx.Value(txDepthKey{s}).(int); ok {
		return s.savepoint(ctx, depth+1, fn)
	}
	tc := &txCache{}
	err := s.db.DoTxn(ctx, nil, func(ctx context.Context) error {
		tc.undoSince(txMarks{}) // what an attempt before this one wrote was taken back
		tc.keptMembers.start, tc.keptProfiles.start = s.Members.members.clock(), s.Members.profiles.clock()
		ctx = withTxCache(context.WithValue(ctx, txDepthKey{s}, 0), s.db, tc)
		if err := fn(ctx); err != nil {
			return err
		}
		if err := s.flushOutbox(ctx); err != nil {
			return err
		}
		return s.flushApplied(ctx, tc)
	})
	tc.keptMembers.end(s.Members.members, err == nil)
	tc.keptProfiles.end(s.Members.profiles, err == nil)
	if errors.Is(err, dbutil.ErrTxnBegin) || errors.Is(err, dbutil.ErrTxnCommit) {
		return fmt.Errorf("failed to run transaction: %w", err)
	}
	return err
}

// txDepthKey marks a context whose transaction is this store's, with how
// many savepoints deep it is (the transaction itself, like dbutil's, is
// carried by the context).
type txDepthKey struct{ s *Store }

// savepoint runs fn inside a savepoint of the transaction ctx carries.
func (s *Store) savepoint(ctx context.Context, depth int, fn func(ctx context.Context) error) error {
	name := "sp" + strconv.Itoa(depth)
	if err := s.openLight(ctx); err != nil { // a scope that writes last around it writes more
		return err
	}
	if _, err := s.db.Exec(ctx, "SAVEPOINT "+name); err != nil {
		return fmt.Errorf("failed to open a savepoint: %w", err)
	}
	cache := cacheOf(ctx, s.db)
	marks := cache.marks()
	ctx = context.WithValue(context.WithValue(ctx, txDepthKey{s}, depth), lightKey{s}, (*lightScope)(nil))
	err := fn(ctx)
	if err != nil {
		cache.undoSince(marks) // it may hold what the savepoint takes back
	}
	return s.endSavepoint(ctx, name, err)
}

// MarkApplied records that the event was applied; fresh is false if it had
// been recorded before.
func (s *Store) MarkApplied(ctx context.Context, evt ledger.EventID, at time.Time) (bool, error) {
	if c := cacheOf(ctx, s.db); c != nil {
		if fresh, known := c.applied.mark(evt, at); known {
			return fresh, nil // held, written before the commit (LookUpApplied)
		}
	}
	if err := s.openLight(ctx); err != nil { // not the last write of a scope that writes last
		return false, err
	}
	res, err := s.db.Exec(ctx, `
		INSERT INTO applied_events (event_id, applied_at) VALUES ($1, $2)
		ON CONFLICT (event_id) DO NOTHING`, string(evt), toMS(at))
	if err != nil {
		return false, fmt.Errorf("failed to mark event applied: %w", err)
	}
	n, err := rowsAffected(res, "applied event")
	return n > 0, err
}

// CountActions counts the actions of kind by u at or after since.
func (s *Store) CountActions(ctx context.Context, u ledger.UserID, kind string, since time.Time) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, `
		SELECT COUNT(*) FROM actions WHERE user_id = $1 AND kind = $2 AND at >= $3`,
		string(u), kind, toMS(since)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("failed to count actions: %w", err)
	}
	return n, nil
}

// RecordAction records one action of kind by u at time at.
func (s *Store) RecordAction(ctx context.Context, u ledger.UserID, kind string, at time.Time) error {
	_, err := s.db.Exec(ctx, `INSERT INTO actions (user_id, kind, at) VALUES ($1, $2, $3)`,
		string(u), kind, toMS(at))
	if err != nil {
		return fmt.Errorf("failed to record action: %w", err)
	}
	return nil
}

// toMS converts a time to unix milliseconds, the zero time to 0.
func toMS(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// fromMS converts unix milliseconds to a UTC time, 0 to the zero time.
func fromMS(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// nullString stores "" as NULL (for columns under a unique constraint or
// an index where empty values must not collide or crowd).
func nullString(s string) sql.NullString {
	return sql.NullString{String: s, Valid: s != ""}
}

// notFound maps sql.ErrNoRows to the ledger's ENotFound error with key;
// other errors are wrapped with what failed.
func notFound(err error, key, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ledger.Errorf(ledger.ENotFound, key)
	}
	return fmt.Errorf("failed to %s: %w", what, err)
}

// rowsAffected returns how many rows a statement changed.
func rowsAffected(res sql.Result, what string) (int64, error) {
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("failed to count rows of %s: %w", what, err)
	}
	return n, nil
}

// queryList runs a query and converts every row with scan.
func queryList[T any](ctx context.Context, db *dbutil.Database, scan func(dbutil.Scannable) (T, error),
	what, query string, args ...any) ([]T, error) {
	list, err := dbutil.ConvertRowFn[T](scan).NewRowIter(db.Query(ctx, query, args...)).AsList()
	if err != nil {
		return nil, fmt.Errorf("failed to list %s: %w", what, err)
	}
	return list, nil
}
