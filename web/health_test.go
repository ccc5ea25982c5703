package web_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

// healthJSONT is the API's health figures as a client reads them.
type healthJSONT struct {
	Circle, Member                                        string
	Commitments, Confirmed, Sent, Open, Overdue, Forgiven int
	ConfirmedPercent                                      int   `json:"confirmed_percent"`
	OverduePercent                                        int   `json:"overdue_percent"`
	MedianSeconds                                         int64 `json:"median_seconds"`
	Values                                                []struct {
		Committed, Confirmed amountT
		Percent              int
	}
	Months []struct {
		Month                           string
		Commitments, Confirmed, Percent int
		MedianSeconds                   int64 `json:"median_seconds"`
	}
	Pledged []amountT
	Given   []amountT `json:"given_this_month"`
}

// healthHistory: toward carol's need of 150, bob commits 100 (his
// intention) and alice 50; two days later bob sends and carol confirms.
// One of two commitments, 100 of 150 EUR, is confirmed after 2 days and
// 2 seconds.
func healthHistory(h *harness) {
	eur := func(n int64) ledger.Amount { return ledger.Amount{Minor: n * 100, Currency: "EUR"} }
	h.do(ledger.Op{Kind: ledger.OpCommit, Actor: bob, Need: h.need})
	h.do(ledger.Op{Kind: ledger.OpCommit, Actor: alice, Need: h.need, Amount: eur(50)})
	h.clock.Advance(48 * time.Hour)
	h.do(ledger.Op{Kind: ledger.OpSent, Actor: bob, Need: h.need})
	h.do(ledger.Op{Kind: ledger.OpGot, Actor: carol, Need: h.need, Giver: bob})
}

// medianWant is the time from bob's commitment to carol's confirmation.
const medianWant = int64(48*3600 + 3)

func TestAPIHealthOfACircle(t *testing.T) {
	h := newHarness(t)
	healthHistory(h)
	got := decodeAs[healthJSONT](t, h.expect("GET", circlePath(circle, "/health"), h.token(alice, ledger.ScopeRead), "", 200))
	if got.Circle != string(circle) || got.Commitments != 2 || got.Confirmed != 1 || got.Open != 1 || got.ConfirmedPercent != 50 {
		t.Fatalf("figures %+v", got)
	}
	if len(got.Values) != 1 || got.Values[0].Percent != 66 || got.Values[0].Committed.Minor != 15000 || got.Values[0].Confirmed.Minor != 10000 {
		t.Errorf("by value %+v: want 100 of 150 EUR, 66 %%", got.Values)
	}
	if got.MedianSeconds != medianWant {
		t.Errorf("median %d s, want %d", got.MedianSeconds, medianWant)
	}
	last := got.Months[len(got.Months)-1]
	if len(got.Months) != ledger.HealthMonths || last.Month != "2026-11" || last.Commitments != 2 || last.Confirmed != 1 || last.Percent != 50 {
		t.Errorf("months %+v", got.Months)
	}
	// alice, bob and carol each pledge 100 EUR; 100 EUR was given in November.
	if len(got.Pledged) != 1 || got.Pledged[0].Minor != 30000 || len(got.Given) != 1 || got.Given[0].Minor != 10000 {
		t.Errorf("pledged %+v, given %+v", got.Pledged, got.Given)
	}
}

func TestAPIHealthOfAMember(t *testing.T) {
	h := newHarness(t)
	healthHistory(h)
	tok := h.token(carol, ledger.ScopeRead)
	got := decodeAs[healthJSONT](t, h.expect("GET", "/api/v1/health/"+url.PathEscape(string(bob)), tok, "", 200))
	if got.Member != string(bob) || got.Commitments != 1 || got.ConfirmedPercent != 100 || got.MedianSeconds != medianWant {
		t.Errorf("bob's figures %+v", got)
	}
	own := decodeAs[healthJSONT](t, h.expect("GET", "/api/v1/health", tok, "", 200))
	if own.Member != string(carol) || own.Commitments != 0 || len(own.Months) != ledger.HealthMonths {
		t.Errorf("carol's own %+v", own)
	}
	// dave shares no circle with bob, and is in no circle.
	dt := h.token(dave, ledger.ScopeRead)
	h.expectError("GET", "/api/v1/health/"+url.PathEscape(string(bob)), dt, "", 403, "health.not_shared")
	h.expectError("GET", circlePath(circle, "/health"), dt, "", 403, "api.not_member")
	h.expectError("GET", "/api/v1/health/not-a-user", tok, "", 400, "user.malformed")
}

