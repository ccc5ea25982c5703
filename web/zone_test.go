package web_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

// calendarDayHas tells whether the calendar page shows text on day.
func calendarDayHas(page, day, text string) bool {
	m := regexp.MustCompile(`(?s)data-day="` + day + `"[^>]*>(.*?)</td>`).FindStringSubmatch(page)
	return m != nil && strings.Contains(m[1], text)
}

// A member whose time zone is Pacific/Auckland (the cycle's is UTC) reads
// every time and date on the pages in it: an initiative ending at 19:00
// UTC on December 20 ends for them at 8:00 AM on December 21 (dashboard,
// its page, the calendar), and a promise made at 11:30 UTC on November 24
// dates from the 25th; a member without a zone of their own reads the
// same in the cycle's.
func TestPagesShowTimesInTheMembersZone(t *testing.T) {
	h := newHarness(t)
	if _, err := h.svc.Members.SetTimeZone(h.ctx, h.act(bob), "Pacific/Auckland"); err != nil {
		t.Fatal(err)
	}
	until := time.Date(2026, 12, 20, 19, 0, 0, 0, time.UTC)
	ini := h.do(ledger.Op{Kind: ledger.OpInitiative, Actor: alice, Text: "Roof", Amount: cents(50000), Until: until, Circle: circle}).Need.ID
	h.clock.Advance(90 * time.Minute) // 11:30 UTC, 00:30 of the 25th in Auckland
	h.do(ledger.Op{Kind: ledger.OpIntend, Actor: bob, Need: ini, Amount: cents(10000)})
	page := "/initiatives/" + url.PathEscape(string(ini))

	nz := h.login(bob)
	mustShow(t, "Auckland dashboard", nz.get("/"), "by December 21, 2026, 8:00\u202fAM")
	mustShow(t, "Auckland initiative page", nz.get(page), `id="fig-deadline">December 21, 2026, 8:00`+"\u202fAM")
	mustShow(t, "Auckland promises", nz.get("/my"), `November 25, 2026`)
	if cal := nz.get("/calendar?month=2026-12").Body; !calendarDayHas(cal, "2026-12-21", "Roof") || calendarDayHas(cal, "2026-12-20", "Roof") {
		t.Errorf("the Auckland calendar does not show the initiative on the 21st only:\n%s", cal)
	}
	nz.get("/lang?lang=ru&back=/")
	mustShow(t, "Auckland page in Russian", nz.get(page), `id="fig-deadline">21 декабря 2026 г., 08:00`)

	utc := h.login(carol)
	mustShow(t, "cycle's dashboard", utc.get("/"), "by December 20, 2026, 7:00\u202fPM")
	mustShow(t, "cycle's initiative page", utc.get(page), `id="fig-deadline">December 20, 2026, 7:00`+"\u202fPM", "November 24, 2026")
	if cal := utc.get("/calendar?month=2026-12").Body; !calendarDayHas(cal, "2026-12-20", "Roof") {
		t.Errorf("the cycle's calendar lacks the initiative on the 20th:\n%s", cal)
	}
}
