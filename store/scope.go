package store

import (
	"context"
	"fmt"
	"strconv"

	"go.mau.fi/util/dbutil"
)

// A scope that writes last: a nested transaction without a savepoint.
//
// A nested InTx opens a SQL savepoint (SAVEPOINT, then RELEASE or ROLLBACK
// TO): two statements, so that fn's error takes back what fn wrote. An fn
// whose only write is its last statement needs none on SQLite: fn failing
// before it has written nothing, and a statement that fails changes
// nothing (SQLite takes back the statement; an error that takes back the
// whole transaction, a full disk say, takes the savepoint with it all the
// same, and the caller's transaction fails). What the transaction holds in
// memory (its cache, the applied marks held, the members' writes kept) is
// taken back as a savepoint's is. Only one other write may come first: the
// store's own MarkApplied, which, when its mark is not held (applied.go),
// opens the savepoint before it writes, so that the scope is then a
// savepoint like any other. On Postgres, where a failed statement aborts
// the whole transaction, the scope is always a savepoint.

// lightKey carries the scope that writes last of the transaction of a
// store, nil inside a savepoint.
type lightKey struct{ s *Store }

// lightScope is a scope that writes last, and its savepoint once opened.
type lightScope struct {
	name   string
	opened bool
}

// InTxWritingLast runs fn as InTx does, for an fn whose only write to the
// store is its last statement, apart from the store's MarkApplied: nested
// in a transaction on SQLite it opens no savepoint (see above).
func (s *Store) InTxWritingLast(ctx context.Context, fn func(ctx context.Context) error) error {
	depth, ok := ctx.Value(txDepthKey{s}).(int)
	if outer, _ := ctx.Value(lightKey{s}).(*lightScope); !ok || s.db.Dialect != dbutil.SQLite || outer != nil {
		return s.InTx(ctx, fn) // in a scope that writes last, a savepoint (which opens that scope's first)
	}
	sc := &lightScope{name: "sp" + strconv.Itoa(depth+1)}
	cache := cacheOf(ctx, s.db)
	marks := cache.marks()
	err := fn(context.WithValue(context.WithValue(ctx, txDepthKey{s}, depth+1), lightKey{s}, sc))
	if err != nil {
		cache.undoSince(marks) // it may hold what fn's failure takes back
	}
	if !sc.opened {
		return err
	}
	return s.endSavepoint(ctx, sc.name, err)
}

// openLight opens the savepoint of the scope that writes last ctx carries,
// if any and not yet: before a write that is not the scope's last.
func (s *Store) openLight(ctx context.Context) error {
	sc, _ := ctx.Value(lightKey{s}).(*lightScope)
	if sc == nil || sc.opened {
		return nil
	}
	if _, err := s.db.Exec(ctx, "SAVEPOINT "+sc.name); err != nil {
		return fmt.Errorf("failed to open a savepoint: %w", err)
	}
	sc.opened = true
	return nil
}

// endSavepoint releases the savepoint name, or, when fn failed with err,
// rolls back to it first; it returns err, or the savepoint's failure.
func (s *Store) endSavepoint(ctx context.Context, name string, err error) error {
	if err != nil {
		if _, rerr := s.db.Exec(ctx, "ROLLBACK TO SAVEPOINT "+name); rerr != nil {
			return fmt.Errorf("failed to roll back to a savepoint (%w) after: %w", rerr, err)
		}
		if _, rerr := s.db.Exec(ctx, "RELEASE SAVEPOINT "+name); rerr != nil {
			return fmt.Errorf("failed to release a savepoint (%w) after: %w", rerr, err)
		}
		return err
	}
	if _, err := s.db.Exec(ctx, "RELEASE SAVEPOINT "+name); err != nil {
		return fmt.Errorf("failed to release a savepoint: %w", err)
	}
	return nil
}
