package ledger

import (
	"context"
	"fmt"
	"runtime"
	"time"
)

// A restart does not replay every recorded op: the store keeps a snapshot
// of the book (book_snapshot.go) after the ops up to a position, and the
// book is decoded from it and the ops after that position replayed. The
// snapshot lags the newest op by the journal's reach (DefaultJournalOps),
// so that the ops replayed after it fill the journal as a full replay
// would: a late op finds the book able to take back as many ops after a
// restart as before it.
//
// The checkpointer (Aid.Checkpoint) writes a new snapshot now and then,
// never touching the live book nor taking its lock: it decodes the last
// snapshot, applies the ops recorded since (read from the store) to it and
// writes it, in one transaction that checks that the store still holds
// what it was built from. Whatever changes history before a snapshot's
// position drops it in its own transaction (a late op sorting before it,
// the erasure of a departed member's texts, a rebuild, a ledger reset): the
// store does it (AidSnapshots).

// SnapshotEvery is how many ops beyond the journal's reach the store may
// hold after the snapshot's position before Checkpoint writes a new one.
const SnapshotEvery = 50_000

// snapshotChunk is how many ops the checkpointer applies between two
// yields of the processor to the other goroutines.
const snapshotChunk = 2_000

// AidSnapshots is the store of the book's snapshot. A store that is an
// AidStore may implement it; without it, a restart replays every op.
type AidSnapshots interface {
	// BookSnapshot returns the saved snapshot (Data nil if there is none)
	// with the store's epoch, its count of invalidations.
	BookSnapshot(ctx context.Context) (BookSnapshot, error)
	// OpsAfter lists the recorded ops after a position (the op at At with
	// Event; from the first op if both are zero), in canonical order.
	OpsAfter(ctx context.Context, at time.Time, evt EventID) ([]Op, error)
	// CountOpsAfter counts the recorded ops after a position, as OpsAfter.
	CountOpsAfter(ctx context.Context, at time.Time, evt EventID) (int, error)
	// PutBookSnapshot replaces the snapshot by next, in one transaction, if
	// the store still holds what next was built from: its epoch is still
	// epoch, and it holds next.Ops ops up to next's position (from's ops
	// and those after from's position; every op when from is nil). It
	// reports whether it wrote.
	PutBookSnapshot(ctx context.Context, epoch int64, from *BookSnapshot, next BookSnapshot) (bool, error)
	// DropBookSnapshot drops the snapshot and counts an invalidation.
	DropBookSnapshot(ctx context.Context) error
}

// Loaded tells how the book was loaded, for the edge to log once.
type Loaded struct {
	// FromSnapshot is set when the book was decoded from a snapshot of
	// SnapshotOps ops; Replayed ops were replayed (after the snapshot, or
	// all of them).
	FromSnapshot bool
	SnapshotOps  int
	Replayed     int
	// Why is why the snapshot was not used ("" if it was): there was none,
	// the store keeps none, or it did not decode.
	Why  string
	Took time.Duration
}

// Load loads the book if it is not loaded yet (as the first call after a
// restart does) and tells how it was loaded.
func (s *Aid) Load(ctx context.Context) (Loaded, error) {
	s.lock()
	defer s.unlock()
	if _, err := s.loadBook(ctx); err != nil {
		return Loaded{}, err
	}
	return s.loaded, nil
}

