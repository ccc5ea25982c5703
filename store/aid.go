package store

import (
	"context"
	"encoding/json"
	"fmt"

	"go.mau.fi/util/dbutil"

	"github.com/exodus-matrix/exodus/ledger"
)

// Aid keeps the mutual-aid ledger (ops, needs, promises, statuses) and
// the cards: ledger.AidStore.
type Aid struct{ db *dbutil.Database }

var _ ledger.AidStore = (*Aid)(nil)

// AppendOp records an op of the mutual-aid ledger, its fields as JSON, and
// drops the book's snapshot if the op sorts before its position.
func (s *Aid) AppendOp(ctx context.Context, op ledger.Op) error {
	body, err := json.Marshal(op)
	if err != nil {
		return fmt.Errorf("failed to encode op: %w", err)
	}
	_, err = s.db.Exec(ctx, `
		INSERT INTO aid_ops (event_id, at, actor, kind, body) VALUES ($1, $2, $3, $4, $5)`,
		string(op.Event), toMS(op.At), string(op.Actor), string(op.Kind), string(body))
	if err != nil {
		return fmt.Errorf("failed to insert op: %w", err)
	}
	return s.dropSnapshotBefore(ctx, op)
}

// EraseOpTexts replaces the text of a member's recorded ops of a kind by
// ledger.ErasedText, and drops the book's snapshot if it erased any.
func (s *Aid) EraseOpTexts(ctx context.Context, u ledger.UserID, kind ledger.OpKind) error {
	ops, err := queryList(ctx, s.db, scanOp, "ops of a member", `
		SELECT body FROM aid_ops WHERE actor = $1 AND kind = $2`, string(u), string(kind))
	if err != nil {
		return err
	}
	erased := false
	for _, op := range ops {
		if op.Text == "" || op.Text == ledger.ErasedText {
			continue
		}
		op.Text = ledger.ErasedText
		body, err := json.Marshal(op)
		if err != nil {
			return fmt.Errorf("failed to encode op: %w", err)
		}
		if _, err := s.db.Exec(ctx, `UPDATE aid_ops SET body = $1 WHERE event_id = $2`, string(body), string(op.Event)); err != nil {
			return fmt.Errorf("failed to erase an op's text: %w", err)
		}
		erased = true
	}
	if erased {
		return s.DropBookSnapshot(ctx)
	}
	return nil
}

// scanOp reads one op from its JSON body.
func scanOp(row dbutil.Scannable) (ledger.Op, error) {
	var body string
	if err := row.Scan(&body); err != nil {
		return ledger.Op{}, err
	}
	var op ledger.Op
	if err := decodeOp([]byte(body), &op); err != nil {
		return ledger.Op{}, fmt.Errorf("failed to decode op: %w", err)
	}
	return op, nil
}

// OpByEvent returns the op recorded for an event.
func (s *Aid) OpByEvent(ctx context.Context, evt ledger.EventID) (ledger.Op, error) {
	op, err := scanOp(s.db.QueryRow(ctx, `SELECT body FROM aid_ops WHERE event_id = $1`, string(evt)))
	if err != nil {
		return ledger.Op{}, notFound(err, "op.not_found", "get op")
	}
	return op, nil
}

// Ops lists every recorded op in canonical order.
func (s *Aid) Ops(ctx context.Context) ([]ledger.Op, error) {
	return queryList(ctx, s.db, scanOp, "ops", `SELECT body FROM aid_ops ORDER BY at, event_id`)
}

// SaveAid inserts or replaces needs, promises and statuses; a status's
// kassa maxima (the kassa_maxima table) replace the member's former ones.
func (s *Aid) SaveAid(ctx context.Context, needs []*ledger.Need, promises []*ledger.Promise,
	statuses []*ledger.MemberStatus) error {
	for _, n := range needs {
		if err := s.putNeed(ctx, n); err != nil {
			return err
		}
	}
	for _, p := range promises {
		if err := s.putPromise(ctx, p); err != nil {
			return err
		}
	}
	for _, st := range statuses {
		if err := s.putStatus(ctx, st); err != nil {
			return err
		}
	}
	return nil
}

