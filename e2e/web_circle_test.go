package e2e_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/exodus-matrix/exodus/internal/devnet"
)

// TestCirclePageFoldsRoomIDAndDigest: a member opening her circle's page
// in headless Chromium reads its name, members and exports, but not the
// circle's Matrix room ID or its ledger digest: those are in a folded
// "advanced" section, which shows them once opened, and the API answers
// the digest.
func TestCirclePageFoldsRoomIDAndDigest(t *testing.T) {
	alice, carol := member(t, "alice"), member(t, "carol")
	circle := circleOf(t, "Quiet", alice, carol)
	aliceDM := openDM(t, alice)
	digest, _ := digestOf(t, env, tokenOf(t, alice, aliceDM, env.BotID), circle)
	if digest == "" {
		t.Fatal("the API answered no digest")
	}
	link := loginLinkRe.FindString(devnet.Body(say(t, alice, aliceDM, "web")))
	if link == "" {
		t.Fatal("no login link")
	}

	ctx := browser(t)
	var page, folded string
	var open bool
	run(t, ctx, "the circle page",
		chromedp.Navigate(link),
		chromedp.WaitVisible(`#login`, chromedp.ByQuery),
		chromedp.Click(`#login`, chromedp.ByQuery),
		chromedp.WaitVisible(`#trust-size`, chromedp.ByQuery), // the dashboard: the login page has a main h1 too
		chromedp.Navigate(env.WebURL+"/circles/"+circle.String()),
		chromedp.WaitVisible(`#advanced summary`, chromedp.ByQuery),
		chromedp.Text(`main`, &page, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('#advanced').open`, &open),
	)
	for _, want := range []string{"Quiet", carol.ID.Localpart(), "Export as CSV", "Advanced"} {
		if !strings.Contains(page, want) {
			t.Fatalf("the circle page lacks %q:\n%s", want, page)
		}
	}
	if open || strings.Contains(page, circle.String()) || strings.Contains(page, digest) {
		t.Fatalf("the page shows the room ID or the digest before the advanced section is opened (open %v):\n%s", open, page)
	}
	run(t, ctx, "open the advanced section",
		chromedp.Click(`#advanced summary`, chromedp.ByQuery),
		chromedp.WaitVisible(`#advanced .room-id`, chromedp.ByQuery),
		chromedp.Text(`#advanced`, &folded, chromedp.ByQuery),
	)
	if !strings.Contains(folded, circle.String()) || !strings.Contains(folded, digest) {
		t.Fatalf("the advanced section lacks the room ID %s or the digest %s:\n%s", circle, digest, folded)
	}
}
