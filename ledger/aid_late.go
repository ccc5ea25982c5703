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
// ops applied meanwhile are applied again to the fresh book, the rows that
// differ between the two books are written, and the fresh book is swapped
// in. No call waits behind the replay, only behind the swap.

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
	r, err := s.replayOutside(ctx, op)
	s.aidMu.Lock()
	s.watches = slices.DeleteFunc(s.watches, func(x *watch) bool { return x == w })
	if err != nil {
		return nil, err
	}
	if s.book != base {
		return s.doSlow(ctx, op, also) // dropped or rebuilt meanwhile
	}
	out, err := s.swapIn(ctx, r, w.ops, op, also)
	if errors.Is(err, errStale) {
		return s.doSlow(ctx, op, also)
	}
	return out, err
}

// replayed is a fresh book replayed outside the lock, with the ops read
// (in canonical order, the late op among them) and the late op's result.
type replayed struct {
	book    *Book
	ops     []Op
	out     *Outcome
	refused error
}

// replayOutside reads every recorded op and replays them, op inserted in
// its canonical place, into a fresh book. The caller does not hold aidMu;
// replays run one at a time.
func (s *Aid) replayOutside(ctx context.Context, op Op) (*replayed, error) {
	s.replayMu.Lock()
	defer s.replayMu.Unlock()
	ops, err := s.store.Ops(ctx)
	if err != nil {
		return nil, fmt.Errorf("failed to load ops: %w", err)
	}
	i, found := slices.BinarySearchFunc(ops, op, compareOps)
	if found {
		return nil, ErrAlreadyApplied
	}
	ops = slices.Insert(ops, i, op)
	r := &replayed{ops: ops}
	r.book = replay(ops, s.cfg.journalOps(), func(o Op, res *Outcome, rerr error) {
		if o.Event == op.Event {
			r.out, r.refused = res, rerr
		}
	})
	return r, nil
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

// swapIn records op, applies to the fresh book the ops recorded since the
// replay read them, writes what differs from the current book and swaps
// the fresh one in, all in one transaction. The caller holds aidMu.
func (s *Aid) swapIn(ctx context.Context, r *replayed, since []Op, op Op, also func(ctx context.Context) error) (*Outcome, error) {
	err := s.ap.tx.InTx(ctx, func(ctx context.Context) error {
		if err := s.record(ctx, op); err != nil {
			return err
		}
		for _, m := range since {
			if _, found := slices.BinarySearchFunc(r.ops, m, compareOps); found {
				continue // the replay read it
			}
			if err := applyInPlace(r.book, m); err != nil {
				return err
			}
		}
		c := diffBooks(s.book, r.book)
		r.book.rec.resetDirty()
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
	s.book = r.book
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

// diffBooks returns what differs between the projections of two books:
// the needs, promises and statuses of b that a differs in or lacks, and
// those a holds that b does not.
func diffBooks(a, b *Book) Changes {
	var c Changes
	for id, n := range b.rec.needs {
		if o, ok := a.rec.needs[id]; !ok || !sameNeed(o, n) {
			c.Needs = append(c.Needs, copyNeed(n))
		}
	}
	for id := range a.rec.needs {
		if _, ok := b.rec.needs[id]; !ok {
			c.GoneNeeds = append(c.GoneNeeds, id)
		}
	}
	for id, p := range b.rec.promises {
		if o, ok := a.rec.promises[id]; !ok || *o != *p {
			c.Promises = append(c.Promises, copyPromise(p))
		}
	}
	for id := range a.rec.promises {
		if _, ok := b.rec.promises[id]; !ok {
			c.GonePromises = append(c.GonePromises, id)
		}
	}
	for id, st := range b.rec.statuses {
		if o, ok := a.rec.statuses[id]; !ok || !sameStatus(o, st) {
			c.Statuses = append(c.Statuses, copyStatus(st))
		}
	}
	for id := range a.rec.statuses {
		if _, ok := b.rec.statuses[id]; !ok {
			c.GoneStatuses = append(c.GoneStatuses, id)
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
