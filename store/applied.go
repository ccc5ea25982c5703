package store

import (
	"context"
	"fmt"
	"time"

	"go.mau.fi/util/dbutil"

	"github.com/exodus-matrix/exodus/ledger"
)

// The ledger's applied marks of a run of events, written together.
//
// The intake handles a run of events in one transaction and asks, at its
// start and inside it, which of the run's events were applied before
// (LookUpApplied: one SELECT for the run). A MarkApplied of one of those
// events in that transaction then needs no statement of its own: the mark
// is held in the transaction (appliedTx) and written with the others
// before the commit (flushApplied: a few multi-row INSERTs for the run).
// Every path that applies events (the intake, the replica's catch-up,
// `exodus rebuild`, the web's actions) still finds every mark in
// applied_events once the transaction commits, and none before, as with a
// mark written at once: a transaction's writes are seen only at its commit.
// Within the transaction, a second MarkApplied of the same event finds the
// mark held. Should another transaction have marked one of the events
// after the look-up (possible on Postgres, whose reads do not take
// SQLite's write lock), the INSERT adds fewer rows than it holds and the
// whole transaction is taken back: the events are handled again, and then
// found applied.

// appliedTx is what one transaction knows of the applied marks of events
// it looked up, and the marks it holds to write before its commit.
type appliedTx struct {
	known map[ledger.EventID]bool // true: applied (in the table, or held)
	held  []appliedMark           // the marks to write, in the order made
}

// appliedMark is a mark held: the event and when it was applied (ms).
type appliedMark struct {
	evt ledger.EventID
	at  int64
}

// mark marks evt applied at at if the transaction looked it up: fresh is
// false if it was applied before; known is false if it was not looked up
// (the caller writes the mark itself).
func (a *appliedTx) mark(evt ledger.EventID, at time.Time) (fresh, known bool) {
	applied, known := a.known[evt]
	if !known || applied {
		return false, known
	}
	a.known[evt] = true
	a.held = append(a.held, appliedMark{evt, toMS(at)})
	return true, true
}

// undoSince drops the marks held after the first n (a savepoint taken
// back): their events are known unapplied again.
func (a *appliedTx) undoSince(n int) {
	if n >= len(a.held) {
		return // nothing held since (or the marks were cleared with the ledger)
	}
	for _, m := range a.held[n:] {
		a.known[m.evt] = false
	}
	a.held = a.held[:n]
}

// LookUpApplied reads which of the events were applied, inside the
// transaction ctx carries (outside one it does nothing), so that marking
// one of them applied in that transaction writes nothing until its commit
// (see above). One SELECT for every appliedChunk events or fewer.
func (s *Store) LookUpApplied(ctx context.Context, events []ledger.EventID) error {
	c := cacheOf(ctx, s.db)
	if c == nil {
		return nil
	}
	if c.applied.known == nil {
		c.applied.known = make(map[ledger.EventID]bool, len(events))
	}
	for rest := events; len(rest) > 0; {
		n := chunkOf(len(rest))
		if err := s.lookUpApplied(ctx, c, rest[:n]); err != nil {
			return err
		}
		rest = rest[n:]
	}
	return nil
}

// lookUpAppliedQuery reads which events were applied; insertAppliedQuery
// marks events applied.
var (
	lookUpAppliedQuery = newMultiRow(`SELECT event_id FROM applied_events WHERE event_id IN (`, 1, 1, false, `)`)
	insertAppliedQuery = newMultiRow(`INSERT INTO applied_events (event_id, applied_at) VALUES `, 2, 1, true,
		` ON CONFLICT (event_id) DO NOTHING`)
)

// lookUpApplied looks the events up in one statement.
func (s *Store) lookUpApplied(ctx context.Context, c *txCache, events []ledger.EventID) error {
	args := make([]any, len(events))
	for i, evt := range events {
		args[i] = string(evt)
	}
	applied, err := queryList(ctx, s.db, func(row dbutil.Scannable) (string, error) {
		var id string
		return id, row.Scan(&id)
	}, "applied events", lookUpAppliedQuery.text(len(events)), args...)
	if err != nil {
		return err
	}
	for _, evt := range events {
		if _, held := c.applied.known[evt]; !held {
			c.applied.known[evt] = false
		}
	}
	for _, id := range applied {
		c.applied.known[ledger.EventID(id)] = true
	}
	return nil
}

// flushApplied writes the marks the transaction holds, in multi-row
// INSERTs; if one of them was written meanwhile by another transaction, it
// fails, and the transaction is taken back.
func (s *Store) flushApplied(ctx context.Context, c *txCache) error {
	for rest := c.applied.held; len(rest) > 0; {
		n := chunkOf(len(rest))
		if err := s.insertApplied(ctx, rest[:n]); err != nil {
			return err
		}
		rest = rest[n:]
	}
	c.applied.held = nil
	return nil
}

// insertApplied writes marks in one statement.
func (s *Store) insertApplied(ctx context.Context, marks []appliedMark) error {
	args := make([]any, 0, 2*len(marks))
	for _, m := range marks {
		args = append(args, string(m.evt), m.at)
	}
	res, err := s.db.Exec(ctx, insertAppliedQuery.text(len(marks)), args...)
	if err != nil {
		return fmt.Errorf("failed to mark events applied: %w", err)
	}
	n, err := rowsAffected(res, "applied events")
	if err != nil {
		return err
	}
	if n != int64(len(marks)) {
		return fmt.Errorf("failed to mark events applied: %d of %d were marked by another transaction meanwhile",
			int64(len(marks))-n, len(marks))
	}
	return nil
}
