package bot_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/bot/replica"
	"github.com/exodus-matrix/exodus/ledger"
)

// timelineEvent is a raw event as /messages returns it.
func timelineEvent(t *testing.T, raw json.RawMessage) *event.Event {
	t.Helper()
	var evt event.Event
	if err := json.Unmarshal(raw, &evt); err != nil {
		t.Fatal(err)
	}
	return &evt
}

// reconcile runs one reconciliation pass and handles what it found.
func (w *aidWorld) reconcile() int {
	w.t.Helper()
	if w.reconciler == nil {
		w.reconciler = replica.NewReconciler(w.svc.Aid, w.cli, w.store, "@exodus:test", w.svc, w.intake.Notify, w.bot)
	}
	n, err := w.reconciler.Reconcile(w.ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	w.drain(w.t)
	return n
}

// 3. A removed ❤️ the homeserver never pushed is found in the room and
// withdraws the intention; a redaction by someone else changes nothing.
func TestReconcileWithdrawsIntentionOfRemovedHeart(t *testing.T) {
	w := newAidWorld(t)
	need, cards := w.openNeed()
	heart, heartRaw := w.event("m.reaction", w.circle, bob, reactionContent(cards[w.circle], "❤️"), nil)
	w.deliver(heartRaw)
	w.react(w.circle, carol, cards[w.circle], "❤️")
	if p := w.promise(need, bob); p == nil || p.State != ledger.PromiseIntention || p.Reaction != ledger.EventID(heart) {
		t.Fatalf("bob's promise after ❤️: %+v", p)
	}

	_, foreign := w.redaction(w.circle, carol, heart)
	room := id.RoomID(w.circle)
	w.cli.timeline = map[id.RoomID][]*event.Event{room: {timelineEvent(t, foreign), timelineEvent(t, heartRaw)}}
	before, k := w.snapshot(need), w.sentCount()
	if n := w.reconcile(); n != 1 {
		t.Fatalf("reconcile added %d events, want the foreign redaction", n)
	}
	// Only the room's record of bob's intention, which the removed ❤️ no
	// longer shows (for a rebuild and the other bots), is sent.
	if sent := w.sentSince(k); w.snapshot(need) != before || len(sent) != 1 || !isRecord(sent[0]) {
		t.Fatalf("carol's redaction of bob's ❤️ changed something: %s → %s, sent %v", before, w.snapshot(need), sent)
	}

	_, own := w.redaction(w.circle, bob, heart)
	w.cli.timeline[room] = append([]*event.Event{timelineEvent(t, own)}, w.cli.timeline[room]...)
	k = w.sentCount()
	if n := w.reconcile(); n != 1 {
		t.Fatalf("reconcile added %d events, want bob's redaction", n)
	}
	if p := w.promise(need, bob); p == nil || p.State != ledger.PromiseWithdrawn {
		t.Fatalf("bob's promise after removing ❤️: %+v", p)
	}
	if p := w.promise(need, carol); p == nil || p.State != ledger.PromiseIntention {
		t.Fatalf("carol's promise: %+v", p)
	}
	expectEdited(t, w.sentSince(k), cards, 10000)
	k = w.sentCount()
	if n := w.reconcile(); n != 0 || w.sentCount() != k {
		t.Fatalf("second reconcile added %d events and sent %v", n, w.sentSince(k))
	}

	// Both unseen, a ❤️ and its removal are handled oldest first.
	_, daveHeart := w.event("m.reaction", w.circle, dave, reactionContent(cards[w.circle], "❤️"), nil)
	daveHeartID := timelineEvent(t, daveHeart).ID
	_, undo := w.redaction(w.circle, dave, daveHeartID)
	w.cli.timeline[room] = append([]*event.Event{timelineEvent(t, undo), timelineEvent(t, daveHeart)}, w.cli.timeline[room]...)
	if n := w.reconcile(); n != 2 {
		t.Fatalf("reconcile added %d events, want dave's ❤️ and its removal", n)
	}
	if p := w.promise(need, dave); p == nil || p.State != ledger.PromiseWithdrawn {
		t.Fatalf("dave's promise after ❤️ and its removal: %+v", p)
	}
	k = w.sentCount()
	if n := w.reconcile(); n != 0 || w.sentCount() != k {
		t.Fatalf("second reconcile added %d events and sent %v", n, w.sentSince(k))
	}
}

// 4. Replies to a card: an amount is an intention, discussion gets no
// answer, prefixed commands work; a promise verb without a card is refused.
func TestRepliesToCards(t *testing.T) {
	w := newAidWorld(t)
	need, cards := w.openNeed()
	card := cards[w.circle]

	k := w.sentCount()
	msg := w.reply(w.circle, bob, card, "50")
	p := w.promise(need, bob)
	if p == nil || p.State != ledger.PromiseIntention || p.Amount != (ledger.Amount{Minor: 5000, Currency: "EUR"}) {
		t.Fatalf("bob's promise after replying 50: %+v", p)
	}
	answers := inRoom(w.sentSince(k), w.circle)
	if len(answers) == 0 || !strings.Contains(body(answers[0]), "Your intention: €50") || !repliesTo(answers[0], msg) {
		t.Fatalf("answer to 50: %v", answers)
	}
	expectEdited(t, w.sentSince(k), cards, 5000)

	before, k := w.snapshot(need), w.sentCount()
	w.reply(w.circle, carol, card, "thanks, great idea")
	w.reply(w.circle, bob, card, "got it, thanks")
	w.reply(w.circle, bob, card, "commit lots") // a promise verb that does not parse
	if w.snapshot(need) != before || w.sentCount() != k {
		t.Fatalf("discussion under a card was answered or acted on: %v", w.sentSince(k))
	}

	k = w.sentCount()
	w.reply(w.circle, bob, card, "!ex withdraw")
	if p := w.promise(need, bob); p == nil || p.State != ledger.PromiseWithdrawn {
		t.Fatalf("bob's promise after withdraw: %+v", p)
	}
	if answers := inRoom(w.sentSince(k), w.circle); len(answers) == 0 || !strings.Contains(body(answers[0]), "You withdrew") {
		t.Fatalf("answer to withdraw: %v", answers)
	}

	before, k = w.snapshot(need), w.sentCount()
	w.say(w.circle, carol, "!ex intend 10")
	got := w.sentSince(k)
	if w.snapshot(need) != before || len(got) != 1 || !strings.Contains(body(got[0]), "Reply to a need card") {
		t.Fatalf("intend without a card: %s → %s, sent %v", before, w.snapshot(need), got)
	}
}

// repliesTo reports whether m is a reply to evt.
func repliesTo(m sentMessage, evt id.EventID) bool {
	rel, _ := m.Content["m.relates_to"].(map[string]any)
	in, _ := rel["m.in_reply_to"].(map[string]any)
	return in["event_id"] == string(evt)
}

// 5. A refused command changes nothing and is explained, in Russian when
// the member typed a Russian command word.
func TestRefusedCommandIsExplainedInTheTypedLanguage(t *testing.T) {
	w := newAidWorld(t)
	need, cards := w.openNeed()
	card := cards[w.circle]
	w.react(w.circle, bob, card, "🤝")
	if p := w.promise(need, bob); p == nil || p.State != ledger.PromiseCommitment {
		t.Fatalf("bob's promise after 🤝: %+v", p)
	}
	for _, c := range []struct{ cmd, want string }{
		{"!ex withdraw", "cannot be withdrawn"},
		{"!ex отозвать", "нельзя отозвать"},
	} {
		before, k := w.snapshot(need), w.sentCount()
		msg := w.reply(w.circle, bob, card, c.cmd)
		got := w.sentSince(k)
		if w.snapshot(need) != before {
			t.Errorf("%s changed the ledger: %s → %s", c.cmd, before, w.snapshot(need))
		}
		if len(got) != 1 || got[0].Room != id.RoomID(w.circle) || !repliesTo(got[0], msg) || !strings.Contains(body(got[0]), c.want) {
			t.Fatalf("answer to %s: %v, want one reply saying %q", c.cmd, got, c.want)
		}
		if typ, data := ns(got[0]); typ != "error" || data["key"] != "promise.irrevocable" {
			t.Errorf("answer to %s carries %s %v", c.cmd, typ, data)
		}
	}
}

// 6. Notifications respect mute.
func TestIntentionNoticeRespectsMute(t *testing.T) {
	w := newAidWorld(t)
	_, cards := w.openNeed()
	card := cards[w.circle]
	told := func(k int) bool {
		for _, m := range inRoom(w.sentSince(k), dm(alice)) {
			if strings.Contains(body(m), "intends to help you") {
				return true
			}
		}
		return false
	}

	k := w.sentCount()
	w.say(dm(alice), alice, "mute intention")
	if got := inRoom(w.sentSince(k), dm(alice)); len(got) != 1 || !strings.Contains(body(got[0]), "Muted") {
		t.Fatalf("answer to mute: %v", got)
	}
	k = w.sentCount()
	w.react(w.circle, bob, card, "❤️")
	if told(k) {
		t.Fatalf("alice muted intentions but was told: %v", w.sentSince(k))
	}

	w.say(dm(alice), alice, "unmute intention")
	k = w.sentCount()
	w.react(w.circle, carol, card, "❤️")
	if !told(k) {
		t.Fatalf("alice unmuted intentions but was not told: %v", w.sentSince(k))
	}
}

// 7. Personal views are answered in the direct chat.
func TestViewAnswersInDirectChat(t *testing.T) {
	w := newAidWorld(t)
	_, cards := w.openNeed()
	w.react(w.circle, bob, cards[w.circle], "❤️")

	k := w.sentCount()
	msg := w.say(w.circle, bob, "!ex my")
	got := w.sentSince(k)
	here, there := inRoom(got, w.circle), inRoom(got, dm(bob))
	if len(here) != 1 || !repliesTo(here[0], msg) || !strings.Contains(body(here[0]), "I answered in our direct chat") {
		t.Fatalf("answer in the circle: %v", here)
	}
	if len(there) != 1 || len(here)+len(there) != len(got) {
		t.Fatalf("answers %v, want one view in bob's direct chat", got)
	}
	if typ, data := ns(there[0]); typ != "view" || data["view"] != string(ledger.VerbMy) ||
		!strings.Contains(body(there[0]), "What you promised") || !strings.Contains(body(there[0]), "€100") {
		t.Fatalf("view in the direct chat: %s %v %q", typ, data, body(there[0]))
	}
}

// A removed ❤️ behind more than a page of events the bot already has is
// still found; events older than the open needs are not read back.
func TestReconcileReadsPastKnownEventsButNotBeforeTheNeed(t *testing.T) {
	w := newAidWorld(t)
	room := id.RoomID(w.circle)
	_, old := w.event("m.room.message", w.circle, dave, map[string]any{"msgtype": "m.text", "body": "!ex sos from before"}, nil)
	need, cards := w.openNeed()
	heart, heartRaw := w.event("m.reaction", w.circle, bob, reactionContent(cards[w.circle], "❤️"), nil)
	w.deliver(heartRaw)
	_, undo := w.redaction(w.circle, bob, heart)
	timeline := []*event.Event{timelineEvent(t, undo), timelineEvent(t, heartRaw)}
	for i := range 70 { // pushed chatter after the removal: known to the inbox
		_, raw := w.event("m.room.message", w.circle, carol, map[string]any{"msgtype": "m.text", "body": "chat " + strconv.Itoa(i)}, nil)
		w.deliver(raw)
		timeline = append([]*event.Event{timelineEvent(t, raw)}, timeline...)
	}
	timeline = append(timeline, timelineEvent(t, old))
	w.cli.timeline = map[id.RoomID][]*event.Event{room: timeline}
	if n := w.reconcile(); n != 1 {
		t.Fatalf("reconcile added %d events, want only the removal of the ❤️", n)
	}
	if p := w.promise(need, bob); p == nil || p.State != ledger.PromiseWithdrawn {
		t.Fatalf("bob's promise after removing ❤️: %+v", p)
	}
}

// A late event that changes the fate of a later one: bob's withdrawal
// counted, then his commitment sent before it arrives late; in the order
// they were sent the withdrawal cannot stand, and bob is told so.
func TestLateEventTellsWhoseCommandChangedFate(t *testing.T) {
	w := newAidWorld(t)
	need, cards := w.openNeed()
	card := cards[w.circle]
	w.reply(w.circle, bob, card, "30")
	_, commit := w.event("m.room.message", w.circle, bob, map[string]any{"msgtype": "m.text", "body": "commit",
		"m.relates_to": map[string]any{"m.in_reply_to": map[string]any{"event_id": card}}}, nil)
	w.reply(w.circle, bob, card, "withdraw") // stamped after the commitment
	if p := w.promise(need, bob); p == nil || p.State != ledger.PromiseWithdrawn {
		t.Fatalf("after withdraw: %+v", p)
	}
	k := w.sentCount()
	w.deliver(commit) // arrives last, sorts before the withdrawal
	if p := w.promise(need, bob); p == nil || p.State != ledger.PromiseCommitment {
		t.Fatalf("after the late commitment: %+v", p)
	}
	var told bool
	for _, m := range w.sentSince(k) {
		body, _ := m.Content["body"].(string)
		if m.Room == id.RoomID(dm(bob)) && strings.Contains(body, "no longer counts") && strings.Contains(body, "cannot be withdrawn") {
			told = true
		}
	}
	if !told {
		t.Fatalf("bob was not told his withdrawal no longer counts: %v", w.sentSince(k))
	}
}
