package web

import (
	"net/http"

	"github.com/exodus-matrix/exodus/ledger"
)

// capacityJSON is what can reach a member in one currency
// (ledger.Capacity): the figure, the largest paths that carry it and how
// many paths carry it in all.
type capacityJSON struct {
	Value     amountJSON     `json:"value"`
	Paths     []flowPathJSON `json:"paths"`
	PathCount int            `json:"path_count"`
}

// flowPathJSON is one path of help: the giver first, the member last.
type flowPathJSON struct {
	Members []ledger.UserID `json:"members"`
	Amount  amountJSON      `json:"amount"`
}

// capacitiesOf renders capacities; never nil, so they are [] in JSON.
func capacitiesOf(cs []ledger.Capacity) []capacityJSON {
	out := make([]capacityJSON, len(cs))
	for i, c := range cs {
		out[i] = capacityJSON{Value: amountOf(c.Value), Paths: make([]flowPathJSON, len(c.Paths)), PathCount: c.PathCount}
		for k, p := range c.Paths {
			out[i].Paths[k] = flowPathJSON{Members: p.Members, Amount: amountOf(p.Amount)}
		}
	}
	return out
}

// apiCapacity answers what can reach the member through the trust network
// (chat: capacity), per currency of their pool. The paths name members of
// the member's trust list only, whom /api/v1/trust lists too.
func (api *apiReads) apiCapacity(w http.ResponseWriter, r *http.Request) {
	c := callerOf(r.Context())
	g, err := api.trust.Graph(r.Context())
	if err != nil {
		api.errs.writeError(w, r, err, "")
		return
	}
	var cs []ledger.Capacity
	err = api.aid.View(r.Context(), func(b *ledger.Book) error {
		cs = g.Capacities(c.Member, b.Owed)
		return nil
	})
	if err != nil {
		api.errs.writeError(w, r, err, "")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"member": c.Member, "capacity": capacitiesOf(cs)})
}
