package bot_test

import (
	"context"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/bot"
	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/ledger/access"
)

// tick runs a bot's takeover check and its scheduler once.
func (p *peer) tick(t *testing.T) {
	t.Helper()
	p.bot.CheckTakeovers(p.ctx)
	if err := p.bot.Clock().Tick(p.ctx); err != nil {
		t.Fatalf("%s: Tick: %v", p.user, err)
	}
}

// tookOver checks that a bot named itself in the circle's state, in its
// ledger, and said so in the room, replacing previous.
func (w *fedWorld) tookOver(p *peer, previous id.UserID) {
	w.t.Helper()
	var named bool
	for _, s := range p.cli.sentStates() {
		if s.Room == id.RoomID(w.circle) && s.Type == bot.CircleStateType.Type {
			named = s.Content["answering_bot"] == string(p.user) && s.Content["name"] == "Garden" &&
				s.Content["owner"] == owner && s.Content["pledge_minor"] == float64(3000)
		}
	}
	if !named {
		w.t.Fatalf("%s did not name itself in the circle's state: %v", p.user, p.cli.sentStates())
	}
	if c := p.circle(w.circle); c == nil || c.AnsweringBot != ledger.UserID(p.user) {
		w.t.Fatalf("%s's circle after the takeover: %+v", p.user, c)
	}
	var notices []sentMessage
	for _, m := range inRoom(p.cli.messages(), w.circle) {
		if typ, _ := ns(m); typ == "takeover" {
			notices = append(notices, m)
		}
	}
	if len(notices) != 1 {
		w.t.Fatalf("%s's takeover notices %v; want one", p.user, notices)
	}
	if _, data := ns(notices[0]); data["previous"] != string(previous) || data["answering_bot"] != string(p.user) ||
		!strings.Contains(body(notices[0]), string(previous)) {
		w.t.Fatalf("takeover notice %q, data %v", body(notices[0]), data)
	}
}

// stillA checks that a bot did nothing: the circle still names botA.
func (w *fedWorld) stillA(p *peer) {
	w.t.Helper()
	if said := p.cli.said(); said != "" {
		w.t.Fatalf("%s said: %s", p.user, said)
	}
	if c := p.circle(w.circle); c == nil || c.AnsweringBot != ledger.UserID(botA) {
		w.t.Fatalf("%s's circle %+v; want botA still answering", p.user, c)
	}
}

// command is a member's command in the circle (no reply).
func (w *fedWorld) command(sender, body string) *event.Event {
	return w.event("m.room.message", sender, map[string]any{"msgtype": "m.text", "body": body}, nil)
}

// 4. A member's command botA leaves unanswered for TakeoverAfter makes the
// first of the other bots take over at the next tick.
func TestTakeoverWhenTheAnsweringBotIsSilent(t *testing.T) {
	w := newFedWorld(t)
	w.feed(w.command(alice, "!ex status orange 150"), w.b) // botA is down
	w.b.clock.Advance(4 * time.Minute)
	w.b.tick(t)
	w.stillA(w.b)
	w.b.clock.Advance(time.Minute)
	w.b.tick(t)
	w.tookOver(w.b, botA)

	// Once taken over, a tick does not take over again.
	k, states := len(w.b.cli.messages()), len(w.b.cli.sentStates())
	w.b.clock.Advance(10 * time.Minute)
	w.b.tick(t)
	if len(w.b.cli.messages()) != k || len(w.b.cli.sentStates()) != states {
		t.Fatalf("botB took over twice: %v", w.b.cli.messages()[k:])
	}

	// botB answers now; botA, back, follows the state and falls silent.
	w.feed(w.state(botB, w.b.cli.sentStates()[0].Content), w.a)
	if c := w.a.circle(w.circle); c.AnsweringBot != ledger.UserID(botB) {
		t.Fatalf("botA's circle after botB's state %+v", c)
	}
	ka, kb := len(w.a.cli.messages()), len(w.b.cli.messages())
	w.feed(w.command(bob, "!ex my"), w.a, w.b)
	if len(w.a.cli.messages()) != ka || len(w.b.cli.messages()) == kb {
		t.Fatalf("after the takeover botA sent %v, botB %v", w.a.cli.messages()[ka:], w.b.cli.messages()[kb:])
	}
}

