package ledger

import (
	"context"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"
)

// Profile returns a member's profile (empty if they wrote none).
func (s *Members) Profile(ctx context.Context, u UserID) (*Profile, error) {
	p, err := s.store.GetProfile(ctx, u)
	if ErrorCode(err) == ENotFound {
		return &Profile{Member: u}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("failed to get profile: %w", err)
	}
	return p, nil
}

// editProfile changes the actor's profile with fn, once per event.
func (s *Members) editProfile(ctx context.Context, act Action, fn func(p *Profile) error) (*Profile, error) {
	var out *Profile
	err := s.ap.Apply(ctx, act, func(ctx context.Context) error {
		p, err := s.Profile(ctx, act.Actor)
		if err != nil {
			return err
		}
		if err := fn(p); err != nil {
			return err
		}
		out = p
		return s.store.PutProfile(ctx, p)
	})
	return out, err
}

// SetAbout sets what the actor tells about themself.
func (s *Members) SetAbout(ctx context.Context, act Action, text string) (*Profile, error) {
	if utf8.RuneCountInString(text) > MaxAboutRunes {
		return nil, Errorf(EInvalid, "cmd.text_too_long", MaxAboutRunes)
	}
	return s.editProfile(ctx, act, func(p *Profile) error {
		p.About = text
		return nil
	})
}

// AddRequisite adds payment details; the first become the default.
func (s *Members) AddRequisite(ctx context.Context, act Action, text string) (*Profile, error) {
	if text == "" {
		return nil, Errorf(EInvalid, "cmd.usage", VerbRequisites)
	}
	if utf8.RuneCountInString(text) > MaxRequisiteRunes {
		return nil, Errorf(EInvalid, "cmd.text_too_long", MaxRequisiteRunes)
	}
	return s.editProfile(ctx, act, func(p *Profile) error {
		if len(p.Requisites) >= MaxRequisites {
			return Errorf(EConflict, "requisites.full", MaxRequisites)
		}
		p.Requisites = append(p.Requisites, Requisite{Text: text, Default: len(p.Requisites) == 0})
		return nil
	})
}

// SetDefaultRequisite makes the i-th (1-based) requisite the default.
func (s *Members) SetDefaultRequisite(ctx context.Context, act Action, i int) (*Profile, error) {
	return s.editProfile(ctx, act, func(p *Profile) error {
		if i < 1 || i > len(p.Requisites) {
			return Errorf(ENotFound, "requisites.no_such", i, len(p.Requisites))
		}
		for j := range p.Requisites {
			p.Requisites[j].Default = j == i-1
		}
		return nil
	})
}

// RemoveRequisite removes the i-th (1-based) requisite; if it was the
// default, the first one left becomes the default.
func (s *Members) RemoveRequisite(ctx context.Context, act Action, i int) (*Profile, error) {
	return s.editProfile(ctx, act, func(p *Profile) error {
		if i < 1 || i > len(p.Requisites) {
			return Errorf(ENotFound, "requisites.no_such", i, len(p.Requisites))
		}
		wasDefault := p.Requisites[i-1].Default
		p.Requisites = slices.Delete(p.Requisites, i-1, i)
		if wasDefault && len(p.Requisites) > 0 {
			p.Requisites[0].Default = true
		}
		return nil
	})
}

// SetMuted mutes (or unmutes) one kind of notification for the actor.
func (s *Members) SetMuted(ctx context.Context, act Action, k NoticeKind, muted bool) (*Profile, error) {
	if !slices.Contains(NoticeKinds, k) {
		return nil, Errorf(EInvalid, "cmd.bad_notice", string(k))
	}
	return s.editProfile(ctx, act, func(p *Profile) error {
		p.Muted = slices.DeleteFunc(p.Muted, func(m NoticeKind) bool { return m == k })
		if muted {
			p.Muted = append(p.Muted, k)
			slices.Sort(p.Muted)
		}
		return nil
	})
}

