package web

import (
	"net/http"
	"strings"

	"github.com/exodus-matrix/exodus/ledger"
)

// This file holds the read routes: what a member sees in chat with list,
// pool, chain, my, tome, pending, archive, overdue, network, kassa and
// about, and the needs and circles they see.

// apiMe answers who the token belongs to: the member, their language, the
// token's scope, their status, their circles and the size of their trust
// list.
func (api *apiReads) apiMe(w http.ResponseWriter, r *http.Request) {
	c := callerOf(r.Context())
	st, err := api.aid.StatusOf(r.Context(), c.Member)
	if err != nil {
		api.errs.writeError(w, r, err, "")
		return
	}
	circles, err := api.circles.Of(r.Context(), c.Member)
	if err != nil {
		api.errs.writeError(w, r, err, "")
		return
	}
	g, err := api.trust.Graph(r.Context())
	if err != nil {
		api.errs.writeError(w, r, err, "")
		return
	}
	st.Member = c.Member
	writeJSON(w, http.StatusOK, map[string]any{"member": c.Member, "lang": c.Lang, "scope": c.Scope,
		"status": statusOfMember(st), "circles": apiCircles0(circles), "trust_count": g.TrustSize(c.Member).Count()})
}

func apiCircles0(cs []ledger.CircleID) []ledger.CircleID {
	if cs == nil {
		return []ledger.CircleID{}
	}
	return cs
}

// apiTrust answers the member's trust list: direct guarantors first, then
// everyone reachable through guarantees.
func (api *apiReads) apiTrust(w http.ResponseWriter, r *http.Request) {
	c := callerOf(r.Context())
	tl, err := api.trust.TrustListOf(r.Context(), c.Member)
	if err != nil {
		api.errs.writeError(w, r, err, "")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"direct": usersOf(tl.Direct), "indirect": usersOf(tl.Indirect), "count": tl.Count()})
}

// apiPool answers the pool of the member's trust list, per currency. Unlike
// the chat's pool, it does not record what the member saw.
func (api *apiReads) apiPool(w http.ResponseWriter, r *http.Request) {
	c := callerOf(r.Context())
	g, err := api.trust.Graph(r.Context())
	if err != nil {
		api.errs.writeError(w, r, err, "")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"count": g.TrustSize(c.Member).Count(), "pool": amountsOf(g.Pool(c.Member))})
}

// apiChain answers the shortest chain of guarantees from the member to
// another.
func (api *apiReads) apiChain(w http.ResponseWriter, r *http.Request) {
	c := callerOf(r.Context())
	to, err := ledger.ParseUserID(r.PathValue("user"))
	if err != nil {
		api.errs.writeError(w, r, err, "")
		return
	}
	chain, err := api.trust.Chain(r.Context(), c.Member, to)
	if err != nil {
		api.errs.writeError(w, r, err, "")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"from": c.Member, "to": to, "chain": chain, "hops": len(chain) - 1})
}

// apiNeeds answers the needs in the member's network they could act on,
// with their figures.
func (api *apiReads) apiNeeds(w http.ResponseWriter, r *http.Request) {
	api.apiNetworkNeeds(w, r, "needs", func(*ledger.Need) bool { return true })
}

// apiNetworkNeeds answers, under key, the needs in the member's network
// they could act on that keep accepts, with their figures.
func (api *apiReads) apiNetworkNeeds(w http.ResponseWriter, r *http.Request, key string, keep func(*ledger.Need) bool) {
	c := callerOf(r.Context())
	rc, err := api.vis.viewerOf(r.Context(), c.Member)
	if err != nil {
		api.errs.writeError(w, r, err, "")
		return
	}
	out := []needJSON{}
	err = api.aid.View(r.Context(), func(b *ledger.Book) error {
		for _, n := range rc.apiNetworkNeeds(b) {
			if keep(n) {
				j := needOf(n)
				j.Progress = progressOf(b.ProgressOf(n.ID, api.cfg.Cycle.Location))
				out = append(out, j)
			}
		}
		return nil
	})
	if err != nil {
		api.errs.writeError(w, r, err, "")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{key: out})
}

