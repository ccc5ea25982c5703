package ledger

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
)

// A very late op (one older than the book's journal reaches) needs the
// book replayed from every recorded op. That replay runs outside aidMu, on
// a fresh book, while the other calls go on with the current one; then,
// under aidMu and in one short transaction, the late op is recorded, the
// rows that differ are written and the fresh book is swapped in.
//
// The replay makes two books from the ops read: one with the late op
// (fresh) and one without (old: what the current book and the projection
// hold, since the book is the same whatever order its ops came in). Both
// catch up with the ops recorded meanwhile, outside the lock, a batch at
// a time; the rows that differ are found among what changed from the late
// op's place on (marked dirty), outside the lock too. The swap applies the
// last few ops recorded meanwhile and compares what they changed: no call
// waits behind the replay, only behind that short swap.

// watch collects the ops recorded while a replay runs outside the lock.
type watch struct {
	ops []Op
}

// errStale tells doLate that its fresh book cannot be swapped in (the book
// was dropped or replaced meanwhile, or an op recorded meanwhile cannot be
// applied to it): the op is applied the slow way, under the lock.
var errStale = errors.New("the replayed book is stale")

// veryLate reports whether op sorts before the last op applied, further
// back than the journal reaches.
func veryLate(book *Book, op Op) bool {
	last := book.Last()
	return last.Event != "" && !last.Before(&op) && !book.CanRewind(op)
}

// noteRecorded tells the replays running outside the lock of an op just
// recorded (and applied to the current book). The caller holds aidMu.
func (s *Aid) noteRecorded(op Op) {
	for _, w := range s.watches {
		w.ops = append(w.ops, op)
	}
}

// doLate is doLocked for a very late op: it is called with aidMu held,
// releases it for the replay, and holds it again when it returns.
func (s *Aid) doLate(ctx context.Context, op Op, also func(ctx context.Context) error) (*Outcome, error) {
	// An event delivered again (a homeserver's retry, reconciliation) is
	// not worth a replay.
	if _, err := s.store.OpByEvent(ctx, op.Event); err == nil {
		return nil, ErrAlreadyApplied
	} else if ErrorCode(err) != ENotFound {
		return nil, fmt.Errorf("failed to look for a late op: %w", err)
	}
	base := s.book
	w := &watch{}
	s.watches = append(s.watches, w)
	s.aidMu.Unlock()
	r, err := s.replayOutside(ctx, op, w)
	s.aidMu.Lock()
	s.watches = slices.DeleteFunc(s.watches, func(x *watch) bool { return x == w })
	if err == nil && s.book != base {
		err = errStale // dropped or rebuilt meanwhile
	}
	var out *Outcome
	if err == nil {
		out, err = s.swapIn(ctx, r, w.ops[r.caught:], op, also)
	}
	if errors.Is(err, errStale) {
		return s.doSlow(ctx, op, also)
	}
	return out, err
}

// replayed is what a replay outside the lock made: the book with the late
// op (fresh) and without it (old: what the current book holds, and the
// projection too), both with what changed since the late op's place
// marked dirty; the ops read, in canonical order; the late op's result;
// how many of the ops recorded meanwhile both books caught up with; and
// the rows that differ between them so far.
type replayed struct {
	fresh, old *Book
	ops        []Op
	out        *Outcome
	refused    error
	caught     int
	diff       *rowDiff
}

// replayOutside reads every recorded op and replays them twice, with and
// without op, into fresh books; it applies to both the ops recorded
// meanwhile (w) and finds the rows that differ. The caller does not hold
// aidMu; replays run one at a time.
func (s *Aid) replayOutside(ctx context.Context, op Op, w *watch) (*replayed, error) {
	s.replayMu.Lock()
	defer s.replayMu.Unlock()
	ops, err := s.readOps(ctx)
	if err != nil {
		return nil, err
	}
	at, found := slices.BinarySearchFunc(ops, op, compareOps)
	if found {
		return nil, ErrAlreadyApplied
	}
	r := &replayed{ops: ops}
	limit := s.cfg.journalOps()
	r.old, _ = replayFrom(ops, limit, at, nil)
	r.fresh, _ = replayFrom(slices.Insert(slices.Clone(ops), at, op), limit, at, func(o Op, res *Outcome, rerr error) {
		if o.Event == op.Event {
			r.out, r.refused = res, rerr
		}
	})
	// Catch up with the ops recorded meanwhile and compare what changed, a
	// batch at a time, until few are left for the swap, under the lock.
	r.diff = newRowDiff()
	for range 16 {
		s.aidMu.Lock()
		batch := w.ops[r.caught:]
		s.aidMu.Unlock()
		if err := r.catchUp(batch); err != nil {
			return nil, err
		}
		r.diff.compare(r.old, r.fresh)
		if len(batch) <= catchUpLeft {
			break
		}
	}
	return r, nil
}

