package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/exodus-matrix/exodus/ledger"
)

// The state of the bot's own /sync, in mode: bot: a few named values
// (table sync_state).

// SyncValue returns the value kept under name ("" when none is).
func (s *Store) SyncValue(ctx context.Context, name string) (string, error) {
	var v string
	err := s.db.QueryRow(ctx, `SELECT value FROM sync_state WHERE name = $1`, name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("failed to read %s: %w", name, err)
	}
	return v, nil
}

// SetSyncValue keeps value under name, joining the transaction ctx
// carries (Store.InTx), if any.
func (s *Store) SetSyncValue(ctx context.Context, name, value string) error {
	_, err := s.db.Exec(ctx, `
		INSERT INTO sync_state (name, value) VALUES ($1, $2)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, value)
	if err != nil {
		return fmt.Errorf("failed to keep %s: %w", name, err)
	}
	return nil
}

// KnownEvents counts how many of the events the inbox has recorded
// (pending or handled, until pruned).
func (s *Store) KnownEvents(ctx context.Context, ids []ledger.EventID) (int, error) {
	n := 0
	for _, id := range ids {
		var one int
		err := s.db.QueryRow(ctx, `SELECT 1 FROM inbox WHERE event_id = $1`, string(id)).Scan(&one)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return 0, fmt.Errorf("failed to look an event up in the inbox: %w", err)
		default:
			n++
		}
	}
	return n, nil
}