// restore builds the book from the snapshot and the ops after it, or, if
// there is no usable snapshot, from every recorded op.
func (s *Aid) restore(ctx context.Context) (*Book, Loaded, error) {
	start := time.Now()
	limit := s.cfg.journalOps()
	why := "the store keeps no snapshot"
	sn, ok := s.store.(AidSnapshots)
	var epoch int64
	if ok {
		snap, err := sn.BookSnapshot(ctx)
		if err != nil {
			return nil, Loaded{}, fmt.Errorf("failed to read the book's snapshot: %w", err)
		}
		b, count, derr := decodeSnapshot(snap)
		if derr == nil {
			tail, err := sn.OpsAfter(ctx, snap.At, snap.Event)
			if err != nil {
				return nil, Loaded{}, fmt.Errorf("failed to load the ops after the snapshot: %w", err)
			}
			replayOnto(b, tail, limit, false)
			return b, Loaded{FromSnapshot: true, SnapshotOps: count, Replayed: len(tail), Took: time.Since(start)}, nil
		}
		why, epoch = derr.Error(), snap.Epoch
	}
	ops, err := s.store.Ops(ctx)
	if err != nil {
		return nil, Loaded{}, fmt.Errorf("failed to load ops: %w", err)
	}
	b, pending := s.replayAll(ops)
	if pending != nil {
		pending.Epoch = epoch
		s.pending.Store(pending)
	}
	return b, Loaded{Replayed: len(ops), Why: why, Took: time.Since(start)}, nil
}

// replayAll replays every op into a fresh book and, if the store keeps
// snapshots, makes one on its way (replayAndSnapshot).
func (s *Aid) replayAll(ops []Op) (*Book, *BookSnapshot) {
	if _, ok := s.store.(AidSnapshots); !ok {
		return replay(ops, s.cfg.journalOps(), nil), nil
	}
	return replayAndSnapshot(ops, s.cfg.journalOps())
}

// dropSnapshot drops the store's snapshot, if it keeps one, in the
// caller's transaction, and gives pending (if not nil) the epoch after
// that drop.
func (s *Aid) dropSnapshot(ctx context.Context, pending *BookSnapshot) error {
	sn, ok := s.store.(AidSnapshots)
	if !ok {
		return nil
	}
	if err := sn.DropBookSnapshot(ctx); err != nil {
		return fmt.Errorf("failed to drop the book's snapshot: %w", err)
	}
	if pending == nil {
		return nil
	}
	snap, err := sn.BookSnapshot(ctx)
	if err != nil {
		return fmt.Errorf("failed to read the book's snapshot: %w", err)
	}
	pending.Epoch = snap.Epoch
	return nil
}

// replayAndSnapshot replays ops into a fresh book as replay does and, when
// there are more than the journal reaches, encodes the book as it stands
// before those: the snapshot the next checkpoint writes, so that it need
// not replay every op again.
func replayAndSnapshot(ops []Op, limit int) (*Book, *BookSnapshot) {
	b := NewBook()
	fold := len(ops) - limit
	if fold <= 0 {
		replayOnto(b, ops, limit, false)
		return b, nil
	}
	replayOnto(b, ops[:fold], 0, false)
	last := ops[fold-1]
	snap := &BookSnapshot{At: last.At, Event: last.Event, Ops: fold, Data: encodeBook(b, fold)}
	replayOnto(b, ops[fold:], limit, false)
	return b, snap
}

// decodeSnapshot decodes a snapshot read from the store, checking that it
// is one and that it holds the ops it says.
func decodeSnapshot(snap BookSnapshot) (*Book, int, error) {
	if snap.Data == nil {
		return nil, 0, fmt.Errorf("there is no snapshot")
	}
	b, count, err := decodeBook(snap.Data)
	if err != nil {
		return nil, 0, err
	}
	if count != snap.Ops || b.last.Event != snap.Event || !b.last.At.Equal(snap.At) {
		return nil, 0, fmt.Errorf("%w: its position is not the one stored", errSnapshotCorrupt)
	}
	return b, count, nil
}

// replayOnto applies ops, in canonical order, to a book that holds the
// ops before them, journaling the last limit of those the book will hold;
// no outcome is made for anyone and nothing is marked changed. yield
// gives the processor away between chunks of ops.
func replayOnto(b *Book, ops []Op, limit int, yield bool) {
	b.quiet, b.rec.dirty.off = true, true
	b.SetJournalLimit(0)
	for i, o := range ops {
		if i == max(len(ops)-limit, 0) {
			b.SetJournalLimit(limit)
		}
		_, _ = b.Apply(o)
		if yield && i%snapshotChunk == snapshotChunk-1 {
			runtime.Gosched()
		}
	}
	b.quiet, b.scratch, b.rec.dirty.off = false, Outcome{}, false
	b.SetJournalLimit(limit)
	b.rec.resetDirty()
}

