package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
)

// Help in kind through the API: a status in hours, a red need of a thing
// (its title the thing, as written), an intention in hours toward the
// hours need; and the refusals, before anything reaches the actor.
func TestAPIHelpInKind(t *testing.T) {
	h := newHarness(t)
	at := h.token(alice, ledger.ScopeWrite)
	act := decodeAs[actionT](t, h.expect("POST", "/api/v1/status", at, `{"status":"orange","amount":"4 h"}`, 200))
	if act.Need == nil || act.Need.Target != (amountT{400, "HOUR", "4 HOUR"}) {
		t.Fatalf("orange in hours: %+v", act.Need)
	}
	hoursNeed := ledger.NeedID(act.Need.ID)
	bt := h.token(bob, ledger.ScopeWrite)
	decodeAs[actionT](t, h.expect("POST", needPath(hoursNeed, "intend"), bt, `{"amount":"2"}`, 200))
	if req := h.lastRequest(); req.Command.Amount != (ledger.Amount{Minor: 200, Currency: ledger.Hours}) {
		t.Errorf("intend 2 toward hours asked %+v; want 2 h (the need's unit)", req.Command.Amount)
	}
	ct := h.token(carol, ledger.ScopeWrite)
	act = decodeAs[actionT](t, h.expect("POST", "/api/v1/status", ct, `{"status":"red","thing":"a lift to the <hospital>","days":2}`, 200))
	if act.Need == nil || act.Need.Target != (amountT{1, "ITEM", "1 ITEM"}) || act.Need.Title != "a lift to the <hospital>" {
		t.Fatalf("red thing: %+v", act.Need)
	}
	n := len(h.actor.requests())
	long := strings.Repeat("x", ledger.MaxThingRunes+1)
	for _, c := range []struct{ body, key string }{
		{`{"status":"red","thing":"a bed","amount":"5","days":2}`, "api.thing_alone"},
		{`{"status":"green","thing":"a bed"}`, "api.green_alone"},
		{`{"status":"red","thing":"` + long + `","days":2}`, "cmd.text_too_long"},
		{`{"status":"red","thing":"a\nbed","days":2}`, "cmd.bad_text"},
		{`{"status":"orange","amount":"1001 h"}`, "amount.too_large"},
		{`{"status":"orange","amount":""}`, "api.required"},
	} {
		h.expectError("POST", "/api/v1/status", at, c.body, 400, c.key)
	}
	if got := len(h.actor.requests()); got != n {
		t.Errorf("the actor got %d more requests for bad input", got-n)
	}
	// The kassa takes money only: the ledger's refusal, answered 400.
	h.expectError("POST", "/api/v1/kassa", at, `{"circle":"!circle:test","amount":"3 h"}`, 400, "amount.money_only")
}

// The status form takes a thing instead of an amount and shows it back;
// the need's page names the thing and shows hours in the member's
// language.
func TestFormsHelpInKind(t *testing.T) {
	h := newHarness(t)
	cb := h.login(carol)
	r := cb.postForm("/status", url.Values{"status": {"red"}, "thing": {"a <bed>"}, "days": {"3"}, "back": {"/profile"}, "form": {"status"}})
	if r.StatusCode != http.StatusOK && r.StatusCode != http.StatusSeeOther {
		t.Fatalf("status red with a thing: %d %s", r.StatusCode, r.Body)
	}
	req := h.lastRequest()
	if req.Command.Amount != ledger.One(ledger.Items) || req.Command.Text != "a <bed>" || req.Command.Days != 3 {
		t.Fatalf("form asked %+v", req.Command)
	}
	mustShow(t, "carol's profile", cb.get("/profile"), `value="red" checked`, `name="thing" autocomplete="off" maxlength="120" value="a &lt;bed&gt;"`)

	r = cb.postForm("/status", url.Values{"status": {"red"}, "thing": {"a bed"}, "amount": {"5"}, "days": {"3"}, "back": {"/profile"}, "form": {"status"}})
	if r.StatusCode != http.StatusBadRequest {
		t.Fatalf("a thing and an amount: %d", r.StatusCode)
	}
	mustShow(t, "refused form", r, "Give either an amount or a thing, not both.", `value="a bed"`)

	st, _ := h.svc.Aid.StatusOf(h.ctx, carol)
	page := h.login(alice).get(needPath(st.Need, "")[len("/api/v1"):])
	mustShow(t, "the thing's page", page, `<span class="thing">a &lt;bed&gt;</span>`, "1\u00a0item")

	out := h.do(ledger.Op{Kind: ledger.OpStatus, Actor: bob, Status: ledger.StatusOrange, Amount: ledger.Amount{Minor: 450, Currency: ledger.Hours}})
	h.do(ledger.Op{Kind: ledger.OpCommit, Actor: alice, Need: out.Need.ID, Amount: ledger.Amount{Minor: 200, Currency: ledger.Hours}})
	page = h.login(alice).get(needPath(out.Need.ID, "")[len("/api/v1"):])
	mustShow(t, "the hours need's page", page, "2\u00a0h of 4.5\u00a0h committed", "4.5\u00a0h a month")
	mustNotShow(t, "the hours need's page", page, "HOUR")
	mustShow(t, "the hours need's page for carol", cb.get(needPath(out.Need.ID, "")[len("/api/v1"):]), "Amount (h)", `placeholder="1 h"`)
	mustShow(t, "bob's status form", h.login(bob).get("/profile"), `value="orange" checked`, `value="4.50 h"`)
	if err := h.svc.Members.SetLang(h.ctx, h.act(carol), ledger.LangRU); err != nil {
		t.Fatal(err)
	}
	mustShow(t, "the hours need's page in Russian", h.login(carol).get(needPath(out.Need.ID, "")[len("/api/v1"):]),
		"4,5\u00a0ч в месяц", "Сумма (ч)")
}

// Exports keep help in kind: the CSV's amount, currency and title, and the
// JSON's amounts and the thing, read back as they were.
func TestExportsOfHelpInKind(t *testing.T) {
	h := newHarness(t)
	hours := h.do(ledger.Op{Kind: ledger.OpStatus, Actor: alice, Status: ledger.StatusOrange,
		Amount: ledger.Amount{Minor: 450, Currency: ledger.Hours}}).Need
	h.do(ledger.Op{Kind: ledger.OpIntend, Actor: bob, Need: hours.ID, Amount: ledger.Amount{Minor: 150, Currency: ledger.Hours}})
	rows := readCSV(t, h.expect("GET", "/api/v1/export.csv", h.token(alice, ledger.ScopeRead), "", 200))
	if len(rows) != 2 || rows[0]["amount"] != "4.50" || rows[0]["currency"] != "HOUR" || rows[0]["amount_minor"] != "450" ||
		rows[1]["amount"] != "1.50" || rows[1]["currency"] != "HOUR" {
		t.Fatalf("alice's rows: %v", rows)
	}
	lift := h.do(ledger.Op{Kind: ledger.OpStatus, Actor: alice, Status: ledger.StatusRed, Days: 2,
		Amount: ledger.One(ledger.Items), Text: "a lift, \"urgent\""}).Need
	got := decodeAs[memberExportT](t, h.expect("GET", "/api/v1/export.json", h.token(alice, ledger.ScopeRead), "", 200))
	found := false
	for _, n := range got.Needs {
		if b := needBack(t, n); b.ID == lift.ID {
			found = b.Target == ledger.One(ledger.Items) && b.Title == "a lift, \"urgent\""
		}
	}
	if !found {
		t.Fatalf("the lift is not exported as asked: %+v", got.Needs)
	}
}
