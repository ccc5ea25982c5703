package store

import (
	"slices"
	"sync"

	"github.com/exodus-matrix/exodus/ledger"
)

// profileCacheMax bounds how many profiles profileCache keeps; when full,
// it starts again empty.
const profileCacheMax = 10_000

// profileCache keeps members' profiles (or that they have none) between
// transactions, so that the handling of each command, which reads its
// sender's time zone, does not read the profiles table. Only one process
// uses a database (README: one device, one process; `exodus rebuild` runs
// with the bot stopped), so every write goes through this process's
// Members.
//
// It stays true through a generation, bumped by every write of a profile
// (PutProfile, DeleteProfile, ClearLedger) when it is made and again when
// its transaction ends (committed or not), the written entries dropped
// each time. A profile read from the database is offered with the
// generation of the moment its read could first see the database (the
// start of its transaction, or the read itself outside one), and kept only
// if no write happened since: a read that could have seen an older state
// than the latest committed one, or a write not yet committed, is not
// kept. A transaction that wrote a profile reads the table, not this
// cache.
type profileCache struct {
	mu      sync.Mutex
	gen     uint64
	entries map[ledger.UserID]*ledger.Profile // nil: known to have none
}

// generation returns the current generation.
func (c *profileCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// get returns a copy of u's cached profile (nil when u has none) and
// whether it was cached.
func (c *profileCache) get(u ledger.UserID) (*ledger.Profile, bool) {
	c.mu.Lock()
	p, ok := c.entries[u]
	c.mu.Unlock()
	return copyProfile(p), ok
}

// offer keeps a copy of p as u's profile (nil: none) if no write happened
// since generation gen.
func (c *profileCache) offer(u ledger.UserID, p *ledger.Profile, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if c.entries == nil || len(c.entries) >= profileCacheMax {
		c.entries = map[ledger.UserID]*ledger.Profile{}
	}
	c.entries[u] = copyProfile(p)
}

// drop forgets the profiles of users and starts a new generation.
func (c *profileCache) drop(users ...ledger.UserID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for _, u := range users {
		delete(c.entries, u)
	}
}

// clear forgets every profile and starts a new generation.
func (c *profileCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.entries = nil
}

// ended drops what a transaction wrote (end), now that it is committed
// or taken back, and starts a new generation if it wrote anything.
func (c *profileCache) ended(end txEnd) {
	switch {
	case end.cleared:
		c.clear()
	case len(end.wrote) > 0:
		c.drop(end.wrote...)
	}
}

// copyProfile returns a copy of p that shares nothing with it (nil for
// nil).
func copyProfile(p *ledger.Profile) *ledger.Profile {
	if p == nil {
		return nil
	}
	cp := *p
	cp.Requisites, cp.Muted = slices.Clone(p.Requisites), slices.Clone(p.Muted)
	return &cp
}
