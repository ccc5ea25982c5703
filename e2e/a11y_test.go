package e2e_test

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/exodus-matrix/exodus/internal/devnet"
)

// viewport is a window size the pages are checked at.
type viewport struct {
	name          string
	width, height int64
}

var (
	desktop = viewport{"desktop", 1280, 900}
	phone   = viewport{"phone", 390, 844}
)

// navLinks are the pages of the navigation a member must reach.
var navLinks = []string{"/", "/my", "/tome", "/pending", "/archive", "/calendar", "/kassa", "/clearing", "/network", "/network/health", "/report", "/profile"}

// TestPagesEveryoneCanUse: a member with a need to help, an initiative and
// a promise opens every page of the web organizer, in English and in
// Russian, at a desktop's width and a phone's, and axe-core finds no
// accessibility violation on any of them (the welcome, login, error and
// refused-form pages included). A refused form marks its field and moves
// the focus there.
func TestPagesEveryoneCanUse(t *testing.T) {
	src := axeSource(t)
	alice, carol := member(t, "alice"), member(t, "carol")
	circle := circleOf(t, "Access", alice, carol)
	aliceDM := openDM(t, alice)
	status, err := carol.Send(testCtx(t), circle, "!ex status orange 150")
	if err != nil {
		t.Fatal(err)
	}
	_, d := data(t, needCard(t, alice, circle, status, carol.ID))
	need, _ := d["need"].(string)
	by := time.Now().UTC().AddDate(0, 0, 10).Format("2006-01-02")
	sent, err := alice.Send(testCtx(t), circle, `!ex initiative "Bench" 200 by `+by)
	if err != nil {
		t.Fatal(err)
	}
	card, _ := initiativeCard(t, carol, circle, sent)
	_, d = data(t, card)
	initiative, _ := d["need"].(string)
	link := loginLinkRe.FindString(devnet.Body(say(t, alice, aliceDM, "web")))
	if link == "" {
		t.Fatal("no login link")
	}

	ctx := browser(t)
	// The pages of a visitor: the welcome and the login link's page.
	for _, vp := range []viewport{desktop, phone} {
		for _, lang := range []string{"en", "ru"} {
			at := lang + ", " + vp.name
			run(t, ctx, "visitor "+at, chromedp.EmulateViewport(vp.width, vp.height),
				chromedp.Navigate(env.WebURL+"/lang?lang="+lang+"&back=/"), chromedp.WaitVisible(`main h1`, chromedp.ByQuery))
			audit(t, ctx, src, "welcome page ("+at+")")
			run(t, ctx, "login page "+at, chromedp.Navigate(link), chromedp.WaitVisible(`#login`, chromedp.ByQuery))
			audit(t, ctx, src, "login page ("+at+")")
		}
	}
	run(t, ctx, "log in", chromedp.EmulateViewport(desktop.width, desktop.height),
		chromedp.Navigate(env.WebURL+"/lang?lang=en&back=/"), chromedp.Navigate(link),
		chromedp.WaitVisible(`#login`, chromedp.ByQuery), chromedp.Click(`#login`, chromedp.ByQuery),
		chromedp.WaitVisible(`a[href="/needs/`+need+`"]`, chromedp.ByQuery))

	// A refused amount: the page says why, marks the field and puts the
	// focus on it; then the right amount is taken.
	refusedForm(t, ctx, src, need)

	pages := append(append([]string(nil), navLinks...), "/needs/"+need, "/initiatives/"+initiative,
		"/circles/"+circle.String(), "/circles/"+circle.String()+"/health", "/circles/"+circle.String()+"/report", "/calendar?month="+by[:7], "/needs/no-such-need")
	for _, vp := range []viewport{desktop, phone} {
		for _, lang := range []string{"en", "ru"} {
			at := lang + ", " + vp.name
			run(t, ctx, "switch to "+at, chromedp.EmulateViewport(vp.width, vp.height),
				chromedp.Navigate(env.WebURL+"/lang?lang="+lang+"&back=/"), chromedp.WaitVisible(`main h1`, chromedp.ByQuery))
			var htmlLang string
			run(t, ctx, "page language", chromedp.Evaluate(`document.documentElement.lang`, &htmlLang))
			if htmlLang != lang {
				t.Fatalf("the pages are in %q, want %q", htmlLang, lang)
			}
			for _, p := range pages {
				run(t, ctx, p+" ("+at+")", chromedp.Navigate(env.WebURL+p), chromedp.WaitVisible(`main h1`, chromedp.ByQuery))
				audit(t, ctx, src, p+" ("+at+")")
			}
		}
	}
	namesTellApart(t, ctx, by[:7])
	servedCompressed(t, ctx)
}

