package e2e_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/exodus-matrix/exodus/internal/devnet"
	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/locale"
)

// TestLanguageInChat: a Russian-speaking member reads counts with their
// CLDR plural forms ("2 участника"), amounts and dates as Russian writes
// them ("1 234,50 €", "2 декабря"), a short help without the prefix in her
// direct chat, "did you mean" for a mistyped verb, and times in the time
// zone she chose by chat, which the web profile shows too, and in which
// the web shows her the day and time her red collection ends.
func TestLanguageInChat(t *testing.T) {
	ana, boris, vera := member(t, "ana"), member(t, "boris"), member(t, "vera")
	dm := openDM(t, ana)
	mustContain(t, say(t, ana, dm, "язык ru"), "по-русски")

	// A short first screen of help, without the prefix in a direct chat.
	help := devnet.Body(say(t, ana, dm, "помощь"))
	if n := strings.Count(help, "\n* "); n != 10 || strings.Contains(help, "!ex") || !strings.Contains(help, "`помощь все`") {
		t.Fatalf("help in the direct chat shows %d commands (want 10), the prefix or no `помощь все`:\n%s", n, help)
	}
	mustContain(t, say(t, ana, dm, "помощь все"), "`статус ", "`пояс ", "`касса ")

	// A typo of a verb gets "did you mean", in her language.
	typo := say(t, ana, dm, "спсок")
	mustContain(t, typo, "Я не знаю команды", "имели в виду `список`")
	if strings.Contains(devnet.Body(typo), "!ex") {
		t.Fatalf("the answer in a direct chat shows the prefix:\n%s", devnet.Body(typo))
	}

	// Two guarantors: "2 участника".
	mustContain(t, say(t, ana, dm, "круг Друзья"), "Друзья")
	circle := joinInvite(t, ana, env.BotID)
	for _, u := range []*devnet.User{boris, vera} {
		sent, err := ana.Send(testCtx(t), circle, "!ex пригласить "+u.ID.String())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ana.WaitMessageAfter(testCtx(t), circle, sent, env.BotID, devnet.BodyContains("Приглашение")); err != nil {
			t.Fatal(err)
		}
		if got := joinInvite(t, u, env.BotID); got != circle {
			t.Fatalf("%s was invited into %s, want %s", u.ID, got, circle)
		}
		mustContain(t, say(t, u, circle, "!ex принять"), "Приглашение", "принято")
	}
	mustContain(t, say(t, ana, dm, "список"), "Ваш трастовый список: 2 участника", "2 прямых поручителя")

	// An amount and a date as Russian writes them.
	before := time.Now().UTC()
	red := say(t, ana, dm, "статус красный 1234,50 3")
	mustContain(t, red, "1\u00a0234,50\u00a0€", "в течение 3 дней")
	card := botSays(t, ana, circle, "Срочный сбор")
	after := time.Now().UTC()
	body := devnet.Body(card)
	d1, d2 := locale.Date(ledger.LangRU, before.AddDate(0, 0, 3)), locale.Date(ledger.LangRU, after.AddDate(0, 0, 3))
	if !strings.Contains(body, "1\u00a0234,50\u00a0€ до "+d1) && !strings.Contains(body, "1\u00a0234,50\u00a0€ до "+d2) {
		t.Fatalf("the card does not show 1 234,50 € until %s:\n%s", d1, body)
	}

	// Her time zone: a bad one is refused in Russian, a good one shows the
	// expiry of an invitation code in it.
	mustContain(t, say(t, ana, dm, "пояс Марс/Олимп"), "Я не знаю часового пояса")
	mustContain(t, say(t, ana, dm, "пояс europe/belgrade"), "Europe/Belgrade")
	code := say(t, ana, dm, "пригласить")
	_, d := data(t, code)
	ms, _ := d["expires_at"].(float64)
	belgrade, err := time.LoadLocation("Europe/Belgrade")
	if err != nil || ms == 0 {
		t.Fatalf("no zone or no expiry (%v) in %v", err, d)
	}
	mustContain(t, code, "до "+locale.DateTime(ledger.LangRU, time.UnixMilli(int64(ms)), belgrade))

	// The deadline of her red collection (3 days from the moment it
	// opened), as her zone reads it.
	_, cd := data(t, card)
	dms, _ := cd["deadline"].(float64)
	need, _ := cd["need"].(string)
	if dms == 0 || need == "" {
		t.Fatalf("the card has no deadline or need: %v", cd)
	}
	deadline := time.UnixMilli(int64(dms)).In(belgrade)
	wantDue := locale.DateYear(ledger.LangRU, deadline) + ", " + locale.Clock(ledger.LangRU, deadline)
	utcDue := locale.DateYear(ledger.LangRU, deadline.UTC()) + ", " + locale.Clock(ledger.LangRU, deadline.UTC())

	// The web profile shows the zone she chose in chat.
	link := loginLinkRe.FindString(devnet.Body(say(t, ana, dm, "веб")))
	if link == "" {
		t.Fatal("no login link")
	}
	ctx := browser(t)
	var zone string
	run(t, ctx, "profile",
		chromedp.Navigate(link),
		chromedp.WaitVisible(`#login`, chromedp.ByQuery),
		chromedp.Click(`#login`, chromedp.ByQuery),
		chromedp.WaitVisible(`#trust-size`, chromedp.ByQuery),
		chromedp.Navigate(env.WebURL+"/profile"),
		chromedp.WaitVisible(`#timezone`, chromedp.ByQuery),
		chromedp.Value(`#timezone`, &zone, chromedp.ByQuery),
	)
	if zone != "Europe/Belgrade" {
		t.Fatalf("the web profile shows the time zone %q, want Europe/Belgrade", zone)
	}

	// Her need's page shows when it ends in her zone, not the cycle's (UTC).
	var due string
	run(t, ctx, "need page",
		chromedp.Navigate(env.WebURL+"/needs/"+need),
		chromedp.WaitVisible(`#fig-deadline`, chromedp.ByQuery),
		chromedp.Text(`#fig-deadline`, &due, chromedp.ByQuery),
	)
	if !strings.HasPrefix(due, wantDue) || strings.HasPrefix(due, utcDue) {
		t.Fatalf("the need page shows the deadline %q, want %q (Europe/Belgrade), not %q (UTC)", due, wantDue, utcDue)
	}
}