// 4b. If another bot sorts before botB, botB leaves the takeover to it.
func TestTakeoverBySilenceLeftToTheFirstBot(t *testing.T) {
	w := newFedWorld(t)
	w.b.cli.setMembers(append(fedMembers, botC)...)
	w.feed(w.command(alice, "!ex status orange 150"), w.b)
	w.b.clock.Advance(time.Hour)
	w.b.tick(t)
	w.stillA(w.b)
}

// 4c. botA's message after the command clears it: no takeover.
func TestAnswerClearsTheUnansweredCommand(t *testing.T) {
	w := newFedWorld(t)
	w.say(alice, "", "!ex status orange 150") // botA answers; botB sees it
	w.b.clock.Advance(time.Hour)
	w.b.tick(t)
	w.stillA(w.b)

	// Chatter is no command: botA owes no answer.
	w.feed(w.command(bob, "hello all"), w.a, w.b)
	w.b.clock.Advance(time.Hour)
	w.b.tick(t)
	w.stillA(w.b)
}

// 4d. A reply to botA's card that is discussion gets no answer from botA:
// botA owes none, and botB must not take over for it.
func TestDiscussionUnderACardIsNoUnansweredCommand(t *testing.T) {
	w := newFedWorld(t)
	w.say(alice, "", "!ex status orange 150")
	card := w.cardIn(w.a, w.needOf(w.a, alice))
	ka := len(w.a.cli.messages())
	w.feed(w.event("m.room.message", bob, map[string]any{"msgtype": "m.text", "body": "got it, thanks",
		"m.relates_to": map[string]any{"m.in_reply_to": map[string]any{"event_id": card}}}, nil), w.a, w.b)
	if got := w.a.cli.messages()[ka:]; len(got) != 0 {
		t.Fatalf("botA answered discussion: %v", got)
	}
	w.b.clock.Advance(time.Hour)
	w.b.tick(t)
	w.stillA(w.b)
}

// 5. botA leaving the circle's room makes botB take over at once, if the
// rule picks botB; else botB does nothing.
func TestTakeoverWhenTheAnsweringBotLeaves(t *testing.T) {
	w := newFedWorld(t)
	w.b.cli.setMembers(owner, alice, bob, botB)
	w.feed(w.membership(botA, botA, event.MembershipLeave), w.b)
	w.tookOver(w.b, botA)

	other := newFedWorld(t)
	other.b.cli.setMembers(owner, alice, bob, botB, botC)
	other.feed(other.membership(botA, botA, event.MembershipLeave), other.b)
	other.stillA(other.b)

	// Another bot leaving changes nothing.
	third := newFedWorld(t)
	third.feed(third.membership(botC, botC, event.MembershipLeave), third.b)
	third.stillA(third.b)
}

// 5b. A member kicking the answering bot is a leave too.
func TestTakeoverWhenTheAnsweringBotIsKicked(t *testing.T) {
	w := newFedWorld(t)
	w.b.cli.setMembers(owner, alice, bob, botB)
	w.feed(w.membership(owner, botA, event.MembershipLeave), w.b)
	w.tookOver(w.b, botA)
}

// powerLevels is a circle room's power levels: the state event needs 100.
func powerLevels(users map[id.UserID]int) *event.PowerLevelsEventContent {
	return &event.PowerLevelsEventContent{Users: users,
		Events: map[string]int{bot.CircleStateType.Type: 100, event.StatePowerLevels.Type: 100}}
}

// powerSent are the power levels a bot sent.
func powerSent(p *peer) []stateSent {
	var out []stateSent
	for _, s := range p.cli.sentStates() {
		if s.Type == event.StatePowerLevels.Type {
			out = append(out, s)
		}
	}
	return out
}