// servedCompressed checks, in the browser's own record of what it
// fetched, that the page, its style and its script came gzipped: fewer
// bytes over the wire than they hold.
func servedCompressed(t *testing.T, ctx context.Context) {
	t.Helper()
	var sizes []struct {
		Name    string `json:"name"`
		Encoded int    `json:"encoded"`
		Decoded int    `json:"decoded"`
	}
	run(t, ctx, "what the browser fetched", chromedp.Navigate(env.WebURL+"/profile"), chromedp.WaitVisible(`#notices`, chromedp.ByQuery),
		chromedp.Evaluate(`[...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")]
  .map(e => ({name: new URL(e.name).pathname, encoded: e.encodedBodySize, decoded: e.decodedBodySize}))`, &sizes))
	got := map[string]bool{}
	for _, s := range sizes {
		if s.Decoded > 0 && s.Encoded < s.Decoded {
			got[s.Name] = true
		}
	}
	for _, p := range []string{"/profile", "/static/style.css", "/static/menu.js"} {
		if !got[p] {
			t.Errorf("%s came uncompressed: %+v", p, sizes)
		}
	}
}

// namesTellApart reads the names a screen reader gives: the profile's
// buttons are told apart ("Mute: Someone reminds me to act", not eleven
// "Mute"), and on a phone a calendar link is named by its words, not an
// emoji alone.
func namesTellApart(t *testing.T, ctx context.Context, month string) {
	t.Helper()
	run(t, ctx, "profile in English", chromedp.EmulateViewport(desktop.width, desktop.height),
		chromedp.Navigate(env.WebURL+"/lang?lang=en&back=/profile"), chromedp.WaitVisible(`#notices`, chromedp.ByQuery))
	seen := map[string]int{}
	for _, name := range accessibleNames(t, ctx, "button") {
		seen[name]++
	}
	if seen["Mute: Someone reminds me to act"] != 1 {
		t.Errorf("no one button to mute reminders among %v", seen)
	}
	for name, n := range seen {
		if n > 1 && !strings.HasPrefix(name, "Save") {
			t.Errorf("%d buttons are called %q", n, name)
		}
	}
	run(t, ctx, "calendar on a phone", chromedp.EmulateViewport(phone.width, phone.height),
		chromedp.Navigate(env.WebURL+"/calendar?month="+month), chromedp.WaitVisible(`.cal`, chromedp.ByQuery))
	if visible(t, ctx, `.cal .ev-text`) {
		t.Error("on a phone the calendar shows the events' words in its cells")
	}
	found := false
	for _, name := range accessibleNames(t, ctx, "link") {
		if strings.Contains(name, "💡") {
			found = true
			mustHave(t, "the initiative's calendar link", name, "Bench")
		}
		if !strings.ContainsFunc(name, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
			t.Errorf("a link is named %q: no word a screen reader can say", name)
		}
	}
	if !found {
		t.Error("no link of the initiative in the calendar")
	}
}

