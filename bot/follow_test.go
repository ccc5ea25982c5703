package bot_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/bot"
	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/ledger/access"
	"github.com/exodus-matrix/exodus/ledger/grammar"
)

// 1. A bot that does not answer in a circle follows a whole promise's life
// there without a word, and ends with the answering bot's ledger.
func TestFollowerIsSilentAndKeepsTheSameLedger(t *testing.T) {
	w := newFedWorld(t)
	if c := w.b.circle(w.circle); c == nil || c.AnsweringBot != ledger.UserID(botA) {
		t.Fatalf("botB's circle %+v; want botA answering", c)
	}
	w.say(alice, "", "!ex status orange 150")
	need := w.needOf(w.a, alice)
	if got := w.needOf(w.b, alice); got != need {
		t.Fatalf("botB's need of alice %s; botA's %s", got, need)
	}
	card := w.cardIn(w.a, need)
	if c, err := w.b.svc.Aid.CardByEvent(w.b.ctx, ledger.EventID(card)); err != nil || c.Need != need {
		t.Fatalf("botB did not learn botA's card %s: %+v %v", card, c, err)
	}
	w.sameLedger()

	w.react(bob, card, "❤️")
	if p := w.b.promise(need, bob); p == nil || p.State != ledger.PromiseIntention || p.Amount.Minor != 3000 {
		t.Fatalf("botB: bob's promise after ❤️: %+v", p)
	}
	w.sameLedger()
	w.say(bob, card, "commit")
	if p := w.b.promise(need, bob); p == nil || p.State != ledger.PromiseCommitment {
		t.Fatalf("botB: bob's promise after commit: %+v", p)
	}
	w.say(bob, card, "sent")
	if p := w.b.promise(need, bob); p == nil || p.State != ledger.PromiseSent {
		t.Fatalf("botB: bob's promise after sent: %+v", p)
	}
	w.say(alice, "", "!ex got "+bob)
	for _, p := range []*peer{w.a, w.b} {
		if q := p.promise(need, bob); q == nil || q.State != ledger.PromiseFulfilled {
			t.Fatalf("%s: bob's promise after got: %+v", p.user, q)
		}
	}
	w.sameLedger()
	if said := w.b.cli.said(); said != "" {
		t.Fatalf("the silent bot said: %s", said)
	}
	if len(w.a.cli.messages()) == 0 {
		t.Fatal("the answering bot said nothing")
	}
}

// 2. The circle state event makes a circle known with its settings, and a
// later one naming another bot hands the answering over.
func TestCircleStateAdoptsAndHandsOver(t *testing.T) {
	w := newFedWorld(t)
	c := w.b.circle(w.circle)
	if c == nil || c.Name != "Garden" || c.Pledge != (ledger.Amount{Minor: 3000, Currency: "EUR"}) || c.Lang != ledger.LangEN ||
		c.Owner != owner || c.AnsweringBot != ledger.UserID(botA) {
		t.Fatalf("botB adopted %+v", c)
	}
	members, err := w.b.svc.Circles.Members(w.b.ctx, w.circle)
	if err != nil || strings.Join(ledgerUsers(members), " ") != strings.Join([]string{alice, bob, owner}, " ") {
		t.Fatalf("botB's members of the circle %v %v", members, err)
	}
	w.sameLedger()

	// A state in Russian, with a new pledge, naming botB.
	st := w.stateContent(botB)
	st["lang"], st["pledge_minor"] = "ru", 4000
	w.feed(w.state(botA, st), w.a, w.b)
	for _, p := range []*peer{w.a, w.b} {
		c := p.circle(w.circle)
		if c == nil || c.AnsweringBot != ledger.UserID(botB) || c.Lang != ledger.LangRU || c.Pledge.Minor != 4000 || c.Name != "Garden" {
			t.Fatalf("%s's circle after the hand-over: %+v", p.user, c)
		}
	}
	ka := len(w.a.cli.messages())
	cmd := w.event("m.room.message", alice, map[string]any{"msgtype": "m.text", "body": "!ex status orange 150"}, nil)
	w.feed(cmd, w.a, w.b)
	if got := w.a.cli.messages()[ka:]; len(got) != 0 {
		t.Fatalf("botA still answers: %v", got)
	}
	var answered bool
	for _, m := range inRoom(w.b.cli.messages(), w.circle) {
		if typ, _ := ns(m); typ == "need" {
			answered = true
		}
	}
	if !answered {
		t.Fatalf("botB did not post alice's card: %v", w.b.cli.messages())
	}
	w.relay(w.b, w.a)
	need := w.needOf(w.b, alice)
	card := w.cardIn(w.b, need)
	if c, err := w.a.svc.Aid.CardByEvent(w.a.ctx, ledger.EventID(card)); err != nil || c.Need != need {
		t.Fatalf("botA did not learn botB's card %s: %+v %v", card, c, err)
	}
	w.sameLedger()

	// A state event that is not JSON of the circle is ignored.
	bad := w.event(bot.CircleStateType.Type, botA, map[string]any{"answering_bot": 7}, map[string]any{"state_key": ""})
	w.feed(bad, w.a, w.b)
	if c := w.b.circle(w.circle); c.AnsweringBot != ledger.UserID(botB) {
		t.Fatalf("a malformed state changed the circle: %+v", c)
	}
}

