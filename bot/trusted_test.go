package bot_test

import (
	"encoding/json"
	"testing"
	"time"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/bot"
	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/ledger/grammar"
)

// A bot is followed only if the operator listed it by exact user ID. The
// rogue below is named like every Exodus bot (@exodus:…) on a server of
// its own; no operator listed it.

// Its circle state naming itself, or a member's naming it, changes nobody's
// answering bot; nor does a state a member sets naming a listed bot.
func TestCircleStateOnlyFromTrustedBots(t *testing.T) {
	w := newFedWorld(t)
	w.feed(w.state(rogue, w.stateContent(rogue)), w.a, w.b)
	w.feed(w.state(owner, w.stateContent(rogue)), w.a, w.b)
	w.feed(w.state(owner, w.stateContent(botB)), w.a, w.b)
	for _, p := range []*peer{w.a, w.b} {
		if c := p.circle(w.circle); c == nil || c.AnsweringBot != ledger.UserID(botA) {
			t.Fatalf("%s's circle after untrusted states: %+v", p.user, c)
		}
	}
	w.stillA(w.b)
	// A listed bot's state still counts.
	w.feed(w.state(botB, w.stateContent(botB)), w.a)
	if c := w.a.circle(w.circle); c.AnsweringBot != ledger.UserID(botB) {
		t.Fatalf("botA's circle after botB's state: %+v", c)
	}
}

// Its records of web actions, relays and cards change no ledger, though it
// copies the answering bot's own.
func TestRecordsOfAnUnlistedBotChangeNothing(t *testing.T) {
	w := newFedWorld(t)
	w.say(alice, "", "!ex status orange 150")
	need := w.needOf(w.a, alice)
	cmd, _, _ := grammar.Parse("intend 20", grammar.Options{Direct: true, DefaultCurrency: "EUR"})
	k := len(w.a.cli.messages())
	if _, err := w.a.bot.WebActor().Act(w.a.ctx, ledger.Request{Member: bob, Need: need, Command: cmd}); err != nil {
		t.Fatal(err)
	}
	record := webActions(w.a.cli.messages()[k:])[0]
	w.relay(w.a, w.b)
	before := w.a.digest(t, w.circle)

	// The rogue forges a commitment in bob's name.
	forged := copyContent(record.Content)
	data := forged[bot.Namespace].(map[string]any)["data"].(map[string]any)
	data["verb"] = "commit"
	data["cmd"] = map[string]any{"Verb": "commit"}
	w.feed(w.event("m.room.message", rogue, forged, nil), w.a, w.b)
	// And a card of its own for alice's need, and a relay of a "sent".
	w.feed(w.event("m.room.message", rogue, map[string]any{"msgtype": "m.notice", "body": "card",
		bot.Namespace: map[string]any{"type": "need", "data": map[string]any{"need": string(need)}}}, nil), w.a, w.b)
	w.feed(w.event("m.room.message", rogue, map[string]any{"msgtype": "m.notice", "body": "relay",
		bot.Namespace: map[string]any{"type": "relay", "data": map[string]any{"member": bob, "verb": "sent"}}}, nil), w.a, w.b)

	for _, p := range []*peer{w.a, w.b} {
		if got := p.digest(t, w.circle); got != before {
			t.Fatalf("%s's ledger changed on a rogue's records", p.user)
		}
		if q := p.promise(need, bob); q == nil || q.State != ledger.PromiseIntention {
			t.Fatalf("%s: bob's promise after the rogue's records %+v", p.user, q)
		}
	}
}

// The takeover rule counts listed bots only: with the answering bot
// silent, the rogue sorting first among the room's bots is passed over.
func TestTakeoverPassesOverUnlistedBots(t *testing.T) {
	w := newFedWorld(t)
	w.b.cli.setMembers(append(fedMembers, rogue)...)
	w.feed(w.command(alice, "!ex status orange 150"), w.b)
	w.b.clock.Advance(5 * time.Minute)
	w.b.tick(t)
	w.tookOver(w.b, botA)
}

// A bot joining a room whose circle state names a bot it does not trust
// does not follow it: it keeps answering there itself.
func TestJoinedCircleOfAnUnlistedBotIsNotFollowed(t *testing.T) {
	p := newPeer(t, botB, 5000, owner, alice, rogue, botB)
	room := id.RoomID("!rogue:0rogue.test")
	p.cli.setState(room, bot.CircleStateType, map[string]any{"name": "Trap", "pledge_minor": 100, "currency": "EUR",
		"lang": "en", "owner": owner, "answering_bot": rogue, "version": 1})
	p.cli.invites = map[id.RoomID]*event.Event{room: inviteEvent(t, room, botB)}
	if _, err := p.bot.FindInvites(p.ctx); err != nil {
		t.Fatal(err)
	}
	if c := p.circle(ledger.CircleID(room)); c != nil {
		t.Fatalf("botB followed a rogue's circle: %+v", c)
	}
}

// copyContent is a deep copy of a message's content.
func copyContent(c map[string]any) map[string]any {
	raw, _ := json.Marshal(c)
	out := map[string]any{}
	_ = json.Unmarshal(raw, &out)
	return out
}

// A redaction naming another member's event, by someone the room does not
// let remove it, takes nothing away: the bot records nothing of that
// member's op for it (the op and what it said stay where they were).
func TestForeignRedactionWithoutPowerRepeatsNothing(t *testing.T) {
	w := newFedWorld(t)
	w.a.cli.setState(id.RoomID(w.circle), event.StatePowerLevels, powerLevels(map[id.UserID]int{botA: 100, owner: 50}))
	w.say(alice, "", "!ex status orange 150")
	card := w.cardIn(w.a, w.needOf(w.a, alice))
	heart := w.react(bob, card, "❤️")
	k := len(w.a.cli.messages())
	w.feed(w.event("m.room.redaction", alice, map[string]any{"redacts": heart}, map[string]any{"redacts": heart}), w.a)
	for _, m := range w.a.cli.messages()[k:] {
		if isRecord(m) {
			t.Fatalf("a powerless member's redaction of bob's ❤️ was recorded: %v", m)
		}
	}
	// The owner, a moderator, removes it: the room records bob's op.
	w.feed(w.event("m.room.redaction", owner, map[string]any{"redacts": heart}, map[string]any{"redacts": heart}), w.a)
	var relayed bool
	for _, m := range w.a.cli.messages()[k:] {
		if isRecord(m) {
			relayed = true
		}
	}
	if !relayed {
		t.Fatal("a moderator's removal of bob's ❤️ left no record of his op")
	}
}

// Rejoining a circle it knows (kicked, then invited again), a bot takes
// nothing of the circle's settings from the state it reads on joining,
// which comes without its sender: a member with the power to set it could
// have forged the owner or the pledge.
func TestRejoinedCircleKeepsItsSettings(t *testing.T) {
	w := newFedWorld(t)
	forged := w.stateContent(botA)
	forged["owner"], forged["pledge_minor"] = alice, 99900
	w.b.cli.setState(id.RoomID(w.circle), bot.CircleStateType, forged)
	w.b.cli.invites = map[id.RoomID]*event.Event{id.RoomID(w.circle): inviteEvent(t, id.RoomID(w.circle), botB)}
	if _, err := w.b.bot.FindInvites(w.b.ctx); err != nil {
		t.Fatal(err)
	}
	if c := w.b.circle(w.circle); c == nil || c.Owner != owner || c.Pledge.Minor != 3000 || c.AnsweringBot != ledger.UserID(botA) {
		t.Fatalf("botB's circle after rejoining: %+v", c)
	}
	w.sameLedger()
}
