package memstore

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

var (
	_ ledger.TxStore     = (*Store)(nil)
	_ ledger.ActionStore = (*Store)(nil)
	_ ledger.MemberStore = (*Store)(nil)
	_ ledger.CircleStore = (*Store)(nil)
	_ ledger.TrustStore  = (*Store)(nil)
	_ ledger.AidStore    = (*Store)(nil)
	_ ledger.AccessStore = (*Store)(nil)
)

func cloneMember(m ledger.Member) ledger.Member {
	m.PoolSeen = slices.Clone(m.PoolSeen)
	return m
}

// GetMember returns a member (ENotFound "member.not_found").
func (s *Store) GetMember(ctx context.Context, id ledger.UserID) (*ledger.Member, error) {
	return get(ctx, s, func(st *state) map[ledger.UserID]ledger.Member { return st.members }, id, cloneMember, "member.not_found")
}

// PutMember inserts or replaces a member.
func (s *Store) PutMember(ctx context.Context, m *ledger.Member) error {
	s.with(ctx, func(st *state) { st.members[m.ID] = cloneMember(*m) })
	return nil
}

func cloneProfile(p ledger.Profile) ledger.Profile {
	p.Requisites, p.Muted = slices.Clone(p.Requisites), slices.Clone(p.Muted)
	return p
}

// GetProfile returns a member's profile (ENotFound "profile.not_found").
func (s *Store) GetProfile(ctx context.Context, u ledger.UserID) (*ledger.Profile, error) {
	return get(ctx, s, func(st *state) map[ledger.UserID]ledger.Profile { return st.profiles }, u, cloneProfile, "profile.not_found")
}

// PutProfile inserts or replaces a profile.
func (s *Store) PutProfile(ctx context.Context, p *ledger.Profile) error {
	s.with(ctx, func(st *state) { st.profiles[p.Member] = cloneProfile(*p) })
	return nil
}

// DeleteProfile erases a member's profile.
func (s *Store) DeleteProfile(ctx context.Context, u ledger.UserID) error {
	s.with(ctx, func(st *state) { delete(st.profiles, u) })
	return nil
}

// GetCircle returns a circle (ENotFound "circle.not_found").
func (s *Store) GetCircle(ctx context.Context, id ledger.CircleID) (*ledger.Circle, error) {
	return get(ctx, s, func(st *state) map[ledger.CircleID]ledger.Circle { return st.circles }, id, same, "circle.not_found")
}

// PutCircle inserts or replaces a circle.
func (s *Store) PutCircle(ctx context.Context, c *ledger.Circle) error {
	s.with(ctx, func(st *state) { st.circles[c.ID] = *c })
	return nil
}

// SetCircleMember records that u joined (or left) circle c.
func (s *Store) SetCircleMember(ctx context.Context, c ledger.CircleID, u ledger.UserID, joined bool, _ time.Time) error {
	s.with(ctx, func(st *state) { st.circleMembers[membership{c, u}] = joined })
	return nil
}

// CircleMembers lists the joined members of a circle, ordered by ID.
func (s *Store) CircleMembers(ctx context.Context, c ledger.CircleID) ([]ledger.UserID, error) {
	var out []ledger.UserID
	s.with(ctx, func(st *state) {
		for m, joined := range st.circleMembers {
			if joined && m.circle == c {
				out = append(out, m.user)
			}
		}
	})
	slices.Sort(out)
	return out, nil
}

// CirclesOf lists the circles u is a member of, ordered by ID.
func (s *Store) CirclesOf(ctx context.Context, u ledger.UserID) ([]ledger.CircleID, error) {
	var out []ledger.CircleID
	s.with(ctx, func(st *state) {
		for m, joined := range st.circleMembers {
			if joined && m.user == u {
				out = append(out, m.circle)
			}
		}
	})
	slices.Sort(out)
	return out, nil
}

// CircleRoles lists the members of a circle with a role, ordered by ID.
func (s *Store) CircleRoles(ctx context.Context, c ledger.CircleID) ([]ledger.MemberRole, error) {
	var out []ledger.MemberRole
	s.with(ctx, func(st *state) {
		for m, r := range st.circleRoles {
			if m.circle == c && r != ledger.RoleMember {
				out = append(out, ledger.MemberRole{Member: m.user, Role: r})
			}
		}
	})
	slices.SortFunc(out, func(a, b ledger.MemberRole) int { return strings.Compare(string(a.Member), string(b.Member)) })
	return out, nil
}

// SetCircleRole records a member's role in a circle.
func (s *Store) SetCircleRole(ctx context.Context, c ledger.CircleID, u ledger.UserID, r ledger.CircleRole) error {
	s.with(ctx, func(st *state) {
		if r == ledger.RoleMember {
			delete(st.circleRoles, membership{c, u})
		} else {
			st.circleRoles[membership{c, u}] = r
		}
	})
	return nil
}
