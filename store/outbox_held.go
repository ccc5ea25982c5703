package store

import (
	"context"
	"fmt"

	"github.com/exodus-matrix/exodus/ledger"
)

// The outbox messages of a transaction, written together.
//
// A new message without a key (an answer, a notice) written in a
// transaction is held in it (txCache.outbox) and written with the others
// before its commit, in multi-row INSERTs, in the order written: the
// VALUES list gives the rows their IDs in its order, so the sender sends
// them in the same order as if each had been written at once. Whatever
// else reads or writes the outbox in the transaction (a card's keyed
// message, which may replace one pending, the sender's reads) writes the
// held messages first, so it sees the table as if each had been written
// at once. A savepoint taken back drops the messages it held, and holds
// again those held before it that were written in it (the rollback took
// them back); a transaction taken back drops all of them: as with rows
// written at once, a message is kept exactly when the change that called
// for it is.

// holdOutbox holds m in the transaction ctx carries, if any, and reports
// whether it did. m's content is kept as given, not copied: the bot
// builds each message's bytes anew and never changes them afterwards.
func (s *Store) holdOutbox(ctx context.Context, m ledger.OutboxMessage) bool {
	c := cacheOf(ctx, s.db)
	if c == nil || m.Key != "" {
		return false
	}
	m.CreatedAt = s.stamp(m.CreatedAt)
	c.outbox = append(c.outbox, m)
	return true
}

// flushOutbox writes the messages held in the transaction ctx carries.
// They stay in its list, counted as written: a savepoint taken back after
// they were written in it takes them back and holds them again.
func (s *Store) flushOutbox(ctx context.Context) error {
	c := cacheOf(ctx, s.db)
	if c == nil || c.outboxWritten == len(c.outbox) {
		return nil
	}
	if err := s.openLight(ctx); err != nil { // the write is not a scope's last
		return err
	}
	for rest := c.outbox[c.outboxWritten:]; len(rest) > 0; {
		n := chunkOf(len(rest))
		if err := s.insertOutbox(ctx, rest[:n]); err != nil {
			return err
		}
		rest = rest[n:]
	}
	c.outboxWritten = len(c.outbox)
	return nil
}

// insertOutboxQuery writes outbox messages.
var insertOutboxQuery = newMultiRow(`INSERT INTO outbox (room_id, to_user, event_type, content, edits, msg_key, then_do, cause, created_at) VALUES `,
	9, 1, true, ``)

// insertOutbox writes messages in one statement, in their order.
func (s *Store) insertOutbox(ctx context.Context, msgs []ledger.OutboxMessage) error {
	args := make([]any, 0, 9*len(msgs))
	for _, m := range msgs {
		args = append(args, string(m.Room), string(m.To), m.EventType, nonNil(m.Content), string(m.Edits), m.Key,
			nonNil(m.Then), string(m.Cause), toMS(m.CreatedAt))
	}
	if _, err := s.db.Exec(ctx, insertOutboxQuery.text(len(msgs)), args...); err != nil {
		return fmt.Errorf("failed to write outbox messages: %w", err)
	}
	return nil
}
