package e2e_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// pagesShow opens the organizer's other pages as alice, who intends 20 EUR
// toward carol's 150 EUR a month in the circle "Web", and checks what each
// shows: her network and whom she helps, the circle's members and need,
// the kassa she has not declared to, her profile, the calendar of this
// month, then the dashboard in Russian and on a phone.
func pagesShow(t *testing.T, ctx context.Context, circle, carol, alice string) {
	t.Helper()
	carolName := strings.TrimPrefix(strings.SplitN(carol, ":", 2)[0], "@")
	open := func(path, name string) string {
		t.Helper()
		run(t, ctx, name, chromedp.Navigate(env.WebURL+path), chromedp.WaitVisible(`main h1`, chromedp.ByQuery))
		screenshot(t, ctx, name)
		return textOf(t, ctx, "main")
	}

	// Promised to me: nothing promised to alice; her own intention is not there.
	tome := open("/tome", "tome")
	mustHave(t, "promised to me", tome, "Promised to me", "Nothing here.")
	if strings.Contains(tome, "€20") {
		t.Errorf("alice's own intention is shown as promised to her:\n%s", tome)
	}

	// The calendar of this month, today marked; only the monthly reminder
	// falls in it (an intention has no due day).
	now := time.Now().UTC()
	open("/calendar", "calendar")
	mustHave(t, "the calendar's month", textOf(t, ctx, ".month-name"), fmt.Sprintf("%s %d", now.Month(), now.Year()))
	if today := textOf(t, ctx, "td.today .num"); today != fmt.Sprint(now.Day()) {
		t.Errorf("the calendar marks day %q as today, want %d", today, now.Day())
	}
	mustHave(t, "the calendar's agenda", textOf(t, ctx, ".agenda"), "Monthly reminder")
	var due int
	run(t, ctx, "the agenda's events", chromedp.Evaluate(`document.querySelectorAll('.agenda li').length`, &due))
	if due != 1 {
		t.Errorf("the agenda holds %d events, want the reminder alone:\n%s", due, textOf(t, ctx, ".agenda"))
	}

	// Her network: carol is trusted directly, and she helps carol.
	network := open("/network", "network")
	mustHave(t, "the network", network, "Direct (1)", carol, "Whom you help (1): "+carolName)

	// The circle: its name, both members, carol's need with its figures.
	mustHave(t, "the circle", open("/circles/"+circle, "circle"), "⭕ Web", "Members 2", alice, carol)
	mustHave(t, "the circle's need", textOf(t, ctx, "article.card"), carolName, "€0 of €150 committed",
		"intended €20 (13% with intentions)", "missing €150")

	// The kassa: Web's fund, nothing declared by anyone yet, the circle to
	// declare in (the fund's label is shown in capitals).
	kassa := open("/kassa", "kassa")
	mustHave(t, "the kassa", strings.ToLower(textOf(t, ctx, ".kassa-fund")), "web, declared (eur)", "€0", "0 members",
		"your monthly maximum: nothing yet")
	mustHave(t, "the kassa's circles", kassa, "Declare your maximum")
	mustHave(t, "the kassa's circles", textOf(t, ctx, `form[action="/kassa/declare"] select`), "Web (EUR)")

	// The profile: her ID, her status green, English chosen, eleven kinds of notices on.
	profile := open("/profile", "profile")
	mustHave(t, "the profile", profile, alice, "🟢 green (I only help)")
	var lang string
	var notices int
	run(t, ctx, "profile's choices",
		chromedp.Value(`#language select[name="lang"]`, &lang, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll('#notices li:not(.muted)').length`, &notices))
	if lang != "en" || notices != 11 {
		t.Errorf("the profile chooses language %q and shows %d kinds of notices on, want en and 11", lang, notices)
	}

	// In Russian: the page is Russian, with carol's need in Russian words.
	ru := open("/lang?lang=ru&back=/", "dashboard-ru")
	ruCard := []string{"обязательства: 0 € из 150 €", "намерения 20 € (13% вместе с намерениями)", "не хватает 150 €"}
	mustHave(t, "the Russian dashboard", ru, append([]string{"Главная", "Нужды в вашей сети"}, ruCard...)...)
	var htmlLang string
	run(t, ctx, "page language", chromedp.Evaluate(`document.documentElement.lang`, &htmlLang))
	if htmlLang != "ru" {
		t.Errorf("the Russian dashboard says it is %q", htmlLang)
	}

	// On a phone: the need's figures, the menu folded behind its button.
	run(t, ctx, "phone", chromedp.EmulateViewport(390, 844))
	mustHave(t, "the phone's dashboard", open("/", "dashboard-phone"), ruCard...)
	if !visible(t, ctx, ".menu-toggle") || visible(t, ctx, "nav.main") {
		t.Errorf("on a phone: the menu button shown %v, the menu open %v", visible(t, ctx, ".menu-toggle"), visible(t, ctx, "nav.main"))
	}
	mustHave(t, "the phone's menu button", textOf(t, ctx, ".menu-toggle"), "Меню")
}
