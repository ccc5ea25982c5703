package store

import (
	"context"
	"slices"

	"go.mau.fi/util/dbutil"

	"github.com/exodus-matrix/exodus/ledger"
)

// txCache keeps, for one transaction, the member records, circles and
// profiles read or written in it, so that the handling of one event, which
// asks for its sender's record several times (language, direct chat, the
// command itself), reads it once, and a run of events in one circle reads
// the circle once. Only PutMember, PutCircle, PutProfile and DeleteProfile
// write those tables, and they update the cache; a savepoint taken back,
// or the ledger cleared, empties it. On SQLite the transaction holds the
// write lock (or reads one snapshot), so a cached row is what a read would
// return; on Postgres a row read twice in one transaction reads the same,
// as under REPEATABLE READ.
type txCache struct {
	members  map[ledger.UserID]ledger.Member
	circles  map[ledger.CircleID]ledger.Circle
	profiles map[ledger.UserID]*ledger.Profile // nil: known to have none
	// What the transaction wrote, for the rows kept between transactions
	// (kept); a savepoint taken back keeps it (marking its writes undone).
	keptMembers  keptTx[ledger.UserID, *ledger.Member]
	keptProfiles keptTx[ledger.UserID, *ledger.Profile]
	// The applied marks of the events looked up, and those held to be
	// written before the commit (applied.go); a savepoint taken back
	// drops the marks it held.
	applied appliedTx
	// The outbox messages the transaction wrote, in order, the first
	// outboxWritten of them in the table, the others held to be written
	// (outbox_held.go); a savepoint taken back drops those it wrote, and
	// holds again those written in it that it had not written.
	outbox        []ledger.OutboxMessage
	outboxWritten int
}

// txCacheKey carries the cache of the transaction of a database.
type txCacheKey struct{ db *dbutil.Database }

// withTxCache returns ctx with c, emptied, as the cache of the
// transaction it carries on db.
func withTxCache(ctx context.Context, db *dbutil.Database, c *txCache) context.Context {
	c.reset()
	c.applied, c.outbox, c.outboxWritten = appliedTx{}, nil, 0
	return context.WithValue(ctx, txCacheKey{db}, c)
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

// circle returns a copy of the cached circle id.
func (c *txCache) circle(id ledger.CircleID) (*ledger.Circle, bool) {
	if c == nil {
		return nil, false
	}
	ci, ok := c.circles[id]
	return &ci, ok
}

// putCircle caches a copy of ci.
func (c *txCache) putCircle(ci *ledger.Circle) {
	if c == nil {
		return
	}
	if c.circles == nil {
		c.circles = map[ledger.CircleID]ledger.Circle{}
	}
	c.circles[ci.ID] = *ci
}

// profile returns a copy of the cached profile of u (nil when u is known
// to have none), and whether it was cached.
func (c *txCache) profile(u ledger.UserID) (*ledger.Profile, bool) {
	if c == nil {
		return nil, false
	}
	p, ok := c.profiles[u]
	if !ok || p == nil {
		return nil, ok
	}
	return copyProfile(p), true
}

// putProfile caches a copy of p as u's profile (nil: u has none).
func (c *txCache) putProfile(u ledger.UserID, p *ledger.Profile) {
	if c == nil {
		return
	}
	if c.profiles == nil {
		c.profiles = map[ledger.UserID]*ledger.Profile{}
	}
	c.profiles[u] = copyProfile(p)
}

// reset empties the cache; what the transaction wrote stays.
func (c *txCache) reset() {
	if c != nil {
		*c = txCache{keptMembers: c.keptMembers, keptProfiles: c.keptProfiles, applied: c.applied,
			outbox: c.outbox, outboxWritten: c.outboxWritten}
	}
}

// txMarks is how far a transaction's writes held in memory went, for
// undoSince.
type txMarks struct{ members, profiles, applied, outbox, outboxWritten int }

// marks returns how many writes of each kind the transaction made so far,
// how many applied marks and outbox messages it holds, for undoSince.
func (c *txCache) marks() txMarks {
	if c == nil {
		return txMarks{}
	}
	return txMarks{len(c.keptMembers.writes), len(c.keptProfiles.writes), len(c.applied.held), len(c.outbox), c.outboxWritten}
}

// undoSince empties the cache, marks the writes made after m as taken
// back and drops the applied marks and outbox messages held since (a
// savepoint rolled back).
func (c *txCache) undoSince(m txMarks) {
	if c == nil {
		return
	}
	c.reset()
	c.keptMembers.undoSince(m.members)
	c.keptProfiles.undoSince(m.profiles)
	c.applied.undoSince(m.applied)
	c.outbox, c.outboxWritten = c.outbox[:min(m.outbox, len(c.outbox))], min(m.outboxWritten, c.outboxWritten)
}
