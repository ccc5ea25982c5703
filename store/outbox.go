package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"go.mau.fi/util/dbutil"

	"github.com/exodus-matrix/exodus/ledger"
)

// PutOutbox writes a message to the outbox, in the transaction ctx carries
// if any. A message whose Key names a pending message replaces that one's
// content, edit target and after-send record in place (its place in the
// order stays; its version is raised, so a send of the older text in
// flight is known to be stale).
//
// In a transaction, a message without a key is held and written with the
// others before the commit (outbox_held.go).
func (s *Store) PutOutbox(ctx context.Context, m ledger.OutboxMessage) error {
	if s.holdOutbox(ctx, m) {
		return nil
	}
	if err := s.flushOutbox(ctx); err != nil {
		return err
	}
	if m.Key != "" {
		res, err := s.db.Exec(ctx, `
			UPDATE outbox SET content = $1, then_do = $2, version = version + 1
			WHERE id = (SELECT MAX(id) FROM outbox WHERE msg_key = $3)`,
			nonNil(m.Content), nonNil(m.Then), m.Key)
		if err != nil {
			return fmt.Errorf("failed to replace an outbox message: %w", err)
		}
		if n, err := rowsAffected(res, "outbox message"); err != nil || n > 0 {
			return err
		}
	}
	_, err := s.db.Exec(ctx, `
		INSERT INTO outbox (room_id, to_user, event_type, content, edits, msg_key, then_do, cause, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		string(m.Room), string(m.To), m.EventType, nonNil(m.Content), string(m.Edits), m.Key, nonNil(m.Then),
		string(m.Cause), toMS(s.stamp(m.CreatedAt)))
	if err != nil {
		return fmt.Errorf("failed to write an outbox message: %w", err)
	}
	return nil
}

// stamp is t, or the store's clock when t is zero.
func (s *Store) stamp(t time.Time) time.Time {
	if t.IsZero() {
		return s.now()
	}
	return t
}

// scanOutbox reads one row of the outbox.
func scanOutbox(row dbutil.Scannable) (ledger.OutboxMessage, error) {
	var (
		m                      ledger.OutboxMessage
		room, to, edits, cause string
		created, next          int64
	)
	err := row.Scan(&m.ID, &m.Version, &room, &to, &m.EventType, &m.Content, &edits, &m.Key, &m.Then, &cause,
		&created, &m.Attempts, &next)
	m.Room, m.To, m.Edits, m.Cause = ledger.RoomID(room), ledger.UserID(to), ledger.EventID(edits), ledger.EventID(cause)
	m.CreatedAt = fromMS(created)
	if next > 0 {
		m.NextAt = fromMS(next)
	}
	return m, err
}

// PendingOutbox returns up to limit pending messages, oldest first.
func (s *Store) PendingOutbox(ctx context.Context, limit int) ([]ledger.OutboxMessage, error) {
	if err := s.flushOutbox(ctx); err != nil {
		return nil, err
	}
	if limit <= 0 {
		return nil, nil
	}
	return queryList(ctx, s.db, scanOutbox, "outbox messages", `
		SELECT id, version, room_id, to_user, event_type, content, edits, msg_key, then_do, cause,
			created_at, attempts, next_at
		FROM outbox ORDER BY id LIMIT $1`, limit)
}

// SentOutbox records that version of message id was sent as evt: the
// message is deleted, unless a newer text replaced it meanwhile; then it
// stays, as an edit of evt when it was not one already, and replaced is
// true.
func (s *Store) SentOutbox(ctx context.Context, id int64, version int, evt ledger.EventID) (bool, error) {
	if err := s.flushOutbox(ctx); err != nil {
		return false, err
	}
	replaced := false
	err := s.InTx(ctx, func(ctx context.Context) error {
		res, err := s.db.Exec(ctx, `DELETE FROM outbox WHERE id = $1 AND version = $2`, id, version)
		if err != nil {
			return fmt.Errorf("failed to delete a sent outbox message: %w", err)
		}
		if n, err := rowsAffected(res, "outbox message"); err != nil || n > 0 {
			return err
		}
		replaced = true
		_, err = s.db.Exec(ctx, `
			UPDATE outbox SET edits = $1, attempts = 0, next_at = 0 WHERE id = $2 AND edits = ''`, string(evt), id)
		if err != nil {
			return fmt.Errorf("failed to turn an outbox message into an edit: %w", err)
		}
		return nil
	})
	return replaced, err
}

// RetryOutbox puts off message id until at and counts the failed attempt.
func (s *Store) RetryOutbox(ctx context.Context, id int64, at time.Time) error {
	if err := s.flushOutbox(ctx); err != nil {
		return err
	}
	_, err := s.db.Exec(ctx, `UPDATE outbox SET attempts = attempts + 1, next_at = $1 WHERE id = $2`, toMS(at), id)
	if err != nil {
		return fmt.Errorf("failed to put off an outbox message: %w", err)
	}
	return nil
}

// SetOutboxRoom records the room a message to a member goes to.
func (s *Store) SetOutboxRoom(ctx context.Context, id int64, room ledger.RoomID) error {
	if err := s.flushOutbox(ctx); err != nil {
		return err
	}
	if _, err := s.db.Exec(ctx, `UPDATE outbox SET room_id = $1 WHERE id = $2`, string(room), id); err != nil {
		return fmt.Errorf("failed to set an outbox message's room: %w", err)
	}
	return nil
}

// DropOutbox forgets message id.
func (s *Store) DropOutbox(ctx context.Context, id int64) error {
	if err := s.flushOutbox(ctx); err != nil {
		return err
	}
	if _, err := s.db.Exec(ctx, `DELETE FROM outbox WHERE id = $1`, id); err != nil {
		return fmt.Errorf("failed to drop an outbox message: %w", err)
	}
	return nil
}

// OutboxBacklog counts the pending messages and finds when the oldest was
// written.
func (s *Store) OutboxBacklog(ctx context.Context) (ledger.OutboxBacklog, error) {
	if err := s.flushOutbox(ctx); err != nil {
		return ledger.OutboxBacklog{}, err
	}
	var (
		b      ledger.OutboxBacklog
		oldest sql.NullInt64
	)
	err := s.db.QueryRow(ctx, `SELECT COUNT(*), MIN(created_at) FROM outbox`).Scan(&b.Messages, &oldest)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return b, fmt.Errorf("failed to count the outbox: %w", err)
	}
	if oldest.Valid {
		b.Oldest = fromMS(oldest.Int64)
	}
	return b, nil
}
