package ledger

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// MaxClockSkew is how far ahead of the bot's clock an event's timestamp may
// be; a homeserver whose clock runs further ahead gets its events refused.
const MaxClockSkew = 10 * time.Minute

// Aid is the mutual-aid ledger: it records ops, applies them to the book
// it keeps in memory, and answers from the book.
type Aid struct {
	store   AidStore
	circles CircleReader
	actions ActionStore
	ap      Applier
	clock   Clock
	cfg     Config

	aidMu sync.Mutex // serialises the mutual-aid ledger
	book  *Book      // nil until loaded, or when it must be reloaded
	// watches are the replays running outside aidMu (aid_late.go), each
	// collecting the ops recorded meanwhile; replayMu runs them one at a
	// time. Lock order: replayMu, then aidMu.
	watches  []*watch
	replayMu sync.Mutex
	// loaded tells how the book was last loaded (aid_snapshot.go);
	// checkpointMu runs the checkpoints one at a time; pending is the
	// snapshot a load that replayed every op made on its way, for the next
	// checkpoint to write.
	loaded       Loaded
	checkpointMu sync.Mutex
	pending      atomic.Pointer[BookSnapshot]
	// page is how many ops a replay outside the lock reads per query
	// (0: opsPage), chunk how many rows it compares per hold of aidMu (0:
	// compareChunk); beforeCompare, if set, runs before each such hold
	// (tests set them).
	page, chunk   int
	beforeCompare func()
	// pace counts the calls in progress, which a late op's replay gives
	// way to (aid_late_pace.go).
	pace *pacer
}

// Do applies one op of the mutual-aid ledger: it checks the rules that need
// more than the book (circles shared with the need's owner), resolves which
// need a `sent` or `got` means when the member named none, records the op
// and applies it in canonical order. An op that comes before the last one
// applied (a late event) is applied in its canonical place, so the result
// is the same whatever order events arrived in: through the book's journal,
// or, older than the journal reaches, by a replay of every recorded op that
// runs outside the lock (aid_late.go).
//
// A refused op returns an *Error; it is still recorded when it reached the
// book, since a late event may make it valid in canonical order. A late op
// may change the fate of ops after it: they are listed in
// Outcome.Reapplied, and the Outcome comes back even with the op's own
// refusal when there are any. An event applied before returns
// ErrAlreadyApplied.
func (s *Aid) Do(ctx context.Context, op Op) (*Outcome, error) {
	return s.doWith(ctx, op, nil)
}

// doWith is Do that also runs also, when not nil, in the same transaction
// after the op, if the op was applied.
func (s *Aid) doWith(ctx context.Context, op Op, also func(ctx context.Context) error) (*Outcome, error) {
	s.lock()
	defer s.unlock()
	return s.doLocked(ctx, op, also)
}