// 6. A bot joining a circle gets from the answering bot the power to set
// the circle's state, if the answering bot has the power to give it.
func TestAnsweringBotGivesAJoiningBotThePower(t *testing.T) {
	w := newFedWorld(t)
	w.a.cli.setState(id.RoomID(w.circle), event.StatePowerLevels, powerLevels(map[id.UserID]int{botA: 100, owner: 50}))
	w.b.cli.setState(id.RoomID(w.circle), event.StatePowerLevels, powerLevels(map[id.UserID]int{botA: 100, botB: 100, owner: 50}))
	w.feed(w.membership(botC, botC, event.MembershipJoin), w.a, w.b)
	sent := powerSent(w.a)
	if len(sent) != 1 || sent[0].Room != id.RoomID(w.circle) {
		t.Fatalf("botA sent power levels %v; want one", sent)
	}
	// The circle was made when the state needed 100, the level that may
	// rewrite the power levels: botA lowers the state's level below it
	// and gives botC just that, never 100.
	users, _ := sent[0].Content["users"].(map[string]any)
	events, _ := sent[0].Content["events"].(map[string]any)
	if users[string(botC)] != float64(90) || users[string(botA)] != float64(100) || users[owner] != float64(50) ||
		events[bot.CircleStateType.Type] != float64(90) || events[event.StatePowerLevels.Type] != float64(100) {
		t.Fatalf("power levels sent: %v", sent[0].Content)
	}
	if got := powerSent(w.b); len(got) != 0 {
		t.Fatalf("botB, which does not answer, sent power levels %v", got)
	}

	// Joining again: it has the power already.
	w.feed(w.membership(botC, botC, event.MembershipJoin), w.a)
	if got := powerSent(w.a); len(got) != 1 {
		t.Fatalf("botA sent power levels again: %v", got)
	}
	// A member joining gets nothing, nor does a bot the operator did not
	// list in bot.trusted_bots, whatever its name.
	w.feed(w.membership("@erin:test", "@erin:test", event.MembershipJoin), w.a)
	w.feed(w.membership(rogue, rogue, event.MembershipJoin), w.a)
	if got := powerSent(w.a); len(got) != 1 {
		t.Fatalf("botA raised a member or an unlisted bot: %v", got)
	}

	// Where the state already needs less than the power levels, the
	// joining bot gets that level and nothing else changes.
	low := newFedWorld(t)
	pl := powerLevels(map[id.UserID]int{botA: 100, owner: 50})
	pl.Events[bot.CircleStateType.Type] = 80
	low.a.cli.setState(id.RoomID(low.circle), event.StatePowerLevels, pl)
	low.feed(low.membership(botC, botC, event.MembershipJoin), low.a)
	sent = powerSent(low.a)
	if len(sent) != 1 {
		t.Fatalf("botA sent power levels %v; want one", sent)
	}
	users, _ = sent[0].Content["users"].(map[string]any)
	events, _ = sent[0].Content["events"].(map[string]any)
	if users[string(botC)] != float64(80) || events[bot.CircleStateType.Type] != float64(80) {
		t.Fatalf("power levels sent: %v", sent[0].Content)
	}

	// An answering bot without the power to change power levels can't.
	weak := newFedWorld(t)
	weak.a.cli.setState(id.RoomID(weak.circle), event.StatePowerLevels, powerLevels(map[id.UserID]int{botA: 50, owner: 100}))
	weak.feed(weak.membership(botC, botC, event.MembershipJoin), weak.a)
	if got := powerSent(weak.a); len(got) != 0 {
		t.Fatalf("botA without the power sent %v", got)
	}
}

// inviteEvent is the bot's invitation to a room as the sync serves it.
func inviteEvent(t *testing.T, room id.RoomID, to id.UserID) *event.Event {
	t.Helper()
	raw, _ := json.Marshal(map[string]any{"event_id": "$invite-" + string(room), "sender": owner, "type": "m.room.member",
		"state_key": to, "origin_server_ts": fedStart.UnixMilli(), "content": map[string]any{"membership": "invite"}})
	evt, err := bot.ParseEvent(raw)
	if err != nil {
		t.Fatal(err)
	}
	return evt
}

