package ledger

import (
	"context"
	"fmt"
	"slices"
)

// Circle roles. A circle has one owner (who made it, or to whom it was
// handed over) and may have co-owners, whom only the owner names. A
// co-owner may do what the owner can (change the pledge or the language,
// remove a member), except hand the circle over, name or dismiss
// co-owners, or remove the owner or a co-owner. A member removed is no
// longer a member of the circle, even while still in its room, until an
// owner or a co-owner invites them again; their promises stay in the
// ledger as they are.

// CircleRole is what a member is in a circle besides a plain member.
type CircleRole string

// The roles in a circle (the owner is the circle's Owner, not a role).
const (
	// RoleMember is a plain member: no role.
	RoleMember CircleRole = ""
	// RoleCoOwner may manage the circle as its owner, but for its roles.
	RoleCoOwner CircleRole = "co_owner"
	// RoleRemoved was removed by an owner or a co-owner: not a member,
	// even while in the room, until invited again by one of them.
	RoleRemoved CircleRole = "removed"
)

// MaxCoOwners bounds the co-owners of one circle.
const MaxCoOwners = 20

// MemberRole is one member's role in a circle.
type MemberRole struct {
	Member UserID
	Role   CircleRole
}

// CircleRoles are who manages a circle, and who was removed from it.
type CircleRoles struct {
	Owner    UserID
	CoOwners []UserID // ordered by ID
	Removed  []UserID // ordered by ID
}

// Manages reports whether u is the owner or a co-owner.
func (r CircleRoles) Manages(u UserID) bool {
	return u != "" && (u == r.Owner || slices.Contains(r.CoOwners, u))
}

// IsRemoved reports whether u was removed from the circle.
func (r CircleRoles) IsRemoved(u UserID) bool { return slices.Contains(r.Removed, u) }

