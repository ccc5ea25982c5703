package e2e_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/exodus-matrix/exodus/internal/devnet"
)

// TestReportInChatAndOnTheWeb: toward alice's need, bob commits 100 and
// carol 50; bob sends and alice confirms. `report` in bob's direct chat
// answers what he gave this month (1 commitment, fulfilled, €100), `отчет`
// in the circle's room the circle's figures in Russian with a line per
// member, and alice's browser shows her report page (received: 2
// commitments, 1 fulfilled, €100 of €150) and the circle's (bob's line).
func TestReportInChatAndOnTheWeb(t *testing.T) {
	f := oneOfTwoConfirmed(t, "Monthly")
	alice, bob, carol, circle, aliceDM, bobDM := f.alice, f.bob, f.carol, f.circle, f.aliceDM, f.bobDM

	answer := say(t, bob, bobDM, "report")
	mustContain(t, answer, "Your report for", "Given: 1 commitment, 1 fulfilled (receipt confirmed), 0 overdue; by value: €100 confirmed of €100.",
		"Received: no commitments made to you this month.")
	kind, d := data(t, answer)
	month, _ := d["month"].(string)
	if kind != "report" || len(month) != 7 {
		t.Fatalf("the answer's data: %s %v", kind, d)
	}
	mustContain(t, say(t, carol, circle, "!ex отчет"), "Отчёт круга Monthly за "+month,
		"Обязательств в круге: 2, исполнено (получение подтверждено) 1, просрочено 0; по сумме: подтверждено 100\u00a0€ из 150\u00a0€.",
		"отдано подтверждено 100\u00a0€ из 100\u00a0€ (исполнено 1, просрочено 0)")
	mustContain(t, say(t, bob, bobDM, "report 2099-01"), "The month 2099-01 has not begun yet")

	link := loginLinkRe.FindString(devnet.Body(say(t, alice, aliceDM, "web")))
	if link == "" {
		t.Fatal("no login link")
	}
	ctx := browser(t)
	var heading, received, given, bobsLine string
	run(t, ctx, "the report pages",
		chromedp.Navigate(link),
		chromedp.WaitVisible(`#login`, chromedp.ByQuery),
		chromedp.Click(`#login`, chromedp.ByQuery),
		chromedp.WaitVisible(`#trust-size`, chromedp.ByQuery),
		chromedp.Navigate(env.WebURL+"/report"),
		chromedp.WaitVisible(`#report-figures`, chromedp.ByQuery),
		chromedp.Text(`h1`, &heading, chromedp.ByQuery),
		chromedp.Text(`#report-received`, &received, chromedp.ByQuery),
		chromedp.Text(`#report-given`, &given, chromedp.ByQuery),
		chromedp.Navigate(env.WebURL+"/circles/"+circle.String()+"/report"),
		chromedp.WaitVisible(`#report-total`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('tr[data-member="`+bob.ID.String()+`"][data-direction="given"]').innerText`, &bobsLine),
	)
	screenshot(t, ctx, "report")
	if heading != "My report for "+month {
		t.Errorf("the heading %q", heading)
	}
	if f := strings.Fields(received); len(f) < 5 || f[1] != "2" || f[2] != "1" || f[3] != "0" || !strings.Contains(received, "€100 of €150") {
		t.Errorf("the received row %q: want 2 commitments, 1 fulfilled, 0 overdue, €100 of €150", received)
	}
	if f := strings.Fields(given); len(f) < 4 || f[1] != "0" || f[2] != "0" {
		t.Errorf("the given row %q: want none", given)
	}
	if f := strings.Fields(bobsLine); len(f) < 5 || f[2] != "1" || f[3] != "1" || !strings.Contains(bobsLine, "€100 of €100") {
		t.Errorf("bob's line %q: want 1 commitment, 1 fulfilled, €100 of €100", bobsLine)
	}
}
