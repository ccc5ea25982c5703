package web

import (
	"net/http"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

// healthJSON are the health figures (ledger.Health): how reliably a
// circle's commitments, or those a member gave, are kept.
type healthJSON struct {
	Circle ledger.CircleID `json:"circle,omitempty"`
	Member ledger.UserID   `json:"member,omitempty"`
	// Commitments are those the shares are of (released ones apart).
	Commitments      int               `json:"commitments"`
	Confirmed        int               `json:"confirmed"`
	Sent             int               `json:"sent"`
	Open             int               `json:"open"`
	Overdue          int               `json:"overdue"`
	Forgiven         int               `json:"forgiven"`
	Released         int               `json:"released"`
	ConfirmedPercent int               `json:"confirmed_percent"`
	OverduePercent   int               `json:"overdue_percent"`
	Values           []healthValueJSON `json:"values"`
	MedianSeconds    int64             `json:"median_seconds"`
	Months           []healthMonthJSON `json:"months"`
	Pledged          []amountJSON      `json:"pledged"`
	Given            []amountJSON      `json:"given_this_month"`
}

// healthValueJSON is what was committed and confirmed in one currency.
type healthValueJSON struct {
	Committed amountJSON `json:"committed"`
	Confirmed amountJSON `json:"confirmed"`
	Percent   int        `json:"percent"`
}

// healthMonthJSON are the figures of the commitments made in one month.
type healthMonthJSON struct {
	Month         string `json:"month"`
	Commitments   int    `json:"commitments"`
	Confirmed     int    `json:"confirmed"`
	Percent       int    `json:"percent"`
	MedianSeconds int64  `json:"median_seconds"`
}

// healthOf renders the figures as the API answers them.
func healthOf(h *ledger.Health) healthJSON {
	j := healthJSON{Commitments: h.Commitments, Confirmed: h.Confirmed, Sent: h.Sent, Open: h.Open,
		Overdue: h.Overdue, Forgiven: h.Forgiven, Released: h.Released,
		ConfirmedPercent: h.ConfirmedPercent(), OverduePercent: h.OverduePercent(),
		Values: make([]healthValueJSON, len(h.Values)), MedianSeconds: int64(h.Median / time.Second),
		Months: make([]healthMonthJSON, len(h.Months)), Pledged: amountsOf(h.Pledged), Given: amountsOf(h.Given)}
	for i, v := range h.Values {
		j.Values[i] = healthValueJSON{Committed: amountOf(v.Committed), Confirmed: amountOf(v.Confirmed), Percent: v.Percent()}
	}
	for i, m := range h.Months {
		j.Months[i] = healthMonthJSON{Month: m.Month, Commitments: m.Commitments, Confirmed: m.Confirmed,
			Percent: m.Percent(), MedianSeconds: int64(m.Median / time.Second)}
	}
	return j
}

// healthMember is the member whose figures a request asks for: the one
// in the path, else the caller.
func healthMember(r *http.Request, c *caller) (ledger.UserID, error) {
	if v := r.PathValue("user"); v != "" {
		return ledger.ParseUserID(v)
	}
	return c.Member, nil
}

// apiHealth answers the figures of the commitments a member gave: the
// caller's own, or a circle mate's.
func (api *apiReads) apiHealth(w http.ResponseWriter, r *http.Request) {
	c := callerOf(r.Context())
	u, err := healthMember(r, c)
	if err != nil {
		api.errs.writeError(w, r, err, "")
		return
	}
	h, err := api.health.MemberHealth(r.Context(), c.Member, u)
	if err != nil {
		api.errs.writeError(w, r, err, "")
		return
	}
	j := healthOf(h)
	j.Member = u
	writeJSON(w, http.StatusOK, j)
}

// apiCircleHealth answers a circle's figures, for its members.
func (api *apiReads) apiCircleHealth(w http.ResponseWriter, r *http.Request) {
	c := callerOf(r.Context())
	circle, err := api.vis.memberCircle(r.Context(), c.Member, ledger.CircleID(r.PathValue("id")))
	if err != nil {
		api.errs.writeError(w, r, err, "")
		return
	}
	h, err := api.health.CircleHealth(r.Context(), c.Member, circle.ID)
	if err != nil {
		api.errs.writeError(w, r, err, "")
		return
	}
	j := healthOf(h)
	j.Circle = circle.ID
	writeJSON(w, http.StatusOK, j)
}
