package ledger

import (
	"cmp"
	"context"
	"fmt"
	"slices"
)

// A very late op's replay reads the recorded ops a page at a time and
// folds each page into the fresh book as it comes (lateFold): the ops are
// never all in memory at once (at 1,000,000 ops they would be a few
// hundred megabytes the garbage collector marks again and again while the
// other calls run), only where each sorts (opKey), for catchUp.

// opsPage is how many ops a replay outside the lock reads per query: a
// step of about a millisecond, after which it gives way to the calls
// (aid_late_pace.go).
const opsPage = 512

// opKey is where an op sorts: its time in milliseconds (the store keeps
// no more), then its event.
type opKey struct {
	at    int64
	event EventID
}

func keyOf(o *Op) opKey { return opKey{o.At.UnixMilli(), o.Event} }

func compareKeys(a, b opKey) int {
	return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(a.event, b.event))
}

// lateFold folds ops, given in canonical order, and the late op in its
// place into a fresh book, quietly but for the late op, whose outcome it
// keeps. The last limit ops are held back (tail) and applied with the
// journal on once the last page is read; the others go in without it.
type lateFold struct {
	b       *Book
	late    Op
	placed  bool // whether the late op has joined the tail
	tail    []Op
	head    int
	limit   int
	out     *Outcome
	refused error
}

func newLateFold(late Op, limit int) *lateFold {
	b := NewBook()
	b.quiet = true
	b.rec.dirty.off = true // every row is compared first
	b.SetJournalLimit(0)
	return &lateFold{b: b, late: late, limit: limit}
}

// add folds the next op read.
func (f *lateFold) add(o Op) {
	if !f.placed && f.late.Before(&o) {
		f.push(f.late)
		f.placed = true
	}
	f.push(o)
}

// push adds o to the tail, applying the oldest op of the tail beyond
// limit. The tail is a ring (head is its oldest op once full): sliding a
// slice along would copy it again and again.
func (f *lateFold) push(o Op) {
	if len(f.tail) <= f.limit {
		f.tail = append(f.tail, o)
		if len(f.tail) <= f.limit {
			return
		}
	} else {
		f.tail[f.head] = o
		f.head = (f.head + 1) % len(f.tail)
	}
	f.apply(f.tail[f.head]) // the oldest: the next to be overwritten
}

// apply applies o to the book, keeping the outcome if it is the late op.
func (f *lateFold) apply(o Op) {
	if o.Event != f.late.Event {
		_, _ = f.b.Apply(o)
		return
	}
	f.b.quiet = false
	f.out, f.refused = f.b.Apply(o)
	f.b.quiet = true
}

// finish applies the tail with the journal on and returns the book,
// marking from now on what changes.
func (f *lateFold) finish() *Book {
	if !f.placed {
		f.push(f.late)
	}
	f.b.SetJournalLimit(f.limit)
	// Once full, the ring holds limit+1 ops of which the one at head was
	// applied already.
	if len(f.tail) > f.limit {
		for i := 1; i < len(f.tail); i++ {
			f.apply(f.tail[(f.head+i)%len(f.tail)])
		}
	} else {
		for _, o := range f.tail {
			f.apply(o)
		}
	}
	f.tail = nil
	b := f.b
	b.quiet = false
	b.scratch = Outcome{}
	b.rec.dirty.off = false
	b.rec.resetDirty()
	return b
}

// foldOps reads every recorded op, a page at a time, and folds them with
// op into r's fresh book. Each page is a short read, so the other calls'
// commits keep checkpointing SQLite's log meanwhile. An op recorded
// meanwhile is read if it sorts after the page read last, else it is
// among the watch's; catchUp tells the two apart by r.keys.
func (s *Aid) foldOps(ctx context.Context, op Op, r *replayed) error {
	size := cmp.Or(s.page, opsPage)
	f := newLateFold(op, s.cfg.journalOps())
	var after Op
	var page []Op // reused page after page
	for {
		s.pace.yield(ctx)
		var err error
		if page, err = s.store.OpsPage(ctx, after, size, page); err != nil {
			return fmt.Errorf("failed to load ops: %w", err)
		}
		for i, o := range page {
			if i%paceOps == paceOps-1 {
				s.pace.yield(ctx)
			}
			if o.Event == op.Event {
				return ErrAlreadyApplied
			}
			r.keys = append(r.keys, keyOf(&o))
			f.add(o)
		}
		if len(page) < size {
			break
		}
		after = page[len(page)-1]
	}
	r.fresh = f.finish()
	r.out, r.refused = f.out, f.refused
	return nil
}

// read reports whether the replay read m (an op recorded meanwhile).
func (r *replayed) read(m *Op) bool {
	_, found := slices.BinarySearchFunc(r.keys, keyOf(m), compareKeys)
	return found
}
