package web

import (
	"net/http"
	"slices"

	"github.com/exodus-matrix/exodus/ledger"
)

// clearingPage is the member's part of the clearing proposal: the cycles
// and chains they are in, who agreed to each and its state, with the
// member's agree action; Others counts the proposals among their circles'
// members the member is not in.
type clearingPage struct {
	Items  []clearingItem
	Others int
}

// clearingItem is one cycle or chain of the proposal, as the page shows it.
type clearingItem struct {
	ID string // "" for a chain that cannot be agreed to by itself
	// Chain tells a chain (Path From→Via→To becomes From→To) from a cycle
	// (Path is its ring, the first member again at the end).
	Chain     bool
	Path      []ledger.UserID
	Amount    ledger.Amount
	Agreed    []ledger.UserID
	Needed    int
	MeAgreed  bool
	Agreeable bool
}

// AgreedCount is how many of the members agreed.
func (it clearingItem) AgreedCount() int { return len(it.Agreed) }

// Shortened is a chain's path once shortened: its first and last member.
func (it clearingItem) Shortened() []ledger.UserID {
	return []ledger.UserID{it.Path[0], it.Path[len(it.Path)-1]}
}

// clearingPage shows the member's cycles and chains of the clearing
// proposal.
func (pg *pages) clearingPage(w http.ResponseWriter, r *http.Request, c *caller) {
	rc, err := pg.vis.viewerOf(r.Context(), c.Member)
	if err != nil {
		pg.view.pageError(w, r, c, err)
		return
	}
	p := &clearingPage{}
	err = pg.aid.View(r.Context(), func(b *ledger.Book) error {
		for _, plan := range ledger.PlanClearing(apiOpenDebts(b)) {
			p.add(b, plan, rc.peers, c.Member)
		}
		return nil
	})
	if err != nil {
		pg.view.pageError(w, r, c, err)
		return
	}
	pg.render(w, r, "clearing", &pageData{Title: "clearing.title", Nav: "clearing", Page: p})
}

// add puts the member's cycles and chains of plan on the page, and counts
// the others among mates.
func (p *clearingPage) add(b *ledger.Book, plan ledger.ClearingPlan, mates map[ledger.UserID]bool, me ledger.UserID) {
	for _, cy := range plan.Cycles {
		switch {
		case slices.Contains(cy.Members, me):
			id := cy.ID()
			agreed := b.Agreed(id)
			p.Items = append(p.Items, clearingItem{ID: id, Path: append(slices.Clone(cy.Members), cy.Members[0]),
				Amount: cy.Reduce, Agreed: agreed, Needed: len(cy.Members), MeAgreed: slices.Contains(agreed, me), Agreeable: true})
		case apiAllIn(cy.Members, mates):
			p.Others++
		}
	}
	for _, ch := range plan.Chains {
		switch {
		case slices.Contains(ch.Members(), me):
			it := clearingItem{Chain: true, Path: ch.Members(), Amount: ch.Amount, Needed: 3, Agreeable: ch.Agreeable}
			if ch.Agreeable {
				it.ID = ch.ID()
				it.Agreed = b.Agreed(it.ID)
				it.MeAgreed = slices.Contains(it.Agreed, me)
			}
			p.Items = append(p.Items, it)
		case apiAllIn(ch.Members(), mates):
			p.Others++
		}
	}
}

// clearingAgree agrees to clear a cycle, or to shorten a chain, of the
// proposal: `clearing agree <ID>` typed in the direct chat.
func (f *forms) clearingAgree(w http.ResponseWriter, r *http.Request, c *caller) {
	id, err := apiCycleID(r.PathValue("id"))
	if err != nil {
		f.refuse(w, r, c, "/clearing", err)
		return
	}
	f.act(w, r, c, "/clearing", "clearing", ledger.Request{Command: ledger.Command{Verb: ledger.VerbClearing, Confirm: true, Text: id}})
}
