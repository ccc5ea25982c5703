package web

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/exodus-matrix/exodus/ledger"
)

// needPage is the page of one need, initiative or kassa claim.
type needPage struct {
	Card needCard
	Need *ledger.Need
	// Live are the promises that count (or counted) toward it; Other the
	// rest (withdrawn, released, expired...).
	Live, Other []promiseRow
	// OwnerAbout is what the owner tells about themself; Requisite their
	// payment details, shown to a giver who committed.
	OwnerAbout string
	Requisite  string
	Circle     *circleLink
	// Mine is the member's own promise toward it, if any is pending.
	Mine *ledger.Promise
	// Default is what an empty amount means: the circle's pledge, capped
	// at what is missing.
	Default ledger.Amount
	Reached string
	Funded  string
	Closed  string
	// The actions offered.
	CanIntend, CanCommit, CanWithdraw, CanSent, CanGot, CanDone, CanApprove, CanForgive bool
	// Givers are those whose help the owner may confirm or forgive.
	Givers []ledger.UserID
	Back   string
}

// needPage shows a need with its figures, its promises and what the member
// may do about it.
func (pg *pages) needPage(w http.ResponseWriter, r *http.Request, c *caller) {
	ctx := r.Context()
	id := ledger.NeedID(r.PathValue("id"))
	rc, err := pg.vis.viewerOf(ctx, c.Member)
	if err != nil {
		pg.view.pageError(w, r, c, err)
		return
	}
	v, err := pg.vis.openableNeed(ctx, rc, id)
	if err == nil && strings.HasPrefix(r.URL.Path, "/initiatives/") && v.Need.Kind != ledger.NeedInitiative {
		err = ledger.Errorf(ledger.ENotFound, "page.no_need")
	}
	if err != nil {
		pg.view.pageError(w, r, c, err)
		return
	}
	n := v.Need
	p := &needPage{Need: n, Back: needHref(n.ID, n.Kind), Reached: day(n.ReachedAt, c.zone()), Funded: day(n.FundedAt, c.zone()), Closed: day(n.ClosedAt, c.zone())}
	now := pg.clock.Now()
	err = pg.aid.View(ctx, func(b *ledger.Book) error {
		p.Card = pg.cardOf(b, n, c.Member, c.zone())
		for _, pr := range b.PromisesToward(n.ID) {
			row := pg.rowOf(b, pr, c, now)
			if pr.State.Live() {
				p.Live = append(p.Live, row)
			} else {
				p.Other = append(p.Other, row)
			}
		}
		return nil
	})
	if err != nil {
		pg.view.pageError(w, r, c, err)
		return
	}
	if prof, err := pg.members.Profile(ctx, n.Owner); err == nil {
		p.OwnerAbout = prof.About
		p.Requisite = prof.DefaultRequisite()
	}
	if n.Circle != "" {
		if circle, err := pg.circles.Get(ctx, n.Circle); err == nil {
			p.Circle = &circleLink{ID: circle.ID, Href: circleHref(circle.ID), Name: circle.Name, Pledge: circle.Pledge}
		}
	}
	pg.offer(ctx, rc, p)
	pg.render(w, r, "need", &pageData{Title: "need.title", Nav: "dashboard", Page: p})
}

// offer decides which actions the need's page offers the member; the
// ledger decides again when one is taken.
func (pg *pages) offer(ctx context.Context, rc *viewer, p *needPage) {
	n, me := p.Need, rc.me
	open := n.State == ledger.NeedOpen
	binding := false
	for _, row := range p.Live {
		if row.Giver == me && row.State != ledger.PromiseFulfilled {
			p.Mine = row.Promise
		}
		if row.Giver == me && row.State.Binding() {
			binding = true
		}
		if n.Owner == me && row.State.Open() && !slices.Contains(p.Givers, row.Giver) {
			p.Givers = append(p.Givers, row.Giver)
		}
	}
	if n.Owner != me {
		p.Default = pg.vis.pledgeFor(ctx, rc, n)
		if !n.Target.IsMoney() {
			p.Default = ledger.One(n.Target.Currency) // one hour, one thing, as the chat's ❤️
		}
		if p.Default.Currency != n.Target.Currency || p.Default.Minor > p.Card.Missing.Minor {
			p.Default = p.Card.Missing
		}
		mineState := ledger.PromiseState("")
		if p.Mine != nil {
			mineState = p.Mine.State
		}
		claimShare := n.Kind == ledger.NeedClaim
		p.CanIntend = open && n.Kind != ledger.NeedRed && !claimShare && (mineState == "" || mineState == ledger.PromiseIntention)
		p.CanCommit = open && ((mineState == "" && !claimShare) || mineState == ledger.PromiseIntention)
		p.CanWithdraw = mineState == ledger.PromiseIntention
		p.CanSent = mineState == ledger.PromiseCommitment
		p.CanApprove = n.Kind == ledger.NeedClaim && n.State == ledger.NeedProposed && rc.in(n.Circle)
	} else {
		p.CanGot = len(p.Givers) > 0
		p.CanForgive = len(p.Givers) > 0
		p.CanDone = n.Kind == ledger.NeedInitiative && open
	}
	if !binding || n.Owner == me {
		p.Requisite = ""
	}
}
