package memstore

import (
	"cmp"
	"context"

	"github.com/exodus-matrix/exodus/ledger"
)

func invitations(st *state) map[ledger.InvitationID]ledger.Invitation { return st.invitations }

// GetInvitation returns an invitation (ENotFound "invitation.not_found").
func (s *Store) GetInvitation(ctx context.Context, id ledger.InvitationID) (*ledger.Invitation, error) {
	return get(ctx, s, invitations, id, same, "invitation.not_found")
}

// PutInvitation inserts or replaces an invitation.
func (s *Store) PutInvitation(ctx context.Context, inv *ledger.Invitation) error {
	s.with(ctx, func(st *state) { st.invitations[inv.ID] = *inv })
	return nil
}

// firstInvitation returns the oldest invitation keep says to.
func (s *Store) firstInvitation(ctx context.Context, keep func(ledger.Invitation) bool) (*ledger.Invitation, error) {
	list := sorted(ctx, s, invitations, keep, func(a, b ledger.Invitation) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	})
	if len(list) == 0 {
		return nil, ledger.Errorf(ledger.ENotFound, "invitation.not_found")
	}
	return &list[0], nil
}

// InvitationByCode finds a one-time code.
func (s *Store) InvitationByCode(ctx context.Context, code string) (*ledger.Invitation, error) {
	return s.firstInvitation(ctx, func(inv ledger.Invitation) bool { return inv.Code != "" && inv.Code == code })
}

// InvitationByCard finds the invitation whose card is the given event.
func (s *Store) InvitationByCard(ctx context.Context, card ledger.EventID) (*ledger.Invitation, error) {
	return s.firstInvitation(ctx, func(inv ledger.Invitation) bool { return inv.Card != "" && inv.Card == card })
}

// PendingInvitations lists pending personal invitations to invitee in c
// (any circle if c is ""), newest first, expired ones included.
func (s *Store) PendingInvitations(ctx context.Context, c ledger.CircleID, invitee ledger.UserID) ([]*ledger.Invitation, error) {
	list := sorted(ctx, s, invitations, func(inv ledger.Invitation) bool {
		return inv.Invitee == invitee && inv.Status == ledger.InvitationPending && inv.Code == "" &&
			(c == "" || inv.Circle == c)
	}, func(a, b ledger.Invitation) int {
		return cmp.Or(b.CreatedAt.Compare(a.CreatedAt), cmp.Compare(b.ID, a.ID))
	})
	out := make([]*ledger.Invitation, len(list))
	for i := range list {
		out[i] = &list[i]
	}
	return out, nil
}

// AddGuarantee records a guarantee; false if the two already had one.
func (s *Store) AddGuarantee(ctx context.Context, g ledger.Guarantee) (added bool, err error) {
	if g.B < g.A {
		g.A, g.B = g.B, g.A
	}
	s.with(ctx, func(st *state) {
		if _, ok := st.guarantees[[2]ledger.UserID{g.A, g.B}]; !ok {
			st.guarantees[[2]ledger.UserID{g.A, g.B}], added = g, true
		}
	})
	return added, nil
}

// Guarantees lists every guarantee, ordered by (A, B).
func (s *Store) Guarantees(ctx context.Context) ([]ledger.Guarantee, error) {
	return sorted(ctx, s, func(st *state) map[[2]ledger.UserID]ledger.Guarantee { return st.guarantees }, nil,
		func(a, b ledger.Guarantee) int { return cmp.Or(cmp.Compare(a.A, b.A), cmp.Compare(a.B, b.B)) }), nil
}

// ScanGuarantees calls fn with the ends and the pledge of every guarantee,
// ordered by (A, B).
func (s *Store) ScanGuarantees(ctx context.Context, fn func(a, b ledger.UserID, pledge ledger.Amount)) error {
	gs, err := s.Guarantees(ctx)
	for _, g := range gs {
		fn(g.A, g.B, g.Pledge)
	}
	return err
}

// DeleteGuaranteesOf removes every guarantee that has u as an end.
func (s *Store) DeleteGuaranteesOf(ctx context.Context, u ledger.UserID) error {
	s.with(ctx, func(st *state) {
		for k := range st.guarantees {
			if k[0] == u || k[1] == u {
				delete(st.guarantees, k)
			}
		}
	})
	return nil
}

// PutBlock records a block; an existing one for the same pair is kept.
func (s *Store) PutBlock(ctx context.Context, b ledger.Block) error {
	s.with(ctx, func(st *state) {
		k := [2]ledger.UserID{b.Blocker, b.Blocked}
		if _, ok := st.blocks[k]; !ok {
			st.blocks[k] = b
		}
	})
	return nil
}

// DeleteBlock removes the block of blocked by blocker, if any.
func (s *Store) DeleteBlock(ctx context.Context, blocker, blocked ledger.UserID) error {
	s.with(ctx, func(st *state) { delete(st.blocks, [2]ledger.UserID{blocker, blocked}) })
	return nil
}

// Blocks lists every block, ordered by (Blocker, Blocked).
func (s *Store) Blocks(ctx context.Context) ([]ledger.Block, error) {
	return sorted(ctx, s, func(st *state) map[[2]ledger.UserID]ledger.Block { return st.blocks }, nil,
		func(a, b ledger.Block) int {
			return cmp.Or(cmp.Compare(a.Blocker, b.Blocker), cmp.Compare(a.Blocked, b.Blocked))
		}), nil
}