// putStatus inserts or replaces a status and the member's kassa maxima.
func (s *Aid) putStatus(ctx context.Context, st *ledger.MemberStatus) error {
	_, err := s.db.Exec(ctx, `
		INSERT INTO statuses (user_id, status, previous, need_id, changed_at)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (user_id) DO UPDATE SET status = excluded.status, previous = excluded.previous,
			need_id = excluded.need_id, changed_at = excluded.changed_at`,
		string(st.Member), string(st.Status), string(st.Previous), string(st.Need), toMS(st.ChangedAt))
	if err != nil {
		return fmt.Errorf("failed to save status: %w", err)
	}
	if _, err := s.db.Exec(ctx, `DELETE FROM kassa_maxima WHERE user_id = $1`, string(st.Member)); err != nil {
		return fmt.Errorf("failed to replace kassa maxima: %w", err)
	}
	for _, k := range st.Kassa {
		_, err := s.db.Exec(ctx, `
			INSERT INTO kassa_maxima (user_id, circle_id, max_minor, currency) VALUES ($1, $2, $3, $4)`,
			string(st.Member), string(k.Circle), k.Max.Minor, string(k.Max.Currency))
		if err != nil {
			return fmt.Errorf("failed to save kassa maximum: %w", err)
		}
	}
	return nil
}

func (s *Aid) putNeed(ctx context.Context, n *ledger.Need) error {
	_, err := s.db.Exec(ctx, `
		INSERT INTO needs (need_id, kind, owner, target_minor, target_currency, deadline, state,
			opened_at, closed_at, closed_by, title, circle_id, report, reached_at, funded_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
		ON CONFLICT (need_id) DO UPDATE SET kind = excluded.kind, owner = excluded.owner,
			target_minor = excluded.target_minor, target_currency = excluded.target_currency,
			deadline = excluded.deadline, state = excluded.state, opened_at = excluded.opened_at,
			closed_at = excluded.closed_at, closed_by = excluded.closed_by, title = excluded.title,
			circle_id = excluded.circle_id, report = excluded.report, reached_at = excluded.reached_at,
			funded_at = excluded.funded_at`,
		string(n.ID), string(n.Kind), string(n.Owner), n.Target.Minor, string(n.Target.Currency),
		toMS(n.Deadline), string(n.State), toMS(n.OpenedAt), toMS(n.ClosedAt), string(n.ClosedBy),
		n.Title, string(n.Circle), n.Report, toMS(n.ReachedAt), toMS(n.FundedAt))
	if err != nil {
		return fmt.Errorf("failed to save need: %w", err)
	}
	return nil
}

func (s *Aid) putPromise(ctx context.Context, p *ledger.Promise) error {
	_, err := s.db.Exec(ctx, `
		INSERT INTO promises (promise_id, need_id, giver, beneficiary, amount_minor, currency, state,
			reaction, overdue, created_at, updated_at, updated_by, period, renewed, cleared, committed_at,
			sent_minor, got_minor)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
		ON CONFLICT (promise_id) DO UPDATE SET need_id = excluded.need_id, giver = excluded.giver,
			beneficiary = excluded.beneficiary, amount_minor = excluded.amount_minor,
			currency = excluded.currency, state = excluded.state, reaction = excluded.reaction,
			overdue = excluded.overdue, created_at = excluded.created_at,
			updated_at = excluded.updated_at, updated_by = excluded.updated_by,
			period = excluded.period, renewed = excluded.renewed, cleared = excluded.cleared,
			committed_at = excluded.committed_at, sent_minor = excluded.sent_minor, got_minor = excluded.got_minor`,
		string(p.ID), string(p.Need), string(p.Giver), string(p.Beneficiary), p.Amount.Minor,
		string(p.Amount.Currency), string(p.State), string(p.Reaction), p.Overdue,
		toMS(p.CreatedAt), toMS(p.UpdatedAt), string(p.UpdatedBy), p.Period, p.Renewed, p.Cleared,
		toMS(p.CommittedAt), p.SentSoFar().Minor, p.Delivered().Minor)
	if err != nil {
		return fmt.Errorf("failed to save promise: %w", err)
	}
	return nil
}

