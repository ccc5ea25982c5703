package web

import (
	"net/http"
	"sort"

	"github.com/exodus-matrix/exodus/ledger"
)

// circleLink is a circle as a list links to it.
type circleLink struct {
	ID     ledger.CircleID
	Href   string
	Name   string
	Pledge ledger.Amount
}

// kindOrder sorts the needs of a list: emergencies first.
var kindOrder = map[ledger.NeedKind]int{ledger.NeedRed: 0, ledger.NeedOrange: 1, ledger.NeedInitiative: 2, ledger.NeedClaim: 3}

// sortCards puts the member's own needs first, then by kind, then by ID.
func sortCards(cs []needCard) {
	sort.SliceStable(cs, func(i, j int) bool {
		a, b := cs[i], cs[j]
		if a.Mine != b.Mine {
			return a.Mine
		}
		if kindOrder[a.Kind] != kindOrder[b.Kind] {
			return kindOrder[a.Kind] < kindOrder[b.Kind]
		}
		return a.ID < b.ID
	})
}

// dashboardPage is what the dashboard shows.
type dashboardPage struct {
	Status   ledger.MemberStatus
	Currency ledger.Currency
	// Direct and Total count the trust list; Pool is its pledges.
	Direct, Total int
	Pool          []ledger.Amount
	// Needs are the open needs in the member's network, theirs first.
	Needs   []needCard
	Circles []circleLink
	// Owing counts the member's open commitments, Pending what awaits
	// their confirmation, Overdue what is overdue either way.
	Owing, Pending, Overdue int
	// StatusNow is what the status form shows.
	StatusNow statusNow
}

// dashboard is the member's home page.
func (pg *pages) dashboard(w http.ResponseWriter, r *http.Request, c *caller) {
	ctx := r.Context()
	rc, err := pg.vis.viewerOf(ctx, c.Member)
	if err != nil {
		pg.view.pageError(w, r, c, err)
		return
	}
	g, err := pg.trust.Graph(ctx)
	if err != nil {
		pg.view.pageError(w, r, c, err)
		return
	}
	size := g.TrustSize(c.Member)
	p := &dashboardPage{Direct: size.Direct, Total: size.Count(), Pool: g.Pool(c.Member), Currency: pg.vis.typedCurrency(ctx, rc)}
	if p.Circles, err = pg.vis.circlesOf(ctx, rc); err != nil {
		pg.view.pageError(w, r, c, err)
		return
	}
	now := pg.clock.Now()
	err = pg.aid.View(ctx, func(b *ledger.Book) error {
		p.Status = b.StatusOf(c.Member)
		p.StatusNow = pg.statusNowOf(b, p.Status, p.Currency)
		for _, n := range b.OpenNeeds() {
			if rc.sees(n) {
				p.Needs = append(p.Needs, pg.cardOf(b, n, c.Member, c.zone()))
			}
		}
		for _, pr := range b.PromisesBy(c.Member) {
			if pr.State == ledger.PromiseCommitment {
				p.Owing++
			}
			if overdue(b, pr, now) {
				p.Overdue++
			}
		}
		for _, pr := range b.PromisesTo(c.Member) {
			if pr.State == ledger.PromiseSent {
				p.Pending++
			}
			if overdue(b, pr, now) {
				p.Overdue++
			}
		}
		return nil
	})
	if err != nil {
		pg.view.pageError(w, r, c, err)
		return
	}
	sortCards(p.Needs)
	pg.render(w, r, "dashboard", &pageData{Title: "dashboard.title", Nav: "dashboard", Page: p})
}
