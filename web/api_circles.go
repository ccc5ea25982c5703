package web

import (
	"net/http"

	"github.com/exodus-matrix/exodus/ledger"
)

// This file holds the circle routes and the exports: a member's circles,
// one circle with its members' statuses, the circle's ledger digest, and
// the ledgers as CSV or JSON. A circle's routes are for its members only.

// apiCircles answers the circles the member is in.
func (api *apiReads) apiCircles(w http.ResponseWriter, r *http.Request) {
	c := callerOf(r.Context())
	ids, err := api.circles.Of(r.Context(), c.Member)
	if err != nil {
		api.errs.writeError(w, r, err, "")
		return
	}
	out := []*circleJSON{}
	for _, id := range ids {
		circle, err := api.circles.Get(r.Context(), id)
		if err != nil {
			api.errs.writeError(w, r, err, "")
			return
		}
		members, err := api.circles.Members(r.Context(), id)
		if err != nil {
			api.errs.writeError(w, r, err, "")
			return
		}
		out = append(out, circleOf(circle, len(members)))
	}
	writeJSON(w, http.StatusOK, map[string]any{"circles": out})
}

// apiCircle answers one of the member's circles with its members and their
// statuses.
func (api *apiReads) apiCircle(w http.ResponseWriter, r *http.Request) {
	circle, l, err := api.vis.circleLedger(r)
	if err != nil {
		api.errs.writeError(w, r, err, "")
		return
	}
	j := circleOf(circle, len(l.Members))
	if roles, err := api.circles.Roles(r.Context(), circle.ID); err == nil {
		j.CoOwners = roles.CoOwners
	}
	j.Members = make([]*statusJSON, len(l.Statuses))
	for i, st := range l.Statuses {
		st.Member = l.Members[i]
		j.Members[i] = statusOfMember(st)
	}
	writeJSON(w, http.StatusOK, j)
}

// digestJSON is a circle's ledger digest.
type digestJSON struct {
	Circle   ledger.CircleID `json:"circle"`
	Version  string          `json:"version"`
	Digest   string          `json:"digest"`
	Members  int             `json:"members"`
	Needs    int             `json:"needs"`
	Promises int             `json:"promises"`
}

func digestOf(l *ledger.CircleLedger) digestJSON {
	return digestJSON{Circle: l.Circle, Version: ledger.DigestVersion, Digest: l.Digest(),
		Members: len(l.Members), Needs: len(l.Needs), Promises: len(l.Promises)}
}

// apiDigest answers the digest of a circle's ledger: a hash of its
// canonical form, the same on two bots that applied the same events.
func (api *apiReads) apiDigest(w http.ResponseWriter, r *http.Request) {
	_, l, err := api.vis.circleLedger(r)
	if err != nil {
		api.errs.writeError(w, r, err, "")
		return
	}
	writeJSON(w, http.StatusOK, digestOf(l))
}
