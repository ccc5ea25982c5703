package e2e_test

import (
	"strings"
	"testing"

	"github.com/exodus-matrix/exodus/internal/devnet"
)

// TestOrganizerViewsAndLeave checks the organizer views against what the
// ledger holds, muting a notification, and leaving.
func TestOrganizerViewsAndLeave(t *testing.T) {
	hana, ivan, jana := member(t, "hana"), member(t, "ivan"), member(t, "jana")
	circle := circleOf(t, "Views", hana, ivan, jana)
	hanaDM, ivanDM, janaDM := openDM(t, hana), openDM(t, ivan), openDM(t, jana)

	mustContain(t, say(t, hana, hanaDM, "about I teach maths and fix bikes"), "Saved")
	mustContain(t, say(t, hana, hanaDM, "status orange 120"), "€120 a month")
	card := needCard(t, ivan, circle, "", hana.ID)

	// ivan commits 60 and it is confirmed; jana intends 30.
	mustContain(t, replyCmd(t, ivan, circle, card.ID, "commit 60"), "Your commitment: €60")
	mustContain(t, say(t, ivan, ivanDM, "sent"), "as sent")
	mustContain(t, say(t, hana, hanaDM, "pending"), "Awaiting your confirmation", "€60", ivan.ID.String())
	mustContain(t, say(t, hana, hanaDM, "got"), "confirmed receiving €60")
	mustContain(t, say(t, jana, janaDM, "mute intention"), "Muted")
	mustContain(t, replyCmd(t, jana, circle, card.ID, "30"), "Your intention: €30")
	botSays(t, hana, hanaDM, "intends to help you with €30")
	// ivan helps the same need, so he is told of jana's intention.
	botSays(t, ivan, ivanDM, "joined you in helping")

	// Views, in the direct chat (asked in the circle, the answer goes there).
	my := say(t, ivan, circle, "!ex my")
	mustContain(t, my, "direct chat")
	view := botSays(t, ivan, ivanDM, "What you promised")
	mustContain(t, view, "Fulfilled (1, €60)", hana.ID.String())
	if kind, d := data(t, view); kind != "view" || len(d["promises"].([]any)) != 1 {
		t.Fatalf("my view = %s %v", kind, d)
	}
	tome := say(t, hana, hanaDM, "tome")
	mustContain(t, tome, "What others promised you", "Intentions (1, €30)", "Fulfilled (1, €60)")
	mustContain(t, say(t, ivan, ivanDM, "archive"), "Archive", "Given by you (1, €60)")
	mustContain(t, say(t, ivan, ivanDM, "overdue"), "Nothing here")
	network := say(t, jana, janaDM, "network")
	mustContain(t, network, "Whom you help (1)", hana.ID.String(), "same people (1)", ivan.ID.String())
	profile := say(t, hana, hanaDM, "about")
	mustContain(t, profile, "I teach maths and fix bikes", "orange", "ask you personally")

	// hana goes green: jana's intention is released; nothing is overdue
	// since ivan's commitment was fulfilled.
	mustContain(t, say(t, hana, hanaDM, "status green"), "green")
	cardShows(t, ivan, circle, card.ID, card.ID, "closed")
	wantPromises(t, jana.ID, hana.ID, promiseRow{"released", 3000})
	wantPromises(t, ivan.ID, hana.ID, promiseRow{"fulfilled", 6000})

	// jana goes orange; ivan intends, then jana leaves.
	mustContain(t, say(t, jana, janaDM, "status orange 80"), "€80")
	janaCard := needCard(t, ivan, circle, "", jana.ID)
	mustContain(t, replyCmd(t, ivan, circle, janaCard.ID, "intend 20"), "Your intention: €20")
	mustContain(t, say(t, jana, janaDM, "leave"), "leave confirm")
	// jana muted intention notices: ivan's intention was not announced to
	// her (the worker handled it before her last command).
	msgs, err := jana.Messages(testCtx(t), janaDM)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if strings.Contains(devnet.Body(m), "intends to help you") {
			t.Fatalf("jana muted intention notices but got: %s", devnet.Body(m))
		}
	}
	wantPromises(t, ivan.ID, jana.ID, promiseRow{"intention", 2000})
	mustContain(t, say(t, jana, janaDM, "leave confirm"), "data is erased")
	botSays(t, ivan, ivanDM, "left Exodus")
	wantPromises(t, ivan.ID, jana.ID, promiseRow{"released", 2000})
	cardShows(t, ivan, circle, janaCard.ID, janaCard.ID, "closed")
	if st := statusOf(t, jana.ID); st != "green" {
		t.Fatalf("jana's status after leaving = %s, want green", st)
	}
	mustContain(t, say(t, jana, janaDM, "about"), "nothing yet")
}
