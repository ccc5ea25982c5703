package bot_test

import (
	"strings"
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
)

// wantIn fails the test unless text holds every one of wants.
func wantIn(t *testing.T, what, text string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(text, want) {
			t.Errorf("%s lacks %q:\n%s", what, want, text)
		}
	}
}

// TestPartialFulfilmentThroughTheChat: bob commits €50 to alice's red
// collection and sends €20; alice is told 20 of 50, confirms what arrived
// (too much refused), the card shows €20 confirmed and the commitment
// stays open; a reminder names what is left (€30 to send; after €10
// more, €10 to confirm); bob cannot send more than the €20 left, sends
// the rest, alice confirms and it is fulfilled.
func TestPartialFulfilmentThroughTheChat(t *testing.T) {
	w := newAidWorld(t)
	need := statusNeed(w, alice, "red 50 5")
	card := w.cardIn(need, w.circle)
	w.reply(w.circle, bob, card, "commit 50")
	w.say(dm(bob), bob, "sent 20")
	wantIn(t, "bob's answer", w.answer(dm(bob)), "€20 of €50", "€30 is still to send")
	wantIn(t, "alice's notice", w.answer(dm(alice)), "sent you €20 of €50")
	w.say(dm(alice), alice, "got 30")
	wantIn(t, "too much confirmed", w.answer(dm(alice)), "more than", "€20 waits for your confirmation")
	w.say(dm(alice), alice, "got")
	wantIn(t, "alice's answer", w.answer(dm(alice)), "receiving €20", "€20 of €50 so far")
	wantIn(t, "bob's notice", w.answer(dm(bob)), "€20 of your €50", "€30 is still owed")
	if p := w.promise(need, bob); p == nil || p.State != ledger.PromiseCommitment || p.Delivered().Minor != 2000 {
		t.Fatalf("bob's promise %+v; want a commitment, €20 confirmed", p)
	}
	text, _ := latestCard(w.cli.messages(), card)
	wantIn(t, "card", text, "confirmed €20")
	w.say(dm(alice), alice, "remind "+bob)
	wantIn(t, "bob's reminder", w.answer(dm(bob)), "your commitment of €30")
	w.say(dm(bob), bob, "sent 10")
	w.say(dm(bob), bob, "remind "+alice)
	wantIn(t, "alice's reminder", w.answer(dm(alice)), "they sent you €10")
	w.say(dm(bob), bob, "sent 21")
	wantIn(t, "too much sent", w.answer(dm(bob)), "€20 of €50 is left to send")
	w.say(dm(bob), bob, "sent")
	w.say(dm(alice), alice, "got")
	if p := w.promise(need, bob); p == nil || p.State != ledger.PromiseFulfilled {
		t.Fatalf("bob's promise %+v; want fulfilled", p)
	}
	text, _ = latestCard(w.cli.messages(), card)
	wantIn(t, "card", text, "confirmed €50")
}

// TestPartialFulfilmentInRussian: the same parts told in Russian.
func TestPartialFulfilmentInRussian(t *testing.T) {
	w := newAidWorld(t)
	w.say(dm(alice), alice, "!ex lang ru")
	w.say(dm(bob), bob, "!ex lang ru")
	need := statusNeed(w, alice, "red 50 5")
	card := w.cardIn(need, w.circle)
	w.reply(w.circle, bob, card, "commit 50")
	w.say(dm(bob), bob, "отправил 20")
	wantIn(t, "bob's answer", w.answer(dm(bob)), "20\u00a0€ из 50\u00a0€", "осталось отправить 30\u00a0€")
	wantIn(t, "alice's notice", w.answer(dm(alice)), "отправил вам 20\u00a0€ из 50\u00a0€")
	w.say(dm(alice), alice, "получил")
	wantIn(t, "alice's answer", w.answer(dm(alice)), "пока 20\u00a0€ из 50\u00a0€")
	wantIn(t, "bob's notice", w.answer(dm(bob)), "остаётся в долгу 30\u00a0€")
}
