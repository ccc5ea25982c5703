package web

import (
	"net/http"
	"strings"

	"github.com/exodus-matrix/exodus/ledger"
)

// The circle's roles from the web: the owner's controls on the circle's
// page (POST /circles/{id}/roles) and the API's routes. Each is the chat's
// command (owner, coowner, demote, remove) carried out by the actor, so
// the rules, answers and notices are the chat's.

// roleVerbs are the actions on a member's role, by the word the page
// and the API use.
var roleVerbs = map[string]ledger.Verb{
	"owner":   ledger.VerbOwner,
	"coowner": ledger.VerbCoOwner,
	"demote":  ledger.VerbDemote,
	"remove":  ledger.VerbRemove,
}

// roleAction carries out an action of the owner's controls on a circle's
// page: the form's action (one of roleVerbs) on its user.
func (f *forms) roleAction(w http.ResponseWriter, r *http.Request, c *caller) {
	ctx := r.Context()
	circle, err := f.vis.ownCircle(ctx, c.Member, ledger.CircleID(r.PathValue("id")))
	if err != nil {
		f.refuse(w, r, c, "/", err)
		return
	}
	back := circleHref(circle.ID)
	action := r.PostForm.Get("action")
	verb, ok := roleVerbs[action]
	if !ok {
		f.refuse(w, r, c, back, ledger.Errorf(ledger.EInvalid, "form.bad_role_action"))
		return
	}
	u, err := ledger.ParseUserID(strings.TrimSpace(r.PostForm.Get("user")))
	if err != nil {
		f.refuse(w, r, c, back, err)
		return
	}
	f.act(w, r, c, back, "role_"+action, ledger.Request{Circle: circle.ID, Command: ledger.Command{Verb: verb, User: u}})
}

// apiCircleRole is the API's route of one action on a member of a circle
// of the caller's, {"user": "@…"}: an invitation or a change of roles.
func (api *apiWrites) apiCircleRole(verb ledger.Verb) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c := callerOf(r.Context())
		circle, err := api.vis.memberCircle(r.Context(), c.Member, ledger.CircleID(r.PathValue("id")))
		if err != nil {
			api.errs.writeError(w, r, err, "")
			return
		}
		u, err := decodeUser(r)
		if err != nil {
			api.errs.writeError(w, r, err, "")
			return
		}
		api.apiPerform(w, r, ledger.Request{Circle: circle.ID, Command: ledger.Command{Verb: verb, User: u}}, http.StatusOK, nil)
	}
}
