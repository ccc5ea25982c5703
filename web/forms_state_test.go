package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
)

// The status form shows the member's current state: carol is orange for
// 150 EUR, so orange is selected with her amount (submitting it unchanged
// must not end her support), on the dashboard and the profile; green
// members see green; a red member sees red, her amount and days left.
func TestStatusFormShowsTheCurrentStatus(t *testing.T) {
	h := newHarness(t)
	cb := h.login(carol)
	for _, p := range []string{"/", "/profile"} {
		page := cb.get(p)
		mustShow(t, "carol's "+p, page, `value="orange" checked`, `name="amount" inputmode="decimal" autocomplete="off" value="150"`)
		mustNotShow(t, "carol's "+p, page, `value="green" checked`, `value="red" checked`)
	}
	ab := h.login(alice)
	mustShow(t, "alice's dashboard", ab.get("/"), `value="green" checked`)
	mustNotShow(t, "alice's dashboard", ab.get("/"), `value="orange" checked`)

	h.do(ledger.Op{Kind: ledger.OpStatus, Actor: bob, Status: ledger.StatusRed, Amount: cents(30050), Days: 7})
	bb := h.login(bob)
	mustShow(t, "bob's profile", bb.get("/profile"), `value="red" checked`, `value="300.50"`, `name="days" min="1" max="31" value="7"`)

	// A refused form shows what was typed, not the current state.
	r := cb.postForm("/status", url.Values{"status": {"red"}, "amount": {"300"}, "days": {"99"}, "back": {"/profile"}, "form": {"status"}})
	if r.StatusCode != http.StatusBadRequest {
		t.Fatalf("99 days: %d", r.StatusCode)
	}
	mustShow(t, "refused form", r, `value="red" checked`, `value="300"`, `value="99"`)
	mustNotShow(t, "refused form", r, `value="orange" checked`)
}

// mustNotShow fails the test if the page shows any of the strings.
func mustNotShow(t *testing.T, what string, r *response, nots ...string) {
	t.Helper()
	for _, n := range nots {
		if strings.Contains(r.Body, n) {
			t.Errorf("%s: %q in the page:\n%s", what, n, r.Body)
		}
	}
}
