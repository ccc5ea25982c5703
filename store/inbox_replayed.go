package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/exodus-matrix/exodus/ledger"
)

// RecordHandled records events handled elsewhere (replayed from the rooms'
// history by a rebuild) as done in the inbox, in the transaction ctx
// carries (or one of its own), without their bodies, errs[ID] the error of
// those whose handling failed: the homeserver's pushes and reconciliation
// then know them and do not handle them again. An event already recorded
// and still pending is marked done (its body dropped), one already done is
// left as it is. The rows go in multi-row upserts of enqueueChunk rows or
// fewer (a power of two, so that few statement texts are compiled).
func (s *Store) RecordHandled(ctx context.Context, events []ledger.InboxEvent, errs map[ledger.EventID]string) error {
	now := s.now().UnixMilli()
	events = distinctEvents(events)
	return s.InTx(ctx, func(ctx context.Context) error {
		for rest := events; len(rest) > 0; {
			n := chunkOf(len(rest))
			if err := s.recordHandledRows(ctx, rest[:n], errs, now); err != nil {
				return err
			}
			rest = rest[n:]
		}
		return nil
	})
}

// recordHandledRows records events as done at now in one statement.
func (s *Store) recordHandledRows(ctx context.Context, events []ledger.InboxEvent, errs map[ledger.EventID]string, now int64) error {
	var q strings.Builder
	q.WriteString(`INSERT INTO inbox (event_id, room_id, raw, received_at, done_at, error) VALUES `)
	args := make([]any, 0, 2+4*len(events))
	args = append(args, []byte{}, now)
	for i, e := range events {
		if i > 0 {
			q.WriteString(", ")
		}
		fmt.Fprintf(&q, "($%d, $%d, $1, $%d, $2, $%d)", 4*i+3, 4*i+4, 4*i+5, 4*i+6)
		args = append(args, string(e.ID), string(e.Room), toMS(e.ReceivedAt), errs[e.ID])
	}
	q.WriteString(` ON CONFLICT (event_id) DO UPDATE SET done_at = excluded.done_at, error = excluded.error,
		raw = excluded.raw, wait_session = NULL WHERE inbox.done_at IS NULL`)
	if _, err := s.db.Exec(ctx, q.String(), args...); err != nil {
		return fmt.Errorf("failed to record handled events: %w", err)
	}
	return nil
}

// distinctEvents returns events without the repeats of an ID (the first
// kept): Postgres refuses an upsert that meets one row twice.
func distinctEvents(events []ledger.InboxEvent) []ledger.InboxEvent {
	seen := make(map[ledger.EventID]bool, len(events))
	out := make([]ledger.InboxEvent, 0, len(events))
	for _, e := range events {
		if !seen[e.ID] {
			seen[e.ID] = true
			out = append(out, e)
		}
	}
	return out
}
