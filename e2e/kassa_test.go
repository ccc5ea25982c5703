package e2e_test

import (
	"testing"

	"maunium.net/go/mautrix/event"
)

// TestKassaClaim: members declare maxima for the circle (in its room, or
// in the direct chat of a member of one circle), a claim waits for another
// member's approval, its shares follow the maxima and are committed from
// the direct chat; a second claim of the month is shared among what is
// left of the maxima, and the rest is uncovered.
func TestKassaClaim(t *testing.T) {
	vic, tara, uma := member(t, "vic"), member(t, "tara"), member(t, "uma")
	circle := circleOf(t, "Kassa", vic, tara, uma)
	taraDM, umaDM := openDM(t, tara), openDM(t, uma)
	mustContain(t, say(t, tara, circle, "!ex kassa 50"), "at most €50 a month", "**Kassa**")
	mustContain(t, say(t, uma, umaDM, "касса 100"), "100\u00a0€", "**Kassa**") // her only circle
	mustContain(t, say(t, vic, circle, "!ex kassa"), "The kassa of Kassa", "2 members", "€150")

	sent, err := vic.Send(testCtx(t), circle, "!ex claim 30 medicine")
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, replyTo(t, vic, circle, sent), "€30", "approve")
	card, err := vic.WaitMessageAfter(testCtx(t), circle, sent, env.BotID, func(e *event.Event) bool {
		ns, _ := e.Content.Raw["org.exodus"].(map[string]any)
		return ns["type"] == "claim"
	})
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, card, "medicine", "Awaiting approval")
	mustContain(t, replyCmd(t, vic, circle, card.ID, "approve"), "cannot approve your own claim")
	wantPromises(t, tara.ID, vic.ID)

	approval := replyCmd(t, tara, circle, card.ID, "approve")
	mustContain(t, approval, "approved")
	share := botSays(t, uma, umaDM, "Ваша доля") // uma wrote Russian
	mustContain(t, share, "**20\u00a0€**")
	botSays(t, tara, taraDM, "**€10**")
	wantPromises(t, uma.ID, vic.ID, promiseRow{"intention", 2000})
	mustContain(t, replyCmd(t, uma, umaDM, share.ID, "commit"), "Your commitment: €20")
	cardShows(t, vic, circle, card.ID, approval.ID, "committed €20", "missing €10")
	wantPromises(t, uma.ID, vic.ID, promiseRow{"commitment", 2000})
	mustContain(t, say(t, uma, umaDM, "касса"), "**Kassa**", "попрошено 20\u00a0€, осталось 80\u00a0€")

	// A second claim this month: tara has 40 of her 50 left, uma 80 of her
	// 100; the 30 EUR beyond is asked of nobody.
	sent, err = vic.Send(testCtx(t), circle, "!ex claim 150 roof")
	if err != nil {
		t.Fatal(err)
	}
	card, err = vic.WaitMessageAfter(testCtx(t), circle, sent, env.BotID, func(e *event.Event) bool {
		ns, _ := e.Content.Raw["org.exodus"].(map[string]any)
		return ns["type"] == "claim"
	})
	if err != nil {
		t.Fatal(err)
	}
	approval = replyCmd(t, tara, circle, card.ID, "approve")
	mustContain(t, approval, "approved")
	botSays(t, uma, umaDM, "**80\u00a0€**")
	botSays(t, tara, taraDM, "**€40**")
	cardShows(t, vic, circle, card.ID, approval.ID, "intended €120", "€30 of it is beyond what the members' maxima had left")
}
