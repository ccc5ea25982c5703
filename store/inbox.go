package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"go.mau.fi/util/dbutil"

	"github.com/exodus-matrix/exodus/ledger"
)

// Enqueue records the events in one transaction (joining the caller's, if
// ctx carries one), in the order given, which becomes their Seq order.
// Events whose ID was seen before, even in the same call, are ignored;
// added counts the new ones. The Seq of the given events is not filled in.
// The rows go in multi-row INSERTs of enqueueChunk rows or fewer (a power
// of two, so that few statement texts are compiled and cached).
func (s *Store) Enqueue(ctx context.Context, events []ledger.InboxEvent) (int, error) {
	if len(events) == 0 {
		return 0, nil
	}
	added := 0
	err := s.InTx(ctx, func(ctx context.Context) error {
		added = 0 // in case the transaction is retried
		for rest := events; len(rest) > 0; {
			n := chunkOf(len(rest))
			k, err := s.enqueueRows(ctx, rest[:n])
			if err != nil {
				return err
			}
			added, rest = added+k, rest[n:]
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return added, nil
}

// enqueueChunk is the most rows one INSERT of Enqueue carries (4
// parameters each, far below SQLite's and Postgres's bounds).
const enqueueChunk = 64

// chunkOf returns how many of n rows the next INSERT carries: the largest
// power of two not above n nor enqueueChunk.
func chunkOf(n int) int {
	c := enqueueChunk
	for c > n {
		c /= 2
	}
	return c
}

// enqueueQuery inserts rows into the inbox.
var enqueueQuery = newMultiRow(`INSERT INTO inbox (event_id, room_id, raw, received_at) VALUES `, 4, 1, true,
	` ON CONFLICT (event_id) DO NOTHING`)

// enqueueRows inserts events in one statement, in their order (the rows
// of a VALUES list are inserted in turn, so Seq follows it), skipping the
// IDs already held, and returns how many it added.
func (s *Store) enqueueRows(ctx context.Context, events []ledger.InboxEvent) (int, error) {
	args := make([]any, 0, 4*len(events))
	for _, e := range events {
		args = append(args, string(e.ID), string(e.Room), rawBytes(e.Raw), toMS(e.ReceivedAt))
	}
	res, err := s.db.Exec(ctx, enqueueQuery.text(len(events)), args...)
	if err != nil {
		return 0, fmt.Errorf("failed to enqueue events: %w", err)
	}
	n, err := rowsAffected(res, "inbox event")
	return int(n), err
}

// rawBytes never passes nil: the raw column is NOT NULL.
func rawBytes(raw []byte) []byte {
	if raw == nil {
		return []byte{}
	}
	return raw
}

// scanInboxEvent reads one row of the inbox.
func scanInboxEvent(row dbutil.Scannable) (ledger.InboxEvent, error) {
	var (
		e        ledger.InboxEvent
		id, room string
		received int64
		waiting  sql.NullInt64
	)
	if err := row.Scan(&e.Seq, &id, &room, &e.Raw, &received, &waiting); err != nil {
		return e, err
	}
	e.ID, e.Room, e.ReceivedAt = ledger.EventID(id), ledger.RoomID(room), fromMS(received)
	if waiting.Valid {
		e.WaitingSince = fromMS(waiting.Int64)
	}
	return e, nil
}

// Pending returns up to limit events not yet marked done nor parked,
// oldest (lowest Seq) first. A limit of zero or less returns nothing.
func (s *Store) Pending(ctx context.Context, limit int) ([]ledger.InboxEvent, error) {
	if limit <= 0 {
		return nil, nil
	}
	return queryList(ctx, s.db, scanInboxEvent, "pending inbox events", `
		SELECT seq, event_id, room_id, raw, received_at, wait_since FROM inbox
		WHERE done_at IS NULL AND wait_session IS NULL ORDER BY seq LIMIT $1`, limit)
}

// MarkDone records that the event with the given Seq was handled, stamping
// it with the current wall-clock time, and drops its raw body (what a
// member typed is not kept once handled; the event ID stays, so a
// redelivery is still known). errText is empty on success and kept for
// diagnosis otherwise. Marking an event done again overwrites the stamp
// and the error. An unknown seq gives an ENotFound error "inbox.not_found".
func (s *Store) MarkDone(ctx context.Context, seq int64, errText string) error {
	res, err := s.db.Exec(ctx, `UPDATE inbox SET done_at = $1, error = $2, raw = $3, wait_session = NULL WHERE seq = $4`,
		s.now().UnixMilli(), errText, []byte{}, seq)
	if err != nil {
		return fmt.Errorf("failed to mark inbox event done: %w", err)
	}
	n, err := rowsAffected(res, "inbox event")
	if err != nil {
		return err
	}
	if n == 0 {
		return ledger.Errorf(ledger.ENotFound, "inbox.not_found")
	}
	return nil
}

// MarkAllDone marks the events with the given Seqs done with no error, as
// MarkDone does one by one, in UPDATEs of up to enqueueChunk events each (a
// power of two, so that few statement texts are compiled and cached). The
// Seqs are distinct; when one is unknown, an ENotFound error
// "inbox.not_found" is returned (within a transaction, the caller takes
// the marks back).
func (s *Store) MarkAllDone(ctx context.Context, seqs []int64) error {
	now := s.now().UnixMilli()
	for rest := seqs; len(rest) > 0; {
		n := chunkOf(len(rest))
		if err := s.markRowsDone(ctx, rest[:n], now); err != nil {
			return err
		}
		rest = rest[n:]
	}
	return nil
}

// markDoneQuery marks inbox rows done.
var markDoneQuery = newMultiRow(`UPDATE inbox SET done_at = $1, error = '', raw = $2, wait_session = NULL WHERE seq IN (`,
	1, 3, false, `)`)

// markRowsDone marks the events with the given Seqs done at now, in one
// statement.
func (s *Store) markRowsDone(ctx context.Context, seqs []int64, now int64) error {
	args := make([]any, 0, 2+len(seqs))
	args = append(args, now, []byte{})
	for _, seq := range seqs {
		args = append(args, seq)
	}
	res, err := s.db.Exec(ctx, markDoneQuery.text(len(seqs)), args...)
	if err != nil {
		return fmt.Errorf("failed to mark inbox events done: %w", err)
	}
	n, err := rowsAffected(res, "inbox event")
	if err != nil {
		return err
	}
	if n != int64(len(seqs)) {
		return ledger.Errorf(ledger.ENotFound, "inbox.not_found")
	}
	return nil
}

// PruneInbox drops the raw body of every handled event still holding one
// (rows from before bodies were dropped on MarkDone), then deletes the
// handled events received before the given time; it returns how many were
// deleted. On SQLite the write-ahead log is then checkpointed, so the
// pages that held them are overwritten in the database file (the store
// opens SQLite with secure_delete on).
func (s *Store) PruneInbox(ctx context.Context, receivedBefore time.Time) (int, error) {
	if _, err := s.db.Exec(ctx, `UPDATE inbox SET raw = $1 WHERE done_at IS NOT NULL AND length(raw) > 0`, []byte{}); err != nil {
		return 0, fmt.Errorf("failed to drop handled events' bodies: %w", err)
	}
	res, err := s.db.Exec(ctx, `DELETE FROM inbox WHERE done_at IS NOT NULL AND received_at < $1`, toMS(receivedBefore))
	if err != nil {
		return 0, fmt.Errorf("failed to prune the inbox: %w", err)
	}
	n, err := rowsAffected(res, "inbox event")
	if err != nil {
		return 0, err
	}
	if err := s.Flush(ctx); err != nil {
		return int(n), err
	}
	return int(n), nil
}

// Flush checkpoints SQLite's write-ahead log into the database file and
// truncates it, so content erased (and zeroed there, secure_delete being
// on) is left in no log; nothing to do on Postgres.
func (s *Store) Flush(ctx context.Context) error {
	if s.db.Dialect != dbutil.SQLite {
		return nil
	}
	if _, err := s.db.Exec(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return fmt.Errorf("failed to checkpoint the database: %w", err)
	}
	return nil
}

// CountPending counts the events not yet marked done: the inbox's backlog.
func (s *Store) CountPending(ctx context.Context) (int, error) {
	var n int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM inbox WHERE done_at IS NULL`).Scan(&n); err != nil {
		return 0, fmt.Errorf("failed to count pending inbox events: %w", err)
	}
	return n, nil
}

// Park sets the pending event with the given Seq aside until the key of
// session arrives: Pending skips it until Unpark wakes it. It stays
// recorded, raw body and all. The time of its first park is kept when it
// is parked again. An unknown seq gives an ENotFound error
// "inbox.not_found".
func (s *Store) Park(ctx context.Context, seq int64, session string, at time.Time) error {
	res, err := s.db.Exec(ctx, `
		UPDATE inbox SET wait_session = $1, wait_since = COALESCE(wait_since, $2)
		WHERE seq = $3 AND done_at IS NULL`, session, toMS(at), seq)
	if err != nil {
		return fmt.Errorf("failed to park an inbox event: %w", err)
	}
	n, err := rowsAffected(res, "inbox event")
	if err != nil {
		return err
	}
	if n == 0 {
		return ledger.Errorf(ledger.ENotFound, "inbox.not_found")
	}
	return nil
}

// Unpark wakes the events waiting for session, or every parked event when
// session is "", and returns how many it woke.
func (s *Store) Unpark(ctx context.Context, session string) (int, error) {
	q, args := `UPDATE inbox SET wait_session = NULL WHERE wait_session = $1`, []any{session}
	if session == "" {
		q, args = `UPDATE inbox SET wait_session = NULL WHERE wait_session IS NOT NULL`, nil
	}
	res, err := s.db.Exec(ctx, q, args...)
	if err != nil {
		return 0, fmt.Errorf("failed to wake parked inbox events: %w", err)
	}
	n, err := rowsAffected(res, "inbox event")
	return int(n), err
}

// Parked is how the events waiting for their room keys stand.
type Parked struct {
	// Events counts the parked events.
	Events int
	// Oldest is when the longest-waiting one was first parked (zero when
	// none).
	Oldest time.Time
}

// CountParked counts the events parked waiting for their room keys, and
// finds when the oldest was first parked.
func (s *Store) CountParked(ctx context.Context) (Parked, error) {
	var (
		p      Parked
		oldest sql.NullInt64
	)
	err := s.db.QueryRow(ctx, `SELECT COUNT(*), MIN(wait_since) FROM inbox WHERE wait_session IS NOT NULL`).Scan(&p.Events, &oldest)
	if err != nil {
		return Parked{}, fmt.Errorf("failed to count the events waiting for room keys: %w", err)
	}
	if oldest.Valid {
		p.Oldest = fromMS(oldest.Int64)
	}
	return p, nil
}
