package e2e_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/exodus-matrix/exodus/internal/devnet"
)

// TestCapacity: alice vouches for bob and bob for carol (€100 each); alice
// goes orange and bob commits €60 to her. Asked `capacity`, the bot tells
// alice €100 can reach her: €60 of carol's passed on by bob, €40 of bob's
// own; in Russian (`поток`) carol reads hers. On the web, alice's network
// page shows the same figure and paths.
func TestCapacity(t *testing.T) {
	alice, bob, carol := member(t, "alice"), member(t, "bob"), member(t, "carol")
	circle := circleOf(t, "Reach", alice, bob)
	inviteAndJoin(t, bob, carol, circle)
	mustContain(t, say(t, carol, circle, "!ex accept"), "accepted the invitation")

	status, err := alice.Send(testCtx(t), circle, "!ex status orange 300")
	if err != nil {
		t.Fatal(err)
	}
	card := needCard(t, bob, circle, status, alice.ID)
	mustContain(t, replyCmd(t, bob, circle, card.ID, "commit 60"), "Your commitment: €60")

	answer := say(t, alice, circle, "!ex capacity")
	mustContain(t, answer, "What can reach you through guarantees:** €100.",
		"€60: "+carol.ID.String()+" → "+bob.ID.String()+" → you", "€40: "+bob.ID.String()+" → you")
	if kind, d := data(t, answer); kind != "capacity" || d["capacity"] == nil {
		t.Fatalf("answer = %s %v", kind, d)
	}
	mustContain(t, say(t, carol, circle, "!ex поток"), "по поручительствам:** 100", bob.ID.String()+" → вы")

	link := loginLinkRe.FindString(devnet.Body(say(t, alice, openDM(t, alice), "web")))
	if link == "" {
		t.Fatal("no login link")
	}
	ctx := browser(t)
	run(t, ctx, "log in and open the network",
		chromedp.Navigate(link),
		chromedp.WaitVisible(`#login`, chromedp.ByQuery),
		chromedp.Click(`#login`, chromedp.ByQuery),
		chromedp.WaitVisible(`nav.main a[href="/network"]`, chromedp.ByQuery), // logged in: the menu shows
		chromedp.Click(`nav.main a[href="/network"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.capacity`, chromedp.ByQuery),
	)
	screenshot(t, ctx, "capacity")
	mustHave(t, "the figure", textOf(t, ctx, ".capacity-value"), "At most €100 can reach you through guarantees now.")
	paths := textOf(t, ctx, ".capacity-paths")
	mustHave(t, "the paths", paths, "€60: "+carol.ID.Localpart()+" → "+bob.ID.Localpart()+" → you",
		"€40: "+bob.ID.Localpart()+" → you")
	if strings.Index(paths, "€60") > strings.Index(paths, "€40") {
		t.Errorf("the paths are not largest first: %s", paths)
	}
}
