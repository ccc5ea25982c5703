package web

import (
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
func (pg *pages) kassaPage(w http.ResponseWriter, r *http.Request, c *caller) {
	ctx := r.Context()
	rc, err := pg.vis.viewerOf(ctx, c.Member)
	if err != nil {
		pg.view.pageError(w, r, c, err)
		return
	}
	p := &kassaPage{MaxReason: ledger.MaxClaimReasonRunes}
	if p.Circles, err = pg.vis.circlesOf(ctx, rc); err != nil {
		pg.view.pageError(w, r, c, err)
		return
	}
	if p.Funds, err = pg.aid.KassaFunds(ctx, c.Member, ""); err != nil {
		pg.view.pageError(w, r, c, err)
		return
	}
	peers := make([]ledger.UserID, 0, len(rc.peers))
	for u := range rc.peers {
		peers = append(peers, u)
	}
	slices.Sort(peers)
	err = pg.aid.View(ctx, func(b *ledger.Book) error {
		for _, u := range peers {
			for _, n := range b.NeedsOf(u) {
				if n.Kind != ledger.NeedClaim || !(rc.in(n.Circle) || u == c.Member) {
					continue
				}
				card := pg.cardOf(b, n, c.Member, c.zone())
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
		pg.view.pageError(w, r, c, err)
		return
	}
	pg.render(w, r, "kassa", &pageData{Title: "kassa.title", Nav: "kassa", Page: p})
}
