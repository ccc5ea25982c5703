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
	mustContain(t, replyTo(t, bob, circle, status), "€300 a month")
	card := needCard(t, alice, circle, status, bob.ID)
	mustContain(t, card, "needs regular support", "€300", "missing €300")
	if kind, d := data(t, card); kind != "need" || minor(d, "target") != 30000 || d["state"] != "open" {
		t.Fatalf("card = %s %v", kind, d)
	}
	if statusOf(t, bob.ID) != "orange" {
		t.Fatalf("bob's status = %s, want orange", statusOf(t, bob.ID))
	}

	// alice ❤️: an intention of the circle's pledge; bob is told.
	heart := react(t, alice, circle, card.ID, "❤️")
	d := cardShows(t, alice, circle, card.ID, heart, "intended €100")
	if minor(d, "intended") != 10000 || minor(d, "missing") != 30000 {
		t.Fatalf("card data after ❤️ = %v", d)
	}
	botSays(t, bob, bobDM, "intends to help you with €100")
	wantPromises(t, alice.ID, bob.ID, promiseRow{"intention", 10000})
	// A second ❤️ from the same member is the same intention.
	react(t, alice, circle, card.ID, "❤")

	// carol replies with an amount, then changes it, then commits.
	mustContain(t, replyCmd(t, carol, circle, card.ID, "50"), "Your intention: €50")
	mustContain(t, replyCmd(t, carol, circle, card.ID, "intend 70"), "Your intention: €70")
	reply := replyCmd(t, carol, circle, card.ID, "commit")
	mustContain(t, reply, "Your commitment: €70")
	cardShows(t, alice, circle, card.ID, reply.ID, "committed €70", "missing €230", "intended €100")
	wantPromises(t, carol.ID, bob.ID, promiseRow{"commitment", 7000})
	botSays(t, bob, bobDM, "committed to help you with €70")

	// carol got bob's requisites in a direct chat; she replies `sent` there.
	carolDM := dmOf(t, carol, "")
	notice := botSays(t, carol, carolDM, "IBAN DE02 1234 5678")
	mustContain(t, replyCmd(t, carol, carolDM, notice.ID, "sent"), "as sent")
	wantPromises(t, carol.ID, bob.ID, promiseRow{"sent", 7000})

	// bob confirms with 👍 on the "sent" notice; carol is thanked.
	sentNotice := botSays(t, bob, bobDM, "says they sent you €70")
	thumbs := react(t, bob, bobDM, sentNotice.ID, "👍")
	mustContain(t, replyTo(t, bob, bobDM, sentNotice.ID), "confirmed receiving €70")
	_ = thumbs
	botSays(t, carol, carolDM, "confirmed receiving your €70")
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
	d = cardShows(t, alice, circle, card.ID, redaction, "intended €0")
	if minor(d, "intended") != 0 || minor(d, "confirmed") != 7000 {
		t.Fatalf("card data after removing ❤️ = %v", d)
	}
	wantPromises(t, alice.ID, bob.ID, promiseRow{"withdrawn", 10000})

	// alice commits with 🤝 directly, then tries to take it back by command.
	shake := react(t, alice, circle, card.ID, "🤝")
	cardShows(t, alice, circle, card.ID, shake, "committed €170", "missing €130")
	mustContain(t, replyCmd(t, alice, circle, card.ID, "!ex withdraw"), "cannot be withdrawn")
	wantPromises(t, alice.ID, bob.ID, promiseRow{"withdrawn", 10000}, promiseRow{"commitment", 10000})
	_ = time.Second
}

// TestRedCollection follows an emergency: ❤️ is refused with a hint,
// commitments by command and by 🤝, receipts by `got @user` and by 👍, and
// the collection closes itself when the confirmed sum reaches its target:
// the member returns to the previous status, a surplus commitment is
// released, and the givers are thanked.
func TestRedCollection(t *testing.T) {
	dave, erin, frank, gina := member(t, "dave"), member(t, "erin"), member(t, "frank"), member(t, "gina")
	circle := circleOf(t, "Emergency", dave, erin, frank, gina)
	daveDM := openDM(t, dave)
	mustContain(t, say(t, dave, daveDM, "status orange 40"), "€40 a month")
	orange := needCard(t, erin, circle, "", dave.ID)
	react(t, erin, circle, orange.ID, "❤️")
	cardShows(t, erin, circle, orange.ID, orange.ID, "intended €40")

	status, err := dave.Send(testCtx(t), circle, "!ex status red 200 3")
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, replyTo(t, dave, circle, status), "€200 within 3 days")
	card := needCard(t, erin, circle, status, dave.ID)
	mustContain(t, card, "emergency", "€200", "commitments only")
	cardShows(t, erin, circle, orange.ID, status, "Paused")
	wantPromises(t, erin.ID, dave.ID, promiseRow{"set_aside", 4000})

	// ❤️ on a red card gets a short hint and changes nothing.
	heart := react(t, gina, circle, card.ID, "❤️")
	hint := replyTo(t, gina, circle, card.ID)
	mustContain(t, hint, "commitments only")
	_ = heart
	wantPromises(t, gina.ID, dave.ID)

	// erin commits 150 by command, frank 🤝 (his pledge capped at what is
	// missing: 50), gina 30 more than needed.
	mustContain(t, replyCmd(t, erin, circle, card.ID, "commit 150"), "Your commitment: €150")
	shake := react(t, frank, circle, card.ID, "🤝")
	cardShows(t, erin, circle, card.ID, shake, "committed €200", "missing €0")
	wantPromises(t, frank.ID, dave.ID, promiseRow{"commitment", 5000})
	mustContain(t, replyCmd(t, gina, circle, card.ID, "!ex commit 30"), "Your commitment: €30")

	// erin and frank send; dave confirms erin by command, frank by 👍.
	erinDM, frankDM := dmOf(t, erin, ""), dmOf(t, frank, "")
	mustContain(t, say(t, erin, erinDM, "sent"), "as sent")
	mustContain(t, replyCmd(t, frank, circle, card.ID, "sent"), "as sent")
	botSays(t, dave, daveDM, "says they sent you €150")
	frankSent := botSays(t, dave, daveDM, "says they sent you €50")
	mustContain(t, say(t, dave, daveDM, "got "+erin.ID.String()), "confirmed receiving €150")
	react(t, dave, daveDM, frankSent.ID, "👍")
	mustContain(t, replyTo(t, dave, daveDM, frankSent.ID), "confirmed receiving €50")

	// The collection closed itself.
	d := cardShows(t, erin, circle, card.ID, status, "Collected", "confirmed €200")
	if d["state"] != "closed" {
		t.Fatalf("red card state = %v, want closed", d["state"])
	}
	botSays(t, erin, erinDM, "reached €200 and is closed")
	botSays(t, frank, frankDM, "reached €200 and is closed")
	ginaDM := dmOf(t, gina, "")
	botSays(t, gina, ginaDM, "your commitment of €30 is released")
	wantPromises(t, gina.ID, dave.ID, promiseRow{"released", 3000})
	wantPromises(t, erin.ID, dave.ID, promiseRow{"intention", 4000}, promiseRow{"fulfilled", 15000})
	if st := statusOf(t, dave.ID); st != "orange" {
		t.Fatalf("dave's status after the collection = %s, want orange (the previous one)", st)
	}
	cardShows(t, erin, circle, orange.ID, status, "intended €40")
}