// 7. Invitations the homeserver did not push are found in the sync: the
// bot joins; a circle another bot answers is followed without a greeting,
// an ordinary room is greeted.
func TestFindInvitesJoinsAndAdoptsCircles(t *testing.T) {
	p := newPeer(t, botB, 5000, owner, alice, botA, botB)
	circle, plain := id.RoomID("!garden:a.test"), id.RoomID("!plain:a.test")
	p.cli.invites = map[id.RoomID]*event.Event{circle: inviteEvent(t, circle, botB)}
	p.cli.setState(circle, bot.CircleStateType, map[string]any{"name": "Garden", "pledge_minor": 3000, "currency": "USD",
		"lang": "ru", "owner": owner, "answering_bot": botA, "version": 1})
	n, err := p.bot.FindInvites(p.ctx)
	if err != nil || n != 1 {
		t.Fatalf("FindInvites: %d, %v", n, err)
	}
	if len(p.cli.joins) != 1 || p.cli.joins[0] != circle {
		t.Fatalf("joined %v", p.cli.joins)
	}
	// The sync for invitations asks for nothing but them: no room's state
	// nor timeline (a mode: bot account on a public server may be in many).
	var filter struct {
		Room struct {
			State struct {
				NotTypes []string `json:"not_types"`
			} `json:"state"`
			Timeline struct {
				Limit *int `json:"limit"`
			} `json:"timeline"`
		} `json:"room"`
	}
	if f := p.cli.syncFilters; len(f) != 1 || json.Unmarshal([]byte(f[0]), &filter) != nil ||
		filter.Room.Timeline.Limit == nil || *filter.Room.Timeline.Limit != 0 || !slices.Equal(filter.Room.State.NotTypes, []string{"*"}) {
		t.Fatalf("the sync for invitations was asked with the filters %q", p.cli.syncFilters)
	}
	c := p.circle(ledger.CircleID(circle))
	if c == nil || c.Name != "Garden" || c.AnsweringBot != ledger.UserID(botA) || c.Lang != ledger.LangRU ||
		c.Pledge != (ledger.Amount{Minor: 3000, Currency: "USD"}) || c.Owner != owner {
		t.Fatalf("adopted circle %+v", c)
	}
	members, _ := p.svc.Circles.Members(p.ctx, ledger.CircleID(circle))
	if strings.Join(ledgerUsers(members), " ") != alice+" "+owner {
		t.Fatalf("members of the adopted circle %v", members)
	}
	if said := p.cli.said(); said != "" {
		t.Fatalf("the bot said in a circle another bot answers: %s", said)
	}

	// An ordinary room: joined and greeted.
	p.cli.invites = map[id.RoomID]*event.Event{plain: inviteEvent(t, plain, botB)}
	if n, err := p.bot.FindInvites(p.ctx); err != nil || n != 1 {
		t.Fatalf("FindInvites: %d, %v", n, err)
	}
	if got := inRoom(p.cli.messages(), plain); len(got) != 1 || !strings.Contains(body(got[0]), "!ex") {
		t.Fatalf("greeting in the plain room: %v", got)
	}
	if p.circle(ledger.CircleID(plain)) != nil {
		t.Fatal("an ordinary room became a circle")
	}

	// The sync still lists an invitation the bot acted on (Dendrite does,
	// for rooms joined over federation): the bot, in the room now, does
	// not join it again.
	p.cli.invites = map[id.RoomID]*event.Event{circle: inviteEvent(t, circle, botB), plain: inviteEvent(t, plain, botB)}
	for range 3 {
		if n, err := p.bot.FindInvites(p.ctx); err != nil || n != 0 {
			t.Fatalf("FindInvites of invitations acted on: %d, %v", n, err)
		}
	}
	if len(p.cli.joins) != 2 {
		t.Fatalf("joined %v; want each room once", p.cli.joins)
	}

	// Another user's invitation in the sync is not the bot's.
	p.cli.invites = map[id.RoomID]*event.Event{"!else:a.test": inviteEvent(t, "!else:a.test", "@someone:test")}
	if n, err := p.bot.FindInvites(p.ctx); err != nil || n != 0 {
		t.Fatalf("FindInvites of another user's invitation: %d, %v", n, err)
	}
}

