package ledger

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Circles keeps circles and who is in them.
type Circles struct {
	store   CircleStore
	members *Members
	ap      Applier
	clock   Clock
	cfg     Config
}

// CircleSpec is what a member asks for when making a circle.
type CircleSpec struct {
	ID     CircleID
	Name   string
	Pledge Amount // zero: the configured default
	Lang   Lang   // "": the configured default
}

// Create records a new circle owned by the actor, who becomes its
// first member.
func (s *Circles) Create(ctx context.Context, act Action, spec CircleSpec) (*Circle, error) {
	name := strings.TrimSpace(spec.Name)
	if spec.ID == "" {
		return nil, Errorf(EInternal, "circle.no_room")
	}
	if utf8.RuneCountInString(name) > MaxCircleNameRunes {
		return nil, Errorf(EInvalid, "cmd.name_too_long", MaxCircleNameRunes)
	}
	if !spec.Pledge.IsZero() && !spec.Pledge.IsMoney() {
		return nil, Errorf(EInvalid, "amount.money_only")
	}
	c := &Circle{ID: spec.ID, Name: name, Pledge: spec.Pledge, Lang: spec.Lang,
		Owner: act.Actor, CreatedAt: s.ap.At(act), CreatedBy: act.Event}
	if c.Pledge.IsZero() {
		c.Pledge = s.cfg.DefaultPledge
	}
	if c.Lang == "" {
		c.Lang = s.cfg.DefaultLang
	}
	err := s.ap.Apply(ctx, act, func(ctx context.Context) error {
		if _, err := s.store.GetCircle(ctx, spec.ID); err == nil {
			return Errorf(EConflict, "circle.exists")
		} else if ErrorCode(err) != ENotFound {
			return fmt.Errorf("failed to look up circle: %w", err)
		}
		if _, err := s.members.Member(ctx, act.Actor); err != nil {
			return err
		}
		if err := s.store.PutCircle(ctx, c); err != nil {
			return fmt.Errorf("failed to save circle: %w", err)
		}
		return s.store.SetCircleMember(ctx, c.ID, act.Actor, true, c.CreatedAt)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// CircleState is what a circle's state event in its room says: the
// settings every bot in the room follows, and the bot that answers.
type CircleState struct {
	Name         string
	Pledge       Amount
	Lang         Lang
	Owner        UserID
	AnsweringBot UserID
	// CoOwners are the circle's co-owners; nil (a state from before
	// co-owners) leaves them as they are.
	CoOwners []UserID
}

// Adopt records what a circle's state event says: a bot that joins a
// circle another bot made learns it this way, and every bot follows later
// changes (the pledge, the language, which bot answers). It creates the
// circle if unknown and returns it.
func (s *Circles) Adopt(ctx context.Context, act Action, id CircleID, st CircleState) (*Circle, error) {
	if id == "" {
		return nil, Errorf(EInternal, "circle.no_room")
	}
	var out *Circle
	err := s.ap.Apply(ctx, act, func(ctx context.Context) error {
		c, err := s.store.GetCircle(ctx, id)
		switch {
		case ErrorCode(err) == ENotFound:
			c = &Circle{ID: id, CreatedAt: s.ap.At(act), CreatedBy: act.Event}
		case err != nil:
			return fmt.Errorf("failed to look up circle: %w", err)
		}
		if name := strings.TrimSpace(st.Name); name != "" && utf8.RuneCountInString(name) <= MaxCircleNameRunes {
			c.Name = name
		}
		if st.Pledge.Minor > 0 && st.Pledge.Currency != "" {
			c.Pledge = st.Pledge
		}
		if l, ok := ParseLang(string(st.Lang)); ok {
			c.Lang = l
		}
		if c.Pledge.IsZero() {
			c.Pledge = s.cfg.DefaultPledge
		}
		if c.Lang == "" {
			c.Lang = s.cfg.DefaultLang
		}
		if st.Owner != "" {
			c.Owner = st.Owner
		}
		if st.AnsweringBot != "" {
			c.AnsweringBot = st.AnsweringBot
		}
		out = c
		if err := s.store.PutCircle(ctx, c); err != nil {
			return fmt.Errorf("failed to save circle: %w", err)
		}
		return s.adoptCoOwners(ctx, c, st.CoOwners)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Get returns a circle.
func (s *Circles) Get(ctx context.Context, id CircleID) (*Circle, error) {
	return s.store.GetCircle(ctx, id)
}

// Of lists the circles a member belongs to.
func (s *Circles) Of(ctx context.Context, u UserID) ([]CircleID, error) {
	return s.store.CirclesOf(ctx, u)
}

// Members lists a circle's members.
func (s *Circles) Members(ctx context.Context, id CircleID) ([]UserID, error) {
	return s.store.CircleMembers(ctx, id)
}

// Update changes a circle's pledge or language. Only the owner or a
// co-owner may.
func (s *Circles) Update(ctx context.Context, act Action, id CircleID, setting CircleSetting, pledge Amount, lang Lang) (*Circle, error) {
	var out *Circle
	err := s.ap.Apply(ctx, act, func(ctx context.Context) error {
		c, err := s.store.GetCircle(ctx, id)
		if err != nil {
			return err
		}
		if err := s.mayManage(ctx, c, act.Actor); err != nil {
			return err
		}
		switch setting {
		case SettingPledge:
			if pledge.Minor <= 0 {
				return Errorf(EInvalid, "amount.zero")
			}
			if !pledge.IsMoney() {
				return Errorf(EInvalid, "amount.money_only")
			}
			c.Pledge = pledge
		case SettingLang:
			c.Lang = lang
		default:
			return Errorf(EInvalid, "cmd.usage", VerbCircle)
		}
		out = c
		return s.store.PutCircle(ctx, c)
	})
	return out, err
}

// SetMembership records that a user joined or left a circle's room.
// It is a no-op for rooms that are not circles.
func (s *Circles) SetMembership(ctx context.Context, id CircleID, u UserID, joined bool) error {
	return s.ap.tx.InTx(ctx, func(ctx context.Context) error {
		if _, err := s.store.GetCircle(ctx, id); err != nil {
			if ErrorCode(err) == ENotFound {
				return nil
			}
			return err
		}
		if joined {
			if removed, err := s.isRemoved(ctx, id, u); err != nil || removed {
				return err // removed: not a member until invited again
			}
			if _, err := s.members.Member(ctx, u); err != nil {
				return err
			}
		}
		return s.store.SetCircleMember(ctx, id, u, joined, s.clock.Now())
	})
}
