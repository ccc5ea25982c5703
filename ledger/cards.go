package ledger

import (
	"context"
	"fmt"
	"time"
)

// AddCard records an event the bot posted that members act on.
func (s *Aid) AddCard(ctx context.Context, c Card) error {
	if err := s.store.PutCard(ctx, c); err != nil {
		return fmt.Errorf("failed to record card: %w", err)
	}
	return nil
}

// CardByEvent finds the card the bot posted as evt (ENotFound if it is
// none).
func (s *Aid) CardByEvent(ctx context.Context, evt EventID) (*Card, error) {
	return s.store.CardByEvent(ctx, evt)
}

// CardsOf lists the cards of a need.
func (s *Aid) CardsOf(ctx context.Context, n NeedID) ([]Card, error) {
	return s.store.CardsOf(ctx, n)
}

// Reminder is what a member asks another to do.
type Reminder struct {
	To UserID
	// Convert are the other's intentions toward the actor's needs (the
	// actor asks to turn them into commitments); Fulfil their open
	// commitments to the actor; Confirm the actor's commitments marked sent
	// that the other has not confirmed.
	Convert, Fulfil, Confirm []*Promise
}

// Remind asks another member to act on the promises between them. It is
// allowed once per RemindInterval for the same pair.
func (s *Aid) Remind(ctx context.Context, act Action, to UserID) (*Reminder, error) {
	if to == act.Actor {
		return nil, Errorf(EInvalid, "remind.self")
	}
	r := &Reminder{To: to}
	err := s.View(ctx, func(b *Book) error {
		for _, p := range b.PromisesBy(to) {
			switch {
			case p.Beneficiary != act.Actor:
			case p.State == PromiseIntention:
				r.Convert = append(r.Convert, p)
			case p.State.Open():
				r.Fulfil = append(r.Fulfil, p)
			}
		}
		for _, p := range b.PromisesBy(act.Actor) {
			if p.Beneficiary == to && p.AwaitsConfirmation() {
				r.Confirm = append(r.Confirm, p)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(r.Convert)+len(r.Fulfil)+len(r.Confirm) == 0 {
		return nil, Errorf(ENotFound, "remind.nothing", to)
	}
	kind := "remind:" + string(to)
	err = s.ap.Apply(ctx, act, func(ctx context.Context) error {
		n, err := s.actions.CountActions(ctx, act.Actor, kind, s.ap.At(act).Add(-s.cfg.RemindInterval))
		if err != nil {
			return fmt.Errorf("failed to count reminders: %w", err)
		}
		if n > 0 {
			return Errorf(ERateLimited, "remind.too_soon", to, int(s.cfg.RemindInterval.Hours()))
		}
		return s.actions.RecordAction(ctx, act.Actor, kind, s.ap.At(act))
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// CardRoom is a room that holds cards of open needs, and when the oldest of
// those needs opened: nothing older in the room can concern them.
type CardRoom struct {
	Room  RoomID
	Since time.Time
}

// OpenCardRooms lists the rooms that hold a card of an open need, sorted:
// the rooms to reconcile from.
func (s *Aid) OpenCardRooms(ctx context.Context) ([]CardRoom, error) {
	rooms, err := s.store.OpenCardRooms(ctx)
	if err != nil {
		return nil, fmt.Errorf("failed to list rooms with open cards: %w", err)
	}
	return rooms, nil
}