func ledgerUsers(us []ledger.UserID) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = string(u)
	}
	return out
}

// 3. The answering bot's record of an action taken on its web is applied
// by the follower keyed by the record's event; the same record from a bot
// that does not answer is ignored.
func TestFollowerAppliesWebActionRecords(t *testing.T) {
	w := newFedWorld(t)
	w.say(alice, "", "!ex status orange 150")
	need := w.needOf(w.a, alice)
	cmd, _, err := grammar.Parse("intend 20", grammar.Options{Direct: true, DefaultCurrency: "EUR"})
	if err != nil {
		t.Fatal(err)
	}
	k := len(w.a.cli.messages())
	reply, err := w.a.bot.WebActor().Act(w.a.ctx, ledger.Request{Member: bob, Need: need, Command: cmd})
	if err != nil {
		t.Fatalf("Act: %v (%+v)", err, reply)
	}
	records := webActions(w.a.cli.messages()[k:])
	if len(records) != 1 || reply.Event != ledger.EventID(records[0].ID) {
		t.Fatalf("web_action records %v; reply %+v", records, reply)
	}
	record := records[0]
	if _, data := ns(record); data["cmd"] == nil {
		t.Fatalf("the record carries no command: %v", data)
	}
	w.relay(w.a, w.b)
	p := w.b.promise(need, bob)
	if p == nil || p.ID != ledger.PromiseID(record.ID) || p.State != ledger.PromiseIntention || p.Amount.Minor != 2000 {
		t.Fatalf("botB: bob's promise %+v; want an intention of 20 keyed by %s", p, record.ID)
	}
	w.sameLedger()
	if said := w.b.cli.said(); said != "" {
		t.Fatalf("the silent bot said: %s", said)
	}

	// The same record again (redelivered) changes nothing.
	before := w.b.digest(t, w.circle)
	w.feed(w.eventID(record.ID, "m.room.message", botA, record.Content, nil), w.b)
	if w.b.digest(t, w.circle) != before {
		t.Fatal("a redelivered record changed the ledger")
	}

	// A record of a withdrawal, from a bot in the room that does not
	// answer there, is ignored by both bots.
	wd := map[string]any{}
	raw, _ := json.Marshal(record.Content)
	_ = json.Unmarshal(raw, &wd)
	data := wd[bot.Namespace].(map[string]any)["data"].(map[string]any)
	data["verb"] = "withdraw"
	data["cmd"] = map[string]any{"Verb": "withdraw"}
	before = w.b.digest(t, w.circle)
	w.feed(w.event("m.room.message", botC, wd, nil), w.a, w.b)
	if w.b.digest(t, w.circle) != before {
		t.Fatal("botB applied a record of a bot that does not answer")
	}
	if p := w.b.promise(need, bob); p == nil || p.State != ledger.PromiseIntention {
		t.Fatalf("botB: bob's promise after a stranger's record %+v", p)
	}
	w.sameLedger()

	// From the answering bot, the same withdrawal counts on the follower.
	w.feed(w.event("m.room.message", botA, wd, nil), w.b)
	if p := w.b.promise(need, bob); p == nil || p.State != ledger.PromiseWithdrawn {
		t.Fatalf("botB: bob's promise after botA's record of a withdrawal %+v", p)
	}
}

