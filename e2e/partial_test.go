package e2e_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/exodus-matrix/exodus/internal/devnet"
)

// TestPartialFulfilment: alice collects €50; bob commits €50 and sends
// €20; alice is told 20 of 50 and confirms what arrived; the card shows
// €20 confirmed, and bob's browser shows on the need's page €20 of €50
// confirmed and €30 still owed. Bob sends the rest, alice confirms, the
// collection is closed and alice is green again.
func TestPartialFulfilment(t *testing.T) {
	alice, bob := member(t, "alice"), member(t, "bob")
	circle := circleOf(t, "Parts", alice, bob)
	aliceDM := openDM(t, alice)
	mustContain(t, say(t, alice, aliceDM, "status red 50 5"), "€50")
	card := needCard(t, bob, circle, "", alice.ID)
	mustContain(t, replyCmd(t, bob, circle, card.ID, "commit 50"), "Your commitment: €50")

	bobDM := dmOf(t, bob, "")
	mustContain(t, say(t, bob, bobDM, "sent 20"), "€20 of €50", "€30 is still to send")
	botSays(t, alice, aliceDM, "sent you €20 of €50")
	mustContain(t, say(t, alice, aliceDM, "got 30"), "€20 waits for your confirmation")
	mustContain(t, say(t, alice, aliceDM, "got 20"), "€20 of €50 so far")
	d := cardShows(t, bob, circle, card.ID, card.ID, "confirmed €20")
	if minor(d, "confirmed") != 2000 {
		t.Fatalf("the card's data: %v", d)
	}
	need, _ := d["need"].(string)

	link := loginLinkRe.FindString(devnet.Body(say(t, bob, bobDM, "web")))
	if link == "" {
		t.Fatal("no login link")
	}
	ctx := browser(t)
	var part, confirmed string
	run(t, ctx, "bob's view of the need",
		chromedp.Navigate(link),
		chromedp.WaitVisible(`#login`, chromedp.ByQuery),
		chromedp.Click(`#login`, chromedp.ByQuery),
		chromedp.WaitVisible(`#trust-size`, chromedp.ByQuery),
		chromedp.Navigate(env.WebURL+"/needs/"+need),
		chromedp.WaitVisible(`#my-part`, chromedp.ByQuery),
		chromedp.Text(`#my-part`, &part, chromedp.ByQuery),
		chromedp.Text(`#fig-confirmed`, &confirmed, chromedp.ByQuery),
	)
	if !strings.Contains(part, "€20 sent, €20 of €50 confirmed, €30 still owed") || !strings.Contains(confirmed, "€20") {
		t.Fatalf("the need page shows %q, confirmed %q; want €20 of €50 confirmed, €30 still owed", part, confirmed)
	}

	mustContain(t, say(t, bob, bobDM, "sent"), "€30", "as sent")
	mustContain(t, say(t, alice, aliceDM, "got"), "confirmed receiving €30")
	cardShows(t, bob, circle, card.ID, card.ID, "confirmed €50")
	if st := statusOf(t, alice.ID); st != "green" {
		t.Fatalf("alice is %s once all is confirmed; want green", st)
	}
}