// doLocked is Do with aidMu held; also, when not nil, runs in the same
// transaction after the op, if the op was applied.
func (s *Aid) doLocked(ctx context.Context, op Op, also func(ctx context.Context) error) (*Outcome, error) {
	if op.Event == "" || op.Actor == "" {
		return nil, fmt.Errorf("failed to apply op: %w", Errorf(EInternal, "action.incomplete"))
	}
	if op.At.IsZero() {
		op.At = s.clock.Now()
	}
	// The store keeps milliseconds, as Matrix timestamps are: an op must
	// sort the same before and after a round trip.
	op.At = op.At.Truncate(time.Millisecond).UTC()
	book, err := s.loadBook(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.gate(ctx, book, &op); err != nil {
		return nil, err
	}
	if veryLate(book, op) {
		return s.doLate(ctx, op, also)
	}
	return s.doSlow(ctx, op, also)
}

// doSlow records op and applies it to the book (replaying every recorded
// op if it is older than the journal reaches), in one transaction under
// aidMu, which the caller holds.
func (s *Aid) doSlow(ctx context.Context, op Op, also func(ctx context.Context) error) (*Outcome, error) {
	book, err := s.loadBook(ctx)
	if err != nil {
		return nil, err
	}
	var out *Outcome
	var refused error
	touched := false // whether the book may hold what the store does not
	err = s.ap.tx.InTx(ctx, func(ctx context.Context) error {
		if err := s.record(ctx, op); err != nil {
			return err
		}
		touched = true
		out, refused, err = s.applyToBook(ctx, book, op)
		if err == nil && refused == nil && also != nil {
			err = also(ctx)
		}
		return err
	})
	if err != nil {
		if touched {
			s.book = nil // replayed from the store on next use
		}
		return nil, err
	}
	s.noteRecorded(op)
	if refused != nil && (out == nil || len(out.Reapplied) == 0) {
		return nil, refused
	}
	return out, refused
}

// RecordedOp returns the op recorded for an event, if any (ENotFound).
func (s *Aid) RecordedOp(ctx context.Context, evt EventID) (*Op, error) {
	op, err := s.store.OpByEvent(ctx, evt)
	if err != nil {
		return nil, fmt.Errorf("failed to get the op of %s: %w", evt, err)
	}
	return &op, nil
}

// Check tells whether Do would accept op now, without recording or
// changing anything: the web asks before the bot posts a member's action
// into the room. The event ID may be a placeholder.
func (s *Aid) Check(ctx context.Context, op Op) error {
	s.lock()
	defer s.unlock()
	if op.Actor == "" {
		return fmt.Errorf("failed to check op: %w", Errorf(EInternal, "action.incomplete"))
	}
	if op.Event == "" {
		op.Event = "check:"
	}
	if op.At.IsZero() {
		op.At = s.clock.Now()
	}
	op.At = op.At.Truncate(time.Millisecond).UTC()
	book, err := s.loadBook(ctx)
	if err != nil {
		return err
	}
	if err := s.gate(ctx, book, &op); err != nil {
		return err
	}
	if op.At.After(s.clock.Now().Add(MaxClockSkew)) {
		return Errorf(EInvalid, "event.future") // as Do refuses it
	}
	return book.Try(op)
}

// applyToBook applies op to the book and writes what changed. An op that
// sorts after the last one applied is applied in place; a late one is
// applied in its canonical place by taking back the ops after it (from
// the book's journal) or, if it is older than the journal reaches, by
// replaying every recorded op. refused is the book's answer to op.
func (s *Aid) applyToBook(ctx context.Context, book *Book, op Op) (out *Outcome, refused error, err error) {
	last := book.Last()
	switch {
	case last.Event == "" || last.Before(&op):
		out, refused = book.Apply(op)
	case book.CanRewind(op):
		out, refused = book.ApplyLate(op)
	default:
		return s.replayWith(ctx, op)
	}
	c := book.Changed()
	s.noteChanged(c)
	if err := s.store.SaveAid(ctx, c.Needs, c.Promises, c.Statuses); err != nil {
		return nil, nil, fmt.Errorf("failed to save changes: %w", err)
	}
	if err := s.store.DeleteAid(ctx, c.GoneNeeds, c.GonePromises, c.GoneStatuses); err != nil {
		return nil, nil, fmt.Errorf("failed to delete what was taken back: %w", err)
	}
	return out, refused, nil
}

// replayWith rebuilds the book from every recorded op (op among them) and
// rewrites the projection; it returns op's outcome in the replay.
func (s *Aid) replayWith(ctx context.Context, op Op) (out *Outcome, refused error, err error) {
	ops, err := s.store.Ops(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("failed to load ops: %w", err)
	}
	fresh := replay(ops, s.cfg.journalOps(), func(o Op, res *Outcome, rerr error) {
		if o.Event == op.Event {
			out, refused = res, rerr
		}
	})
	if err := s.store.ClearAid(ctx); err != nil {
		return nil, nil, fmt.Errorf("failed to clear aid projection: %w", err)
	}
	needs, promises, statuses := fresh.Snapshot()
	s.book = fresh
	if err := s.store.SaveAid(ctx, needs, promises, statuses); err != nil {
		return nil, nil, fmt.Errorf("failed to save the replayed ledger: %w", err)
	}
	return out, refused, nil
}

// replay applies ops (in canonical order) to a fresh book, journaling only
// the last limit of them; seen, if not nil, sees each result.
func replay(ops []Op, limit int, seen func(Op, *Outcome, error)) *Book {
	b, _ := replayFrom(ops, limit, len(ops), seen)
	b.rec.resetDirty()
	return b
}

// Replay builds a book from ops in canonical order as the service does
// after a restart (the journal kept for the last DefaultJournalOps ops, no
// outcome made for anyone) and counts the ops the book refused.
func Replay(ops []Op) (*Book, int) {
	b, refused := replayFrom(ops, DefaultJournalOps, len(ops), nil)
	b.rec.resetDirty()
	return b, refused
}

// loadBook returns the book, loading it on first use from the snapshot
// and the ops after it, or from every recorded op (aid_snapshot.go). The
// caller holds aidMu.
func (s *Aid) loadBook(ctx context.Context) (*Book, error) {
	if s.book != nil {
		return s.book, nil
	}
	b, loaded, err := s.restore(ctx)
	if err != nil {
		return nil, err
	}
	s.book, s.loaded = b, loaded
	return s.book, nil
}

// gate checks what the book cannot: that a member promising toward a need
// shares a circle with its owner, that one acting on a circle's own need
// (an initiative, a claim) is in that circle, and that one declaring a
// kassa maximum for a circle is in it; and fills in the need of a sent or
// got typed without one.
func (s *Aid) gate(ctx context.Context, b *Book, op *Op) error {
	switch op.Kind {
	case OpIntend, OpCommit:
		if op.Need == "" {
			return Errorf(EInvalid, "need.reply_to_card", VerbIntend)
		}
		// A need not known yet (its event arrives late) cannot be checked
		// here: the op is recorded, the book refuses it for now, and it
		// counts once the need's earlier event arrives.
		if n, ok := b.Need(op.Need); ok && n.Circle != "" {
			return s.checkInCircle(ctx, op.Actor, n.Circle)
		} else if ok && n.Owner != op.Actor {
			return s.checkSharedCircle(ctx, op.Actor, n.Owner)
		}
	case OpApprove:
		if n, ok := b.Need(op.Need); ok && n.Circle != "" {
			if err := s.checkInCircle(ctx, op.Actor, n.Circle); err != nil {
				return err
			}
			members, err := s.circles.CircleMembers(ctx, n.Circle)
			if err != nil {
				return fmt.Errorf("failed to list the members of a claim's circle: %w", err)
			}
			op.Members = members
		}
	case OpKassa:
		if op.Circle != "" {
			return s.checkInCircle(ctx, op.Actor, op.Circle)
		}
	case OpWithdraw, OpUnreact:
		if op.Need == "" {
			return Errorf(EInvalid, "need.reply_to_card")
		}
	case OpSent:
		if op.Need == "" {
			return resolveSent(b, op)
		}
	case OpGot:
		if op.Need == "" {
			return resolveGot(b, op)
		}
	case OpForgive:
		if op.Giver == "" {
			return Errorf(EInvalid, "cmd.usage", VerbForgive)
		}
	}
	return nil
}

// checkSharedCircle refuses a promise between members who share no circle.
func (s *Aid) checkSharedCircle(ctx context.Context, a, b UserID) error {
	ca, err := s.circles.CirclesOf(ctx, a)
	if err != nil {
		return fmt.Errorf("failed to list circles: %w", err)
	}
	cb, err := s.circles.CirclesOf(ctx, b)
	if err != nil {
		return fmt.Errorf("failed to list circles: %w", err)
	}
	for _, c := range ca {
		if slices.Contains(cb, c) {
			return nil
		}
	}
	return Errorf(EForbidden, "need.not_in_circle", b)
}

// checkInCircle refuses an act on a circle's own need (an initiative, a
// kassa claim) by someone who is not in that circle's room: only members
// of a circle act on its needs.
func (s *Aid) checkInCircle(ctx context.Context, u UserID, c CircleID) error {
	cs, err := s.circles.CirclesOf(ctx, u)
	if err != nil {
		return fmt.Errorf("failed to list circles: %w", err)
	}
	if !slices.Contains(cs, c) {
		return Errorf(EForbidden, "need.not_circle_member")
	}
	return nil
}

// resolveSent picks the need of a `sent` typed without one: the actor's
// only open commitment that is not sent yet.
func resolveSent(b *Book, op *Op) error {
	var found []*Promise
	for _, p := range b.PromisesBy(op.Actor) {
		if p.State == PromiseCommitment {
			found = append(found, p)
		}
	}
	switch len(found) {
	case 0:
		return Errorf(ENotFound, "promise.none_open")
	case 1:
		op.Need = found[0].Need
		return nil
	}
	return Errorf(EConflict, "promise.which_need")
}

// resolveGot picks the need of a `got` typed without one: the oldest open
// commitment of the named giver to the actor, else the only one marked sent.
func resolveGot(b *Book, op *Op) error {
	var sent []*Promise
	for _, p := range b.PromisesTo(op.Actor) {
		if op.Giver != "" && p.Giver == op.Giver && p.State.Open() {
			op.Need = p.Need
			return nil
		}
		if awaitsConfirmation(p) {
			sent = append(sent, p)
		}
	}
	switch {
	case op.Giver != "":
		return Errorf(ENotFound, "promise.none_from", op.Giver)
	case len(sent) == 1:
		op.Need, op.Giver = sent[0].Need, sent[0].Giver
		return nil
	case len(sent) == 0:
		return Errorf(ENotFound, "promise.nothing_to_confirm")
	}
	return Errorf(EConflict, "promise.which_giver")
}

// View runs fn with the book, read-only, under the service's lock.
func (s *Aid) View(ctx context.Context, fn func(b *Book) error) error {
	s.lock()
	defer s.unlock()
	b, err := s.loadBook(ctx)
	if err != nil {
		return err
	}
	return fn(b)
}

// NeedView is a need with its progress (its figures and deadline, see
// Progress) and its promises.
type NeedView struct {
	Need *Need
	Progress
	Promises []*Promise
}

// Need returns a need with its figures and promises.
func (s *Aid) Need(ctx context.Context, id NeedID) (*NeedView, error) {
	var v *NeedView
	err := s.View(ctx, func(b *Book) error {
		var ok bool
		if v, ok = b.ViewOf(id, s.cfg.Cycle.loc()); !ok {
			return Errorf(ENotFound, "need.not_found")
		}
		return nil
	})
	return v, err
}

// StatusOf returns a member's status.
func (s *Aid) StatusOf(ctx context.Context, u UserID) (MemberStatus, error) {
	var st MemberStatus
	err := s.View(ctx, func(b *Book) error {
		st = b.StatusOf(u)
		return nil
	})
	return st, err
}

// forget drops the book, to be replayed from the store on next use.
func (s *Aid) forget() {
	s.aidMu.Lock()
	s.book = nil
	s.aidMu.Unlock()
}

// Rebuild replays every recorded op into a fresh book (not from the
// snapshot, which it drops, leaving the one its replay made for the next
// checkpoint) and rewrites the projection: the ledger as the events say
// it is.
func (s *Aid) Rebuild(ctx context.Context) error {
	s.lock()
	defer s.unlock()
	s.book = nil
	ops, err := s.store.Ops(ctx)
	if err != nil {
		return fmt.Errorf("failed to load ops: %w", err)
	}
	b, pending := s.replayAll(ops)
	needs, promises, statuses := b.Snapshot()
	err = s.ap.tx.InTx(ctx, func(ctx context.Context) error {
		if err := s.dropSnapshot(ctx, pending); err != nil {
			return err
		}
		if err := s.store.ClearAid(ctx); err != nil {
			return fmt.Errorf("failed to clear aid projection: %w", err)
		}
		if err := s.store.SaveAid(ctx, needs, promises, statuses); err != nil {
			return fmt.Errorf("failed to save the rebuilt ledger: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if pending != nil {
		s.pending.Store(pending)
	}
	s.book, s.loaded = b, Loaded{Replayed: len(ops), Why: "rebuilt"}
	return nil
}
