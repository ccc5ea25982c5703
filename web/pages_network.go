package web

import (
	"net/http"

	"github.com/exodus-matrix/exodus/ledger"
)

// networkPage is the member's trust network and who helps whom.
type networkPage struct {
	Direct, Indirect []ledger.UserID
	Total            int
	Pool             []ledger.Amount
	// Capacity is what can reach the member, per currency of the pool
	// where anything can.
	Capacity []ledger.Capacity
	ledger.Network
}

// networkPage shows the picture of the trust network with its lists, and
// what can reach the member through it.
func (pg *pages) networkPage(w http.ResponseWriter, r *http.Request, c *caller) {
	ctx := r.Context()
	g, err := pg.trust.Graph(ctx)
	if err != nil {
		pg.view.pageError(w, r, c, err)
		return
	}
	tl := g.TrustList(c.Member)
	p := &networkPage{Direct: tl.Direct, Indirect: tl.Indirect, Total: tl.Count(), Pool: g.Pool(c.Member)}
	err = pg.aid.View(ctx, func(b *ledger.Book) error {
		p.Network = b.NetworkOf(c.Member)
		for _, cp := range g.Capacities(c.Member, b.Owed) {
			if cp.Value.Minor > 0 {
				p.Capacity = append(p.Capacity, cp)
			}
		}
		return nil
	})
	if err != nil {
		pg.view.pageError(w, r, c, err)
		return
	}
	pg.render(w, r, "network", &pageData{Title: "network.title", Nav: "network", Page: p})
}