// 3b. A bot does not take actions on its web in a circle another bot
// answers: their followers would not accept its records.
func TestWebActionRefusedWhereAnotherBotAnswers(t *testing.T) {
	w := newFedWorld(t)
	w.say(alice, "", "!ex status orange 150")
	need := w.needOf(w.b, alice)
	cmd, _, _ := grammar.Parse("intend 20", grammar.Options{Direct: true, DefaultCurrency: "EUR"})
	_, err := w.b.bot.WebActor().Act(w.b.ctx, ledger.Request{Member: bob, Need: need, Circle: w.circle, Command: cmd})
	if ledger.ErrorCode(err) != ledger.EConflict {
		t.Fatalf("Act in botA's circle on botB: %v; want a conflict", err)
	}
	if p := w.b.promise(need, bob); p != nil {
		t.Fatalf("bob's promise after a refused action %+v", p)
	}
	if w.b.cli.said() != "" {
		t.Fatalf("botB said: %s", w.b.cli.said())
	}
}

// 1b. A member in two circles, each answered by another bot: her need's
// card goes to each circle from the bot answering there, wherever she
// typed the command.
func TestCardsInEachCircleFromItsAnsweringBot(t *testing.T) {
	w := newFedWorld(t)
	second := ledger.CircleID("!zed:b.test")
	st := w.stateContent(botB)
	st["name"] = "Zed"
	w.feed(w.event(bot.CircleStateType.Type, botB, st, map[string]any{"state_key": "", "room_id": second}), w.a, w.b)
	w.feed(w.event("m.room.member", alice, map[string]any{"membership": "join"},
		map[string]any{"state_key": alice, "room_id": second}), w.a, w.b)
	w.say(alice, "", "!ex status orange 150")
	need := w.needOf(w.a, alice)
	w.cardIn(w.a, need)
	if got := inRoom(w.a.cli.messages(), second); len(got) != 0 {
		t.Fatalf("botA posted in botB's circle: %v", got)
	}
	var card bool
	for _, m := range inRoom(w.b.cli.messages(), second) {
		if typ, data := ns(m); typ == "need" && data["need"] == string(need) {
			card = true
		}
	}
	if !card {
		t.Fatal("the need's card in the circle this bot answers was not posted")
	}
}

// direct is a member's message in their direct chat with p, fed to p
// alone (no other bot is in it); then p's messages in the circle are fed
// to the other bots.
func (w *fedWorld) direct(p *peer, sender string, body string, others ...*peer) id.EventID {
	w.t.Helper()
	dm := ledger.RoomID("!dm-" + strings.TrimPrefix(strings.Split(sender, ":")[0], "@") + ":" + string(p.user))
	if err := p.svc.Members.SetDirectRoom(p.ctx, ledger.UserID(sender), dm); err != nil {
		w.t.Fatal(err)
	}
	evt := w.event("m.room.message", sender, map[string]any{"msgtype": "m.text", "body": body}, map[string]any{"room_id": dm})
	w.feed(evt, p)
	w.relay(p, others...)
	return evt.ID
}