// 8. What the clock does, every bot applies, but each member hears of it
// from one bot: the one answering in the member's first circle.
func TestClockNoticesComeFromOneBot(t *testing.T) {
	w := newFedWorld(t)
	second := ledger.CircleID("!zed:b.test") // botB answers there
	dmOf := func(p *peer, u ledger.UserID) ledger.RoomID {
		return ledger.RoomID("!dm-" + strings.TrimPrefix(strings.Split(string(u), ":")[0], "@") + ":" + string(p.user))
	}
	n := 0
	do := func(op ledger.Op) {
		t.Helper()
		n++
		op.Event, op.At = ledger.EventID("$op"+string(rune('a'+n))), fedStart
		for _, p := range []*peer{w.a, w.b} {
			if _, err := p.svc.Aid.Do(p.ctx, op); err != nil {
				t.Fatalf("%s: %s: %v", p.user, op.Kind, err)
			}
		}
	}
	for _, p := range []*peer{w.a, w.b} {
		act := ledger.Action{Event: "$zed", Actor: ledger.UserID(botB), At: fedStart}
		if _, err := p.svc.Circles.Adopt(p.ctx, act, second, ledger.CircleState{Name: "Zed", Owner: owner, AnsweringBot: ledger.UserID(botB)}); err != nil {
			t.Fatal(err)
		}
		for _, u := range []ledger.UserID{alice, carol} {
			if err := p.svc.Circles.SetMembership(p.ctx, second, u, true); err != nil {
				t.Fatal(err)
			}
		}
		if err := p.svc.Circles.SetMembership(p.ctx, w.circle, dave, true); err != nil {
			t.Fatal(err)
		}
		for _, u := range []ledger.UserID{alice, bob, carol, dave} {
			if err := p.svc.Members.SetDirectRoom(p.ctx, u, dmOf(p, u)); err != nil {
				t.Fatal(err)
			}
		}
	}
	eur := func(x int64) ledger.Amount { return ledger.Amount{Minor: x * 100, Currency: "EUR"} }
	do(ledger.Op{Kind: ledger.OpStatus, Actor: alice, Status: ledger.StatusOrange, Amount: eur(300)})
	need := w.needOf(w.a, alice)
	do(ledger.Op{Kind: ledger.OpIntend, Actor: bob, Need: need, Amount: eur(20)})   // first circle: botA's
	do(ledger.Op{Kind: ledger.OpIntend, Actor: carol, Need: need, Amount: eur(20)}) // first circle: botB's
	do(ledger.Op{Kind: ledger.OpCommit, Actor: dave, Need: need, Amount: eur(30)})  // first circle: botA's
	do(ledger.Op{Kind: ledger.OpSent, Actor: dave, Need: need})
	do(ledger.Op{Kind: ledger.OpGot, Actor: alice, Need: need, Giver: dave})
	// carol's emergency of three days, short of 100: its deadline warning
	// to carol (botB tells her) and to alice, who gave (botA tells her).
	do(ledger.Op{Kind: ledger.OpStatus, Actor: carol, Status: ledger.StatusRed, Amount: eur(100), Days: 3})
	red := w.needOf(w.a, carol)
	do(ledger.Op{Kind: ledger.OpCommit, Actor: alice, Need: red, Amount: eur(10)})

	count := func(p *peer, u ledger.UserID, kind string) int {
		k := 0
		for _, m := range inRoom(p.cli.messages(), dmOf(p, u)) {
			if typ, _ := ns(m); typ == kind {
				k++
			}
		}
		return k
	}
	// The deadline warnings (twice: still once), the monthly reminders,
	// then the rollover that renews dave's support.
	warnAt := fedStart.Add(2*24*time.Hour + time.Hour)
	for _, at := range []time.Time{warnAt, warnAt.Add(time.Hour), time.Date(2026, 11, 28, 1, 0, 0, 0, time.UTC), time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)} {
		for _, p := range []*peer{w.a, w.b} {
			p.clock.Set(at)
			p.tick(t)
		}
	}
	checks := []struct {
		u      ledger.UserID
		kind   string
		ab, bb int // notices from botA and from botB
	}{
		{bob, "digest", 1, 0},
		{carol, "digest", 0, 1},
		{dave, "renewal", 1, 0},
		{carol, "deadline_warning", 0, 1},
		{alice, "deadline_warning", 1, 0},
		{bob, "deadline_warning", 0, 0},
	}
	for _, c := range checks {
		if a, b := count(w.a, c.u, c.kind), count(w.b, c.u, c.kind); a != c.ab || b != c.bb {
			t.Errorf("%s notices to %s: %d from botA, %d from botB; want %d and %d", c.kind, c.u, a, b, c.ab, c.bb)
		}
	}
	if da, db := w.a.digest(t, w.circle), w.b.digest(t, w.circle); da != db {
		t.Error("the bots' ledgers differ after the clock's ops")
	}
}

