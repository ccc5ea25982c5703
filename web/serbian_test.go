package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
)

// TestPagesInSerbian: the language switch offers Serbian, and the pages,
// their amounts, dates and counts, and an action's answer are in Serbian.
func TestPagesInSerbian(t *testing.T) {
	h := newHarness(t)
	b := h.login(alice)
	mustShow(t, "the switch offers Serbian", b.get("/"), `href="/lang?lang=sr&amp;back=%2f"`, ">SR</a>")
	sw := b.get("/lang?lang=sr&back=/my")
	if sw.StatusCode != http.StatusSeeOther || sw.Header.Get("Location") != "/my" {
		t.Fatalf("switch: %d %q", sw.StatusCode, sw.Header.Get("Location"))
	}
	mustShow(t, "dashboard in Serbian", b.get("/"), `lang="sr"`, "Pregled", "Lista poverenja",
		"obavezano 0\u00a0€ od 150\u00a0€", "namere 100\u00a0€ (66% sa namerama)", "Potrebe u vašoj mreži", "Odjava")
	mustShow(t, "need in Serbian", b.get(pageOfNeed(h.need)), "Nameravam", "Obavezujem se")
	mustShow(t, "calendar in Serbian", b.get("/calendar"), "Novembar 2026", "Pon", "Čet")
	mustShow(t, "profile in Serbian", b.get("/profile"), "Podaci za uplatu", "Obaveštenja", `<option value="sr"`, "Srpski")
	if r := b.postForm(pageOfNeed(h.need)+"/intend", url.Values{"amount": {"5"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("intend: %d", r.StatusCode)
	}
	if req := h.lastAct(); req.Lang != ledger.LangSR {
		t.Errorf("request language %q", req.Lang)
	}
	mustShow(t, "flash in Serbian", b.get(pageOfNeed(h.need)+"?done=intend"), "Vaša namera je zabeležena")
}

// TestSerbianFollowsTheChat: a member whose chat language is Serbian reads
// the pages in Serbian.
func TestSerbianFollowsTheChat(t *testing.T) {
	h := newHarness(t)
	if err := h.svc.Members.SetLang(h.ctx, h.act(bob), ledger.LangSR); err != nil {
		t.Fatal(err)
	}
	mustShow(t, "bob's dashboard", h.login(bob).get("/"), `lang="sr"`, "Pregled")
}
