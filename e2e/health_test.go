package e2e_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/exodus-matrix/exodus/internal/devnet"
)

// TestHealthInChatAndOnTheWeb: toward alice's need, bob commits 100 and
// carol 50; bob sends and alice confirms. `health` in the circle's room
// answers the circle's figures there (1 of 2 commitments, 100 of 150
// confirmed received), `health @bob` in carol's direct chat bob's own, and
// alice's browser shows the circle's health page: the figures, the bar of
// this month in the chart of the share confirmed, and the table.
func TestHealthInChatAndOnTheWeb(t *testing.T) {
	f := oneOfTwoConfirmed(t, "Steady")
	alice, bob, carol, circle, aliceDM := f.alice, f.bob, f.carol, f.circle, f.aliceDM

	answer := say(t, carol, circle, "!ex health")
	mustContain(t, answer, "circle Steady", "**50 %** of the commitments (1 of 2)",
		"By value, in EUR: **66 %**, €100 confirmed of €150 committed", "Still owed, not sent: 1", "This month: €100 given")
	if kind, d := data(t, answer); kind != "health" || d["confirmed_percent"] != float64(50) || d["commitments"] != float64(2) {
		t.Fatalf("the answer's data: %s %v", kind, d)
	}
	carolDM := openDM(t, carol)
	mustContain(t, say(t, carol, carolDM, "health "+bob.ID.String()), "commitments "+bob.ID.String()+" gave",
		"**100 %** of the commitments (1 of 1)")

	link := loginLinkRe.FindString(devnet.Body(say(t, alice, aliceDM, "web")))
	if link == "" {
		t.Fatal("no login link")
	}
	ctx := browser(t)
	var confirmed, values, barValue, barText, row string
	run(t, ctx, "the circle's health page",
		chromedp.Navigate(link),
		chromedp.WaitVisible(`#login`, chromedp.ByQuery),
		chromedp.Click(`#login`, chromedp.ByQuery),
		chromedp.WaitVisible(`#trust-size`, chromedp.ByQuery),
		chromedp.Navigate(env.WebURL+"/circles/"+circle.String()+"/health"),
		chromedp.WaitVisible(`#health-confirmed`, chromedp.ByQuery),
		chromedp.Text(`#health-confirmed`, &confirmed, chromedp.ByQuery),
		chromedp.Text(`#health-figures`, &values, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('#chart-fulfilled g.bar:last-of-type').dataset.value`, &barValue),
		chromedp.Evaluate(`document.querySelector('#chart-fulfilled g.bar:last-of-type text.value').textContent`, &barText),
		chromedp.Text(`.health-months tbody tr:last-child`, &row, chromedp.ByQuery),
	)
	screenshot(t, ctx, "health")
	if confirmed != "50 %" || !strings.Contains(values, "€100 of €150") || !strings.Contains(values, "1 of 2 commitments") {
		t.Fatalf("the page shows %q; figures:\n%s", confirmed, values)
	}
	if barValue != "50" || barText != "50 %" {
		t.Fatalf("this month's bar: value %q, text %q; want 50", barValue, barText)
	}
	if fields := strings.Fields(row); len(fields) < 5 || fields[1] != "2" || fields[2] != "1" || fields[3] != "50" {
		t.Fatalf("this month's row: %q", row)
	}
}
