package ledger

import (
	"context"
	"fmt"
)

// Members keeps member records (language, direct chat) and profiles.
type Members struct {
	store MemberStore
	ap    Applier
	clock Clock
	cfg   Config
}

// Member returns the member, creating a record with defaults for a user the
// bot has not seen before.
func (s *Members) Member(ctx context.Context, u UserID) (*Member, error) {
	m, isNew, err := s.memberOrNew(ctx, u)
	if err != nil || !isNew {
		return m, err
	}
	if err := s.store.PutMember(ctx, m); err != nil {
		return nil, fmt.Errorf("failed to create member: %w", err)
	}
	return m, nil
}

// memberOrNew returns the member's record, or, for a user the bot has not
// seen before, a new one with defaults, not written (isNew): the caller
// writes it.
func (s *Members) memberOrNew(ctx context.Context, u UserID) (m *Member, isNew bool, err error) {
	m, err = s.store.GetMember(ctx, u)
	if err == nil {
		return m, false, nil
	}
	if ErrorCode(err) != ENotFound {
		return nil, false, fmt.Errorf("failed to get member: %w", err)
	}
	return &Member{ID: u, CreatedAt: s.clock.Now()}, true, nil
}

// LangOf returns the member's language, or the default if they chose none.
func (s *Members) LangOf(ctx context.Context, u UserID) Lang {
	m, err := s.store.GetMember(ctx, u)
	if err != nil || m.Lang == "" {
		return s.cfg.DefaultLang
	}
	return m.Lang
}

// SetLang sets the language a member reads in.
func (s *Members) SetLang(ctx context.Context, act Action, l Lang) error {
	if _, ok := ParseLang(string(l)); !ok {
		return Errorf(EInvalid, "cmd.bad_lang", string(l))
	}
	return s.ap.Apply(ctx, act, func(ctx context.Context) error {
		m, err := s.Member(ctx, act.Actor)
		if err != nil {
			return err
		}
		m.Lang, m.LangChosen = l, true
		return s.store.PutMember(ctx, m)
	})
}

// InferLang sets the member's language to that of the words they type,
// unless they chose one with `lang`.
func (s *Members) InferLang(ctx context.Context, u UserID, l Lang) error {
	m, err := s.Member(ctx, u)
	if err != nil || m.LangChosen || m.Lang == l || l == "" {
		return err
	}
	m.Lang = l
	return s.store.PutMember(ctx, m)
}

// DirectRoomOf returns the bot's direct chat with a member, or "" (it does
// not create a member record).
func (s *Members) DirectRoomOf(ctx context.Context, u UserID) RoomID {
	m, err := s.store.GetMember(ctx, u)
	if err != nil {
		return ""
	}
	return m.DirectRoom
}

// SetDirectRoom records the bot's direct chat with a member.
func (s *Members) SetDirectRoom(ctx context.Context, u UserID, room RoomID) error {
	return s.ap.tx.InTx(ctx, func(ctx context.Context) error {
		m, err := s.Member(ctx, u)
		if err != nil {
			return err
		}
		m.DirectRoom = room
		return s.store.PutMember(ctx, m)
	})
}
