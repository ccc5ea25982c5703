package web

import (
	"context"
	"net/http"
	"slices"

	"github.com/exodus-matrix/exodus/ledger"
)

// kassaPage is the kassa: each of the member's circles' (the maxima its
// members declared, the member's own and what they were asked this
// month), and the claims in the member's circles.
type kassaPage struct {
	Funds   []ledger.KassaFund
	Circles []circleLink
	// Proposed are others' claims awaiting approval; Open the claims being
	// shared; MyClaims the member's own.
	Proposed, Open, MyClaims []needCard
	MaxReason                int
}

// kassaPage shows the kassa.
func (s *pages) kassaPage(w http.ResponseWriter, r *http.Request, c *caller) {
	ctx := r.Context()
	rc, err := s.vis.viewerOf(ctx, c.Member)
	if err != nil {
		s.view.pageError(w, r, c, err)
		return
	}
	p := &kassaPage{MaxReason: ledger.MaxClaimReasonRunes}
	if p.Circles, err = s.vis.circlesOf(ctx, rc); err != nil {
		s.view.pageError(w, r, c, err)
		return
	}
	if p.Funds, err = s.svc.KassaFunds(ctx, c.Member, ""); err != nil {
		s.view.pageError(w, r, c, err)
		return
	}
	peers := make([]ledger.UserID, 0, len(rc.peers))
	for u := range rc.peers {
		peers = append(peers, u)
	}
	slices.Sort(peers)
	err = s.svc.View(ctx, func(b *ledger.Book) error {
		for _, u := range peers {
			for _, n := range b.NeedsOf(u) {
				if n.Kind != ledger.NeedClaim || !(rc.in(n.Circle) || u == c.Member) {
					continue
				}
				card := s.cardOf(b, n, c.Member)
				switch {
				case u == c.Member:
					p.MyClaims = append(p.MyClaims, card)
				case n.State == ledger.NeedProposed:
					p.Proposed = append(p.Proposed, card)
				case n.State == ledger.NeedOpen:
					p.Open = append(p.Open, card)
				}
			}
		}
		return nil
	})
	if err != nil {
		s.view.pageError(w, r, c, err)
		return
	}
	s.render(w, r, "kassa", &pageData{Title: "kassa.title", Nav: "kassa", Page: p})
}

// kassaDeclare declares the most the member would give the kassa of one
// of their circles in a month: `kassa <amount>` typed in that circle's
// room.
func (s *forms) kassaDeclare(w http.ResponseWriter, r *http.Request, c *caller) {
	ctx := r.Context()
	circle, err := s.vis.kassaCircle(ctx, c.Member, ledger.CircleID(r.PostForm.Get("circle")))
	if err != nil {
		s.refuse(w, r, c, "/kassa", err)
		return
	}
	a, err := formAmount(r, "amount", circle.Pledge.Currency, true)
	if err != nil {
		s.refuse(w, r, c, "/kassa", err)
		return
	}
	s.act(w, r, c, "/kassa", "kassa", ledger.Request{Circle: circle.ID, Command: ledger.Command{Verb: ledger.VerbKassa, Amount: a}})
}

// kassaCircle is the circle a maximum is declared for: the one named,
// which must be the member's; else the member's only circle. A member of
// several circles must name one.
func (s *visibility) kassaCircle(ctx context.Context, u ledger.UserID, id ledger.CircleID) (*ledger.Circle, error) {
	if id != "" {
		return s.apiMemberCircle(ctx, u, id)
	}
	mine, err := s.svc.CirclesOf(ctx, u)
	if err != nil {
		return nil, err
	}
	switch len(mine) {
	case 0:
		return nil, ledger.Errorf(ledger.EConflict, "kassa.no_circle")
	case 1:
		return s.svc.Circle(ctx, mine[0])
	}
	return nil, apiRequired("circle", "")
}

// kassaClaim claims from the kassa in one of the member's circles:
// `claim <amount> <reason>` typed in that circle's room.
func (s *forms) kassaClaim(w http.ResponseWriter, r *http.Request, c *caller) {
	ctx := r.Context()
	rc, err := s.vis.viewerOf(ctx, c.Member)
	if err != nil {
		s.refuse(w, r, c, "/kassa", err)
		return
	}
	id := ledger.CircleID(r.PostForm.Get("circle"))
	if !rc.in(id) {
		s.refuse(w, r, c, "/kassa", ledger.Errorf(ledger.EForbidden, "page.not_member"))
		return
	}
	circle, err := s.circles.Circle(ctx, id)
	if err != nil {
		s.refuse(w, r, c, "/kassa", err)
		return
	}
	a, err := formAmount(r, "amount", circle.Pledge.Currency, true)
	if err != nil {
		s.refuse(w, r, c, "/kassa", err)
		return
	}
	reason, err := formText(r, "reason", ledger.MaxClaimReasonRunes, true)
	if err != nil {
		s.refuse(w, r, c, "/kassa", err)
		return
	}
	s.act(w, r, c, "/kassa", "claim", ledger.Request{Circle: id,
		Command: ledger.Command{Verb: ledger.VerbClaim, Amount: a, Text: reason}})
}