// opsPage is how many ops a replay outside the lock reads per query.
const opsPage = 10_000

// readOps reads every recorded op, in canonical order, a page at a time:
// each page is a short read, so the other calls' commits keep
// checkpointing SQLite's log meanwhile. An op recorded meanwhile is read
// if it sorts after the page read last, else it is among the watch's;
// catchUp tells the two apart.
func (s *Aid) readOps(ctx context.Context) ([]Op, error) {
	size := cmp.Or(s.page, opsPage)
	var ops []Op
	for {
		var after Op
		if len(ops) > 0 {
			after = ops[len(ops)-1]
		}
		page, err := s.store.OpsPage(ctx, after, size)
		if err != nil {
			return nil, fmt.Errorf("failed to load ops: %w", err)
		}
		ops = append(ops, page...)
		if len(page) < size {
			return ops, nil
		}
	}
}

// catchUpLeft is how many ops recorded during a replay may be left for the
// swap, which applies them under the lock.
const catchUpLeft = 32

// catchUp applies ops recorded since the replay began (and not read by it)
// to both books.
func (r *replayed) catchUp(since []Op) error {
	for _, m := range since {
		if _, found := slices.BinarySearchFunc(r.ops, m, compareOps); !found {
			if err := applyInPlace(r.fresh, m); err != nil {
				return err
			}
			if err := applyInPlace(r.old, m); err != nil {
				return err
			}
		}
		r.caught++
	}
	return nil
}

// replayFrom is replay with what changed from ops[from] on marked dirty;
// it also counts the ops the book refused. With no seen, the book makes no
// outcome for anyone while it replays (Book.quiet).
func replayFrom(ops []Op, limit, from int, seen func(Op, *Outcome, error)) (*Book, int) {
	b := NewBook()
	b.quiet = seen == nil
	b.rec.dirty.off = from >= len(ops) // nothing to mark
	b.SetJournalLimit(0)
	refused := 0
	for i, o := range ops {
		if i == max(len(ops)-limit, 0) {
			b.SetJournalLimit(limit)
		}
		if i == from {
			b.rec.dirty.off = false
			b.rec.resetDirty()
		}
		res, err := b.Apply(o)
		if err != nil {
			refused++
		}
		if seen != nil {
			seen(o, res, err)
		}
	}
	b.quiet = false
	b.scratch = Outcome{}
	b.rec.dirty.off = false
	b.SetJournalLimit(limit)
	return b, refused
}

// compareOps orders ops canonically (Op.Before).
func compareOps(a, b Op) int {
	switch {
	case a.Before(&b):
		return -1
	case b.Before(&a):
		return 1
	}
	return 0
}

