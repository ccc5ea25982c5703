package e2e_test

import (
	"database/sql"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/internal/devnet"
)

// TestWebOrganizer logs a member into the web organizer with the link the
// bot gives in chat, reads the dashboard's real numbers in headless
// Chromium, makes an intention on the need's page, and sees it posted in
// the circle room (through the client API) and recorded in the ledger.
func TestWebOrganizer(t *testing.T) {
	alice, carol := member(t, "alice"), member(t, "carol")
	circle := circleOf(t, "Web", alice, carol)
	aliceDM := openDM(t, alice)

	// carol needs 150 EUR a month: a card in the circle.
	status, err := carol.Send(testCtx(t), circle, "!ex status orange 150")
	if err != nil {
		t.Fatal(err)
	}
	card := needCard(t, alice, circle, status, carol.ID)
	_, d := data(t, card)
	need, _ := d["need"].(string)

	// alice asks for a login link in her direct chat.
	answer := say(t, alice, aliceDM, "web")
	link := loginLinkRe.FindString(devnet.Body(answer))
	if link == "" || !strings.HasPrefix(link, env.WebURL) {
		t.Fatalf("no login link to %s in %q", env.WebURL, devnet.Body(answer))
	}

	ctx := browser(t)
	var dashboard string
	run(t, ctx, "log in",
		chromedp.Navigate(link),
		chromedp.WaitVisible(`#login`, chromedp.ByQuery),
		chromedp.Click(`#login`, chromedp.ByQuery),
		chromedp.WaitVisible(`a[href="/needs/`+need+`"]`, chromedp.ByQuery),
		chromedp.Text(`main`, &dashboard, chromedp.ByQuery),
	)
	for _, want := range []string{carol.ID.Localpart(), "€0 of €150"} {
		if !strings.Contains(dashboard, want) {
			t.Fatalf("dashboard lacks %q:\n%s", want, dashboard)
		}
	}
	screenshot(t, ctx, "dashboard")

	// The link worked once: opening it again is refused.
	var again string
	run(t, ctx, "reuse the link",
		chromedp.Navigate(link),
		chromedp.WaitVisible(`#login`, chromedp.ByQuery),
		chromedp.Click(`#login`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash`, chromedp.ByQuery),
		chromedp.Text(`.flash`, &again, chromedp.ByQuery),
	)
	if !strings.Contains(again, "used already") {
		t.Fatalf("a used link was not refused: %q", again)
	}

	// alice intends 20 EUR on carol's need page.
	var flash, actions string
	run(t, ctx, "intend on the need page",
		chromedp.Navigate(env.WebURL+"/needs/"+need),
		chromedp.WaitVisible(`form[action$="/intend"] input[name="amount"]`, chromedp.ByQuery),
		chromedp.SetValue(`form[action$="/intend"] input[name="amount"]`, "20", chromedp.ByQuery),
		chromedp.Click(`form[action$="/intend"] button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash`, chromedp.ByQuery),
		chromedp.Text(`.flash`, &flash, chromedp.ByQuery),
		chromedp.Text(`#act`, &actions, chromedp.ByQuery),
	)
	if !strings.Contains(flash, "intention") || !strings.Contains(actions, "€20") {
		t.Fatalf("the page did not confirm the intention: flash %q, actions %q", flash, actions)
	}
	screenshot(t, ctx, "need")

	// The room holds it: the bot posted the action naming alice, and the
	// card shows the intention.
	posted, err := carol.WaitMessageAfter(testCtx(t), circle, status, env.BotID, func(e *event.Event) bool {
		ns, _ := e.Content.Raw["org.exodus"].(map[string]any)
		d, _ := ns["data"].(map[string]any)
		return ns["type"] == "web_action" && d["member"] == alice.ID.String() && d["verb"] == "intend"
	})
	if err != nil {
		t.Fatalf("waiting for the web action in the circle: %v", err)
	}
	mustContain(t, posted, "on the web", "intend 20 EUR")
	cardShows(t, carol, circle, card.ID, posted.ID, "intended €20")
	wantPromises(t, alice.ID, carol.ID, promiseRow{"intention", 2000})
	if by := promiseUpdatedBy(t, alice.ID, carol.ID); by != posted.ID.String() {
		t.Fatalf("the intention is keyed by %s, want the posted event %s", by, posted.ID)
	}

	// The other pages render for her, with the intention on "my promises".
	var mine string
	run(t, ctx, "my promises",
		chromedp.Navigate(env.WebURL+"/my"),
		chromedp.WaitVisible(`main`, chromedp.ByQuery),
		chromedp.Text(`main`, &mine, chromedp.ByQuery),
	)
	if !strings.Contains(mine, "€20") {
		t.Fatalf("my promises lack the intention:\n%s", mine)
	}
	screenshot(t, ctx, "promises")
	pagesShow(t, ctx, circle.String(), carol.ID.String(), alice.ID.String())
}

// promiseUpdatedBy is the event that last changed giver's promise toward
// owner's needs (the newest promise).
func promiseUpdatedBy(t *testing.T, giver, owner id.UserID) string {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+env.DBPath+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var by string
	err = db.QueryRow(`SELECT updated_by FROM promises WHERE giver = ? AND beneficiary = ? ORDER BY created_at DESC LIMIT 1`,
		giver.String(), owner.String()).Scan(&by)
	if err != nil {
		t.Fatal(err)
	}
	return by
}
