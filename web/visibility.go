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

// visibleNeed returns need id with its figures and promises if the member
// sees it, else a not-found error.
func (vis *visibility) visibleNeed(ctx context.Context, u ledger.UserID, id ledger.NeedID) (*ledger.NeedView, error) {
	rc, err := vis.viewerOf(ctx, u)
	if err != nil {
		return nil, err
	}
	var v *ledger.NeedView
	err = vis.aid.View(ctx, func(b *ledger.Book) error {
		n, ok := b.Need(id)
		if !ok || !rc.seesAny(b, n) {
			return ledger.Errorf(ledger.ENotFound, "need.not_found")
		}
		v, _ = b.ViewOf(id, vis.cfg.Cycle.Location)
		return nil
	})
	return v, err
}

// memberCircle returns circle c if the member is in it: not found for an
// unknown circle, forbidden for a circle of which they are no member.
func (vis *visibility) memberCircle(ctx context.Context, u ledger.UserID, c ledger.CircleID) (*ledger.Circle, error) {
	circle, err := vis.circles.Get(ctx, c)
	if err != nil {
		return nil, err
	}
	mine, err := vis.circles.Of(ctx, u)
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
func (vis *visibility) apiCurrency(ctx context.Context, u ledger.UserID, c ledger.CircleID) ledger.Currency {
	if c == "" {
		if cs, err := vis.circles.Of(ctx, u); err == nil && len(cs) > 0 {
			c = cs[0]
		}
	}
	if c != "" {
		if circle, err := vis.circles.Get(ctx, c); err == nil && circle.Pledge.Currency != "" {
			return circle.Pledge.Currency
		}
	}
	return vis.cfg.DefaultPledge.Currency
}

// circleLedger reads the ledger of the circle in the path, for one of its
// members only.
func (vis *visibility) circleLedger(r *http.Request) (*ledger.Circle, *ledger.CircleLedger, error) {
	c := callerOf(r.Context())
	circle, err := vis.memberCircle(r.Context(), c.Member, ledger.CircleID(r.PathValue("id")))
	if err != nil {
		return nil, nil, err
	}
	l, err := vis.aid.CircleLedger(r.Context(), circle.ID)
	if err != nil {
		return nil, nil, err
	}
	return circle, l, nil
}

// viewer is what a member may see, on the pages and in the API alike:
// their circles and the members who share one with them.
//
// The visibility rule of needs: a member sees their own needs, the
// personal needs of their circle mates, the initiatives and claims posted
// in their circles (not those a circle mate posted in a circle they are
// not in: its card is only in that room), and any need they hold a
// promise toward. Any other need is answered as not found, as if it did
// not exist.
type viewer struct {
	me      ledger.UserID
	circles []ledger.CircleID
	peers   map[ledger.UserID]bool
	members map[ledger.CircleID][]ledger.UserID
}

// viewerOf returns what u may see.
func (vis *visibility) viewerOf(ctx context.Context, u ledger.UserID) (*viewer, error) {
	cs, err := vis.circles.Of(ctx, u)
	if err != nil {
		return nil, err
	}
	rc := &viewer{me: u, circles: cs, peers: map[ledger.UserID]bool{u: true}, members: map[ledger.CircleID][]ledger.UserID{}}
	for _, c := range cs {
		ms, err := vis.circles.Members(ctx, c)
		if err != nil {
			return nil, err
		}
		rc.members[c] = ms
		for _, m := range ms {
			rc.peers[m] = true
		}
	}
	return rc, nil
}

// in reports whether the member is in circle c.
func (rc *viewer) in(c ledger.CircleID) bool { return c != "" && slices.Contains(rc.circles, c) }

// sees reports whether the member may open need n: their own, a personal
// need of a member who shares a circle with them, or an initiative or
// claim posted in their circle (one posted in another circle is that
// circle's only, as its card is).
func (rc *viewer) sees(n *ledger.Need) bool {
	return n.Owner == rc.me || (n.Circle == "" && rc.peers[n.Owner]) || rc.in(n.Circle)
}

// seesAny reports whether the member may see need n by the whole rule:
// sees, or they hold a promise toward it.
func (rc *viewer) seesAny(b *ledger.Book, n *ledger.Need) bool {
	if rc.sees(n) {
		return true
	}
	for _, p := range b.PromisesToward(n.ID) {
		if p.Giver == rc.me {
			return true
		}
	}
	return false
}

// circlesOf lists the member's circles with their names.
func (vis *visibility) circlesOf(ctx context.Context, rc *viewer) ([]circleLink, error) {
	out := make([]circleLink, 0, len(rc.circles))
	for _, id := range rc.circles {
		c, err := vis.circles.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, circleLink{ID: id, Href: circleHref(id), Name: c.Name, Pledge: c.Pledge})
	}
	return out, nil
}

