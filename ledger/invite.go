package ledger

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"strings"
)

// Invite records a personal invitation from the actor to invitee in a circle.
func (s *Trust) Invite(ctx context.Context, act Action, circle CircleID, invitee UserID) (*Invitation, error) {
	if invitee == act.Actor {
		return nil, Errorf(EInvalid, "invite.self")
	}
	var inv *Invitation
	err := s.ap.Apply(ctx, act, func(ctx context.Context) error {
		c, err := s.circles.GetCircle(ctx, circle)
		if err != nil {
			return err
		}
		if err := s.checkCanInvite(ctx, act.Actor, invitee); err != nil {
			return err
		}
		pending, err := s.store.PendingInvitations(ctx, circle, invitee)
		if err != nil {
			return fmt.Errorf("failed to list pending invitations: %w", err)
		}
		for _, p := range pending {
			if p.Inviter == act.Actor && !p.Expired(s.ap.At(act)) {
				return Errorf(EConflict, "invite.pending", invitee)
			}
		}
		if _, err := s.members.Member(ctx, act.Actor); err != nil {
			return err
		}
		inv = &Invitation{ID: InvitationID(act.Event), Circle: circle, Inviter: act.Actor,
			Invitee: invitee, Pledge: c.Pledge, Status: InvitationPending,
			CreatedAt: s.ap.At(act), ExpiresAt: s.ap.At(act).Add(s.cfg.InviteTTL)}
		return s.store.PutInvitation(ctx, inv)
	})
	return inv, err
}

// checkCanInvite refuses an invitation to someone who blocked the inviter
// or who is already a direct guarantor.
func (s *Trust) checkCanInvite(ctx context.Context, inviter, invitee UserID) error {
	blocks, err := s.store.Blocks(ctx)
	if err != nil {
		return fmt.Errorf("failed to load blocks: %w", err)
	}
	for _, b := range blocks {
		if b.Blocker == invitee && b.Blocked == inviter {
			return Errorf(EForbidden, "invite.blocked", invitee)
		}
	}
	g, err := s.Graph(ctx)
	if err != nil {
		return err
	}
	for _, d := range g.Direct(inviter) {
		if d == invitee {
			return Errorf(EConflict, "invite.already_guaranteed", invitee)
		}
	}
	return nil
}

// CreateCode records a one-time invitation code from the actor. circle may
// be empty when the code is asked for outside any circle.
func (s *Trust) CreateCode(ctx context.Context, act Action, circle CircleID) (*Invitation, error) {
	var inv *Invitation
	err := s.ap.Apply(ctx, act, func(ctx context.Context) error {
		pledge := s.cfg.DefaultPledge
		if circle != "" {
			c, err := s.circles.GetCircle(ctx, circle)
			if err != nil {
				return err
			}
			pledge = c.Pledge
		}
		if _, err := s.members.Member(ctx, act.Actor); err != nil {
			return err
		}
		inv = &Invitation{ID: InvitationID(act.Event), Circle: circle, Inviter: act.Actor,
			Code: s.newCode(act.Event), Pledge: pledge, Status: InvitationPending,
			CreatedAt: s.ap.At(act), ExpiresAt: s.ap.At(act).Add(s.cfg.CodeTTL)}
		return s.store.PutInvitation(ctx, inv)
	})
	return inv, err
}

// codeAlphabet leaves out letters and digits that are easy to confuse.
const codeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// newCode returns the one-time code of the invitation made by event evt,
// such as "K7Q2-M9XD" (40 bits): derived from the event with the
// configured CodeKey, so that a rebuild from the rooms makes the same code
// again and a later `accept <code>` still finds it; random without a key.
func (s *Trust) newCode(evt EventID) string {
	var b [8]byte
	if len(s.cfg.CodeKey) > 0 {
		mac := hmac.New(sha256.New, s.cfg.CodeKey)
		mac.Write([]byte("exodus-invitation-code:" + string(evt)))
		copy(b[:], mac.Sum(nil))
	} else if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("crypto/rand failed: %v", err))
	}
	var sb strings.Builder
	for i, x := range b {
		if i == 4 {
			sb.WriteByte('-')
		}
		sb.WriteByte(codeAlphabet[int(x)%len(codeAlphabet)])
	}
	return sb.String()
}

// AttachCard records the event ID of the card the bot posted for an invitation.
func (s *Trust) AttachCard(ctx context.Context, id InvitationID, card EventID) error {
	return s.ap.tx.InTx(ctx, func(ctx context.Context) error {
		inv, err := s.store.GetInvitation(ctx, id)
		if err != nil {
			return err
		}
		inv.Card = card
		return s.store.PutInvitation(ctx, inv)
	})
}

// Invitation returns an invitation.
func (s *Trust) Invitation(ctx context.Context, id InvitationID) (*Invitation, error) {
	return s.store.GetInvitation(ctx, id)
}

// InvitationByCard returns the invitation whose card is the given event.
func (s *Trust) InvitationByCard(ctx context.Context, card EventID) (*Invitation, error) {
	return s.store.InvitationByCard(ctx, card)
}

// Acceptance is what accepting an invitation made.
type Acceptance struct {
	Invitation *Invitation
	Guarantee  Guarantee
	// New is false when the two members already had a guarantee.
	New bool
}