// noStateClient is a homeserver that refuses the bot's state events (it
// lacks the power level).
type noStateClient struct{ *peerClient }

func (noStateClient) SendStateEvent(context.Context, id.RoomID, event.Type, string, any, ...mautrix.ReqSendEvent) (*mautrix.RespSendEvent, error) {
	return nil, mautrix.MForbidden
}

// 5c. A bot that cannot name itself in the circle's state does not take
// over: the other bots would go on following the bot the state names, and
// ignore its records.
func TestNoTakeoverWithoutTheState(t *testing.T) {
	w := newFedWorld(t)
	w.b.cli.setMembers(owner, alice, bob, botB)
	w.b.bot = bot.New(bot.Config{UserID: botB, Prefix: "!ex", CommandsPerMinute: 1000,
		BotUsers: []*regexp.Regexp{regexp.MustCompile(`^@exodus:`)}}, noStateClient{w.b.cli}, w.b.svc, access.New(w.b.st.Ledger(), w.b.svc), w.b.st)
	hook(w.b.bot, w.b.cli.fakeClient)
	w.feed(w.membership(botA, botA, event.MembershipLeave), w.b)
	w.stillA(w.b)
}

// 2b. Only the circle state event of state key "" is the circle's state
// (the one a joining bot reads): another state key changes nothing.
func TestCircleStateOfAnotherKeyIsIgnored(t *testing.T) {
	w := newFedWorld(t)
	st := w.stateContent(botB)
	st["pledge_minor"] = 9000
	w.feed(w.event(bot.CircleStateType.Type, owner, st, map[string]any{"state_key": "x"}), w.a, w.b)
	w.stillA(w.a)
	w.stillA(w.b)
	if c := w.b.circle(w.circle); c.Pledge.Minor != 3000 {
		t.Fatalf("botB's circle after a state of another key: %+v", c)
	}
}

// A join the homeserver refused (Dendrite does, made at once on an
// invitation over federation) is tried again after a pause, doubling.
func TestFindInvitesTriesARefusedJoinAgain(t *testing.T) {
	p := newPeer(t, botB, 5000, owner, alice, botA, botB)
	plain := id.RoomID("!plain:a.test")
	p.cli.invites = map[id.RoomID]*event.Event{plain: inviteEvent(t, plain, botB)}
	p.cli.refuseJoins = 2
	for _, step := range []struct {
		wait   time.Duration
		joined int
	}{{0, 0}, {time.Second, 0}, {5 * time.Second, 0}, {5 * time.Second, 0}, {5 * time.Second, 1}} {
		p.clock.Advance(step.wait)
		if n, err := p.bot.FindInvites(p.ctx); err != nil || n != step.joined {
			t.Fatalf("after %s: FindInvites joined %d (%v), want %d", step.wait, n, err, step.joined)
		}
	}
	if len(p.cli.joins) != 1 {
		t.Fatalf("joined %v, want the room once", p.cli.joins)
	}
}
