package store

import (
	"context"
	"fmt"

	"go.mau.fi/util/dbutil"

	"github.com/exodus-matrix/exodus/ledger"
)

const guaranteeColumns = `a, b, circle_id, pledge_minor, pledge_currency, created_by, created_at`

// scanGuarantee reads one row of guaranteeColumns.
func scanGuarantee(row dbutil.Scannable) (ledger.Guarantee, error) {
	var (
		g                          ledger.Guarantee
		a, b, circle, currency, by string
		createdAt                  int64
	)
	err := row.Scan(&a, &b, &circle, &g.Pledge.Minor, &currency, &by, &createdAt)
	if err != nil {
		return g, err
	}
	g.A, g.B, g.Circle = ledger.UserID(a), ledger.UserID(b), ledger.CircleID(circle)
	g.Pledge.Currency, g.CreatedBy, g.CreatedAt = ledger.Currency(currency), ledger.EventID(by), fromMS(createdAt)
	return g, nil
}

// AddGuarantee records a guarantee; it returns false (and changes nothing)
// if the two members already had one. Ends given in the wrong order are
// swapped, so (x, y) and (y, x) are the same guarantee.
func (s *Trust) AddGuarantee(ctx context.Context, g ledger.Guarantee) (bool, error) {
	if g.B < g.A {
		g.A, g.B = g.B, g.A
	}
	res, err := s.db.Exec(ctx, `
		INSERT INTO guarantees (`+guaranteeColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (a, b) DO NOTHING`,
		string(g.A), string(g.B), string(g.Circle), g.Pledge.Minor, string(g.Pledge.Currency),
		string(g.CreatedBy), toMS(g.CreatedAt))
	if err != nil {
		return false, fmt.Errorf("failed to add guarantee: %w", err)
	}
	n, err := rowsAffected(res, "guarantee")
	return n > 0, err
}

// Guarantees lists every guarantee, ordered by (A, B).
func (s *Trust) Guarantees(ctx context.Context) ([]ledger.Guarantee, error) {
	return queryList(ctx, s.db, scanGuarantee, "guarantees",
		`SELECT `+guaranteeColumns+` FROM guarantees ORDER BY a, b`)
}

// ScanGuarantees calls fn with the ends and the pledge of every guarantee,
// ordered by (A, B), reading only those columns, one row at a time.
func (s *Trust) ScanGuarantees(ctx context.Context, fn func(a, b ledger.UserID, pledge ledger.Amount)) error {
	rows, err := s.db.Query(ctx, `SELECT a, b, pledge_minor, pledge_currency FROM guarantees ORDER BY a, b`)
	if err != nil {
		return fmt.Errorf("failed to scan guarantees: %w", err)
	}
	defer rows.Close()
	var (
		a, b, cur string
		minor     int64
	)
	for rows.Next() {
		if err := rows.Scan(&a, &b, &minor, &cur); err != nil {
			return fmt.Errorf("failed to scan guarantees: %w", err)
		}
		fn(ledger.UserID(a), ledger.UserID(b), ledger.Amount{Minor: minor, Currency: ledger.Currency(cur)})
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("failed to scan guarantees: %w", err)
	}
	return nil
}

// DeleteGuaranteesOf removes every guarantee that has u as an end.
func (s *Trust) DeleteGuaranteesOf(ctx context.Context, u ledger.UserID) error {
	_, err := s.db.Exec(ctx, `DELETE FROM guarantees WHERE a = $1 OR b = $1`, string(u))
	if err != nil {
		return fmt.Errorf("failed to delete guarantees: %w", err)
	}
	return nil
}

// PutBlock records a block; an existing one for the same pair is kept as
// it was.
func (s *Trust) PutBlock(ctx context.Context, b ledger.Block) error {
	_, err := s.db.Exec(ctx, `
		INSERT INTO blocks (blocker, blocked, created_by, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (blocker, blocked) DO NOTHING`,
		string(b.Blocker), string(b.Blocked), string(b.CreatedBy), toMS(b.CreatedAt))
	if err != nil {
		return fmt.Errorf("failed to put block: %w", err)
	}
	return nil
}

// DeleteBlock removes the block of blocked by blocker, if any.
func (s *Trust) DeleteBlock(ctx context.Context, blocker, blocked ledger.UserID) error {
	_, err := s.db.Exec(ctx, `DELETE FROM blocks WHERE blocker = $1 AND blocked = $2`,
		string(blocker), string(blocked))
	if err != nil {
		return fmt.Errorf("failed to delete block: %w", err)
	}
	return nil
}

// scanBlock reads one row of blocks.
func scanBlock(row dbutil.Scannable) (ledger.Block, error) {
	var (
		b                    ledger.Block
		blocker, blocked, by string
		createdAt            int64
	)
	if err := row.Scan(&blocker, &blocked, &by, &createdAt); err != nil {
		return b, err
	}
	b.Blocker, b.Blocked = ledger.UserID(blocker), ledger.UserID(blocked)
	b.CreatedBy, b.CreatedAt = ledger.EventID(by), fromMS(createdAt)
	return b, nil
}

// Blocks lists every block, ordered by (Blocker, Blocked).
func (s *Trust) Blocks(ctx context.Context) ([]ledger.Block, error) {
	return queryList(ctx, s.db, scanBlock, "blocks", `
		SELECT blocker, blocked, created_by, created_at FROM blocks ORDER BY blocker, blocked`)
}
