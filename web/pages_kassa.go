package web

import (
	"net/http"
	"slices"

	"github.com/exodus-matrix/exodus/ledger"
)

// kassaFund is the kassa in one currency.
type kassaFund struct {
	Currency ledger.Currency
	Members  int
	Total    ledger.Amount
}

// kassaPage is the kassa: the declared maxima, the member's own, and the
// claims in the member's circles.
type kassaPage struct {
	Funds    []kassaFund
	Mine     ledger.Amount
	Currency ledger.Currency
	Circles  []circleLink
	// Proposed are others' claims awaiting approval; Open the claims being
	// shared; MyClaims the member's own.
	Proposed, Open, MyClaims []needCard
	MaxReason                int
}

// kassaPage shows the kassa.
func (s *Server) kassaPage(w http.ResponseWriter, r *http.Request, c *caller) {
	ctx := r.Context()
	rc, err := s.viewerOf(ctx, c.Member)
	if err != nil {
		s.pageError(w, r, c, err)
		return
	}
	p := &kassaPage{Currency: s.typedCurrency(ctx, rc), MaxReason: ledger.MaxClaimReasonRunes}
	if p.Circles, err = s.circlesOf(ctx, rc); err != nil {
		s.pageError(w, r, c, err)
		return
	}
	currencies := []ledger.Currency{p.Currency}
	for _, cl := range p.Circles {
		if !slices.Contains(currencies, cl.Pledge.Currency) {
			currencies = append(currencies, cl.Pledge.Currency)
		}
	}
	peers := make([]ledger.UserID, 0, len(rc.peers))
	for u := range rc.peers {
		peers = append(peers, u)
	}
	slices.Sort(peers)
	err = s.svc.View(ctx, func(b *ledger.Book) error {
		p.Mine = b.StatusOf(c.Member).KassaMax
		if !p.Mine.IsZero() && !slices.Contains(currencies, p.Mine.Currency) {
			currencies = append(currencies, p.Mine.Currency)
		}
		for _, cur := range currencies {
			f := kassaFund{Currency: cur, Total: ledger.Amount{Currency: cur}}
			for _, kp := range b.KassaOf(cur) {
				f.Members++
				f.Total.Minor += kp.Max.Minor
			}
			p.Funds = append(p.Funds, f)
		}
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
		s.pageError(w, r, c, err)
		return
	}
	s.render(w, r, "kassa", &pageData{Title: "kassa.title", Nav: "kassa", Page: p})
}

// kassaDeclare declares the most the member would give the kassa in a
// month: `kassa <amount>`.
func (s *Server) kassaDeclare(w http.ResponseWriter, r *http.Request, c *caller) {
	ctx := r.Context()
	rc, err := s.viewerOf(ctx, c.Member)
	if err != nil {
		s.refuse(w, r, c, "/kassa", err)
		return
	}
	a, err := formAmount(r, "amount", s.typedCurrency(ctx, rc), true)
	if err != nil {
		s.refuse(w, r, c, "/kassa", err)
		return
	}
	s.act(w, r, c, "/kassa", "kassa", ledger.Request{Command: ledger.Command{Verb: ledger.VerbKassa, Amount: a}})
}

// kassaClaim claims from the kassa in one of the member's circles:
// `claim <amount> <reason>` typed in that circle's room.
func (s *Server) kassaClaim(w http.ResponseWriter, r *http.Request, c *caller) {
	ctx := r.Context()
	rc, err := s.viewerOf(ctx, c.Member)
	if err != nil {
		s.refuse(w, r, c, "/kassa", err)
		return
	}
	id := ledger.CircleID(r.PostForm.Get("circle"))
	if !rc.in(id) {
		s.refuse(w, r, c, "/kassa", ledger.Errorf(ledger.EForbidden, "page.not_member"))
		return
	}
	circle, err := s.svc.Circle(ctx, id)
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