// AcceptCard accepts the invitation whose card the actor reacted to.
func (s *Trust) AcceptCard(ctx context.Context, act Action, card EventID) (*Acceptance, error) {
	return s.accept(ctx, act, func(ctx context.Context) (*Invitation, error) {
		return s.store.InvitationByCard(ctx, card)
	})
}

// AcceptCode accepts a one-time code.
func (s *Trust) AcceptCode(ctx context.Context, act Action, code string) (*Acceptance, error) {
	return s.accept(ctx, act, func(ctx context.Context) (*Invitation, error) {
		inv, err := s.store.InvitationByCode(ctx, strings.ToUpper(code))
		if ErrorCode(err) == ENotFound {
			return nil, Errorf(ENotFound, "invite.bad_code", code)
		}
		return inv, err
	})
}

// AcceptPending accepts the newest pending invitation to the actor in the
// circle (in any circle if circle is empty).
func (s *Trust) AcceptPending(ctx context.Context, act Action, circle CircleID) (*Acceptance, error) {
	return s.accept(ctx, act, func(ctx context.Context) (*Invitation, error) {
		return s.newestPending(ctx, circle, act)
	})
}

func (s *Trust) newestPending(ctx context.Context, circle CircleID, act Action) (*Invitation, error) {
	pending, err := s.store.PendingInvitations(ctx, circle, act.Actor)
	if err != nil {
		return nil, fmt.Errorf("failed to list pending invitations: %w", err)
	}
	for _, p := range pending {
		if !p.Expired(s.ap.At(act)) {
			return p, nil
		}
	}
	return nil, Errorf(ENotFound, "invite.none_pending")
}

func (s *Trust) accept(ctx context.Context, act Action, find func(context.Context) (*Invitation, error)) (*Acceptance, error) {
	var out *Acceptance
	var patch func(*Graph) *Graph // the new guarantee's change of the graph
	err := s.applyGraph(ctx, act, func(ctx context.Context) error {
		inv, err := find(ctx)
		if err != nil {
			return err
		}
		if err := s.checkAcceptable(ctx, act, inv); err != nil {
			return err
		}
		if _, err := s.members.Member(ctx, act.Actor); err != nil {
			return err
		}
		inv.Invitee, inv.Status = act.Actor, InvitationAccepted
		inv.ResolvedBy, inv.ResolvedAt = act.Event, s.ap.At(act)
		if err := s.store.PutInvitation(ctx, inv); err != nil {
			return fmt.Errorf("failed to save invitation: %w", err)
		}
		g := NewGuarantee(inv.Inviter, act.Actor, inv.Circle, inv.Pledge, act.Event, s.ap.At(act))
		added, err := s.addGuarantee(ctx, g, &patch)
		out = &Acceptance{Invitation: inv, Guarantee: g, New: added}
		return err
	}, func(gr *Graph) *Graph { return patch(gr) })
	return out, err
}

func (s *Trust) checkAcceptable(ctx context.Context, act Action, inv *Invitation) error {
	switch {
	case inv.Inviter == act.Actor:
		return Errorf(EInvalid, "invite.self")
	case inv.Code == "" && inv.Invitee != act.Actor:
		return Errorf(EForbidden, "invite.not_yours", inv.Invitee)
	case inv.Status != InvitationPending:
		return Errorf(EConflict, "invite.not_pending", string(inv.Status))
	case inv.Expired(s.ap.At(act)):
		return Errorf(EConflict, "invite.expired")
	}
	blocks, err := s.store.Blocks(ctx)
	if err != nil {
		return fmt.Errorf("failed to load blocks: %w", err)
	}
	for _, b := range blocks {
		if b.Blocker == inv.Inviter && b.Blocked == act.Actor {
			return Errorf(EForbidden, "invite.blocked", inv.Inviter)
		}
	}
	return nil
}

// Decline declines the newest pending invitation to the actor in the circle
// (any circle if empty).
func (s *Trust) Decline(ctx context.Context, act Action, circle CircleID) (*Invitation, error) {
	var out *Invitation
	err := s.ap.Apply(ctx, act, func(ctx context.Context) error {
		inv, err := s.newestPending(ctx, circle, act)
		if err != nil {
			return err
		}
		inv.Status, inv.ResolvedBy, inv.ResolvedAt = InvitationDeclined, act.Event, s.ap.At(act)
		out = inv
		return s.store.PutInvitation(ctx, inv)
	})
	return out, err
}

// addGuarantee saves g and sets *patch to the change it makes to the
// graph: none if g's pair had a guarantee already, a reload if a block
// cuts it (its ends may be members the graph does not know yet), else
// the new edge.
func (s *Trust) addGuarantee(ctx context.Context, g Guarantee, patch *func(*Graph) *Graph) (bool, error) {
	added, err := s.store.AddGuarantee(ctx, g)
	if err != nil {
		return false, fmt.Errorf("failed to add guarantee: %w", err)
	}
	*patch = func(gr *Graph) *Graph { return gr }
	if !added {
		return false, nil
	}
	cut, err := s.blockedEither(ctx, g.A, g.B)
	if err != nil {
		return false, err
	}
	*patch = func(gr *Graph) *Graph {
		if cut {
			return nil
		}
		return gr.withGuarantee(g.A, g.B, g.Pledge)
	}
	return true, nil
}
