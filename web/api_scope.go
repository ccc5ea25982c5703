package web

import (
	"context"
	"slices"
	"sort"

	"github.com/exodus-matrix/exodus/ledger"
)

// reach is what a member of the API may see: their circles and the
// members of those circles (their circle mates, themself included).
//
// The visibility rule of needs, one for every route: a member sees their
// own needs, the personal needs of their circle mates, the initiatives and
// claims posted in their circles (not those a circle mate posted in a
// circle they are not in: its card is only in that room), and any need
// they hold a promise toward. Any other need is answered as not found, as
// if it did not exist.
type reach struct {
	me      ledger.UserID
	circles []ledger.CircleID
	mates   map[ledger.UserID]bool
}

// apiReachOf reads a member's circles and circle mates.
func (s *Server) apiReachOf(ctx context.Context, u ledger.UserID) (*reach, error) {
	cs, err := s.svc.CirclesOf(ctx, u)
	if err != nil {
		return nil, err
	}
	rc := &reach{me: u, circles: cs, mates: map[ledger.UserID]bool{u: true}}
	for _, c := range cs {
		members, err := s.svc.CircleMembers(ctx, c)
		if err != nil {
			return nil, err
		}
		for _, m := range members {
			rc.mates[m] = true
		}
	}
	return rc, nil
}

// inCircle reports whether the member is in circle c.
func (rc *reach) inCircle(c ledger.CircleID) bool {
	return c != "" && slices.Contains(rc.circles, c)
}

// sees reports whether the member may see need n, by the rule above.
func (rc *reach) sees(b *ledger.Book, n *ledger.Need) bool {
	if n.Owner == rc.me || (n.Circle == "" && rc.mates[n.Owner]) || rc.inCircle(n.Circle) {
		return true
	}
	for _, p := range b.PromisesToward(n.ID) {
		if p.Giver == rc.me {
			return true
		}
	}
	return false
}

// apiActionable reports whether a need is one a member could act on now: open,
// or a claim awaiting approval.
func apiActionable(n *ledger.Need) bool {
	return n.State == ledger.NeedOpen || n.State == ledger.NeedProposed
}

// apiNetworkNeeds are the needs the member could act on: every open need (and
// claim awaiting approval) they see, oldest first.
func (rc *reach) apiNetworkNeeds(b *ledger.Book) []*ledger.Need {
	seen := map[ledger.NeedID]bool{}
	var out []*ledger.Need
	add := func(n *ledger.Need) {
		if !seen[n.ID] && apiActionable(n) && rc.sees(b, n) {
			seen[n.ID] = true
			out = append(out, n)
		}
	}
	for m := range rc.mates {
		for _, n := range b.NeedsOf(m) {
			add(n)
		}
	}
	for _, n := range b.OpenNeeds() {
		add(n)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].OpenedAt.Equal(out[j].OpenedAt) {
			return out[i].OpenedAt.Before(out[j].OpenedAt)
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// apiVisibleNeed returns need id with its figures and promises if the member
// sees it, else a not-found error.
func (s *Server) apiVisibleNeed(ctx context.Context, u ledger.UserID, id ledger.NeedID) (*ledger.NeedView, error) {
	rc, err := s.apiReachOf(ctx, u)
	if err != nil {
		return nil, err
	}
	var v *ledger.NeedView
	err = s.svc.View(ctx, func(b *ledger.Book) error {
		n, ok := b.Need(id)
		if !ok || !rc.sees(b, n) {
			return ledger.Errorf(ledger.ENotFound, "need.not_found")
		}
		v = &ledger.NeedView{Need: n, Totals: b.TotalsOf(id), Promises: b.PromisesToward(id)}
		return nil
	})
	return v, err
}

// apiMemberCircle returns circle c if the member is in it: not found for an
// unknown circle, forbidden for a circle of which they are no member.
func (s *Server) apiMemberCircle(ctx context.Context, u ledger.UserID, c ledger.CircleID) (*ledger.Circle, error) {
	circle, err := s.svc.Circle(ctx, c)
	if err != nil {
		return nil, err
	}
	mine, err := s.svc.CirclesOf(ctx, u)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(mine, c) {
		return nil, ledger.Errorf(ledger.EForbidden, "api.not_member")
	}
	return circle, nil
}

// apiCurrency is the currency of an amount sent without one, outside
// any need: the pledge currency of the circle given, else of the member's
// first circle, else the configured default pledge's.
func (s *Server) apiCurrency(ctx context.Context, u ledger.UserID, c ledger.CircleID) ledger.Currency {
	if c == "" {
		if cs, err := s.svc.CirclesOf(ctx, u); err == nil && len(cs) > 0 {
			c = cs[0]
		}
	}
	if c != "" {
		if circle, err := s.svc.Circle(ctx, c); err == nil && circle.Pledge.Currency != "" {
			return circle.Pledge.Currency
		}
	}
	return s.svc.Config().DefaultPledge.Currency
}
