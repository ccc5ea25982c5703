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

// The snapshot of the mutual-aid book (ledger.AidSnapshots): one row of
// aid_snapshot, id 1. AppendOp drops it when an op sorts before its
// position, EraseOpTexts when it erases a text, ClearLedger with the rest.

var _ ledger.AidSnapshots = (*Aid)(nil)

// BookSnapshot returns the saved snapshot (Data nil if none) and the epoch.
func (s *Aid) BookSnapshot(ctx context.Context) (ledger.BookSnapshot, error) {
	var snap ledger.BookSnapshot
	var at int64
	var evt string
	err := s.db.QueryRow(ctx, `SELECT epoch, at, event_id, ops, data FROM aid_snapshot WHERE id = 1`).
		Scan(&snap.Epoch, &at, &evt, &snap.Ops, &snap.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return ledger.BookSnapshot{}, nil
	}
	if err != nil {
		return ledger.BookSnapshot{}, fmt.Errorf("failed to query aid_snapshot: %w", err)
	}
	snap.At, snap.Event = fromMS(at), ledger.EventID(evt)
	return snap, nil
}

// afterPosition is the condition of the ops after a position ($1, $2).
const afterPosition = `(at, event_id) > ($1, $2)`

// OpsAfter lists the ops after a position in canonical order (every op
// when the position is zero).
func (s *Aid) OpsAfter(ctx context.Context, at time.Time, evt ledger.EventID) ([]ledger.Op, error) {
	if at.IsZero() && evt == "" {
		return s.Ops(ctx)
	}
	return queryList(ctx, s.db, scanOp, "ops after the snapshot",
		`SELECT body FROM aid_ops WHERE `+afterPosition+` ORDER BY at, event_id`, toMS(at), string(evt))
}

// CountOpsAfter counts the ops after a position (every op when it is zero).
func (s *Aid) CountOpsAfter(ctx context.Context, at time.Time, evt ledger.EventID) (int, error) {
	q, args := `SELECT COUNT(*) FROM aid_ops WHERE `+afterPosition, []any{toMS(at), string(evt)}
	if at.IsZero() && evt == "" {
		q, args = `SELECT COUNT(*) FROM aid_ops`, nil
	}
	var n int
	if err := s.db.QueryRow(ctx, q, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("failed to count ops: %w", err)
	}
	return n, nil
}

// PutBookSnapshot replaces the snapshot by next if the epoch is still
// epoch and the store holds next.Ops ops up to next's position: from.Ops
// and those between from's position and next's (every op up to next's
// when from is nil), all in one transaction.
func (s *Aid) PutBookSnapshot(ctx context.Context, epoch int64, from *ledger.BookSnapshot, next ledger.BookSnapshot) (bool, error) {
	wrote := false
	err := s.db.DoTxn(ctx, nil, func(ctx context.Context) error {
		if s.db.Dialect == dbutil.Postgres {
			// No op may be recorded between the count and the commit.
			if _, err := s.db.Exec(ctx, `LOCK TABLE aid_ops IN SHARE MODE`); err != nil {
				return fmt.Errorf("failed to lock the ops: %w", err)
			}
		}
		cur, err := s.BookSnapshot(ctx)
		if err != nil || cur.Epoch != epoch {
			return err
		}
		n, err := s.countUpTo(ctx, from, next)
		if err != nil || n != next.Ops {
			return err
		}
		_, err = s.db.Exec(ctx, `
			INSERT INTO aid_snapshot (id, epoch, at, event_id, ops, data) VALUES (1, $1, $2, $3, $4, $5)
			ON CONFLICT (id) DO UPDATE SET at = excluded.at, event_id = excluded.event_id,
				ops = excluded.ops, data = excluded.data`,
			epoch, toMS(next.At), string(next.Event), next.Ops, next.Data)
		if err != nil {
			return fmt.Errorf("failed to save the book's snapshot: %w", err)
		}
		wrote = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("failed to replace the book's snapshot: %w", err)
	}
	return wrote, nil
}

// countUpTo counts the ops up to next's position: from.Ops and those after
// from's position, or all of them when from is nil.
func (s *Aid) countUpTo(ctx context.Context, from *ledger.BookSnapshot, next ledger.BookSnapshot) (int, error) {
	q, args := `SELECT COUNT(*) FROM aid_ops WHERE (at, event_id) <= ($1, $2)`, []any{toMS(next.At), string(next.Event)}
	base := 0
	if from != nil {
		q = `SELECT COUNT(*) FROM aid_ops WHERE (at, event_id) <= ($1, $2) AND (at, event_id) > ($3, $4)`
		args = append(args, toMS(from.At), string(from.Event))
		base = from.Ops
	}
	var n int
	if err := s.db.QueryRow(ctx, q, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("failed to count the ops of a snapshot: %w", err)
	}
	return base + n, nil
}

// DropBookSnapshot drops the snapshot and counts an invalidation.
func (s *Aid) DropBookSnapshot(ctx context.Context) error {
	_, err := s.db.Exec(ctx, `
		INSERT INTO aid_snapshot (id, epoch, at, event_id, ops, data) VALUES (1, 1, 0, '', 0, NULL)
		ON CONFLICT (id) DO UPDATE SET epoch = aid_snapshot.epoch + 1, at = 0, event_id = '', ops = 0, data = NULL`)
	if err != nil {
		return fmt.Errorf("failed to drop the book's snapshot: %w", err)
	}
	return nil
}

// dropSnapshotBefore drops the snapshot if op sorts before its position:
// the snapshot no longer holds what the ops up to it make.
func (s *Aid) dropSnapshotBefore(ctx context.Context, op ledger.Op) error {
	_, err := s.db.Exec(ctx, `
		UPDATE aid_snapshot SET epoch = epoch + 1, at = 0, event_id = '', ops = 0, data = NULL
		WHERE data IS NOT NULL AND (at, event_id) > ($1, $2)`, toMS(op.At), string(op.Event))
	if err != nil {
		return fmt.Errorf("failed to drop the book's snapshot: %w", err)
	}
	return nil
}
