package store

import (
	"sync"
)

// keptMax bounds how many rows of one kind a kept holds (and how many keys
// it remembers writes of); when full, it starts again empty.
const keptMax = 10_000

// kept holds rows of one kind (members' records, profiles) in memory
// between transactions, so that a command, which reads its sender's
// record and profile, reads neither table. A nil value means the row is
// known to be absent. Only one process uses a database (README: one
// device, one process; `exodus rebuild` runs with the bot stopped), so
// every write goes through this process's store.
//
// Every write and every end of a transaction that wrote takes a number
// from one counter (now). A key's last number says when it was last
// written or its write ended; a write drops the key's row at once, and
// its transaction's end puts the committed value (or drops it again when
// taken back) only if no other write of the key came since. A row read
// from the database is offered with the number of the moment the read
// could first see the database (its transaction's start, or the read
// itself outside one) and kept only if the key was not written since: a
// read of an older state than the latest committed, or of a write not yet
// committed, is not kept. A transaction reads the rows it wrote from its
// own cache or the table, never from here.
type kept[K comparable, V any] struct {
	mu      sync.Mutex
	now     uint64
	floor   uint64       // offers read before it are refused (the last clear)
	last    map[K]uint64 // the number of each key's last write or end of write
	entries map[K]V
	copy    func(V) V
}

// newKept returns an empty kept whose values are copied with cp (so that
// what it hands out shares nothing with what it holds).
func newKept[K comparable, V any](cp func(V) V) *kept[K, V] {
	return &kept[K, V]{copy: cp, last: map[K]uint64{}, entries: map[K]V{}}
}

// clock returns the current number: what a transaction starting now, or
// a read outside one, offers its rows with.
func (c *kept[K, V]) clock() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// get returns a copy of k's row and whether it is held.
func (c *kept[K, V]) get(k K) (V, bool) {
	c.mu.Lock()
	v, ok := c.entries[k]
	c.mu.Unlock()
	if !ok {
		return v, false
	}
	return c.copy(v), true
}

// offer keeps a copy of v as k's row, read from the database at number
// at, unless k was written since (or everything was cleared since).
func (c *kept[K, V]) offer(k K, v V, at uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if at < c.floor || c.last[k] > at {
		return
	}
	if len(c.entries) >= keptMax {
		c.entries = map[K]V{}
	}
	c.entries[k] = c.copy(v)
}

// write notes a write of k (not committed yet): its row is dropped. It
// returns the write's number, for ended.
func (c *kept[K, V]) write(k K) uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now++
	if len(c.last) >= keptMax {
		c.resetLocked()
	}
	c.last[k] = c.now
	delete(c.entries, k)
	return c.now
}

// ended notes the end of write number num of k: committed (put) with
// value v, or taken back (put false). Unless k was written again since,
// its row becomes v, or is dropped.
func (c *kept[K, V]) ended(k K, num uint64, v V, put bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.last[k] != num {
		return
	}
	c.now++
	c.last[k] = c.now
	if put {
		c.entries[k] = c.copy(v)
	} else {
		delete(c.entries, k)
	}
}

// clear forgets every row: offers read before now are refused.
func (c *kept[K, V]) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now++
	c.resetLocked()
}

// resetLocked empties c; offers read before now are refused.
func (c *kept[K, V]) resetLocked() {
	c.floor = c.now
	c.last, c.entries = map[K]uint64{}, map[K]V{}
}

// keptWrite is one write of a transaction, for its end.
type keptWrite[K comparable, V any] struct {
	key K
	num uint64
	val V
	put bool // false once a savepoint took it back
}

// keptTx is what one transaction did to the rows of a kept: the number it
// began at, what it wrote, whether it cleared them all.
type keptTx[K comparable, V any] struct {
	start   uint64
	writes  []keptWrite[K, V]
	cleared bool
}

// wrote reports whether the transaction wrote k (or cleared everything):
// it then reads k from its own cache or the table.
func (t *keptTx[K, V]) wrote(k K) bool {
	if t.cleared {
		return true
	}
	for i := range t.writes {
		if t.writes[i].key == k {
			return true
		}
	}
	return false
}

// undoSince marks the writes after the first n as taken back (a savepoint
// rolled back).
func (t *keptTx[K, V]) undoSince(n int) {
	for i := n; i < len(t.writes); i++ {
		t.writes[i].put = false
	}
}

// end tells c how the transaction ended.
func (t *keptTx[K, V]) end(c *kept[K, V], committed bool) {
	if t.cleared {
		c.clear()
		return
	}
	for _, w := range t.writes {
		c.ended(w.key, w.num, w.val, committed && w.put)
	}
}
