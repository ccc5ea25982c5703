package web_test

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

// An initiative "by 2026-12-20" (it ends when the 20th ends) shows that
// day on the dashboard, its page, the calendar and in the API, never the
// 21st; the progress is what is committed, intentions beside it.
func TestInitiativeShowsTheDayTyped(t *testing.T) {
	h := newHarness(t)
	until := time.Date(2026, 12, 21, 0, 0, 0, 0, time.UTC) // what "by 2026-12-20" means
	ini := h.do(ledger.Op{Kind: ledger.OpInitiative, Actor: alice, Text: "Roof", Amount: cents(50000), Until: until, Circle: circle}).Need.ID
	h.do(ledger.Op{Kind: ledger.OpIntend, Actor: bob, Need: ini, Amount: cents(10000)})
	h.do(ledger.Op{Kind: ledger.OpCommit, Actor: carol, Need: ini, Amount: cents(5000)})
	b := h.login(bob)
	page := "/initiatives/" + url.PathEscape(string(ini))
	mustShow(t, "dashboard", b.get("/"), `class="due">by December 20, 2026<`, "€50 of €500 committed", `class="percent">10%<`,
		"intended €100 (30% with intentions)", "missing €450")
	mustShow(t, "initiative page", b.get(page), `id="fig-deadline">December 20, 2026`, `class="due">by December 20, 2026<`, `id="fig-missing">€450<`)
	cal := b.get("/calendar?month=2026-12").Body
	if m := regexp.MustCompile(`(?s)data-day="2026-12-20"[^>]*>(.*?)</td>`).FindStringSubmatch(cal); m == nil || !strings.Contains(m[1], "Roof") {
		t.Errorf("the calendar's 20th lacks the initiative:\n%s", cal)
	}
	for _, p := range []string{"/", page} {
		if body := b.get(p).Body; strings.Contains(body, "2026-12-21") {
			t.Errorf("%s shows the 21st:\n%s", p, body)
		}
	}
	b.get("/lang?lang=ru&back=/")
	mustShow(t, "dashboard in Russian", b.get("/"), `class="due">до 20 декабря 2026 г. включительно<`, `class="percent">10%<`)
	var api struct {
		Progress struct {
			Percent         int    `json:"percent"`
			PercentPromised int    `json:"percent_promised"`
			LastDay         string `json:"last_day"`
		} `json:"progress"`
		Deadline string `json:"deadline"`
	}
	r := h.api("GET", "/api/v1/needs/"+url.PathEscape(string(ini)), h.token(bob, ledger.ScopeRead), "")
	if err := json.Unmarshal([]byte(r.Body), &api); err != nil {
		t.Fatalf("API: %d %v\n%s", r.StatusCode, err, r.Body)
	}
	if p := api.Progress; p.Percent != 10 || p.PercentPromised != 30 || p.LastDay != "2026-12-20" || api.Deadline != "2026-12-21T00:00:00Z" {
		t.Errorf("API: %+v", api)
	}
}