// Wants reports whether member u wants notifications of kind k.
func (s *Members) Wants(ctx context.Context, u UserID, k NoticeKind) bool {
	p, err := s.Profile(ctx, u)
	return err != nil || !p.IsMuted(k)
}

// Departure is what a member's leaving changed: the promises it cancelled
// (in Outcome.Affected) and the members they had guarantees with, to be
// told.
type Departure struct {
	*Outcome
	Guarantors []UserID
}

// ErasedText stands in a recorded op for a text its author erased by
// leaving, so that the op still replays as it did.
const ErasedText = "…"

// Leave erases the actor's personal data (profile, payment details, the
// reasons of their kassa claims, language, pool views, guarantees, web
// access) and cancels intentions both ways, in one transaction. The member
// stays known as a member of the rooms they are in, and their rate limits
// stay, so leaving does not reset them.
func (s *Service) Leave(ctx context.Context, act Action) (*Departure, error) {
	g, err := s.Trust.Graph(ctx)
	if err != nil {
		return nil, err
	}
	d := &Departure{Guarantors: g.Direct(act.Actor)}
	since := s.Trust.generation()
	op := Op{Kind: OpLeave, Event: act.Event, Actor: act.Actor, At: s.Aid.ap.At(act)}
	d.Outcome, err = s.Aid.doWith(ctx, op, func(ctx context.Context) error {
		if err := s.Members.store.DeleteProfile(ctx, act.Actor); err != nil {
			return fmt.Errorf("failed to delete profile: %w", err)
		}
		if err := s.Trust.store.DeleteGuaranteesOf(ctx, act.Actor); err != nil {
			return fmt.Errorf("failed to delete guarantees: %w", err)
		}
		if err := s.access.DeleteAccessOf(ctx, act.Actor); err != nil {
			return fmt.Errorf("failed to delete web access: %w", err)
		}
		if err := s.Aid.store.EraseOpTexts(ctx, act.Actor, OpClaim); err != nil {
			return fmt.Errorf("failed to erase claim reasons: %w", err)
		}
		return s.Members.forget(ctx, act.Actor)
	})
	if err != nil {
		return nil, err
	}
	s.Trust.changeGraph(since, func(gr *Graph) *Graph {
		if _, known := gr.lookup(act.Actor); known {
			return nil // their guarantees are gone, which may split a component
		}
		return gr // they had no guarantee: the graph does not know them
	})
	// Best effort: the departure is saved; what it erased leaves the
	// storage's log here, or at the intake's next hourly prune.
	_ = s.tx.Flush(ctx)
	return d, nil
}

// forget erases what the member record holds about a member but the direct
// chat the bot answers them in.
func (s *Members) forget(ctx context.Context, u UserID) error {
	m, err := s.store.GetMember(ctx, u)
	if ErrorCode(err) == ENotFound {
		return nil
	}
	if err != nil {
		return fmt.Errorf("failed to get member: %w", err)
	}
	if err := s.store.PutMember(ctx, &Member{ID: u, DirectRoom: m.DirectRoom, CreatedAt: m.CreatedAt}); err != nil {
		return fmt.Errorf("failed to erase member: %w", err)
	}
	return nil
}

// SetTimeZone sets the time zone the actor reads times in: an IANA name
// ("Europe/Belgrade"), or "" for the cycle's. An unknown name is refused
// with "profile.bad_zone".
func (s *Members) SetTimeZone(ctx context.Context, act Action, name string) (*Profile, error) {
	if name != "" {
		loc, ok := ParseZone(name)
		if !ok {
			return nil, Errorf(EInvalid, "profile.bad_zone", name)
		}
		name = loc.String()
	}
	return s.editProfile(ctx, act, func(p *Profile) error {
		p.TimeZone = name
		return nil
	})
}

// Zone is the time zone the member reads times in: their own, else the
// cycle's (def).
func (p *Profile) Zone(def *time.Location) *time.Location {
	if p != nil && p.TimeZone != "" {
		if loc, ok := ParseZone(p.TimeZone); ok {
			return loc
		}
	}
	if def == nil {
		return time.UTC
	}
	return def
}
