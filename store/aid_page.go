package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/exodus-matrix/exodus/ledger"
)

// OpsPage lists up to limit recorded ops that sort after after, in
// canonical order (from the first when after.Event is empty). Each page is
// a query of its own: a replay that reads every op this way never holds
// one read open for seconds, which would keep SQLite's write-ahead log
// from being checkpointed while the other calls write, and make the
// commit that finally checkpoints it slow. The page is into[:0] with the
// ops appended (a replay reuses one page), each body decoded from the
// driver's buffer.
func (s *Aid) OpsPage(ctx context.Context, after ledger.Op, limit int, into []ledger.Op) ([]ledger.Op, error) {
	query, args := `SELECT body FROM aid_ops ORDER BY at, event_id LIMIT $1`, []any{limit}
	if after.Event != "" {
		query = `SELECT body FROM aid_ops WHERE (at, event_id) > ($1, $2) ORDER BY at, event_id LIMIT $3`
		args = []any{toMS(after.At), string(after.Event), limit}
	}
	rows, err := s.db.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("failed to list ops: %w", err)
	}
	defer rows.Close()
	page := into[:0]
	var body sql.RawBytes // the driver's bytes, reused row after row
	for rows.Next() {
		if err := rows.Scan(&body); err != nil {
			return nil, fmt.Errorf("failed to read an op: %w", err)
		}
		page = append(page, ledger.Op{})
		if err := decodeOp(body, &page[len(page)-1]); err != nil {
			return nil, fmt.Errorf("failed to decode op: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("failed to list ops: %w", err)
	}
	return page, nil
}
