package memstore

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

func ops(st *state) map[ledger.EventID]ledger.Op { return st.ops }

func cloneOp(op ledger.Op) ledger.Op {
	op.Members = slices.Clone(op.Members)
	return op
}

// AppendOp records an op.
func (s *Store) AppendOp(ctx context.Context, op ledger.Op) error {
	s.with(ctx, func(st *state) { st.ops[op.Event] = cloneOp(op) })
	return nil
}

// OpByEvent returns the op recorded for an event (ENotFound "op.not_found").
func (s *Store) OpByEvent(ctx context.Context, evt ledger.EventID) (ledger.Op, error) {
	op, err := get(ctx, s, ops, evt, cloneOp, "op.not_found")
	if err != nil {
		return ledger.Op{}, err
	}
	return *op, nil
}

// Ops lists every recorded op, ordered by time, then event ID.
func (s *Store) Ops(ctx context.Context) ([]ledger.Op, error) {
	list := sorted(ctx, s, ops, nil, func(a, b ledger.Op) int {
		return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.Event, b.Event))
	})
	for i := range list {
		list[i] = cloneOp(list[i])
	}
	return list, nil
}

// EraseOpTexts replaces the text of u's recorded ops of kind by
// ledger.ErasedText.
func (s *Store) EraseOpTexts(ctx context.Context, u ledger.UserID, kind ledger.OpKind) error {
	s.with(ctx, func(st *state) {
		for k, op := range st.ops {
			if op.Actor == u && op.Kind == kind && op.Text != "" {
				op.Text = ledger.ErasedText
				st.ops[k] = op
			}
		}
	})
	return nil
}

// SaveAid inserts or replaces needs, promises and statuses.
func (s *Store) SaveAid(ctx context.Context, needs []*ledger.Need, promises []*ledger.Promise, statuses []*ledger.MemberStatus) error {
	s.with(ctx, func(st *state) {
		for _, n := range needs {
			st.needs[n.ID] = *n
		}
		for _, p := range promises {
			st.promises[p.ID] = *p
		}
		for _, ms := range statuses {
			c := *ms
			c.Kassa = slices.Clone(c.Kassa)
			st.statuses[ms.Member] = c
		}
	})
	return nil
}

// DeleteAid deletes the needs, promises and statuses named.
func (s *Store) DeleteAid(ctx context.Context, needs []ledger.NeedID, promises []ledger.PromiseID, statuses []ledger.UserID) error {
	s.with(ctx, func(st *state) {
		for _, id := range needs {
			delete(st.needs, id)
		}
		for _, id := range promises {
			delete(st.promises, id)
		}
		for _, id := range statuses {
			delete(st.statuses, id)
		}
	})
	return nil
}

// ClearAid deletes every need, promise and status.
func (s *Store) ClearAid(ctx context.Context) error {
	s.with(ctx, func(st *state) {
		clear(st.needs)
		clear(st.promises)
		clear(st.statuses)
	})
	return nil
}

func cards(st *state) map[ledger.EventID]ledger.Card { return st.cards }

// PutCard records a card; a card already recorded is kept.
func (s *Store) PutCard(ctx context.Context, c ledger.Card) error {
	s.with(ctx, func(st *state) {
		if _, ok := st.cards[c.Event]; !ok {
			st.cards[c.Event] = c
		}
	})
	return nil
}

// CardByEvent finds the card posted as evt (ENotFound "card.not_found").
func (s *Store) CardByEvent(ctx context.Context, evt ledger.EventID) (*ledger.Card, error) {
	return get(ctx, s, cards, evt, same, "card.not_found")
}

// CardsOf lists the cards of a need, ordered by room, then event.
func (s *Store) CardsOf(ctx context.Context, n ledger.NeedID) ([]ledger.Card, error) {
	return sorted(ctx, s, cards, func(c ledger.Card) bool { return c.Need == n }, func(a, b ledger.Card) int {
		return cmp.Or(cmp.Compare(a.Room, b.Room), cmp.Compare(a.Event, b.Event))
	}), nil
}

// OpenCardRooms lists the rooms holding need cards of open needs, with
// when the oldest of those needs opened, ordered by room.
func (s *Store) OpenCardRooms(ctx context.Context) ([]ledger.CardRoom, error) {
	since := map[ledger.RoomID]time.Time{}
	s.with(ctx, func(st *state) {
		for _, c := range st.cards {
			n, ok := st.needs[c.Need]
			if c.Kind != ledger.CardNeed || !ok || n.State != ledger.NeedOpen {
				continue
			}
			if t, ok := since[c.Room]; !ok || n.OpenedAt.Before(t) {
				since[c.Room] = n.OpenedAt
			}
		}
	})
	out := make([]ledger.CardRoom, 0, len(since))
	for room, t := range since {
		out = append(out, ledger.CardRoom{Room: room, Since: t})
	}
	slices.SortFunc(out, func(a, b ledger.CardRoom) int { return cmp.Compare(a.Room, b.Room) })
	return out, nil
}

// OpsPage lists up to limit recorded ops that sort after after, in
// canonical order (from the first when after.Event is empty), appended
// to into[:0].
func (s *Store) OpsPage(ctx context.Context, after ledger.Op, limit int, into []ledger.Op) ([]ledger.Op, error) {
	list, err := s.Ops(ctx)
	if err != nil {
		return nil, err
	}
	if after.Event != "" {
		list = slices.DeleteFunc(list, func(op ledger.Op) bool { return !after.Before(&op) })
	}
	return append(into[:0], list[:min(limit, len(list))]...), nil
}
