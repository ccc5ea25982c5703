package store

import (
	"context"
	"slices"

	"go.mau.fi/util/dbutil"

	"github.com/exodus-matrix/exodus/ledger"
)

// txCache keeps, for one transaction, the member records read or written
// in it, so that the handling of one event, which asks for its sender's
// record several times (language, direct chat, the command itself), reads
// it once. Only PutMember writes the members table, and it updates the
// cache; a savepoint taken back, or the ledger cleared, empties it. On
// SQLite the transaction holds the write lock (or reads one snapshot), so
// a cached record is what a read would return; on Postgres a record read
// twice in one transaction reads the same, as under REPEATABLE READ.
type txCache struct {
	members map[ledger.UserID]ledger.Member
}

// txCacheKey carries the cache of the transaction of a database.
type txCacheKey struct{ db *dbutil.Database }

// withTxCache returns ctx with an empty cache for the transaction it
// carries on db.
func withTxCache(ctx context.Context, db *dbutil.Database) context.Context {
	return context.WithValue(ctx, txCacheKey{db}, &txCache{})
}

// cacheOf returns the cache of the transaction ctx carries on db, nil
// outside a transaction.
func cacheOf(ctx context.Context, db *dbutil.Database) *txCache {
	c, _ := ctx.Value(txCacheKey{db}).(*txCache)
	return c
}

// member returns a copy of the cached record of u.
func (c *txCache) member(u ledger.UserID) (*ledger.Member, bool) {
	if c == nil {
		return nil, false
	}
	m, ok := c.members[u]
	if !ok {
		return nil, false
	}
	m.PoolSeen = slices.Clone(m.PoolSeen)
	return &m, true
}

// putMember caches a copy of m.
func (c *txCache) putMember(m *ledger.Member) {
	if c == nil {
		return
	}
	if c.members == nil {
		c.members = map[ledger.UserID]ledger.Member{}
	}
	cp := *m
	cp.PoolSeen = slices.Clone(m.PoolSeen)
	c.members[m.ID] = cp
}

// reset empties the cache.
func (c *txCache) reset() {
	if c != nil {
		c.members = nil
	}
}
