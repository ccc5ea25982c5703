package bot_test

import (
	"strings"
	"testing"

	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/ledger"
)

// erin is in the second circle only (alice is in both).
const erin = "@erin:test"

// crossWorld is the aid world with erin in the second circle and a card of
// the first circle's of the given kind, posted in reply to its command.
func crossWorld(t *testing.T) *aidWorld {
	t.Helper()
	w := newAidWorld(t)
	if err := w.svc.Circles.SetMembership(w.ctx, w.circle2, erin, true); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.Members.SetDirectRoom(w.ctx, erin, dm(erin)); err != nil {
		t.Fatal(err)
	}
	return w
}

// cardOf is the first card of a kind the bot posted in a room since k.
func (w *aidWorld) cardOf(room any, kind string, k int) (id.EventID, ledger.NeedID) {
	w.t.Helper()
	for _, m := range inRoom(w.sentSince(k), room) {
		if typ, data := ns(m); typ == kind && m.Content["m.relates_to"] == nil {
			need, _ := data["need"].(string)
			return m.ID, ledger.NeedID(need)
		}
	}
	w.t.Fatalf("no %s card in %v: %v", kind, room, w.sentSince(k))
	return "", ""
}

// A reply that approves a claim counts only in the claim card's room: not
// from a stranger's direct chat, nor from another circle the replier is in.
func TestApproveCountsOnlyOnTheCardsOwnRoom(t *testing.T) {
	w := crossWorld(t)
	w.say(w.circle, bob, "!ex kassa 50")
	w.say(w.circle, carol, "!ex kassa 50")
	k := w.sentCount()
	w.say(w.circle, dave, "!ex claim 40 rent")
	card, claim := w.cardOf(w.circle, "claim", k)
	proposed := func(who string) {
		t.Helper()
		if v, err := w.svc.Aid.Need(w.ctx, claim); err != nil || v.Need.State != ledger.NeedProposed || len(v.Promises) != 0 {
			t.Fatalf("after %s: the claim %+v, %v; want it still proposed", who, v, err)
		}
	}

	k = w.sentCount()
	w.reply(dm(erin), erin, card, "approve")
	proposed("erin's approval from her direct chat")
	if got := inRoom(w.sentSince(k), dm(erin)); len(got) != 1 || !strings.Contains(strings.ToLower(body(got[0])), "reply to a need card") {
		t.Fatalf("erin was told %v; want to reply to the card", got)
	}
	w.reply(w.circle2, alice, card, "!ex approve")
	proposed("alice's approval in the second circle")
	w.reply(dm(alice), alice, card, "approve")
	proposed("alice's approval from her direct chat")

	w.reply(w.circle, bob, card, "approve")
	if v, _ := w.svc.Aid.Need(w.ctx, claim); v.Need.State != ledger.NeedOpen {
		t.Fatalf("bob's approval in the claim's circle: %+v", v.Need)
	}
}

// A ❤️ on an initiative card counts only in the card's room: a reaction in
// another circle pointing at it backs nothing, whoever sends it.
func TestReactionCountsOnlyOnTheCardsOwnRoom(t *testing.T) {
	w := crossWorld(t)
	k := w.sentCount()
	w.say(w.circle, bob, `!ex initiative "Roof" 100 by 2026-12-20`)
	card, need := w.cardOf(w.circle, "initiative", k)
	w.react(w.circle2, erin, card, "❤️")
	w.react(w.circle2, alice, card, "❤️")
	for _, u := range []ledger.UserID{erin, alice} {
		if p := w.promise(need, u); p != nil {
			t.Fatalf("%s backs the initiative from another room: %+v", u, p)
		}
	}
	w.react(w.circle, alice, card, "❤️")
	if p := w.promise(need, alice); p == nil || p.State != ledger.PromiseIntention {
		t.Fatalf("alice's ❤️ in the initiative's circle: %+v", p)
	}
}

// A notice in a direct chat counts for the parties of its promise only.
func TestNoticeInADirectChatCountsForItsPartiesOnly(t *testing.T) {
	w := crossWorld(t)
	need, cards := w.openNeed()
	w.react(w.circle, bob, cards[w.circle], "🤝")
	p := w.promise(need, bob)
	if p == nil || p.State != ledger.PromiseCommitment {
		t.Fatalf("bob's commitment %+v", p)
	}
	notice := w.lastEventIn(dm(bob)) // the payment details, to bob
	// carol, let into bob's direct chat, says "sent" in reply to it.
	w.reply(dm(bob), carol, notice, "sent")
	if q := w.promise(need, bob); q.State != ledger.PromiseCommitment {
		t.Fatalf("carol's reply in bob's chat changed bob's promise: %+v", q)
	}
	if q := w.promise(need, carol); q != nil {
		t.Fatalf("carol's reply made a promise: %+v", q)
	}
	w.reply(dm(bob), bob, notice, "sent")
	if q := w.promise(need, bob); q.State != ledger.PromiseSent {
		t.Fatalf("bob's own reply: %+v", q)
	}
}

// A poll answer counts only in the poll's own room: one sent in another
// circle, naming the poll of the first, backs nothing.
func TestPollAnswerCountsOnlyInThePollsOwnRoom(t *testing.T) {
	w := crossWorld(t)
	k := w.sentCount()
	w.say(w.circle, bob, `!ex initiative "Roof" 100 by 2026-12-20`)
	poll, need := w.cardOf(w.circle, "initiative_poll", k)
	answer := func(room any, sender string) {
		_, raw := w.event("org.matrix.msc3381.poll.response", room, sender, map[string]any{
			"m.relates_to":                     map[string]any{"rel_type": "m.reference", "event_id": poll},
			"org.matrix.msc3381.poll.response": map[string]any{"answers": []string{"a2000"}},
		}, nil)
		w.deliver(raw)
	}
	answer(w.circle2, alice)
	if p := w.promise(need, alice); p != nil {
		t.Fatalf("alice's poll answer from another circle: %+v", p)
	}
	answer(w.circle, alice)
	if p := w.promise(need, alice); p == nil || p.State != ledger.PromiseIntention || p.Amount.Minor != 2000 {
		t.Fatalf("alice's poll answer in the initiative's circle: %+v", p)
	}
}

// A member banned by another bot (a moderation bot listed in other_bots) is
// out of the circle as if a person had banned him: he may no longer act
// on its needs.
func TestAMemberBannedByABotLeavesTheCircle(t *testing.T) {
	w := crossWorld(t)
	_, raw := w.event("m.room.member", w.circle, "@telegram_mod:test", map[string]any{"membership": "ban"},
		map[string]any{"state_key": dave})
	w.deliver(raw)
	cs, err := w.svc.Circles.Of(w.ctx, dave)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c == w.circle {
			t.Fatalf("dave, banned by a bot, is still in the circle: %v", cs)
		}
	}
}