// Roles returns who manages a circle and who was removed from it.
func (s *Circles) Roles(ctx context.Context, id CircleID) (*CircleRoles, error) {
	c, err := s.store.GetCircle(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.rolesOf(ctx, c)
}

func (s *Circles) rolesOf(ctx context.Context, c *Circle) (*CircleRoles, error) {
	rows, err := s.store.CircleRoles(ctx, c.ID)
	if err != nil {
		return nil, fmt.Errorf("failed to read circle roles: %w", err)
	}
	out := &CircleRoles{Owner: c.Owner, CoOwners: []UserID{}, Removed: []UserID{}}
	for _, r := range rows {
		switch r.Role {
		case RoleCoOwner:
			out.CoOwners = append(out.CoOwners, r.Member)
		case RoleRemoved:
			out.Removed = append(out.Removed, r.Member)
		}
	}
	return out, nil
}

// HandOver makes another member of the circle its owner; only the owner
// may. The new owner must be a member of the circle now; no acceptance is
// asked. The former owner stays a co-owner (the new owner may dismiss
// them).
func (s *Circles) HandOver(ctx context.Context, act Action, id CircleID, to UserID) (*Circle, error) {
	var out *Circle
	err := s.ap.Apply(ctx, act, func(ctx context.Context) error {
		c, err := s.store.GetCircle(ctx, id)
		if err != nil {
			return err
		}
		switch {
		case c.Owner != act.Actor:
			return Errorf(EForbidden, "roles.owner_only", c.Owner)
		case to == act.Actor:
			return Errorf(EInvalid, "roles.self", to)
		}
		if err := s.mustBeMember(ctx, id, to); err != nil {
			return err
		}
		next := *c
		next.Owner = to
		if err := s.store.PutCircle(ctx, &next); err != nil {
			return fmt.Errorf("failed to save circle: %w", err)
		}
		if err := s.store.SetCircleRole(ctx, id, to, RoleMember); err != nil {
			return fmt.Errorf("failed to set circle role: %w", err)
		}
		out = &next
		return s.store.SetCircleRole(ctx, id, act.Actor, RoleCoOwner)
	})
	return out, err
}

// SetCoOwner names (on) or dismisses (off) a co-owner; only the owner may.
func (s *Circles) SetCoOwner(ctx context.Context, act Action, id CircleID, u UserID, on bool) error {
	return s.ap.Apply(ctx, act, func(ctx context.Context) error {
		c, err := s.store.GetCircle(ctx, id)
		if err != nil {
			return err
		}
		if c.Owner != act.Actor {
			return Errorf(EForbidden, "roles.owner_only", c.Owner)
		}
		if u == c.Owner {
			return Errorf(EInvalid, "roles.is_owner", u)
		}
		roles, err := s.rolesOf(ctx, c)
		if err != nil {
			return err
		}
		is := slices.Contains(roles.CoOwners, u)
		switch {
		case on && is:
			return Errorf(EConflict, "roles.already_coowner", u)
		case !on && !is:
			return Errorf(EConflict, "roles.not_coowner", u)
		case !on:
			return s.store.SetCircleRole(ctx, id, u, RoleMember)
		case len(roles.CoOwners) >= MaxCoOwners:
			return Errorf(EConflict, "roles.too_many", MaxCoOwners)
		}
		if err := s.mustBeMember(ctx, id, u); err != nil {
			return err
		}
		return s.store.SetCircleRole(ctx, id, u, RoleCoOwner)
	})
}

// Remove takes a member out of the circle: the owner may remove anyone but
// themself, a co-owner only plain members. The member's promises stay as
// they are; they are no longer a member (SetMembership does not count
// them back in) until an owner or a co-owner invites them again (Readmit).
func (s *Circles) Remove(ctx context.Context, act Action, id CircleID, u UserID) error {
	return s.ap.Apply(ctx, act, func(ctx context.Context) error {
		c, err := s.store.GetCircle(ctx, id)
		if err != nil {
			return err
		}
		roles, err := s.rolesOf(ctx, c)
		if err != nil {
			return err
		}
		if err := mayRemove(roles, act.Actor, u); err != nil {
			return err
		}
		if err := s.mustBeMember(ctx, id, u); err != nil {
			return err
		}
		if err := s.store.SetCircleRole(ctx, id, u, RoleRemoved); err != nil {
			return fmt.Errorf("failed to set circle role: %w", err)
		}
		return s.store.SetCircleMember(ctx, id, u, false, s.ap.At(act))
	})
}

// mayRemove is the rule of Remove.
func mayRemove(roles *CircleRoles, actor, u UserID) error {
	switch {
	case !roles.Manages(actor):
		return Errorf(EForbidden, "roles.managers_only", roles.Owner)
	case u == actor:
		return Errorf(EInvalid, "roles.remove_self")
	case u == roles.Owner:
		return Errorf(EForbidden, "roles.remove_owner", u)
	case slices.Contains(roles.CoOwners, u) && actor != roles.Owner:
		return Errorf(EForbidden, "roles.remove_coowner", u)
	case roles.IsRemoved(u):
		return Errorf(EConflict, "roles.already_removed", u)
	}
	return nil
}

// Readmit lifts the removal of u when by, who invites them again, is the
// owner or a co-owner; it reports whether it did. Lifting twice changes
// nothing, so it is not keyed by an event.
func (s *Circles) Readmit(ctx context.Context, id CircleID, by, u UserID) (bool, error) {
	lifted := false
	err := s.ap.tx.InTx(ctx, func(ctx context.Context) error {
		roles, err := s.Roles(ctx, id)
		if err != nil || !roles.IsRemoved(u) || !roles.Manages(by) {
			return nil // no circle, not removed, or not theirs to lift
		}
		lifted = true
		return s.store.SetCircleRole(ctx, id, u, RoleMember)
	})
	return lifted, err
}

// mustBeMember refuses a user who is not a joined member of the circle.
func (s *Circles) mustBeMember(ctx context.Context, id CircleID, u UserID) error {
	members, err := s.store.CircleMembers(ctx, id)
	if err != nil {
		return fmt.Errorf("failed to list circle members: %w", err)
	}
	if !slices.Contains(members, u) {
		return Errorf(EConflict, "roles.not_member", u)
	}
	return nil
}

// mayManage refuses an actor who is neither the owner nor a co-owner.
func (s *Circles) mayManage(ctx context.Context, c *Circle, actor UserID) error {
	if c.Owner == actor {
		return nil
	}
	roles, err := s.rolesOf(ctx, c)
	if err != nil {
		return err
	}
	if !roles.Manages(actor) {
		return Errorf(EForbidden, "circle.not_owner", c.Owner)
	}
	return nil
}

// isRemoved reports whether u was removed from the circle.
func (s *Circles) isRemoved(ctx context.Context, id CircleID, u UserID) (bool, error) {
	rows, err := s.store.CircleRoles(ctx, id)
	if err != nil {
		return false, fmt.Errorf("failed to read circle roles: %w", err)
	}
	return slices.Contains(rows, MemberRole{Member: u, Role: RoleRemoved}), nil
}

// adoptCoOwners sets the co-owners a circle state names (nil: leaves them).
func (s *Circles) adoptCoOwners(ctx context.Context, c *Circle, named []UserID) error {
	if named == nil {
		return nil
	}
	if len(named) > MaxCoOwners {
		named = named[:MaxCoOwners]
	}
	roles, err := s.rolesOf(ctx, c)
	if err != nil {
		return err
	}
	for _, u := range roles.CoOwners {
		if !slices.Contains(named, u) {
			if err := s.store.SetCircleRole(ctx, c.ID, u, RoleMember); err != nil {
				return fmt.Errorf("failed to set circle role: %w", err)
			}
		}
	}
	for _, u := range named {
		if u == "" || u == c.Owner {
			continue
		}
		if err := s.store.SetCircleRole(ctx, c.ID, u, RoleCoOwner); err != nil {
			return fmt.Errorf("failed to set circle role: %w", err)
		}
	}
	return nil
}
