package e2e_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/exodus-matrix/exodus/internal/devnet"
	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/locale"
)

// webMoney is an amount in minor units of EUR as the web pages write it.
func webMoney(minor int64) string {
	return locale.Amount(ledger.LangEN, ledger.Amount{Minor: minor, Currency: "EUR"})
}

// TestSameNumbersInChatAndOnTheWeb: a need and an initiative made through
// the homeserver show on the web the figures and the day their chat cards
// show (intentions do not count as progress in one and not the other; an
// initiative "by <date>" ends on that date everywhere), and the status
// form of an orange member has orange selected with her amount.
func TestSameNumbersInChatAndOnTheWeb(t *testing.T) {
	gina, hugo := member(t, "gina"), member(t, "hugo")
	circle := circleOf(t, "Numbers", gina, hugo)
	ginaDM := openDM(t, gina)

	// gina needs 150 EUR a month; hugo intends 100: nothing is committed.
	status, err := gina.Send(testCtx(t), circle, "!ex status orange 150")
	if err != nil {
		t.Fatal(err)
	}
	card := needCard(t, hugo, circle, status, gina.ID)
	_, d := data(t, card)
	need, _ := d["need"].(string)
	intend, err := hugo.Reply(testCtx(t), circle, card.ID, "100")
	if err != nil {
		t.Fatal(err)
	}
	orange := cardShows(t, gina, circle, card.ID, intend, "intended €100", "missing €150", "` 0%")
	if orange["percent"] != 0.0 || orange["percent_promised"] != 66.0 || minor(orange, "missing") != 15000 {
		t.Fatalf("the chat card's figures: %v", orange)
	}

	// hugo proposes an initiative by a date; gina votes 60 EUR.
	byDay := time.Now().UTC().AddDate(0, 0, 30)
	by := byDay.Format("2006-01-02")
	byChat, byWeb := locale.Date(ledger.LangEN, byDay), locale.DateYear(ledger.LangEN, byDay)
	sent, err := hugo.Send(testCtx(t), circle, `!ex initiative "Bench" 300 by `+by)
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, replyTo(t, hugo, circle, sent), "by "+byChat)
	icard, _ := initiativeCard(t, gina, circle, sent)
	_, di := data(t, icard)
	initiative, _ := di["need"].(string)
	vote, err := gina.Reply(testCtx(t), circle, icard.ID, "60")
	if err != nil {
		t.Fatal(err)
	}
	ini := cardShows(t, gina, circle, icard.ID, vote, "intended €60", "by "+byChat, "` 20%", "` 0%")
	if ini["last_day"] != by || ini["percent"] != 0.0 || ini["percent_promised"] != 20.0 || minor(ini, "missing") != 30000 {
		t.Fatalf("the initiative card's figures: %v", ini)
	}

	// gina reads the same on the web.
	link := loginLinkRe.FindString(devnet.Body(say(t, gina, ginaDM, "web")))
	ctx := browser(t)
	var dashboard string
	run(t, ctx, "log in",
		chromedp.Navigate(link),
		chromedp.WaitVisible(`#login`, chromedp.ByQuery),
		chromedp.Click(`#login`, chromedp.ByQuery),
		chromedp.WaitVisible(`a[href="/needs/`+need+`"]`, chromedp.ByQuery),
		chromedp.Text(`#needs`, &dashboard, chromedp.ByQuery),
	)
	for _, want := range []string{"€0 of €150 committed (0%)", "intended €100 (66% with intentions)",
		"missing €150", "€0 of €300 committed (0%)", "intended €60 (20% with intentions)", "by " + byWeb} {
		if !strings.Contains(dashboard, want) {
			t.Errorf("the dashboard lacks %q:\n%s", want, dashboard)
		}
	}
	for _, p := range []struct {
		path string
		card map[string]any
	}{{"/needs/" + need, orange}, {"/initiatives/" + initiative, ini}} {
		var percent, missing, deadline string
		actions := []chromedp.Action{
			chromedp.Navigate(env.WebURL + p.path),
			chromedp.WaitVisible(`#fig-missing`, chromedp.ByQuery),
			chromedp.Text(`.figures .percent`, &percent, chromedp.ByQuery),
			chromedp.Text(`#fig-missing`, &missing, chromedp.ByQuery),
		}
		if p.card["last_day"] != nil {
			actions = append(actions, chromedp.Text(`#fig-deadline`, &deadline, chromedp.ByQuery))
		}
		run(t, ctx, p.path, actions...)
		if want := fmt.Sprintf("%v%%", p.card["percent"]); percent != want {
			t.Errorf("%s shows %q committed, the chat card %q", p.path, percent, want)
		}
		if want := webMoney(minor(p.card, "missing")); missing != want {
			t.Errorf("%s shows %q missing, the chat card %q", p.path, missing, want)
		}
		if day, _ := p.card["last_day"].(string); day != "" && (day != by || !strings.HasPrefix(deadline, byWeb)) {
			t.Errorf("%s shows the deadline %q, the chat card %q", p.path, deadline, day)
		}
	}

	// Her status form has orange selected, with her amount.
	for _, path := range []string{"/profile", "/"} {
		var selected, amount string
		run(t, ctx, "status form on "+path,
			chromedp.Navigate(env.WebURL+path),
			chromedp.WaitReady(`#status form`, chromedp.ByQuery),
			chromedp.Evaluate(`document.querySelector('#status input[name="status"]:checked').value`, &selected),
			chromedp.Evaluate(`document.querySelector('#status input[name="amount"]').value`, &amount),
		)
		if selected != "orange" || amount != "150" {
			t.Errorf("the status form on %s selects %q with %q; gina is orange for 150", path, selected, amount)
		}
	}
}
