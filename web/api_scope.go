package web

import (
	"context"
	"net/http"
	"slices"
	"sort"

	"github.com/exodus-matrix/exodus/ledger"
)

// apiActionable reports whether a need is one a member could act on now: open,
// or a claim awaiting approval.
func apiActionable(n *ledger.Need) bool {
	return n.State == ledger.NeedOpen || n.State == ledger.NeedProposed
}

// apiNetworkNeeds are the needs the member could act on: every open need (and
// claim awaiting approval) they see, oldest first.
func (rc *viewer) apiNetworkNeeds(b *ledger.Book) []*ledger.Need {
	seen := map[ledger.NeedID]bool{}
	var out []*ledger.Need
	add := func(n *ledger.Need) {
		if !seen[n.ID] && apiActionable(n) && rc.seesAny(b, n) {
			seen[n.ID] = true
			out = append(out, n)
		}
	}
	for m := range rc.peers {
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
func (s *visibility) apiVisibleNeed(ctx context.Context, u ledger.UserID, id ledger.NeedID) (*ledger.NeedView, error) {
	rc, err := s.viewerOf(ctx, u)
	if err != nil {
		return nil, err
	}
	var v *ledger.NeedView
	err = s.svc.View(ctx, func(b *ledger.Book) error {
		n, ok := b.Need(id)
		if !ok || !rc.seesAny(b, n) {
			return ledger.Errorf(ledger.ENotFound, "need.not_found")
		}
		v = &ledger.NeedView{Need: n, Totals: b.TotalsOf(id), Promises: b.PromisesToward(id)}
		return nil
	})
	return v, err
}

// apiMemberCircle returns circle c if the member is in it: not found for an
// unknown circle, forbidden for a circle of which they are no member.
func (s *visibility) apiMemberCircle(ctx context.Context, u ledger.UserID, c ledger.CircleID) (*ledger.Circle, error) {
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
func (s *visibility) apiCurrency(ctx context.Context, u ledger.UserID, c ledger.CircleID) ledger.Currency {
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

// apiCircleLedger reads the ledger of the circle in the path, for one of its
// members only.
func (s *visibility) apiCircleLedger(r *http.Request) (*ledger.Circle, *ledger.CircleLedger, error) {
	c := callerOf(r.Context())
	circle, err := s.apiMemberCircle(r.Context(), c.Member, ledger.CircleID(r.PathValue("id")))
	if err != nil {
		return nil, nil, err
	}
	l, err := s.svc.CircleLedger(r.Context(), circle.ID)
	if err != nil {
		return nil, nil, err
	}
	return circle, l, nil
}
