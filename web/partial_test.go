package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
)

// TestPartialFulfilmentOnThePages: bob commits €100 to carol's need and
// sends €20 from the need's page; carol confirms €30 (refused: only €20
// was sent), then €20; the pages show what was sent and confirmed and the
// €80 still owed, and the need's confirmed figure counts €20.
func TestPartialFulfilmentOnThePages(t *testing.T) {
	h := newHarness(t)
	bb, cb := h.login(bob), h.login(carol)
	if r := bb.postForm(pageOfNeed(h.need)+"/commit", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("commit: %d\n%s", r.StatusCode, r.Body)
	}
	mustShow(t, "bob's need page", bb.get(pageOfNeed(h.need)), `action="`+pageOfNeed(h.need)+`/sent"`, `name="amount"`, `placeholder="100 EUR"`)
	if r := bb.postForm(pageOfNeed(h.need)+"/sent", url.Values{"amount": {"20"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sent 20: %d\n%s", r.StatusCode, r.Body)
	}
	if req := h.lastAct(); req.Command.Verb != ledger.VerbSent || req.Command.Amount != cents(2000) {
		t.Errorf("sent request %+v", req)
	}
	mustShow(t, "bob's list", bb.get("/my"), "€20 sent, €0 of €100 confirmed, €100 still owed")
	mustShow(t, "carol's pending", cb.get("/pending"), "Marked sent to you", "€20 sent, €0 of €100 confirmed", `name="giver" value="@bob:test"`)
	r := cb.postForm(pageOfNeed(h.need)+"/got", url.Values{"giver": {string(bob)}, "amount": {"30"}})
	mustShow(t, "too much confirmed", r, `class="flash error"`, "refused: en:promise.over_got")
	if r := cb.postForm(pageOfNeed(h.need)+"/got", url.Values{"giver": {string(bob)}, "amount": {"20"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("got 20: %d\n%s", r.StatusCode, r.Body)
	}
	mustShow(t, "bob's need page after", bb.get(pageOfNeed(h.need)), `id="my-part"`,
		"€20 sent, €20 of €100 confirmed, €80 still owed", `<dd id="fig-confirmed">€20</dd>`)
	mustShow(t, "carol's list", cb.get("/tome"), "€20 sent, €20 of €100 confirmed, €80 still owed")
}

// TestPartialFulfilmentThroughTheAPI: sent and got take an amount; the
// promise's JSON says what was sent, confirmed and is still owed.
func TestPartialFulfilmentThroughTheAPI(t *testing.T) {
	h := newHarness(t)
	bt, ct := h.token(bob, ledger.ScopeWrite), h.token(carol, ledger.ScopeWrite)
	h.expect("POST", needPath(h.need, "commit"), bt, "", 200)
	h.expect("POST", needPath(h.need, "sent"), bt, `{"amount":"20"}`, 200)
	h.expectError("POST", needPath(h.need, "sent"), bt, `{"amount":"81"}`, 409, "promise.over_sent")
	h.expectError("POST", needPath(h.need, "got"), ct, `{"amount":"21"}`, 409, "promise.over_got")
	h.expect("POST", needPath(h.need, "got"), ct, `{"giver":"@bob:test","amount":"20"}`, 200)
	given := decodeAs[struct{ Promises []promiseT }](t, h.expect("GET", "/api/v1/promises?state=commitment", bt, "", 200))
	if len(given.Promises) != 1 {
		t.Fatalf("bob's commitments: %+v", given)
	}
	if p := given.Promises[0]; p.Sent.Minor != 2000 || p.Confirmed.Minor != 2000 || p.Owed.Minor != 8000 || p.State != "commitment" {
		t.Errorf("bob's commitment %+v; want 20 sent, 20 confirmed, 80 owed, still a commitment", p)
	}
}
