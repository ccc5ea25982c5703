package web

import (
	"context"
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

// circlesOf lists the member's circles with their names.
func (s *visibility) circlesOf(ctx context.Context, rc *viewer) ([]circleLink, error) {
	out := make([]circleLink, 0, len(rc.circles))
	for _, id := range rc.circles {
		c, err := s.svc.Circle(ctx, id)
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
func (s *visibility) typedCurrency(ctx context.Context, rc *viewer) ledger.Currency {
	if len(rc.circles) > 0 {
		if c, err := s.svc.Circle(ctx, rc.circles[0]); err == nil {
			return c.Pledge.Currency
		}
	}
	return s.svc.Config().DefaultPledge.Currency
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
}

// dashboard is the member's home page.
func (s *pages) dashboard(w http.ResponseWriter, r *http.Request, c *caller) {
	ctx := r.Context()
	rc, err := s.vis.viewerOf(ctx, c.Member)
	if err != nil {
		s.view.pageError(w, r, c, err)
		return
	}
	g, err := s.svc.Graph(ctx)
	if err != nil {
		s.view.pageError(w, r, c, err)
		return
	}
	tl := g.TrustList(c.Member)
	p := &dashboardPage{Direct: len(tl.Direct), Total: tl.Count(), Pool: g.Pool(c.Member), Currency: s.vis.typedCurrency(ctx, rc)}
	if p.Circles, err = s.vis.circlesOf(ctx, rc); err != nil {
		s.view.pageError(w, r, c, err)
		return
	}
	now := s.svc.Now()
	err = s.svc.View(ctx, func(b *ledger.Book) error {
		p.Status = b.StatusOf(c.Member)
		for _, n := range b.OpenNeeds() {
			if rc.sees(n) {
				p.Needs = append(p.Needs, s.cardOf(b, n, c.Member))
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
		s.view.pageError(w, r, c, err)
		return
	}
	sortCards(p.Needs)
	s.render(w, r, "dashboard", &pageData{Title: "dashboard.title", Nav: "dashboard", Page: p})
}

// statusAction sets the member's traffic light: green, orange <amount> or
// red <amount> <days>.
func (s *forms) statusAction(w http.ResponseWriter, r *http.Request, c *caller) {
	ctx := r.Context()
	back := backOf(r, "/profile")
	rc, err := s.vis.viewerOf(ctx, c.Member)
	if err != nil {
		s.refuse(w, r, c, back, err)
		return
	}
	cmd := ledger.Command{Verb: ledger.VerbStatus, Status: ledger.Status(r.PostForm.Get("status"))}
	switch cmd.Status {
	case ledger.StatusGreen:
	case ledger.StatusOrange, ledger.StatusRed:
		if cmd.Amount, err = formAmount(r, "amount", s.vis.typedCurrency(ctx, rc), true); err != nil {
			s.refuse(w, r, c, back, err)
			return
		}
		if cmd.Status == ledger.StatusRed {
			days, err := formIndex(r, "days", ledger.MaxRedDays)
			if err != nil {
				s.refuse(w, r, c, back, ledger.Errorf(ledger.EInvalid, "cmd.bad_days", r.PostForm.Get("days"), ledger.MaxRedDays))
				return
			}
			cmd.Days = days
		}
	default:
		s.refuse(w, r, c, back, ledger.Errorf(ledger.EInvalid, "cmd.bad_status", r.PostForm.Get("status")))
		return
	}
	s.act(w, r, c, back, "status", ledger.Request{Command: cmd})
}
