package ledger

import (
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
// The replay makes one book from the ops read and the late op (fresh). It
// catches up with the ops recorded meanwhile, outside the lock, a batch at
// a time; its rows are compared with the current book's (which the
// projection holds), a few thousand under the lock at a time
// (aid_late_diff.go): first every row of either, then the rows either
// changed since. The swap applies the last few ops recorded meanwhile and
// compares what they changed: no call waits behind the replay, only
// behind a chunk of comparisons or that short swap.

// watch collects the ops recorded while a replay runs outside the lock,
// and the rows they changed in the current book.
type watch struct {
	ops     []Op
	changed rowIDs
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

// noteChanged tells the replays running outside the lock which rows of the
// current book an op changed. The caller holds aidMu.
func (s *Aid) noteChanged(c Changes) {
	for _, w := range s.watches {
		w.changed.addChanges(c)
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
	w := &watch{changed: newRowIDs()}
	s.watches = append(s.watches, w)
	// The replay gives way to the calls in progress: this one is not.
	s.aidMu.Unlock()
	s.pace.end()
	r, err := s.replayOutside(ctx, op, w, base)
	s.pace.begin()
	s.aidMu.Lock()
	s.watches = slices.DeleteFunc(s.watches, func(x *watch) bool { return x == w })
	if err == nil && s.book != base {
		err = errStale // dropped or rebuilt meanwhile
	}
	var out *Outcome
	if err == nil {
		out, err = s.swapIn(ctx, r, w, op, also)
	}
	if errors.Is(err, errStale) {
		return s.doSlow(ctx, op, also)
	}
	return out, err
}

// replayed is what a replay outside the lock made: the book with the late
// op (fresh); where the ops read sort, in canonical order; the late op's
// result; how many of the ops recorded meanwhile the book caught up
// with; the rows that differ from the current book's so far, and those to
// compare again.
type replayed struct {
	fresh   *Book
	keys    []opKey
	out     *Outcome
	refused error
	caught  int
	diff    *rowDiff
	pending rowIDs
}

// replayOutside reads every recorded op and replays them with op into a
// fresh book; it applies the ops recorded meanwhile (w) and compares the
// rows with the current book's (base), a chunk under the lock at a time.
// The caller does not hold aidMu; replays run one at a time.
func (s *Aid) replayOutside(ctx context.Context, op Op, w *watch, base *Book) (*replayed, error) {
	s.replayMu.Lock()
	defer s.replayMu.Unlock()
	r := &replayed{diff: newRowDiff(), pending: newRowIDs()}
	if err := s.foldOps(ctx, op, r); err != nil {
		return nil, err
	}
	// The first comparison covers every row of either book. The current
	// book's keys are taken under the lock by cloning its maps (a copy of
	// their memory, much faster than walking them), and walked outside.
	r.pending.addBook(r.fresh)
	var cur *records
	if err := s.underLock(base, func() { cur = base.rec.cloneRows() }); err != nil {
		return nil, err
	}
	r.pending.addRows(cur)
	// Catch up with the ops recorded meanwhile and compare what changed, a
	// batch at a time, until few are left for the swap, under the lock.
	for range 16 {
		var batch []Op
		if err := s.underLock(base, func() { batch = r.take(w) }); err != nil {
			return nil, err
		}
		if err := r.catchUp(batch, func() { s.pace.yield(ctx) }); err != nil {
			return nil, err
		}
		if err := s.compareOutside(ctx, r, base); err != nil {
			return nil, err
		}
		if len(batch) <= catchUpLeft {
			break
		}
	}
	return r, nil
}

// underLock runs f under aidMu, if the current book is still base
// (errStale if not: dropped or rebuilt meanwhile).
func (s *Aid) underLock(base *Book, f func()) error {
	s.aidMu.Lock()
	defer s.aidMu.Unlock()
	if s.book != base {
		return errStale
	}
	f()
	return nil
}

// take returns the ops recorded since the last take and adds the rows the
// current book changed meanwhile to those to compare. The caller holds
// aidMu.
func (r *replayed) take(w *watch) []Op {
	batch := w.ops[r.caught:]
	r.pending.merge(w.changed)
	w.changed = newRowIDs()
	return batch
}

// catchUpLeft is how many ops recorded during a replay may be left for the
// swap, which applies them under the lock.
const catchUpLeft = 32

// catchUp applies ops recorded since the replay began (and not read by it)
// to the fresh book, and adds the rows they changed there to those to
// compare; yield, if not nil, runs every paceOps ops (not under aidMu).
func (r *replayed) catchUp(since []Op, yield func()) error {
	for i, m := range since {
		if yield != nil && i%paceOps == paceOps-1 {
			yield()
		}
		if !r.read(&m) {
			if err := applyInPlace(r.fresh, m); err != nil {
				return err
			}
		}
		r.caught++
	}
	r.pending.addDirty(r.fresh)
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

// swapIn records op, applies to the replayed book the last ops recorded
// since (few), writes what differs between it and the current book and
// swaps it in, all in one transaction. The caller holds aidMu.
func (s *Aid) swapIn(ctx context.Context, r *replayed, w *watch, op Op, also func(ctx context.Context) error) (*Outcome, error) {
	err := s.ap.tx.InTx(ctx, func(ctx context.Context) error {
		if err := s.record(ctx, op); err != nil {
			return err
		}
		if err := r.catchUp(r.take(w), nil); err != nil {
			return err
		}
		r.diff.compare(s.book, r.fresh, r.pending, r.pending.size())
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
