package ledger

import (
	"cmp"
	"context"
	"maps"
	"slices"
)

// The rows a very late op's replay must write are found by comparing its
// fresh book with the current one, which the projection holds. The
// current book changes under aidMu while the replay runs, so it is read a
// chunk of rows at a time under the lock (compareOutside); a row either
// book changes after it was compared is compared again (rowIDs), and the
// swap compares the last ones, so that what is written makes the
// projection hold what the fresh book does.

// compareChunk is how many rows one hold of aidMu compares: about a
// millisecond on a busy machine.
const compareChunk = 1024

// rowIDs names rows of a book: needs, promises and statuses by ID.
type rowIDs struct {
	needs    map[NeedID]bool
	promises map[PromiseID]bool
	statuses map[UserID]bool
}

func newRowIDs() rowIDs {
	return rowIDs{needs: map[NeedID]bool{}, promises: map[PromiseID]bool{}, statuses: map[UserID]bool{}}
}

// size is how many rows ids names.
func (ids rowIDs) size() int { return len(ids.needs) + len(ids.promises) + len(ids.statuses) }

// merge adds the rows of o.
func (ids rowIDs) merge(o rowIDs) {
	addKeys(ids.needs, o.needs)
	addKeys(ids.promises, o.promises)
	addKeys(ids.statuses, o.statuses)
}

// addChanges adds the rows an op changed or removed.
func (ids rowIDs) addChanges(c Changes) {
	for _, n := range c.Needs {
		ids.needs[n.ID] = true
	}
	for _, p := range c.Promises {
		ids.promises[p.ID] = true
	}
	for _, st := range c.Statuses {
		ids.statuses[st.Member] = true
	}
	for _, id := range c.GoneNeeds {
		ids.needs[id] = true
	}
	for _, id := range c.GonePromises {
		ids.promises[id] = true
	}
	for _, id := range c.GoneStatuses {
		ids.statuses[id] = true
	}
}

// addBook adds every row of b.
func (ids rowIDs) addBook(b *Book) { ids.addRows(b.rec) }

// addRows adds every row of r.
func (ids rowIDs) addRows(r *records) {
	addKeys(ids.needs, r.needs)
	addKeys(ids.promises, r.promises)
	addKeys(ids.statuses, r.statuses)
}

// cloneRows returns records holding the same rows as r (shared, not
// copied) in maps of their own, and nothing else: what a replay walks
// outside the lock to learn every row of the current book.
func (r *records) cloneRows() *records {
	return &records{needs: maps.Clone(r.needs), promises: maps.Clone(r.promises), statuses: maps.Clone(r.statuses)}
}

// addDirty adds the rows b marked changed, and forgets those marks.
func (ids rowIDs) addDirty(b *Book) {
	ids.merge(rowIDs{needs: b.rec.dirty.needs, promises: b.rec.dirty.promises, statuses: b.rec.dirty.statuses})
	b.rec.resetDirty()
}

// addKeys adds the keys of from to set.
func addKeys[K comparable, V any](set map[K]bool, from map[K]V) {
	for k := range from {
		set[k] = true
	}
}

// compareOutside compares the pending rows of r with the current book, a
// chunk at a time under aidMu: errStale if the current book is no longer
// base. The caller does not hold aidMu.
func (s *Aid) compareOutside(ctx context.Context, r *replayed, base *Book) error {
	chunk := cmp.Or(s.chunk, compareChunk)
	for r.pending.size() > 0 {
		s.pace.yield(ctx)
		if s.beforeCompare != nil {
			s.beforeCompare()
		}
		err := s.underLock(base, func() { r.diff.compare(base, r.fresh, r.pending, chunk) })
		if err != nil {
			return err
		}
	}
	return nil
}

// rowDiff is what must be written to the projection, which holds what
// the current book does, to make it hold what the fresh one does: by ID,
// the row to save, or nil for a row to delete.
type rowDiff struct {
	needs    map[NeedID]*Need
	promises map[PromiseID]*Promise
	statuses map[UserID]*MemberStatus
}

func newRowDiff() *rowDiff {
	return &rowDiff{needs: map[NeedID]*Need{}, promises: map[PromiseID]*Promise{}, statuses: map[UserID]*MemberStatus{}}
}

// compare takes up to n rows out of ids and brings d up to date with
// them: for each, the row of fresh where it differs from cur's, nil where
// only cur holds it, and nothing where both hold the same. The caller
// holds aidMu when cur is the current book.
func (d *rowDiff) compare(cur, fresh *Book, ids rowIDs, n int) {
	n -= diffRows(d.needs, cur.rec.needs, fresh.rec.needs, ids.needs, n, sameNeed, copyNeed)
	n -= diffRows(d.promises, cur.rec.promises, fresh.rec.promises, ids.promises, n,
		func(a, b *Promise) bool { return *a == *b }, copyPromise)
	diffRows(d.statuses, cur.rec.statuses, fresh.rec.statuses, ids.statuses, n, sameStatus, copyStatus)
}

// diffRows takes up to n rows out of ids and brings out up to date with
// them: fresh's row (a copy) where it differs from cur's, nil where only
// cur holds it, and nothing where both hold the same. It returns how many
// it took.
func diffRows[K comparable, V any](out, cur, fresh map[K]*V, ids map[K]bool, n int,
	same func(a, b *V) bool, clone func(*V) *V) int {
	done := 0
	for id := range ids {
		if done >= n {
			break
		}
		delete(ids, id)
		done++
		f, inF := fresh[id]
		o, inO := cur[id]
		switch {
		case inF && (!inO || !same(o, f)):
			out[id] = clone(f)
		case !inF && inO:
			out[id] = nil
		default:
			delete(out, id)
		}
	}
	return done
}

// changes lists d as Changes, sorted.
func (d *rowDiff) changes() Changes {
	var c Changes
	for id, n := range d.needs {
		if n == nil {
			c.GoneNeeds = append(c.GoneNeeds, id)
		} else {
			c.Needs = append(c.Needs, n)
		}
	}
	for id, p := range d.promises {
		if p == nil {
			c.GonePromises = append(c.GonePromises, id)
		} else {
			c.Promises = append(c.Promises, p)
		}
	}
	for id, st := range d.statuses {
		if st == nil {
			c.GoneStatuses = append(c.GoneStatuses, id)
		} else {
			c.Statuses = append(c.Statuses, st)
		}
	}
	sortChanges(&c)
	return c
}

// sameNeed reports whether two needs project to the same row.
func sameNeed(a, b *Need) bool {
	return a.ID == b.ID && a.Kind == b.Kind && a.Owner == b.Owner && a.Target == b.Target &&
		a.Deadline.Equal(b.Deadline) && a.State == b.State && a.OpenedAt.Equal(b.OpenedAt) &&
		a.ClosedAt.Equal(b.ClosedAt) && a.ClosedBy == b.ClosedBy && a.Title == b.Title &&
		a.Circle == b.Circle && a.Report == b.Report && a.ReachedAt.Equal(b.ReachedAt) &&
		a.FundedAt.Equal(b.FundedAt)
}

// sameStatus reports whether two statuses project to the same rows.
func sameStatus(a, b *MemberStatus) bool {
	return a.Member == b.Member && a.Status == b.Status && a.Previous == b.Previous &&
		a.Need == b.Need && a.ChangedAt.Equal(b.ChangedAt) && slices.Equal(a.Kassa, b.Kassa)
}
