package web

import (
	"net/http"
	"slices"

	"github.com/exodus-matrix/exodus/ledger"
)

// The clearing proposal, as the chat's `clearing` shows it: the plan is
// computed over every open commitment (promised, not yet sent), so its
// cycles have the same IDs for everyone; each member sees only the debts,
// cycles and chains among members of their circles.

// clearingJSON is the plan of one currency as a member sees it.
type clearingJSON struct {
	Currency ledger.Currency `json:"currency"`
	Before   amountJSON      `json:"before"`
	After    amountJSON      `json:"after"`
	Removed  amountJSON      `json:"removed"`
	Cycles   []cycleJSON     `json:"cycles"`
	Chains   []chainJSON     `json:"chains"`
}

// cycleJSON is a cycle of debts that cancel, and who agreed to clear it.
type cycleJSON struct {
	ID      string             `json:"id"`
	Members []ledger.UserID    `json:"members"`
	Debts   []ledger.PromiseID `json:"debts"`
	Reduce  amountJSON         `json:"reduce"`
	Yours   bool               `json:"yours"`
	Agreed  []ledger.UserID    `json:"agreed"`
}

// chainJSON shortens From→Via→To to From→To. An agreeable chain has an ID
// its three members agree to with POST /clearing/{cycle}/agree, and who
// agreed so far.
type chainJSON struct {
	ID        string             `json:"id,omitempty"`
	From      ledger.UserID      `json:"from"`
	Via       ledger.UserID      `json:"via"`
	To        ledger.UserID      `json:"to"`
	Amount    amountJSON         `json:"amount"`
	Debts     []ledger.PromiseID `json:"debts"`
	Yours     bool               `json:"yours"`
	Agreeable bool               `json:"agreeable"`
	Agreed    []ledger.UserID    `json:"agreed"`
}

// apiClearing answers the clearing proposal the member sees. Nothing is
// applied; a member of a cycle, or of an agreeable chain, agrees with POST
// /clearing/{cycle}/agree.
func (api *apiReads) apiClearing(w http.ResponseWriter, r *http.Request) {
	c := callerOf(r.Context())
	rc, err := api.vis.viewerOf(r.Context(), c.Member)
	if err != nil {
		api.errs.writeError(w, r, err, "")
		return
	}
	out := []clearingJSON{}
	err = api.aid.View(r.Context(), func(b *ledger.Book) error {
		for _, p := range ledger.PlanClearing(apiOpenDebts(b)) {
			if v, ok := apiVisiblePlan(b, p, rc.peers, c.Member); ok {
				out = append(out, v)
			}
		}
		return nil
	})
	if err != nil {
		api.errs.writeError(w, r, err, "")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"plans": out})
}

// apiOpenDebts are every open commitment (promised, not yet sent) as debts.
func apiOpenDebts(b *ledger.Book) []ledger.Debt {
	var debts []ledger.Debt
	for _, p := range b.AllPromises() {
		if p.State == ledger.PromiseCommitment {
			debts = append(debts, ledger.Debt{ID: p.ID, From: p.Giver, To: p.Beneficiary, Amount: p.Unsent()}) // a part sent is not owed
		}
	}
	return debts
}

// apiVisiblePlan keeps of a plan the debts, cycles and chains whose members
// are all among mates; the totals are those of what is kept. ok is false
// when none of its debts is.
func apiVisiblePlan(b *ledger.Book, p ledger.ClearingPlan, mates map[ledger.UserID]bool, me ledger.UserID) (clearingJSON, bool) {
	before, removed := ledger.Amount{Currency: p.Currency}, ledger.Amount{Currency: p.Currency}
	n := 0
	for _, d := range p.Before {
		if mates[d.From] && mates[d.To] {
			before.Minor += d.Amount.Minor
			n++
		}
	}
	v := clearingJSON{Currency: p.Currency, Cycles: []cycleJSON{}, Chains: []chainJSON{}}
	for _, cy := range p.Cycles {
		if apiAllIn(cy.Members, mates) {
			v.Cycles = append(v.Cycles, cycleJSON{ID: cy.ID(), Members: cy.Members, Debts: append([]ledger.PromiseID{}, cy.Debts...), Reduce: amountOf(cy.Reduce),
				Yours: slices.Contains(cy.Members, me), Agreed: usersOf(b.Agreed(cy.ID()))})
			removed.Minor += cy.Reduce.Minor * int64(len(cy.Members))
		}
	}
	for _, ch := range p.Chains {
		if apiAllIn([]ledger.UserID{ch.From, ch.Via, ch.To}, mates) {
			cj := chainJSON{From: ch.From, Via: ch.Via, To: ch.To, Amount: amountOf(ch.Amount), Agreeable: ch.Agreeable,
				Debts: append([]ledger.PromiseID{}, ch.Debts...), Yours: ch.From == me || ch.Via == me || ch.To == me, Agreed: []ledger.UserID{}}
			if ch.Agreeable {
				cj.ID, cj.Agreed = ch.ID(), usersOf(b.Agreed(ch.ID()))
			}
			v.Chains = append(v.Chains, cj)
			removed.Minor += ch.Amount.Minor
		}
	}
	after := ledger.Amount{Minor: before.Minor - removed.Minor, Currency: p.Currency}
	v.Before, v.After, v.Removed = amountOf(before), amountOf(after), amountOf(removed)
	return v, n > 0
}

func apiAllIn(us []ledger.UserID, set map[ledger.UserID]bool) bool {
	for _, u := range us {
		if !set[u] {
			return false
		}
	}
	return true
}