// DeleteAid deletes the needs, promises and statuses named (a status with
// its kassa maxima).
func (s *Aid) DeleteAid(ctx context.Context, needs []ledger.NeedID, promises []ledger.PromiseID, statuses []ledger.UserID) error {
	for _, id := range needs {
		if _, err := s.db.Exec(ctx, `DELETE FROM needs WHERE need_id = $1`, string(id)); err != nil {
			return fmt.Errorf("failed to delete need: %w", err)
		}
	}
	for _, id := range promises {
		if _, err := s.db.Exec(ctx, `DELETE FROM promises WHERE promise_id = $1`, string(id)); err != nil {
			return fmt.Errorf("failed to delete promise: %w", err)
		}
	}
	for _, id := range statuses {
		if _, err := s.db.Exec(ctx, `DELETE FROM statuses WHERE user_id = $1`, string(id)); err != nil {
			return fmt.Errorf("failed to delete status: %w", err)
		}
		if _, err := s.db.Exec(ctx, `DELETE FROM kassa_maxima WHERE user_id = $1`, string(id)); err != nil {
			return fmt.Errorf("failed to delete kassa maxima: %w", err)
		}
	}
	return nil
}

// ClearAid deletes every need, promise and status (and kassa maximum).
func (s *Aid) ClearAid(ctx context.Context) error {
	for _, table := range []string{"needs", "promises", "statuses", "kassa_maxima"} {
		if _, err := s.db.Exec(ctx, `DELETE FROM `+table); err != nil {
			return fmt.Errorf("failed to clear %s: %w", table, err)
		}
	}
	return nil
}

const cardColumns = `event_id, room_id, kind, circle_id, need_id, promise_id`

// scanCard reads one row of cardColumns.
func scanCard(row dbutil.Scannable) (ledger.Card, error) {
	var evt, room, kind, circle, need, promise string
	if err := row.Scan(&evt, &room, &kind, &circle, &need, &promise); err != nil {
		return ledger.Card{}, err
	}
	return ledger.Card{
		Event: ledger.EventID(evt), Room: ledger.RoomID(room), Kind: ledger.CardKind(kind),
		Circle: ledger.CircleID(circle), Need: ledger.NeedID(need), Promise: ledger.PromiseID(promise),
	}, nil
}

// PutCard records a card; a card already recorded is kept.
func (s *Aid) PutCard(ctx context.Context, c ledger.Card) error {
	_, err := s.db.Exec(ctx, `INSERT INTO cards (`+cardColumns+`) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (event_id) DO NOTHING`,
		string(c.Event), string(c.Room), string(c.Kind), string(c.Circle), string(c.Need), string(c.Promise))
	if err != nil {
		return fmt.Errorf("failed to save card: %w", err)
	}
	return nil
}

// CardByEvent finds a card, or returns an ENotFound error "card.not_found".
func (s *Aid) CardByEvent(ctx context.Context, evt ledger.EventID) (*ledger.Card, error) {
	c, err := scanCard(s.db.QueryRow(ctx, `SELECT `+cardColumns+` FROM cards WHERE event_id = $1`, string(evt)))
	if err != nil {
		return nil, notFound(err, "card.not_found", "get card")
	}
	return &c, nil
}

// CardsOf lists the cards of a need, ordered by room then event.
func (s *Aid) CardsOf(ctx context.Context, n ledger.NeedID) ([]ledger.Card, error) {
	return queryList(ctx, s.db, scanCard, "cards",
		`SELECT `+cardColumns+` FROM cards WHERE need_id = $1 ORDER BY room_id, event_id`, string(n))
}

// OpenCardRooms lists the rooms holding need cards of open needs, each with
// when the oldest of those needs opened, in one query over the projection.
func (s *Aid) OpenCardRooms(ctx context.Context) ([]ledger.CardRoom, error) {
	return queryList(ctx, s.db, func(row dbutil.Scannable) (ledger.CardRoom, error) {
		var room string
		var since int64
		if err := row.Scan(&room, &since); err != nil {
			return ledger.CardRoom{}, err
		}
		return ledger.CardRoom{Room: ledger.RoomID(room), Since: fromMS(since)}, nil
	}, "rooms with open cards", `
		SELECT c.room_id, MIN(n.opened_at) FROM cards c JOIN needs n ON n.need_id = c.need_id
		WHERE c.kind = $1 AND n.state = $2 GROUP BY c.room_id ORDER BY c.room_id`,
		string(ledger.CardNeed), string(ledger.NeedOpen))
}
