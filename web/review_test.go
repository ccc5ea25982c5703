package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/ledger/access"
)

// The language switch is a GET anyone can link to: its back parameter
// must never send the member to another site, however it is disguised
// (browsers read a backslash as a slash and drop tabs and line breaks).
func TestLangBackIsNoOpenRedirect(t *testing.T) {
	h := newHarness(t)
	b := h.browser()
	for _, back := range []string{"/\\evil.example", "/\t/evil.example", "/\\/evil.example", "//evil.example", "https://evil.example",
		"/%5Cevil.example"} {
		r := b.get("/lang?lang=ru&back=" + url.QueryEscape(back))
		loc := r.Header.Get("Location")
		if r.StatusCode != http.StatusSeeOther || loc != "/" && (strings.ContainsAny(loc, "\\\t\r\n") || strings.HasPrefix(loc, "//")) {
			t.Errorf("back %q: %d, Location %q", back, r.StatusCode, loc)
		}
	}
	if r := b.get("/lang?lang=ru&back=" + url.QueryEscape("/my?state=sent")); r.Header.Get("Location") != "/my?state=sent" {
		t.Errorf("a local back: Location %q", r.Header.Get("Location"))
	}
}

// A form's back field gets the same care (a form post needs the form
// token, so this only guards a member against themself).
func TestFormBackWithATabIsIgnored(t *testing.T) {
	h := newHarness(t)
	b := h.login(alice)
	r := b.postForm(pageOfNeed(h.need)+"/intend", url.Values{"amount": {"1"}, "back": {"/\t/evil.example"}})
	if loc := r.Header.Get("Location"); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, pageOfNeed(h.need)+"?") {
		t.Errorf("back with a tab: %d %q", r.StatusCode, loc)
	}
}

// An initiative belongs to the circle it was posted in: a member who
// shares another circle with its initiator does not see it (in chat its
// card is only in its own room), on the pages or through the API.
func TestInitiativeOfAnotherCircleIsHidden(t *testing.T) {
	h := newHarness(t)
	const other ledger.CircleID = "!other:test"
	if _, err := h.svc.Circles.Create(h.ctx, h.act(alice), ledger.CircleSpec{ID: other, Name: "Neighbours"}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []ledger.UserID{alice, dave} {
		if err := h.svc.Circles.SetMembership(h.ctx, other, u, true); err != nil {
			t.Fatal(err)
		}
	}
	out := h.do(ledger.Op{Kind: ledger.OpInitiative, Actor: alice, Amount: eur(500), Text: "Secret roof",
		Circle: circle, Until: time.Date(2026, 12, 10, 0, 0, 0, 0, time.UTC)})
	id := out.Need.ID
	// alice's own need, on the other hand, is in every circle of hers.
	own := h.do(ledger.Op{Kind: ledger.OpStatus, Actor: alice, Status: ledger.StatusOrange, Amount: eur(80)}).Need.ID

	d := h.login(dave)
	dash := d.get("/")
	if strings.Contains(dash.Body, "Secret roof") {
		t.Errorf("dave's dashboard shows the other circle's initiative")
	}
	mustShow(t, "dave's dashboard", dash, pageOfNeed(own))
	if r := d.get("/initiatives/" + url.PathEscape(string(id))); r.StatusCode != http.StatusNotFound {
		t.Errorf("the initiative's page for dave: %d", r.StatusCode)
	}
	if r := d.get("/calendar?month=2026-12"); strings.Contains(r.Body, "Secret roof") {
		t.Errorf("dave's calendar shows the other circle's initiative")
	}

	tok := h.token(dave, ledger.ScopeRead)
	h.expectError("GET", needPath(id, ""), tok, "", 404, "need.not_found")
	for _, p := range []string{"/api/v1/needs", "/api/v1/initiatives"} {
		if r := h.expect("GET", p, tok, "", 200); strings.Contains(r.Body, string(id)) {
			t.Errorf("%s shows dave the other circle's initiative:\n%s", p, r.Body)
		}
	}
	if r := h.expect("GET", "/api/v1/needs", tok, "", 200); !strings.Contains(r.Body, string(own)) {
		t.Errorf("dave does not see alice's own need:\n%s", r.Body)
	}
	// bob, in the initiative's circle, sees it.
	h.expect("GET", needPath(id, ""), h.token(bob, ledger.ScopeRead), "", 200)
}

// A form post's body is bounded like an API request's.
func TestPageFormBodyIsBounded(t *testing.T) {
	h := newHarness(t)
	b := h.login(alice)
	r := b.postForm("/profile/about", url.Values{"about": {"hello"}, "pad": {strings.Repeat("x", 1<<20)}})
	if r.StatusCode != http.StatusBadRequest {
		t.Errorf("a 1 MB form: %d; want 400", r.StatusCode)
	}
	if p, err := h.svc.Members.Profile(h.ctx, alice); err != nil || p.About == "hello" {
		t.Errorf("the oversized form was carried out: %+v, %v", p, err)
	}
	r = h.browser().post("/login", url.Values{"t": {h.link(alice)}, "pad": {strings.Repeat("x", 1<<20)}})
	if r.StatusCode != http.StatusBadRequest {
		t.Errorf("a 1 MB login form: %d; want 400", r.StatusCode)
	}
}

// The general command route reads a command about a need as a reply to
// its card: a bare amount is an intention there, as in chat.
func TestAPICommandBareAmountOnANeedIsAnIntention(t *testing.T) {
	h := newHarness(t)
	body := `{"command":"20","need":"` + string(h.need) + `"}`
	h.expect("POST", "/api/v1/commands", h.token(alice, ledger.ScopeWrite), body, 200)
	req := h.lastRequest()
	if req.Command.Verb != ledger.VerbIntend || req.Command.Amount != eur(20) || req.Need != h.need || req.Member != alice {
		t.Errorf("request %+v; want alice's intention of €20 toward carol's need", req)
	}
	// Without a need, a bare amount is no command.
	h.expectError("POST", "/api/v1/commands", h.token(alice, ledger.ScopeWrite), `{"command":"20"}`, 400, "cmd.unknown")
}

// The session cookie lives as long as the session, by the service's clock
// (the one the session's end is on), not the machine's.
func TestSessionCookieLifeFollowsTheServiceClock(t *testing.T) {
	h := newHarness(t)
	h.clock.Advance(30 * 24 * time.Hour)
	r := h.browser().post("/login", url.Values{"t": {h.link(alice)}})
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == "exodus_session" {
			if want := int(access.SessionTTL / time.Second); c.MaxAge < want-60 || c.MaxAge > want {
				t.Errorf("Max-Age %d; want about %d (the session's life)", c.MaxAge, want)
			}
			return
		}
	}
	t.Fatalf("no session cookie: %d %v", r.StatusCode, r.Header)
}