// 9. A member leaving in the direct chat with the answering bot: the
// other bots of the member's circle apply the departure too.
func TestLeaveInADirectChatIsRelayed(t *testing.T) {
	w := newFedWorld(t)
	w.say(alice, "", "!ex status orange 150")
	need := w.needOf(w.a, alice)
	w.react(bob, w.cardIn(w.a, need), "❤️")
	w.sameLedger()
	w.direct(w.a, bob, "leave confirm", w.b)
	if p := w.a.promise(need, bob); p == nil || p.State != ledger.PromiseWithdrawn {
		t.Fatalf("botA: bob's promise after he left %+v", p)
	}
	w.sameLedger()
}

// 9b. The same departure taken on the answering bot's web.
func TestLeaveOnTheWebIsRelayed(t *testing.T) {
	w := newFedWorld(t)
	w.say(alice, "", "!ex status orange 150")
	need := w.needOf(w.a, alice)
	w.react(bob, w.cardIn(w.a, need), "❤️")
	if err := w.a.svc.Members.SetDirectRoom(w.a.ctx, bob, "!dm-bob:a.test"); err != nil {
		t.Fatal(err)
	}
	cmd, _, err := grammar.Parse("leave confirm", grammar.Options{Direct: true})
	if err != nil {
		t.Fatal(err)
	}
	k := len(w.a.cli.messages())
	reply, err := w.a.bot.WebActor().Act(w.a.ctx, ledger.Request{Member: bob, Command: cmd})
	if err != nil {
		t.Fatalf("Act: %v (%+v)", err, reply)
	}
	records := webActions(w.a.cli.messages()[k:])
	if len(records) != 1 || reply.Event != ledger.EventID(records[0].ID) {
		t.Fatalf("web_action records %v; reply %+v", records, reply)
	}
	if p := w.a.promise(need, bob); p == nil || p.State != ledger.PromiseWithdrawn || p.UpdatedBy != ledger.EventID(records[0].ID) {
		t.Fatalf("botA: bob's promise after he left on the web %+v; want withdrawn by %s", p, records[0].ID)
	}
	w.relay(w.a, w.b)
	w.sameLedger()
}

// limited makes the peer's bot anew with a limit of n commands a minute.
func (p *peer) limited(n int) {
	p.bot = bot.New(bot.Config{UserID: p.user, Prefix: "!ex", CommandsPerMinute: n,
		BotUsers: []*regexp.Regexp{regexp.MustCompile(`^@exodus:`)}}, p.cli, p.svc, access.New(p.st.Ledger(), p.svc), p.st)
	hook(p.bot, p.cli.fakeClient)
}

// 10. The bound on a member's commands a minute is decided by the events'
// times: the answering bot, which handles them as they come, and a bot
// that handles them all at once later (it was down) drop the same ones.
func TestRateLimitIsTheSameOnEveryBot(t *testing.T) {
	w := newFedWorld(t)
	w.a.limited(3)
	w.b.limited(3)
	start := fedStart.Add(-30 * time.Minute)
	var events []*event.Event
	for i, body := range []string{"!ex status orange 100", "!ex status green", "!ex status orange 200", "!ex status green"} {
		at := start.Add(time.Duration(i) * 30 * time.Second)
		evt := w.event("m.room.message", alice, map[string]any{"msgtype": "m.text", "body": body},
			map[string]any{"origin_server_ts": at.UnixMilli()})
		w.a.clock.Set(at)
		w.feed(evt, w.a)
		events = append(events, evt)
	}
	w.b.clock.Set(start.Add(10 * time.Minute))
	for _, evt := range events {
		w.feed(evt, w.b)
	}
	w.relay(w.a, w.b)
	if st, _ := w.a.svc.Aid.StatusOf(w.a.ctx, alice); st.Status != ledger.StatusGreen {
		t.Fatalf("botA: alice is %s; want green after her fourth command", st.Status)
	}
	w.sameLedger()
}