// swapIn records op, applies to both replayed books the last ops recorded
// since (few), writes what differs between them and swaps the fresh book
// in, all in one transaction. The caller holds aidMu.
func (s *Aid) swapIn(ctx context.Context, r *replayed, since []Op, op Op, also func(ctx context.Context) error) (*Outcome, error) {
	err := s.ap.tx.InTx(ctx, func(ctx context.Context) error {
		if err := s.record(ctx, op); err != nil {
			return err
		}
		if err := r.catchUp(since); err != nil {
			return err
		}
		r.diff.compare(r.old, r.fresh)
		c := r.diff.changes()
		if err := s.store.SaveAid(ctx, c.Needs, c.Promises, c.Statuses); err != nil {
			return fmt.Errorf("failed to save the replayed ledger: %w", err)
		}
		if err := s.store.DeleteAid(ctx, c.GoneNeeds, c.GonePromises, c.GoneStatuses); err != nil {
			return fmt.Errorf("failed to delete what the replay removed: %w", err)
		}
		if r.refused == nil && also != nil {
			return also(ctx)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	r.fresh.rec.resetDirty()
	s.book = r.fresh
	s.noteRecorded(op)
	if r.refused != nil {
		return nil, r.refused
	}
	return r.out, nil
}

// applyInPlace applies an op recorded while a replay ran to the replayed
// book, in its canonical place; errStale if the journal does not reach it.
func applyInPlace(b *Book, op Op) error {
	last := b.Last()
	switch {
	case last.Event == "" || last.Before(&op):
		_, _ = b.Apply(op) // its refusal was answered when it arrived
	case b.CanRewind(op):
		_, _ = b.ApplyLate(op)
	default:
		return errStale
	}
	return nil
}

// record marks op's event applied and appends op, refusing a duplicate
// and an op from the future. It runs in the caller's transaction.
func (s *Aid) record(ctx context.Context, op Op) error {
	fresh, err := s.ap.tx.MarkApplied(ctx, op.Event, op.At)
	if err != nil {
		return fmt.Errorf("failed to mark event applied: %w", err)
	}
	if !fresh {
		return ErrAlreadyApplied
	}
	if op.At.After(s.clock.Now().Add(MaxClockSkew)) {
		// An event from the future would stay last forever and let
		// later events land before it: refused, not recorded.
		return Errorf(EInvalid, "event.future")
	}
	if err := s.store.AppendOp(ctx, op); err != nil {
		return fmt.Errorf("failed to record op: %w", err)
	}
	return nil
}

// rowDiff is what must be written to the projection, which holds what
// the old book does, to make it hold what the fresh one does: by ID, the
// row to save, or nil for a row to delete.
type rowDiff struct {
	needs    map[NeedID]*Need
	promises map[PromiseID]*Promise
	statuses map[UserID]*MemberStatus
}

func newRowDiff() *rowDiff {
	return &rowDiff{needs: map[NeedID]*Need{}, promises: map[PromiseID]*Promise{}, statuses: map[UserID]*MemberStatus{}}
}

// compare brings d up to date with what either book marked dirty since
// the last compare (and forgets those marks): for each such ID, the row
// of fresh where it differs from old's, nil where only old holds it, and
// nothing where both hold the same.
func (d *rowDiff) compare(old, fresh *Book) {
	diffRows(d.needs, old.rec.needs, fresh.rec.needs, mergeKeys(old.rec.dirty.needs, fresh.rec.dirty.needs), sameNeed, copyNeed)
	diffRows(d.promises, old.rec.promises, fresh.rec.promises, mergeKeys(old.rec.dirty.promises, fresh.rec.dirty.promises),
		func(a, b *Promise) bool { return *a == *b }, copyPromise)
	diffRows(d.statuses, old.rec.statuses, fresh.rec.statuses, mergeKeys(old.rec.dirty.statuses, fresh.rec.dirty.statuses),
		sameStatus, copyStatus)
	old.rec.resetDirty()
	fresh.rec.resetDirty()
}

// diffRows brings out up to date for the rows of ids: fresh's row (a copy)
// where it differs from old's, nil where only old holds it, and nothing
// where both hold the same.
func diffRows[K comparable, V any](out, old, fresh map[K]*V, ids map[K]bool, same func(a, b *V) bool, clone func(*V) *V) {
	for id := range ids {
		f, inF := fresh[id]
		o, inO := old[id]
		switch {
		case inF && (!inO || !same(o, f)):
			out[id] = clone(f)
		case !inF && inO:
			out[id] = nil
		default:
			delete(out, id)
		}
	}
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

// mergeKeys returns the keys of both sets, in a set.
func mergeKeys[K comparable](a, b map[K]bool) map[K]bool {
	m := make(map[K]bool, len(a)+len(b))
	for k := range a {
		m[k] = true
	}
	for k := range b {
		m[k] = true
	}
	return m
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
