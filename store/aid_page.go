package store

import (
	"context"

	"github.com/exodus-matrix/exodus/ledger"
)

// OpsPage lists up to limit recorded ops that sort after after, in
// canonical order (from the first when after.Event is empty). Each page is
// a query of its own: a replay that reads every op this way never holds
// one read open for seconds, which would keep SQLite's write-ahead log
// from being checkpointed while the other calls write, and make the
// commit that finally checkpoints it slow.
func (s *Aid) OpsPage(ctx context.Context, after ledger.Op, limit int) ([]ledger.Op, error) {
	if after.Event == "" {
		return queryList(ctx, s.db, scanOp, "ops", `SELECT body FROM aid_ops ORDER BY at, event_id LIMIT $1`, limit)
	}
	return queryList(ctx, s.db, scanOp, "ops", `
		SELECT body FROM aid_ops WHERE (at, event_id) > ($1, $2) ORDER BY at, event_id LIMIT $3`,
		toMS(after.At), string(after.Event), limit)
}