// apiNeed answers one need the member sees, with its figures and promises.
func (api *apiReads) apiNeed(w http.ResponseWriter, r *http.Request) {
	c := callerOf(r.Context())
	v, err := api.vis.visibleNeed(r.Context(), c.Member, ledger.NeedID(r.PathValue("id")))
	if err != nil {
		api.errs.writeError(w, r, err, "")
		return
	}
	writeJSON(w, http.StatusOK, needViewOf(v))
}

// apiPromiseStates are the states a promise list may be filtered by.
var apiPromiseStates = []ledger.PromiseState{
	ledger.PromiseIntention, ledger.PromiseCommitment, ledger.PromiseSent, ledger.PromiseFulfilled,
	ledger.PromiseWithdrawn, ledger.PromiseForgiven, ledger.PromiseReleased, ledger.PromiseSetAside, ledger.PromiseExpired,
}

// apiStateFilter reads the optional ?state= of a promise list.
func apiStateFilter(r *http.Request) (func(*ledger.Promise) bool, error) {
	q := r.URL.Query()
	if !q.Has("state") {
		return func(*ledger.Promise) bool { return true }, nil
	}
	want := ledger.PromiseState(strings.ToLower(q.Get("state")))
	for _, st := range apiPromiseStates {
		if st == want {
			return func(p *ledger.Promise) bool { return p.State == want }, nil
		}
	}
	return nil, ledger.Errorf(ledger.EInvalid, "api.bad_state", q.Get("state"))
}

// apiPromiseList answers promises of the member, given (mine) or toward
// their needs, that keep says to keep.
func (api *apiReads) apiPromiseList(w http.ResponseWriter, r *http.Request, mine bool, keep func(*ledger.Promise) bool) {
	c := callerOf(r.Context())
	var ps []*ledger.Promise
	err := api.aid.View(r.Context(), func(b *ledger.Book) error {
		all := b.PromisesTo(c.Member)
		if mine {
			all = b.PromisesBy(c.Member)
		}
		ps = apiFilter(all, keep)
		return nil
	})
	if err != nil {
		api.errs.writeError(w, r, err, "")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"promises": promisesOf(ps)})
}

func apiFilter(ps []*ledger.Promise, keep func(*ledger.Promise) bool) []*ledger.Promise {
	var out []*ledger.Promise
	for _, p := range ps {
		if keep(p) {
			out = append(out, p)
		}
	}
	return out
}

// apiPromises answers the promises the member gave (chat: my), optionally
// of one state.
func (api *apiReads) apiPromises(w http.ResponseWriter, r *http.Request) {
	keep, err := apiStateFilter(r)
	if err != nil {
		api.errs.writeError(w, r, err, "")
		return
	}
	api.apiPromiseList(w, r, true, keep)
}

// apiPromisesToMe answers the promises toward the member's needs (chat:
// tome), optionally of one state.
func (api *apiReads) apiPromisesToMe(w http.ResponseWriter, r *http.Request) {
	keep, err := apiStateFilter(r)
	if err != nil {
		api.errs.writeError(w, r, err, "")
		return
	}
	api.apiPromiseList(w, r, false, keep)
}

// apiPending answers what givers say they sent the member, awaiting the
// member's confirmation (chat: pending).
func (api *apiReads) apiPending(w http.ResponseWriter, r *http.Request) {
	api.apiPromiseList(w, r, false, (*ledger.Promise).AwaitsConfirmation) // a part sent waits too
}

// apiArchive answers the fulfilled and forgiven promises, both ways (chat:
// archive).
func (api *apiReads) apiArchive(w http.ResponseWriter, r *http.Request) {
	api.apiBothWays(w, r, func(_ *ledger.Book, p *ledger.Promise) bool {
		return p.State == ledger.PromiseFulfilled || p.State == ledger.PromiseForgiven
	})
}

// apiOverdue answers the commitments still open whose month ended, whose
// need is no longer open or whose deadline passed, both ways (chat:
// overdue).
func (api *apiReads) apiOverdue(w http.ResponseWriter, r *http.Request) {
	now := api.clock.Now()
	api.apiBothWays(w, r, func(b *ledger.Book, p *ledger.Promise) bool {
		if !p.State.Open() {
			return false
		}
		n, ok := b.Need(p.Need)
		return p.Overdue || !ok || (n.State != ledger.NeedOpen && n.State != ledger.NeedSuspended) ||
			(!n.Deadline.IsZero() && now.After(n.Deadline))
	})
}