// 11. A bot answering another circle cannot change, through its records
// there, the promises of members who are not in that circle.
func TestRecordsOnlyForMembersOfTheirCircle(t *testing.T) {
	w := newFedWorld(t)
	w.say(alice, "", "!ex status orange 150")
	need := w.needOf(w.a, alice)
	w.react(bob, w.cardIn(w.a, need), "❤️")
	w.sameLedger()

	// botC answers a circle of its own that botB sits in; bob is not in it.
	zed := "!zed:0.test"
	st := w.stateContent(botC)
	st["name"] = "Zed"
	w.b.cli.setMembers(owner, botB, botC) // who is in zed when botB learns it
	w.feed(w.event(bot.CircleStateType.Type, botC, st, map[string]any{"state_key": "", "room_id": zed}), w.b)
	w.b.cli.setMembers(fedMembers...)
	at := fedStart.Add(-time.Minute)
	relay := map[string]any{"msgtype": "m.notice", "body": "relay", bot.Namespace: map[string]any{"type": "relay",
		"data": map[string]any{"ops": []any{map[string]any{"kind": "withdraw", "event": "$forged", "actor": bob, "at": at, "need": need}}}}}
	w.feed(w.event("m.room.message", botC, relay, map[string]any{"room_id": zed}), w.b)
	web := map[string]any{"msgtype": "m.notice", "body": "web", bot.Namespace: map[string]any{"type": "web_action",
		"data": map[string]any{"member": bob, "verb": "withdraw", "need": string(need), "at": at.UnixMilli(),
			"cmd": map[string]any{"Verb": "withdraw"}}}}
	w.feed(w.event("m.room.message", botC, web, map[string]any{"room_id": zed}), w.b)
	if p := w.b.promise(need, bob); p == nil || p.State != ledger.PromiseIntention {
		t.Fatalf("botB: bob's promise after botC's records in its circle: %+v", p)
	}
	w.sameLedger()
}

// 12. A need made in a direct chat with botA and relayed gets its card in
// a circle of its owner botB answers, as if made in botA's circle.
func TestRelayedNeedGetsItsCardFromEveryAnsweringBot(t *testing.T) {
	w := newFedWorld(t)
	second := ledger.CircleID("!zed:b.test")
	st := w.stateContent(botB)
	st["name"] = "Zed"
	w.feed(w.event(bot.CircleStateType.Type, botB, st, map[string]any{"state_key": "", "room_id": second}), w.a, w.b)
	w.feed(w.event("m.room.member", alice, map[string]any{"membership": "join"},
		map[string]any{"state_key": alice, "room_id": second}), w.a, w.b)
	w.direct(w.a, alice, "status orange 150", w.b)
	need := w.needOf(w.b, alice)
	var card bool
	for _, m := range inRoom(w.b.cli.messages(), second) {
		if typ, data := ns(m); typ == "need" && data["need"] == string(need) {
			card = true
		}
	}
	if !card {
		t.Fatalf("botB posted no card of the relayed need in its circle: %v", w.b.cli.messages())
	}
	w.sameLedger()
}

// 13. An op a member makes in the direct chat (or on the web) of a bot
// that answers in none of the member's circles would reach none of them:
// that bot refuses it and names the bot to write to.
func TestOpOutsideRefusedByABotAnsweringNoneOfTheMembersCircles(t *testing.T) {
	w := newFedWorld(t)
	w.direct(w.b, bob, "status orange 100", w.a)
	if st, _ := w.b.svc.Aid.StatusOf(w.b.ctx, bob); st.Status != ledger.StatusGreen {
		t.Fatalf("botB applied bob's status from its direct chat: %+v", st)
	}
	var refused bool
	for _, m := range w.b.cli.messages() {
		refused = refused || strings.Contains(body(m), string(botA))
	}
	if !refused {
		t.Fatalf("botB did not name the bot to write to: %v", w.b.cli.messages())
	}
	cmd, _, _ := grammar.Parse("status orange 100", grammar.Options{Direct: true, DefaultCurrency: "EUR"})
	if _, err := w.b.bot.WebActor().Act(w.b.ctx, ledger.Request{Member: bob, Command: cmd}); ledger.ErrorCode(err) != ledger.EConflict {
		t.Fatalf("Act on botB for bob: %v; want a conflict", err)
	}
	w.sameLedger()
}
