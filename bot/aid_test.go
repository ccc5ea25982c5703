package bot_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/bot"
	"github.com/exodus-matrix/exodus/ledger"
)

// The members of the mutual-aid tests: alice has the need, the others help.
const (
	alice = "@alice:test"
	bob   = "@bob:test"
	carol = "@carol:test"
	dave  = "@dave:test"
)

// aidWorld is a harness with alice in two circles, bob, carol and dave in
// the first, and everyone's direct chat known ("!dm-<name>:test").
type aidWorld struct {
	*harness
	t       *testing.T
	circle2 ledger.CircleID
	n       int // events built so far: their IDs and timestamps
}

func newAidWorld(t *testing.T, opts ...func(*bot.Config)) *aidWorld {
	t.Helper()
	w := &aidWorld{harness: newHarness(t, opts...), t: t, circle2: "!circle2:test"}
	_, err := w.svc.Circles.Create(w.ctx, ledger.Action{Event: "$create2", Actor: "@owner:test", At: w.svc.Now()},
		ledger.CircleSpec{ID: w.circle2, Name: "Second"})
	if err != nil {
		t.Fatal(err)
	}
	join := func(c ledger.CircleID, u ledger.UserID) {
		if err := w.svc.Circles.SetMembership(w.ctx, c, u, true); err != nil {
			t.Fatal(err)
		}
	}
	join(w.circle, alice)
	join(w.circle2, alice)
	for _, u := range []ledger.UserID{bob, carol, dave} {
		join(w.circle, u)
	}
	for _, u := range []ledger.UserID{alice, bob, carol, dave} {
		if err := w.svc.Members.SetDirectRoom(w.ctx, u, dm(u)); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// dm is the direct chat of a member in the aid tests.
func dm(u ledger.UserID) ledger.RoomID {
	return ledger.RoomID("!dm-" + strings.TrimPrefix(strings.Split(string(u), ":")[0], "@") + ":test")
}

// event builds a raw event with a fresh ID and a timestamp later than every
// event built before (the ledger orders ops by time).
func (w *aidWorld) event(typ string, room any, sender string, content map[string]any, top map[string]any) (id.EventID, json.RawMessage) {
	w.n++
	evtID := fmt.Sprintf("$e%03d", w.n)
	m := map[string]any{"event_id": evtID, "room_id": fmt.Sprint(room), "sender": sender, "type": typ,
		"origin_server_ts": 1_790_000_000_000 + int64(w.n)*1000, "content": content}
	for k, v := range top {
		m[k] = v
	}
	raw, _ := json.Marshal(m)
	return id.EventID(evtID), raw
}

// deliver hands events to the bot as a homeserver transaction would.
func (w *aidWorld) deliver(raws ...json.RawMessage) {
	w.t.Helper()
	w.n++
	if code := w.put(w.t, hsToken, fmt.Sprintf("txn%d", w.n), raws...); code != http.StatusOK {
		w.t.Fatalf("transaction refused: %d", code)
	}
	w.drain(w.t)
}

// reply sends a text message; replyTo "" makes it no reply.
func (w *aidWorld) reply(room any, sender string, replyTo id.EventID, body string) id.EventID {
	content := map[string]any{"msgtype": "m.text", "body": body}
	if replyTo != "" {
		content["m.relates_to"] = map[string]any{"m.in_reply_to": map[string]any{"event_id": replyTo}}
	}
	evtID, raw := w.event("m.room.message", room, sender, content, nil)
	w.deliver(raw)
	return evtID
}

func (w *aidWorld) say(room any, sender, body string) id.EventID {
	return w.reply(room, sender, "", body)
}

func reactionContent(target id.EventID, key string) map[string]any {
	return map[string]any{"m.relates_to": map[string]any{"rel_type": "m.annotation", "event_id": target, "key": key}}
}

func (w *aidWorld) react(room any, sender string, target id.EventID, key string) id.EventID {
	evtID, raw := w.event("m.reaction", room, sender, reactionContent(target, key), nil)
	w.deliver(raw)
	return evtID
}

// redaction builds (without delivering) a redaction of target.
func (w *aidWorld) redaction(room any, sender string, target id.EventID) (id.EventID, json.RawMessage) {
	return w.event("m.room.redaction", room, sender, map[string]any{"redacts": target}, map[string]any{"redacts": target})
}

// openNeed makes alice orange with target 300 and returns the need and its
// card in each circle.
func (w *aidWorld) openNeed() (ledger.NeedID, map[ledger.CircleID]id.EventID) {
	w.t.Helper()
	w.say(w.circle, alice, "!ex status orange 300")
	st, err := w.svc.Aid.StatusOf(w.ctx, alice)
	if err != nil || st.Need == "" {
		w.t.Fatalf("no need after status: %+v %v", st, err)
	}
	cards, err := w.svc.Aid.CardsOf(w.ctx, st.Need)
	if err != nil {
		w.t.Fatal(err)
	}
	byCircle := map[ledger.CircleID]id.EventID{}
	for _, c := range cards {
		if c.Kind == ledger.CardNeed {
			byCircle[c.Circle] = id.EventID(c.Event)
		}
	}
	return st.Need, byCircle
}

// promise is the giver's latest promise toward need, or nil.
func (w *aidWorld) promise(need ledger.NeedID, giver ledger.UserID) *ledger.Promise {
	var found *ledger.Promise
	_ = w.svc.Aid.View(w.ctx, func(b *ledger.Book) error {
		for _, p := range b.PromisesToward(need) {
			if p.Giver == giver {
				cp := *p
				found = &cp
			}
		}
		return nil
	})
	return found
}

// snapshot is the ledger's promises toward a need, as text.
func (w *aidWorld) snapshot(need ledger.NeedID) string {
	var sb strings.Builder
	_ = w.svc.Aid.View(w.ctx, func(b *ledger.Book) error {
		for _, p := range b.PromisesToward(need) {
			fmt.Fprintf(&sb, "%s %s %s; ", p.Giver, p.State, p.Amount)
		}
		return nil
	})
	return sb.String()
}

func (w *aidWorld) sentCount() int { return len(w.cli.messages()) }

func (w *aidWorld) sentSince(k int) []sentMessage { return w.cli.messages()[k:] }

// ns is the org.exodus part of a message: its type and data.
func ns(m sentMessage) (string, map[string]any) {
	n, _ := m.Content[bot.Namespace].(map[string]any)
	typ, _ := n["type"].(string)
	data, _ := n["data"].(map[string]any)
	return typ, data
}

// isRecord reports whether m is a record event (bot.RecordType) of ops
// taken outside the circles.
func isRecord(m sentMessage) bool { return m.Type == bot.RecordType.Type }

// body is the plain body of a sent message as a member reads it: without
// the invisible word joiners that keep user IDs from matching push rules.
func body(m sentMessage) string {
	s, _ := m.Content["body"].(string)
	return strings.ReplaceAll(s, "\u2060", "")
}

// minor is the minor units of an amount in card data.
func minor(data map[string]any, key string) float64 {
	a, _ := data[key].(map[string]any)
	f, _ := a["minor"].(float64)
	return f
}

// editsOf are the m.replace edits of a card among msgs.
func editsOf(msgs []sentMessage, card id.EventID) []sentMessage {
	var out []sentMessage
	for _, m := range msgs {
		rel, _ := m.Content["m.relates_to"].(map[string]any)
		if rel["rel_type"] == "m.replace" && rel["event_id"] == string(card) {
			out = append(out, m)
		}
	}
	return out
}

// inRoom are the msgs sent to room.
func inRoom(msgs []sentMessage, room any) []sentMessage {
	var out []sentMessage
	for _, m := range msgs {
		if string(m.Room) == fmt.Sprint(room) {
			out = append(out, m)
		}
	}
	return out
}

// expectEdited checks that every card was edited in msgs and that the last
// edit shows intended as the need's intended sum (in minor units).
func expectEdited(t *testing.T, msgs []sentMessage, cards map[ledger.CircleID]id.EventID, intended float64) {
	t.Helper()
	for circle, card := range cards {
		edits := editsOf(msgs, card)
		if len(edits) == 0 {
			t.Fatalf("card %s in %s not edited; sent %v", card, circle, msgs)
		}
		e := edits[len(edits)-1]
		if e.Room != id.RoomID(circle) || !strings.HasPrefix(body(e), "* ") {
			t.Errorf("edit of %s: room %s, body %q", card, e.Room, body(e))
		}
		fresh, _ := e.Content["m.new_content"].(map[string]any)
		if _, has := fresh["m.relates_to"]; has || strings.HasPrefix(body(sentMessage{Content: fresh}), "* ") {
			t.Errorf("m.new_content of %s is not the plain new card: %v", card, fresh)
		}
		typ, data := ns(sentMessage{Content: fresh})
		if typ != "need" || minor(data, "intended") != intended {
			t.Errorf("edit of %s: new content %s %v, want intended %v", card, typ, data, intended)
		}
	}
}

// 1. A status command posts one need card per circle; a ❤️ edits each.
func TestStatusPostsNeedCardsAndReactionEditsThem(t *testing.T) {
	w := newAidWorld(t)
	need, cards := w.openNeed()
	if len(cards) != 2 || cards[w.circle] == "" || cards[w.circle2] == "" {
		t.Fatalf("need cards %v, want one in each of alice's two circles", cards)
	}
	for circle, card := range cards {
		var posted []sentMessage
		for _, m := range inRoom(w.cli.messages(), circle) {
			if typ, _ := ns(m); typ == "need" {
				posted = append(posted, m)
			}
		}
		if len(posted) != 1 {
			t.Fatalf("%d need cards in %s, want 1", len(posted), circle)
		}
		_, data := ns(posted[0])
		if minor(data, "target") != 30000 || minor(data, "missing") != 30000 || data["need"] != string(need) {
			t.Errorf("card %s data %v, want target and missing €300", card, data)
		}
	}
	k := w.sentCount()
	w.react(w.circle, bob, cards[w.circle], "❤️")
	if p := w.promise(need, bob); p == nil || p.State != ledger.PromiseIntention || p.Amount.Minor != 10000 {
		t.Fatalf("bob's promise after ❤️: %+v", p)
	}
	expectEdited(t, w.sentSince(k), cards, 10000)
}

// 2. Reactions that mean something act; the others change nothing.
func TestReactions(t *testing.T) {
	w := newAidWorld(t)
	need, cards := w.openNeed()
	card := cards[w.circle]

	for giver, key := range map[ledger.UserID]string{bob: "\u2764", carol: "\u2764\ufe0f"} {
		w.react(w.circle, string(giver), card, key)
		if p := w.promise(need, giver); p == nil || p.State != ledger.PromiseIntention {
			t.Errorf("%q by %s: promise %+v, want an intention", key, giver, p)
		}
	}

	before, k := w.snapshot(need), w.sentCount()
	ignored := []struct{ sender, key string }{
		{bob, "😀"}, {bob, "👎"}, {bob, "👍"}, // 👍 means nothing on a need card
		{dave, "\u2665"}, // ♥ is not the listed ❤️
		{"@exodus:test", "🤝"}, {"@telegram_x:test", "🤝"},
	}
	for _, c := range ignored {
		w.react(w.circle, c.sender, card, c.key)
	}
	chat := w.say(w.circle, carol, "hello all") // a member's message: no card
	w.react(w.circle, bob, chat, "❤️")
	w.react(w.circle, bob, "$unknown", "🤝")
	if after := w.snapshot(need); after != before || w.sentCount() != k {
		t.Fatalf("ignored reactions changed something:\n%s\n%s\nsent %v", before, after, w.sentSince(k))
	}

	// 🤝 commits bob's intention; a redelivered reaction changes nothing.
	commitID, raw := w.event("m.reaction", w.circle, bob, reactionContent(card, "🤝"), nil)
	w.deliver(raw)
	if p := w.promise(need, bob); p == nil || p.State != ledger.PromiseCommitment {
		t.Fatalf("bob's promise after 🤝: %+v", p)
	}
	requisites := w.lastIn(dm(bob))
	if typ, _ := ns(requisites); typ != "commitment" {
		t.Fatalf("bob got no requisites notice: %v", requisites)
	}
	before, k = w.snapshot(need), w.sentCount()
	w.deliver(raw)
	w.handleAgain(raw)
	if w.snapshot(need) != before || w.sentCount() != k {
		t.Fatalf("reaction %s applied twice: %v", commitID, w.sentSince(k))
	}

	// bob marks it sent; 👍 on alice's "sent" notice confirms receipt.
	w.reply(dm(bob), bob, w.lastEventIn(dm(bob)), "sent")
	if p := w.promise(need, bob); p.State != ledger.PromiseSent {
		t.Fatalf("bob's promise after sent: %+v", p)
	}
	notice := w.lastEventIn(dm(alice))
	if typ, _ := ns(w.lastIn(dm(alice))); typ != "sent" {
		t.Fatalf("alice got no sent notice: %v", w.lastIn(dm(alice)))
	}
	_, thumbs := w.event("m.reaction", dm(alice), alice, reactionContent(notice, "👍🏽"), nil)
	k = w.sentCount()
	w.deliver(thumbs)
	if p := w.promise(need, bob); p.State != ledger.PromiseFulfilled {
		t.Fatalf("bob's promise after 👍: %+v", p)
	}
	if got := inRoom(w.sentSince(k), dm(alice)); len(got) != 1 || !strings.Contains(body(got[0]), "You confirmed receiving") {
		t.Fatalf("answers to 👍 in alice's chat: %v", got)
	}
	before, k = w.snapshot(need), w.sentCount()
	w.handleAgain(thumbs)
	if w.snapshot(need) != before || w.sentCount() != k {
		t.Fatalf("the same 👍 answered twice: %v", w.sentSince(k))
	}
}

// handleAgain hands an event straight to the bot, past the inbox's
// deduplication, as a replayed inbox would.
func (w *aidWorld) handleAgain(raw json.RawMessage) {
	w.t.Helper()
	evt, err := bot.ParseEvent(raw)
	if err != nil {
		w.t.Fatal(err)
	}
	if err := w.bot.HandleEvent(w.ctx, evt); err != nil {
		w.t.Fatal(err)
	}
	deliver(w.bot)
}

// lastIn is the last message the bot sent to room.
func (w *aidWorld) lastIn(room any) sentMessage {
	msgs := inRoom(w.cli.messages(), room)
	if len(msgs) == 0 {
		w.t.Fatalf("nothing sent to %v", room)
	}
	return msgs[len(msgs)-1]
}

// lastEventIn is the event ID of the last message the bot sent to room.
func (w *aidWorld) lastEventIn(room any) id.EventID { return w.lastIn(room).ID }