// apiBothWays answers the promises the member gave and received that keep
// says to keep.
func (api *apiReads) apiBothWays(w http.ResponseWriter, r *http.Request, keep func(*ledger.Book, *ledger.Promise) bool) {
	c := callerOf(r.Context())
	var given, received []*ledger.Promise
	err := api.aid.View(r.Context(), func(b *ledger.Book) error {
		k := func(p *ledger.Promise) bool { return keep(b, p) }
		given, received = apiFilter(b.PromisesBy(c.Member), k), apiFilter(b.PromisesTo(c.Member), k)
		return nil
	})
	if err != nil {
		api.errs.writeError(w, r, err, "")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"given": promisesOf(given), "received": promisesOf(received)})
}

// apiNetwork answers who the member is connected to by promises.
func (api *apiReads) apiNetwork(w http.ResponseWriter, r *http.Request) {
	c := callerOf(r.Context())
	var nw ledger.Network
	err := api.aid.View(r.Context(), func(b *ledger.Book) error {
		nw = b.NetworkOf(c.Member)
		return nil
	})
	if err != nil {
		api.errs.writeError(w, r, err, "")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"helps_me": usersOf(nw.HelpsMe), "i_help": usersOf(nw.IHelp),
		"co_helpers": usersOf(nw.CoHelpers)})
}

// apiInitiatives answers the open initiatives posted in the member's
// circles, with their figures.
func (api *apiReads) apiInitiatives(w http.ResponseWriter, r *http.Request) {
	api.apiNetworkNeeds(w, r, "initiatives", func(n *ledger.Need) bool {
		return n.Kind == ledger.NeedInitiative && n.State == ledger.NeedOpen
	})
}

// kassaFundJSON is the kassa of one circle as the member sees it.
type kassaFundJSON struct {
	Circle   ledger.CircleID `json:"circle"`
	Name     string          `json:"name"`
	Currency ledger.Currency `json:"currency"`
	Members  int             `json:"members"`
	Total    amountJSON      `json:"total"`
	Mine     *amountJSON     `json:"mine,omitempty"`
	Legacy   bool            `json:"legacy,omitempty"`
	Asked    *amountJSON     `json:"asked,omitempty"`
	Left     *amountJSON     `json:"left,omitempty"`
}

// apiKassa answers the kassa of each of the member's circles (?circle=,
// one of theirs, for that one only): how many members declared a monthly
// maximum there in the circle's currency, their total, and the member's
// own with what they were asked this month.
func (api *apiReads) apiKassa(w http.ResponseWriter, r *http.Request) {
	c := callerOf(r.Context())
	only := ledger.CircleID(r.URL.Query().Get("circle"))
	if only != "" {
		if _, err := api.vis.memberCircle(r.Context(), c.Member, only); err != nil {
			api.errs.writeError(w, r, err, "")
			return
		}
	}
	funds, err := api.aid.KassaFunds(r.Context(), c.Member, only)
	if err != nil {
		api.errs.writeError(w, r, err, "")
		return
	}
	out := make([]kassaFundJSON, len(funds))
	for i, f := range funds {
		out[i] = kassaFundJSON{Circle: f.Circle.ID, Name: f.Circle.Name, Currency: f.Total.Currency, Members: f.Members,
			Total: amountOf(f.Total), Legacy: f.Legacy}
		if !f.Mine.IsZero() {
			out[i].Mine, out[i].Asked, out[i].Left = amountPtr(f.Mine), amountPtr(f.Asked), amountPtr(f.Left)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"circles": out})
}

// apiProfile answers the member's profile: about, requisites, muted
// notifications, language.
func (api *apiReads) apiProfile(w http.ResponseWriter, r *http.Request) {
	c := callerOf(r.Context())
	p, err := api.members.Profile(r.Context(), c.Member)
	if err != nil {
		api.errs.writeError(w, r, err, "")
		return
	}
	writeJSON(w, http.StatusOK, profileOf(p, api.members.LangOf(r.Context(), c.Member)))
}
