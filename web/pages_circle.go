package web

import (
	"net/http"
	"slices"

	"github.com/exodus-matrix/exodus/ledger"
)

// memberRow is a member of a circle as its page lists them.
type memberRow struct {
	ID     ledger.UserID
	Me     bool
	Direct bool // a direct guarantor of the member looking
	Status ledger.Status
	// Owner and CoOwner are the member's role; the member looking may
	// hand the circle over to them, name or dismiss them (the owner), or
	// remove them (the owner; a co-owner, a plain member).
	Owner, CoOwner                     bool
	CanHandOver, CanCoOwner, CanRemove bool
}

// circlePage is the page of one circle.
type circlePage struct {
	Circle  *ledger.Circle
	Href    string
	Members []memberRow
	Direct  int
	// Needs are the open needs of its members and the initiatives and
	// claims posted in it.
	Needs  []needCard
	Digest string
	// Manage: the member looking is the owner or a co-owner, and sees
	// the controls of the roles.
	Manage bool
}

// circlePage shows a circle to its members.
func (pg *pages) circlePage(w http.ResponseWriter, r *http.Request, c *caller) {
	ctx := r.Context()
	circle, err := pg.vis.ownCircle(ctx, c.Member, ledger.CircleID(r.PathValue("id")))
	if err != nil {
		pg.view.pageError(w, r, c, err)
		return
	}
	members, err := pg.circles.Members(ctx, circle.ID)
	if err != nil {
		pg.view.pageError(w, r, c, err)
		return
	}
	g, err := pg.trust.Graph(ctx)
	if err != nil {
		pg.view.pageError(w, r, c, err)
		return
	}
	l, err := pg.aid.CircleLedger(ctx, circle.ID)
	if err != nil {
		pg.view.pageError(w, r, c, err)
		return
	}
	roles, err := pg.circles.Roles(ctx, circle.ID)
	if err != nil {
		pg.view.pageError(w, r, c, err)
		return
	}
	direct := g.Direct(c.Member)
	p := &circlePage{Circle: circle, Href: circleHref(circle.ID), Digest: l.Digest(), Manage: roles.Manages(c.Member)}
	in := map[ledger.UserID]bool{}
	err = pg.aid.View(ctx, func(b *ledger.Book) error {
		for _, m := range members {
			in[m] = true
			row := memberRow{ID: m, Me: m == c.Member, Direct: slices.Contains(direct, m), Status: b.StatusOf(m).Status}
			row.withRoles(roles, c.Member)
			if row.Direct {
				p.Direct++
			}
			p.Members = append(p.Members, row)
		}
		for _, n := range b.OpenNeeds() {
			if (in[n.Owner] && (n.Circle == "" || n.Circle == circle.ID)) || n.Circle == circle.ID {
				p.Needs = append(p.Needs, pg.cardOf(b, n, c.Member, c.zone()))
			}
		}
		return nil
	})
	if err != nil {
		pg.view.pageError(w, r, c, err)
		return
	}
	sortCards(p.Needs)
	pg.render(w, r, "circle", &pageData{Title: "circle.title", Nav: "dashboard", Page: p})
}

// withRoles fills in the member's role and what the member looking (by)
// may do about it, by the ledger's rules (ledger/circle_roles.go).
func (row *memberRow) withRoles(roles *ledger.CircleRoles, by ledger.UserID) {
	row.Owner, row.CoOwner = row.ID == roles.Owner, slices.Contains(roles.CoOwners, row.ID)
	if row.Me {
		return
	}
	owner := by == roles.Owner
	row.CanHandOver, row.CanCoOwner = owner, owner
	row.CanRemove = !row.Owner && (owner || roles.Manages(by) && !row.CoOwner)
}