// typedCurrency is the currency of an amount typed without one: the
// pledge's of the member's first circle, else the configured one (as the
// chat's direct commands read it).
func (vis *visibility) typedCurrency(ctx context.Context, rc *viewer) ledger.Currency {
	if len(rc.circles) > 0 {
		if c, err := vis.circles.Get(ctx, rc.circles[0]); err == nil {
			return c.Pledge.Currency
		}
	}
	return vis.cfg.DefaultPledge.Currency
}

// openableNeed returns need id if the member may open it: a need in their
// network or one they promised toward (else not found, as for a need that
// does not exist).
func (vis *visibility) openableNeed(ctx context.Context, rc *viewer, id ledger.NeedID) (*ledger.NeedView, error) {
	v, err := vis.aid.Need(ctx, id)
	if err != nil {
		if ledger.ErrorCode(err) == ledger.ENotFound {
			return nil, ledger.Errorf(ledger.ENotFound, "page.no_need")
		}
		return nil, err
	}
	if rc.sees(v.Need) || slices.ContainsFunc(v.Promises, func(p *ledger.Promise) bool { return p.Giver == rc.me }) {
		return v, nil
	}
	return nil, ledger.Errorf(ledger.ENotFound, "page.no_need")
}

// pledgeFor is the default amount of a promise toward n: the pledge of a
// circle the member shares with its owner (or the initiative's circle).
func (vis *visibility) pledgeFor(ctx context.Context, rc *viewer, n *ledger.Need) ledger.Amount {
	for _, id := range rc.circles {
		if id == n.Circle || (n.Circle == "" && slices.Contains(rc.members[id], n.Owner)) {
			if c, err := vis.circles.Get(ctx, id); err == nil {
				return c.Pledge
			}
		}
	}
	return vis.cfg.DefaultPledge
}

// kassaCircle is the circle a maximum is declared for: the one named,
// which must be the member's; else the member's only circle. A member of
// several circles must name one.
func (vis *visibility) kassaCircle(ctx context.Context, u ledger.UserID, id ledger.CircleID) (*ledger.Circle, error) {
	if id != "" {
		return vis.memberCircle(ctx, u, id)
	}
	mine, err := vis.circles.Of(ctx, u)
	if err != nil {
		return nil, err
	}
	switch len(mine) {
	case 0:
		return nil, ledger.Errorf(ledger.EConflict, "kassa.no_circle")
	case 1:
		return vis.circles.Get(ctx, mine[0])
	}
	return nil, apiRequired("circle", "")
}

// ownCircle returns circle id if the member is in it: not found if it
// does not exist, forbidden if they are not in it.
func (vis *visibility) ownCircle(ctx context.Context, u ledger.UserID, id ledger.CircleID) (*ledger.Circle, error) {
	circle, err := vis.memberCircle(ctx, u, id)
	switch ledger.ErrorCode(err) {
	case ledger.ENotFound:
		return nil, ledger.Errorf(ledger.ENotFound, "page.no_circle")
	case ledger.EForbidden:
		return nil, ledger.Errorf(ledger.EForbidden, "page.not_member")
	}
	return circle, err
}

// circlesOfMember is circlesOf the viewer that member is.
func (vis *visibility) circlesOfMember(ctx context.Context, member ledger.UserID) ([]circleLink, error) {
	rc, err := vis.viewerOf(ctx, member)
	if err != nil {
		return nil, err
	}
	return vis.circlesOf(ctx, rc)
}
