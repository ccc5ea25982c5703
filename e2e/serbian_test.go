package e2e_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/exodus-matrix/exodus/internal/devnet"
)

// TestSerbianInChatAndOnTheWeb: a member chooses Serbian with its Serbian
// word in her direct chat (`jezik sr`) and is answered in Serbian on the
// real homeserver: the choice, the help, a refusal, a circle, and a red
// collection's amount and days as Serbian writes them ("1.234,50 €", "3
// dana"); the web organizer she logs into is in Serbian too, and its
// language switch marks SR.
func TestSerbianInChatAndOnTheWeb(t *testing.T) {
	milica := member(t, "milica")
	dm := openDM(t, milica)
	mustContain(t, say(t, milica, dm, "jezik sr"), "Govoriću sa vama na srpskom.")
	mustContain(t, say(t, milica, dm, "pomoć"), "Komande koje su vam najpotrebnije", "lista poverenja")
	mustContain(t, say(t, milica, dm, "jezik klingonski"), "Ne poznajem jezik", "klingonski")
	mustContain(t, say(t, milica, dm, "circle Prijatelji"), "Krug **Prijatelji** je spreman")
	joinInvite(t, milica, env.BotID)
	mustContain(t, say(t, milica, dm, "status red 1234,50 3"), "1.234,50\u00a0€", "u roku od 3 dana")

	link := loginLinkRe.FindString(devnet.Body(say(t, milica, dm, "web")))
	if link == "" {
		t.Fatal("no login link")
	}
	ctx := browser(t)
	var lang, nav, active string
	run(t, ctx, "dashboard in Serbian",
		chromedp.Navigate(link),
		chromedp.WaitVisible(`#login`, chromedp.ByQuery),
		chromedp.Click(`#login`, chromedp.ByQuery),
		chromedp.WaitVisible(`#trust-size`, chromedp.ByQuery),
		chromedp.AttributeValue(`html`, "lang", &lang, nil, chromedp.ByQuery),
		chromedp.Text(`body`, &nav, chromedp.ByQuery),
		chromedp.Text(`a[aria-current="true"][href^="/lang"]`, &active, chromedp.ByQuery),
	)
	if lang != "sr" || active != "SR" {
		t.Fatalf("the dashboard is in %q with %q marked, want sr and SR", lang, active)
	}
	for _, want := range []string{"Pregled", "Potrebe u vašoj mreži", "obavezano 0\u00a0€ od 1.234,50\u00a0€", "Moja obećanja", "Odjava"} {
		if !strings.Contains(nav, want) {
			t.Fatalf("the dashboard does not show %q:\n%s", want, nav)
		}
	}
}
