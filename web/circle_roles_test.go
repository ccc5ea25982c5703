package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
)

// actOnRole carries out the role verbs as the bot would, on the ledger
// (ok: the verb was one of them).
func (a *fakeActor) actOnRole(ctx context.Context, req ledger.Request) (*ledger.Reply, error, bool) {
	act, cmd := a.h.act(req.Member), req.Command
	var err error
	switch cmd.Verb {
	case ledger.VerbOwner:
		_, err = a.h.svc.Circles.HandOver(ctx, act, req.Circle, cmd.User)
	case ledger.VerbCoOwner, ledger.VerbDemote:
		err = a.h.svc.Circles.SetCoOwner(ctx, act, req.Circle, cmd.User, cmd.Verb == ledger.VerbCoOwner)
	case ledger.VerbRemove:
		err = a.h.svc.Circles.Remove(ctx, act, req.Circle, cmd.User)
	default:
		return nil, nil, false
	}
	if err != nil {
		return &ledger.Reply{Text: "refused: " + a.Explain(ledger.LangEN, err)}, err, true
	}
	return &ledger.Reply{Text: "done: " + string(cmd.Verb), Room: ledger.RoomID(req.Circle), Event: act.Event}, nil, true
}

// roleForm is the owner's controls' form of one member on a circle page,
// or "" if the page shows none.
func roleForm(page *response, u ledger.UserID) string {
	marker := `name="user" value="` + string(u) + `"`
	i := strings.Index(page.Body, marker)
	if i < 0 {
		return ""
	}
	return page.Body[i : i+strings.Index(page.Body[i:], "</form>")]
}

// The owner sees the controls of every other member's role; a member sees
// none; once named, a co-owner sees only "remove", and not beside the
// owner or another co-owner; the tags name the roles.
func TestCirclePageShowsTheOwnersControls(t *testing.T) {
	h := newHarness(t)
	owner := h.login(alice)
	page := owner.get(circlePageURL)
	for _, u := range []ledger.UserID{bob, carol} {
		f := roleForm(page, u)
		for _, want := range []string{`value="coowner"`, `value="owner"`, `value="remove"`, "Make co-owner", "Hand the circle over", "Remove " + string(u) + " from the circle"} {
			if !strings.Contains(f, want) {
				t.Errorf("the owner's form for %s lacks %q:\n%s", u, want, f)
			}
		}
	}
	mustShow(t, "owner's page", page, "You manage this circle", `class="tag role-owner">owner<`)
	if f := roleForm(page, alice); f != "" {
		t.Errorf("the owner has controls over herself:\n%s", f)
	}
	if f := roleForm(h.login(bob).get(circlePageURL), carol); f != "" {
		t.Errorf("a plain member sees controls:\n%s", f)
	}
	resp := owner.postForm(circlePageURL+"/roles", url.Values{"action": {"coowner"}, "user": {string(bob)}})
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "done=role_coowner") {
		t.Fatalf("naming bob: %d %s %s", resp.StatusCode, resp.Header.Get("Location"), resp.Body)
	}
	mustShow(t, "after naming bob", owner.get(circlePageURL+"?done=role_coowner"), "Named a co-owner; they are told.", `class="tag role-coowner">co-owner<`)
	bobs := h.login(bob).get(circlePageURL)
	f := roleForm(bobs, carol)
	if !strings.Contains(f, `value="remove"`) || strings.Contains(f, `value="owner"`) || strings.Contains(f, `value="coowner"`) {
		t.Errorf("the co-owner's form for carol:\n%s", f)
	}
	if f := roleForm(bobs, alice); f != "" {
		t.Errorf("the co-owner has controls over the owner:\n%s", f)
	}
}

// In Russian the controls speak Russian; a form with an unknown action or
// a refused one changes nothing and says why.
func TestCircleRoleFormRefusals(t *testing.T) {
	h := newHarness(t)
	owner := h.login(alice)
	owner.postForm("/profile/lang", url.Values{"lang": {"ru"}})
	mustShow(t, "Russian page", owner.get(circlePageURL), "Сделать совладельцем", "Передать круг", "Исключить")
	resp := owner.postForm(circlePageURL+"/roles", url.Values{"action": {"crown"}, "user": {string(bob)}})
	mustShow(t, "an unknown action", resp, "Такого действия с ролью участника нет.")
	resp = h.login(carol).postForm(circlePageURL+"/roles", url.Values{"action": {"remove"}, "user": {string(bob)}})
	mustShow(t, "a member removing", resp, "roles.managers_only")
	if ms, _ := h.svc.Circles.Members(h.ctx, circle); !slices.Contains(ms, bob) {
		t.Fatal("a refused removal removed bob")
	}
}

// The API's routes: the owner names a co-owner (GET circles/{id} lists
// them), a member may not hand the circle over (403), the owner hands it
// over and a removal by the new owner takes carol out.
func TestAPICircleRoles(t *testing.T) {
	h := newHarness(t)
	alices, bobs := h.token(alice, ledger.ScopeWrite), h.token(bob, ledger.ScopeWrite)
	path := "/api/v1/circles/" + url.PathEscape(string(circle))
	if r := h.api("POST", path+"/coowners", alices, `{"user":"@bob:test"}`); r.StatusCode != http.StatusOK {
		t.Fatalf("naming a co-owner: %d %s", r.StatusCode, r.Body)
	}
	var got struct {
		CoOwners []ledger.UserID `json:"co_owners"`
	}
	if r := h.api("GET", path, alices, ""); json.Unmarshal([]byte(r.Body), &got) != nil || !slices.Equal(got.CoOwners, []ledger.UserID{bob}) {
		t.Fatalf("co_owners on GET: %s", r.Body)
	}
	if r := h.api("POST", path+"/owner", bobs, `{"user":"@carol:test"}`); r.StatusCode != http.StatusForbidden {
		t.Fatalf("a co-owner handing over: %d %s", r.StatusCode, r.Body)
	}
	if r := h.api("POST", path+"/owner", alices, `{"user":"@carol:test"}`); r.StatusCode != http.StatusOK {
		t.Fatalf("handing over: %d %s", r.StatusCode, r.Body)
	}
	if r := h.api("POST", path+"/remove", h.token(carol, ledger.ScopeWrite), `{"user":"@bob:test"}`); r.StatusCode != http.StatusOK {
		t.Fatalf("the new owner removing bob: %d %s", r.StatusCode, r.Body)
	}
	if ms, _ := h.svc.Circles.Members(h.ctx, circle); slices.Contains(ms, bob) {
		t.Fatal("bob is still a member")
	}
	if r := h.api("POST", path+"/remove", alices, `{"user":"nobody"}`); r.StatusCode != http.StatusBadRequest {
		t.Fatalf("a bad user: %d %s", r.StatusCode, r.Body)
	}
}
