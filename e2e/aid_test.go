package e2e_test

import (
	"testing"
	"time"
)

// TestOrangeNeed follows monthly support from the need card to a confirmed
// receipt, by reactions and by commands, with a withdrawal by removing ❤️
// and an attempt to withdraw a commitment.
func TestOrangeNeed(t *testing.T) {
	alice, bob, carol := member(t, "alice"), member(t, "bob"), member(t, "carol")
	circle := circleOf(t, "Aid", alice, bob, carol)
	bobDM := openDM(t, bob)
	mustContain(t, say(t, bob, bobDM, "requisites IBAN DE02 1234 5678"), "IBAN DE02 1234 5678", "(default)")

	// bob goes orange: a need card appears in the circle.
	status, err := bob.Send(testCtx(t), circle, "!ex status orange 300")
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, replyTo(t, bob, circle, status), "300 EUR a month")
	card := needCard(t, alice, circle, status, bob.ID)
	mustContain(t, card, "needs regular support", "300 EUR", "missing 300 EUR")
	if kind, d := data(t, card); kind != "need" || minor(d, "target") != 30000 || d["state"] != "open" {
		t.Fatalf("card = %s %v", kind, d)
	}
	if statusOf(t, bob.ID) != "orange" {
		t.Fatalf("bob's status = %s, want orange", statusOf(t, bob.ID))
	}

	// alice ❤️: an intention of the circle's pledge; bob is told.
	heart := react(t, alice, circle, card.ID, "❤️")
	d := cardShows(t, alice, circle, card.ID, heart, "intended 100 EUR")
	if minor(d, "intended") != 10000 || minor(d, "missing") != 30000 {
		t.Fatalf("card data after ❤️ = %v", d)
	}
	botSays(t, bob, bobDM, "intends to help you with 100 EUR")
	wantPromises(t, alice.ID, bob.ID, promiseRow{"intention", 10000})
	// A second ❤️ from the same member is the same intention.
	react(t, alice, circle, card.ID, "♥️")

	// carol replies with an amount, then changes it, then commits.
	mustContain(t, replyCmd(t, carol, circle, card.ID, "50"), "Your intention: 50 EUR")
	mustContain(t, replyCmd(t, carol, circle, card.ID, "intend 70"), "Your intention: 70 EUR")
	reply := replyCmd(t, carol, circle, card.ID, "commit")
	mustContain(t, reply, "Your commitment: 70 EUR")
	cardShows(t, alice, circle, card.ID, reply.ID, "committed 70 EUR", "missing 230 EUR", "intended 100 EUR")
	wantPromises(t, carol.ID, bob.ID, promiseRow{"commitment", 7000})
	botSays(t, bob, bobDM, "committed to help you with 70 EUR")

	// carol got bob's requisites in a direct chat; she replies `sent` there.
	carolDM := dmOf(t, carol, "")
	notice := botSays(t, carol, carolDM, "IBAN DE02 1234 5678")
	mustContain(t, replyCmd(t, carol, carolDM, notice.ID, "sent"), "as sent")
	wantPromises(t, carol.ID, bob.ID, promiseRow{"sent", 7000})

	// bob confirms with 👍 on the "sent" notice; carol is thanked.
	sentNotice := botSays(t, bob, bobDM, "says they sent you 70 EUR")
	thumbs := react(t, bob, bobDM, sentNotice.ID, "👍")
	mustContain(t, replyTo(t, bob, bobDM, sentNotice.ID), "confirmed receiving 70 EUR")
	_ = thumbs
	botSays(t, carol, carolDM, "confirmed receiving your 70 EUR")
	wantPromises(t, carol.ID, bob.ID, promiseRow{"fulfilled", 7000})

	// A commitment cannot be withdrawn.
	mustContain(t, replyCmd(t, carol, circle, card.ID, "withdraw"), "cannot be withdrawn")
	wantPromises(t, carol.ID, bob.ID, promiseRow{"fulfilled", 7000})

	// alice removes her ❤️: Dendrite does not push the redaction, the bot
	// finds it in the room and withdraws the intention.
	redaction, err := alice.Redact(testCtx(t), circle, heart, "")
	if err != nil {
		t.Fatal(err)
	}
	d = cardShows(t, alice, circle, card.ID, redaction, "intended 0 EUR")
	if minor(d, "intended") != 0 || minor(d, "confirmed") != 7000 {
		t.Fatalf("card data after removing ❤️ = %v", d)
	}
	wantPromises(t, alice.ID, bob.ID, promiseRow{"withdrawn", 10000})

	// alice commits with 🤝 directly, then tries to take it back by command.
	shake := react(t, alice, circle, card.ID, "🤝")
	cardShows(t, alice, circle, card.ID, shake, "committed 170 EUR", "missing 130 EUR")
	mustContain(t, replyCmd(t, alice, circle, card.ID, "!ex withdraw"), "cannot be withdrawn")
	wantPromises(t, alice.ID, bob.ID, promiseRow{"withdrawn", 10000}, promiseRow{"commitment", 10000})
	_ = time.Second
}