// TestHealthPageShowsTheFigures: the circle's page shows the shares, the
// median time and the month's given against the pool, the charts' bars
// carry the month's values, and the table says the same in text.
func TestHealthPageShowsTheFigures(t *testing.T) {
	h := newHarness(t)
	healthHistory(h)
	page := h.login(alice).get("/circles/" + url.PathEscape(string(circle)) + "/health")
	if page.StatusCode != 200 {
		t.Fatalf("status %d: %s", page.StatusCode, page.Body)
	}
	for _, want := range []string{
		"How the circle Friends keeps its commitments",
		`id="health-confirmed">50 %<`, "1 of 2 commitments", "€100 of €150", `id="health-median">2 days<`,
		`id="health-given">€100<`, "against a pool of €300 pledged", "about 85 %",
		`<g class="bar" data-label="2026-11" data-value="50">`,
		`<g class="bar" data-label="2026-11" data-value="172803">`,
		`<tr data-month="2026-11"><th scope="row">2026-11</th><td>2</td><td>1</td><td>50 %</td><td>2 days</td></tr>`,
		`role="img" aria-labelledby="chart-fulfilled-title chart-fulfilled-desc"`,
	} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if n := len(regexp.MustCompile(`<g class="bar"`).FindAllString(page.Body, -1)); n != 2*ledger.HealthMonths {
		t.Errorf("%d bars, want %d", n, 2*ledger.HealthMonths)
	}
	if p := h.login(bob).get("/network/health"); !strings.Contains(p.Body, "How the commitments you gave are kept") || !strings.Contains(p.Body, `id="health-confirmed">100 %<`) {
		t.Errorf("bob's own page lacks his figures:\n%s", p.Body)
	}
	ru := h.login(carol)
	ru.get("/lang?lang=ru")
	if p := ru.get("/network/health/" + url.PathEscape(string(bob))); !strings.Contains(p.Body, "1 из 1 обязательства") || !strings.Contains(p.Body, "2 дня") {
		t.Errorf("bob's page in Russian lacks the figures:\n%s", p.Body)
	}
	if p := h.login(dave).get("/network/health/" + url.PathEscape(string(bob))); p.StatusCode != 403 || strings.Contains(p.Body, "chart-fulfilled") {
		t.Errorf("dave saw bob's figures: %d", p.StatusCode)
	}
}

// TestHealthPageShowsNamesLiterally: a circle's name is shown as written,
// never as markup, and the circle's page links to its health.
func TestHealthPageShowsNamesLiterally(t *testing.T) {
	h := newHarness(t)
	const loud = ledger.CircleID("!loud:test")
	if _, err := h.svc.Circles.Create(h.ctx, h.act(alice), ledger.CircleSpec{ID: loud, Name: "<b>Loud</b> & *co*"}); err != nil {
		t.Fatal(err)
	}
	if err := h.svc.Circles.SetMembership(h.ctx, loud, alice, true); err != nil {
		t.Fatal(err)
	}
	b := h.login(alice)
	page := b.get("/circles/" + url.PathEscape(string(loud)) + "/health")
	if strings.Contains(page.Body, "<b>Loud</b>") || !strings.Contains(page.Body, "How the circle &lt;b&gt;Loud&lt;/b&gt; &amp; *co* keeps its commitments") {
		t.Errorf("the name is not shown as written:\n%s", page.Body)
	}
	if c := b.get("/circles/" + url.PathEscape(string(circle))); !strings.Contains(c.Body, `href="/circles/`+url.PathEscape(string(circle))+`/health" id="circle-health"`) {
		t.Errorf("the circle's page does not link to its health:\n%s", c.Body)
	}
}
