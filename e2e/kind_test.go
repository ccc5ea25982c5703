package e2e_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/exodus-matrix/exodus/internal/devnet"
)

// TestHelpInKind: carol asks for a lift to the hospital within 2 days,
// alice for 4 h of help a month. Bob intends 2 h toward alice's need and
// commits, dave commits to the lift; both send, the beneficiaries confirm,
// and the cards show hours and the thing as they were asked for. Alice's
// browser shows her need's page with its progress in hours.
func TestHelpInKind(t *testing.T) {
	alice, bob, carol, dave := member(t, "alice"), member(t, "bob"), member(t, "carol"), member(t, "dave")
	circle := circleOf(t, "Hands", alice, bob, carol, dave)

	aliceDM := openDM(t, alice)
	carolDM := openDM(t, carol)
	mustContain(t, say(t, carol, carolDM, `status red "a lift to the hospital" 2 days`),
		"you need a lift to the hospital within 2 days")
	botSays(t, alice, aliceDM, "needs emergency help: a lift to the hospital.") // alice guarantees carol
	lift := needCard(t, dave, circle, "", carol.ID)
	mustContain(t, lift, "a lift to the hospital")

	mustContain(t, say(t, alice, aliceDM, "status orange 4 h"), "you need 4\u00a0h a month")
	hours := needCard(t, bob, circle, "", alice.ID)
	mustContain(t, hours, "4\u00a0h a month")

	mustContain(t, replyCmd(t, bob, circle, hours.ID, "intend 2 h"), "Your intention: 2\u00a0h")
	mustContain(t, replyCmd(t, bob, circle, hours.ID, "commit"), "Your commitment: 2\u00a0h")
	mustContain(t, replyCmd(t, bob, circle, lift.ID, "commit 20 EUR"), "asks for a lift to the hospital")
	mustContain(t, replyCmd(t, dave, circle, lift.ID, "commit"), "Your commitment: 1\u00a0item")

	bobDM := dmOf(t, bob, "")
	mustContain(t, say(t, bob, bobDM, "sent"), "as sent")
	mustContain(t, say(t, alice, aliceDM, "got "+bob.ID.String()), "confirmed receiving 2\u00a0h")
	daveDM := dmOf(t, dave, "")
	mustContain(t, say(t, dave, daveDM, "sent"), "as sent")
	mustContain(t, say(t, carol, carolDM, "got "+dave.ID.String()), "confirmed receiving 1\u00a0item")

	d := cardShows(t, bob, circle, hours.ID, hours.ID, "confirmed 2\u00a0h", "missing 2\u00a0h")
	if target, _ := d["target"].(map[string]any); target["currency"] != "HOUR" || minor(d, "confirmed") != 200 {
		t.Fatalf("the hours card's data: %v", d)
	}
	cardShows(t, dave, circle, lift.ID, lift.ID, "a lift to the hospital", "confirmed 1\u00a0item")
	if st := statusOf(t, carol.ID); st != "green" {
		t.Fatalf("carol is %s once the lift is confirmed; want green", st)
	}
	mustContain(t, say(t, bob, circle, "!ex kassa 3 h"), "Only money here")

	link := loginLinkRe.FindString(devnet.Body(say(t, alice, aliceDM, "web")))
	if link == "" {
		t.Fatal("no login link")
	}
	need, _ := d["need"].(string)
	ctx := browser(t)
	var target, progress string
	run(t, ctx, "alice's need page",
		chromedp.Navigate(link),
		chromedp.WaitVisible(`#login`, chromedp.ByQuery),
		chromedp.Click(`#login`, chromedp.ByQuery),
		chromedp.WaitVisible(`#trust-size`, chromedp.ByQuery),
		chromedp.Navigate(env.WebURL+"/needs/"+need),
		chromedp.WaitVisible(`#fig-target`, chromedp.ByQuery),
		chromedp.Text(`#fig-target`, &target, chromedp.ByQuery),
		chromedp.Text(`.card.need .figures`, &progress, chromedp.ByQuery),
	)
	if !strings.Contains(target, "4\u00a0h") || !strings.Contains(progress, "2\u00a0h of 4\u00a0h committed") {
		t.Fatalf("the need page shows target %q, progress %q; want 4 h and 2 h of 4 h", target, progress)
	}
}