// Checkpointed tells what Checkpoint did, for the edge to log.
type Checkpointed struct {
	// Wrote is set when a new snapshot was written, of Ops ops; Applied of
	// them were applied to the last snapshot (or to an empty book: Why
	// says why that one was not used). Lost is set when the store changed
	// while the snapshot was built: nothing was written. FromLoad is set
	// when the snapshot was the one a load that replayed every op made.
	Wrote, Lost, FromLoad bool
	Ops                   int
	Applied               int
	Why                   string
	Took                  time.Duration
}

// Checkpoint writes the snapshot the last load made while it replayed
// every op, if there is one. Else it writes a new snapshot of the book
// when the store holds more than SnapshotEvery ops
// (Config.AidSnapshotEvery) beyond the journal's reach after the last one
// (or there is none): it decodes the last snapshot (or starts from an
// empty book), applies the ops recorded after it but the newest ones the
// journal reaches, and writes it, checked against the store in one
// transaction. It never touches the live book nor takes its lock, and
// gives the processor away now and then while it replays. Checkpoints run
// one at a time; a call while one runs does nothing.
func (s *Aid) Checkpoint(ctx context.Context) (Checkpointed, error) {
	sn, ok := s.store.(AidSnapshots)
	if !ok || !s.checkpointMu.TryLock() {
		return Checkpointed{}, nil
	}
	defer s.checkpointMu.Unlock()
	start := time.Now()
	if p := s.pending.Swap(nil); p != nil {
		wrote, err := sn.PutBookSnapshot(ctx, p.Epoch, nil, *p)
		if err != nil {
			return Checkpointed{}, fmt.Errorf("failed to write the book's snapshot: %w", err)
		}
		return Checkpointed{Wrote: wrote, Lost: !wrote, Ops: p.Ops, FromLoad: true, Took: time.Since(start)}, nil
	}
	snap, err := sn.BookSnapshot(ctx)
	if err != nil {
		return Checkpointed{}, fmt.Errorf("failed to read the book's snapshot: %w", err)
	}
	b, count, derr := decodeSnapshot(snap)
	from := &snap
	if derr != nil {
		b, count, from = NewBook(), 0, nil
	}
	ops, err := s.opsToFold(ctx, sn, from)
	if err != nil || len(ops) == 0 {
		return Checkpointed{}, err
	}
	replayOnto(b, ops, 0, true)
	last := ops[len(ops)-1]
	next := BookSnapshot{At: last.At, Event: last.Event, Ops: count + len(ops), Data: encodeBook(b, count+len(ops))}
	wrote, err := sn.PutBookSnapshot(ctx, snap.Epoch, from, next)
	if err != nil {
		return Checkpointed{}, fmt.Errorf("failed to write the book's snapshot: %w", err)
	}
	res := Checkpointed{Wrote: wrote, Lost: !wrote, Ops: next.Ops, Applied: len(ops), Took: time.Since(start)}
	if derr != nil {
		res.Why = derr.Error()
	}
	return res, nil
}

// opsToFold returns the ops a new snapshot adds to from (nil: none, every
// op then), all but the newest the journal reaches; none when a new
// snapshot is not due yet.
func (s *Aid) opsToFold(ctx context.Context, sn AidSnapshots, from *BookSnapshot) ([]Op, error) {
	var at time.Time
	var evt EventID
	if from != nil {
		at, evt = from.At, from.Event
	}
	keep := s.cfg.journalOps()
	n, err := sn.CountOpsAfter(ctx, at, evt)
	if err != nil {
		return nil, fmt.Errorf("failed to count the ops after the snapshot: %w", err)
	}
	if n-keep < s.cfg.snapshotEvery() && from != nil || n-keep <= 0 {
		return nil, nil
	}
	ops, err := sn.OpsAfter(ctx, at, evt)
	if err != nil {
		return nil, fmt.Errorf("failed to load the ops after the snapshot: %w", err)
	}
	return ops[:max(len(ops)-keep, 0)], nil
}