// refusedForm intends "abc" on a need's page: refused, the amount field is
// marked invalid, tied to the message, focused, and the page passes axe.
// Then 20 is taken.
func refusedForm(t *testing.T, ctx context.Context, src, need string) {
	t.Helper()
	const field = `form[action$="/intend"] input[name="amount"]`
	var flash string
	var invalid, describedBy, activeName string
	run(t, ctx, "a refused intention",
		chromedp.Navigate(env.WebURL+"/needs/"+need),
		chromedp.WaitVisible(field, chromedp.ByQuery),
		chromedp.SetValue(field, "abc", chromedp.ByQuery),
		chromedp.Click(`form[action$="/intend"] button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#flash`, chromedp.ByQuery),
		chromedp.Text(`#flash`, &flash, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('`+field+`').getAttribute("aria-invalid") || ""`, &invalid),
		chromedp.Evaluate(`document.querySelector('`+field+`').getAttribute("aria-describedby") || ""`, &describedBy),
		chromedp.Evaluate(`document.activeElement.name || ""`, &activeName),
	)
	mustHave(t, "the refusal", flash, "abc")
	if invalid != "true" || describedBy != "flash" || activeName != "amount" {
		t.Errorf("the refused field: aria-invalid %q, aria-describedby %q; the focus is on %q", invalid, describedBy, activeName)
	}
	audit(t, ctx, src, "a refused form")
	var actions string
	run(t, ctx, "intend 20",
		chromedp.SetValue(field, "20", chromedp.ByQuery),
		chromedp.Click(`form[action$="/intend"] button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash:not(.error)`, chromedp.ByQuery),
		chromedp.Text(`#act`, &actions, chromedp.ByQuery),
	)
	mustHave(t, "the need's actions", actions, "Your promise: €20 (intention)")
}

// TestMenuByKeyboard walks the navigation with the keyboard alone: on a
// phone, Tab reaches the skip link and the menu button, Enter opens the
// menu, Tab then reaches each of its nine links and "Log out", Escape
// closes it and gives the focus back; on a desktop the links follow
// directly, with no hidden stop; and without scripts the phone shows the
// links at once.
func TestMenuByKeyboard(t *testing.T) {
	alice := member(t, "alice")
	link := loginLinkRe.FindString(devnet.Body(say(t, alice, openDM(t, alice), "web")))
	if link == "" {
		t.Fatal("no login link")
	}
	ctx := browser(t)
	run(t, ctx, "log in on a phone", chromedp.EmulateViewport(phone.width, phone.height),
		chromedp.Navigate(env.WebURL+"/lang?lang=en&back=/"), chromedp.Navigate(link),
		chromedp.WaitVisible(`#login`, chromedp.ByQuery), chromedp.Click(`#login`, chromedp.ByQuery),
		// The dashboard's own element: the login page has a main h1 too, and
		// navigating before its form's answer arrives would abort that.
		chromedp.WaitVisible(`#trust-size`, chromedp.ByQuery))
	fresh := chromedp.Tasks{chromedp.Navigate(env.WebURL + "/"), chromedp.WaitVisible(`main h1`, chromedp.ByQuery)}
	run(t, ctx, "open the dashboard", fresh)

	// The skip link comes first and takes the focus into the content.
	if f := press(t, ctx, kb.Tab); !strings.Contains(f.Class, "skip") || !f.Shown {
		t.Fatalf("the first Tab reaches %v (shown %v), not the skip link", f, f.Shown)
	}
	if f := press(t, ctx, kb.Enter); f.Tag != "main" {
		t.Errorf("the skip link leads to %v, not the content", f)
	}

	// On a phone the menu is folded: its links are not reachable until the
	// button opens it.
	run(t, ctx, "reload", fresh)
	if visible(t, ctx, `nav.main`) {
		t.Error("the menu is open before it is asked for")
	}
	passed := tabUntil(t, ctx, 6, func(f focused) bool { return strings.Contains(f.Class, "menu-toggle") })
	for _, f := range passed {
		if strings.HasPrefix(f.Href, "/my") || f.Tag == "input" {
			t.Errorf("Tab went to %v before the menu was opened", f)
		}
	}
	if button := passed[len(passed)-1]; button.Expanded != "false" || !button.Shown {
		t.Errorf("the menu button: %v aria-expanded %q shown %v", button, button.Expanded, button.Shown)
	}
	if f := press(t, ctx, kb.Enter); f.Expanded != "true" || !visible(t, ctx, `nav.main`) {
		t.Fatalf("Enter did not open the menu: %v aria-expanded %q", f, f.Expanded)
	}
	reached := tabUntil(t, ctx, 30, func(f focused) bool { return f.Tag == "button" && f.Text == "Log out" })
	reachesAll(t, "the phone's menu", reached)
	if f := press(t, ctx, kb.Escape); !strings.Contains(f.Class, "menu-toggle") || f.Expanded != "false" || visible(t, ctx, `nav.main`) {
		t.Errorf("Escape left the menu open or the focus elsewhere: %v aria-expanded %q", f, f.Expanded)
	}

	// On a desktop the button is gone: the links come right after the
	// language switch, with no invisible stop between.
	run(t, ctx, "desktop", chromedp.EmulateViewport(desktop.width, desktop.height), fresh)
	reached = tabUntil(t, ctx, 30, func(f focused) bool { return f.Tag == "button" && f.Text == "Log out" })
	reachesAll(t, "the desktop's navigation", reached)
	if len(reached) != 6+len(navLinks) { // skip, brand, EN, RU, SR, the links, log out
		t.Errorf("Tab stops before log out: %d, want %d: %v", len(reached), 6+len(navLinks), reached)
	}

	// Without scripts a phone shows the links, and no button that does nothing.
	run(t, ctx, "phone without scripts", chromedp.EmulateViewport(phone.width, phone.height),
		emulation.SetScriptExecutionDisabled(true), fresh)
	if !visible(t, ctx, `nav.main a[href="/profile"]`) || visible(t, ctx, `.menu-toggle`) {
		t.Errorf("without scripts: links shown %v, button shown %v", visible(t, ctx, `nav.main a[href="/profile"]`), visible(t, ctx, `.menu-toggle`))
	}
}

// reachesAll fails unless the focus went through every link of the
// navigation, each shown when focused, and ended on "Log out".
func reachesAll(t *testing.T, what string, reached []focused) {
	t.Helper()
	for _, href := range navLinks {
		found := false
		for _, f := range reached {
			found = found || (f.Tag == "a" && f.InNav && f.Href == href && f.Shown)
		}
		if !found {
			t.Errorf("%s: Tab never reached a shown link to %s; it went through:\n%v", what, href, reached)
		}
	}
	if last := reached[len(reached)-1]; !last.Shown {
		t.Errorf("%s: Log out has the focus but is not shown", what)
	}
}
