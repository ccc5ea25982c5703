package bot_test

// The federation tests' world: several bots, each on its own fake
// homeserver, fed the same room events (follow_test.go, takeover_test.go,
// trusted_test.go).

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/bot"
	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/ledger/access"
	"github.com/exodus-matrix/exodus/store"
)

// The bots of the federation tests, one per homeserver. botC sorts before
// both (the takeover rule picks the smallest user ID).
const (
	botA id.UserID = "@exodus:a.test"
	botB id.UserID = "@exodus:b.test"
	botC id.UserID = "@exodus:0.test"
	// rogue is named like a bot but no operator listed it as trusted.
	rogue id.UserID = "@exodus:0rogue.test"
	owner           = "@owner:test"
)

// peerClient is the fake homeserver of one bot: it also answers who is in
// a room, serves and records state events, and records joins.
type peerClient struct {
	*fakeClient
	mu      sync.Mutex
	members []id.UserID
	state   map[id.RoomID]map[string]json.RawMessage
	states  []stateSent
	joins   []id.RoomID
	creates int
	// refuseJoins is how many joins the homeserver refuses from now on.
	refuseJoins int
}

// stateSent is a state event the bot sent.
type stateSent struct {
	Room    id.RoomID
	Type    string
	Content map[string]any
}

func newPeerClient(base int, members ...id.UserID) *peerClient {
	return &peerClient{fakeClient: &fakeClient{n: base}, members: members, state: map[id.RoomID]map[string]json.RawMessage{}}
}

func (c *peerClient) setMembers(members ...id.UserID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.members = members
}

func (c *peerClient) JoinedMembers(context.Context, id.RoomID) (*mautrix.RespJoinedMembers, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	resp := &mautrix.RespJoinedMembers{Joined: map[id.UserID]mautrix.JoinedMember{}}
	for _, u := range c.members {
		resp.Joined[u] = mautrix.JoinedMember{}
	}
	return resp, nil
}

// setState sets a room's state event as the homeserver holds it.
func (c *peerClient) setState(room id.RoomID, typ event.Type, content any) {
	raw, _ := json.Marshal(content)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state[room] == nil {
		c.state[room] = map[string]json.RawMessage{}
	}
	c.state[room][typ.Type] = raw
}

func (c *peerClient) StateEvent(_ context.Context, room id.RoomID, typ event.Type, _ string, out any) error {
	c.mu.Lock()
	raw, ok := c.state[room][typ.Type]
	c.mu.Unlock()
	if !ok {
		return mautrix.MNotFound
	}
	return json.Unmarshal(raw, out)
}

func (c *peerClient) SendStateEvent(_ context.Context, room id.RoomID, typ event.Type, _ string, content any, _ ...mautrix.ReqSendEvent) (*mautrix.RespSendEvent, error) {
	raw, _ := json.Marshal(content)
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.states = append(c.states, stateSent{Room: room, Type: typ.Type, Content: m})
	if c.state[room] == nil {
		c.state[room] = map[string]json.RawMessage{}
	}
	c.state[room][typ.Type] = raw
	return &mautrix.RespSendEvent{EventID: id.EventID(fmt.Sprintf("$state%d", len(c.states)))}, nil
}

func (c *peerClient) sentStates() []stateSent {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]stateSent(nil), c.states...)
}

// JoinedRooms lists the rooms the bot joined.
func (c *peerClient) JoinedRooms(context.Context) (*mautrix.RespJoinedRooms, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return &mautrix.RespJoinedRooms{JoinedRooms: slices.Clone(c.joins)}, nil
}

func (c *peerClient) JoinRoomByID(_ context.Context, room id.RoomID, _ ...map[string]any) (*mautrix.RespJoinRoom, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.refuseJoins > 0 {
		c.refuseJoins--
		return nil, mautrix.MForbidden.WithMessage("InputWasRejected")
	}
	c.joins = append(c.joins, room)
	return &mautrix.RespJoinRoom{RoomID: room}, nil
}

func (c *peerClient) CreateRoom(ctx context.Context, req *mautrix.ReqCreateRoom) (*mautrix.RespCreateRoom, error) {
	c.mu.Lock()
	c.creates++
	c.mu.Unlock()
	return c.fakeClient.CreateRoom(ctx, req)
}

// quiet reports what the bot sent at all: messages, state events, rooms.
func (c *peerClient) said() string {
	c.mu.Lock()
	creates, states := c.creates, len(c.states)
	c.mu.Unlock()
	if msgs := c.messages(); len(msgs) > 0 || creates > 0 || states > 0 {
		return fmt.Sprintf("%d messages %v, %d state events, %d rooms created", len(msgs), msgs, states, creates)
	}
	return ""
}

// peer is one bot with its own database, clock and homeserver.
type peer struct {
	user  id.UserID
	ctx   context.Context
	clock *ledger.ManualClock
	svc   *ledger.Service
	st    *store.Store
	cli   *peerClient
	bot   *bot.Bot
	fed   int // how many of its messages were fed to the other bots
}

var fedStart = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

func newPeer(t *testing.T, user id.UserID, base int, members ...id.UserID) *peer {
	t.Helper()
	ctx := zerolog.Nop().WithContext(context.Background())
	st, err := store.Open(ctx, store.Config{URI: "file:" + filepath.Join(t.TempDir(), "exodus.db") + "?_txlock=immediate"}, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clock := ledger.NewManualClock(fedStart)
	svc := ledger.NewService(st.Ledger(), clock, ledger.DefaultConfig())
	cli := newPeerClient(base, members...)
	t.Cleanup(func() { cli.checkReach(t) })
	b := bot.New(bot.Config{UserID: user, Prefix: "!ex", CommandsPerMinute: 1000,
		TrustedBots: []id.UserID{botA, botB, botC}}, cli, svc, access.New(st.Ledger(), svc), st)
	hook(b, cli.fakeClient)
	return &peer{user: user, ctx: ctx, clock: clock, svc: svc, st: st, cli: cli, bot: b}
}

// circle is the peer's record of a circle (nil if unknown).
func (p *peer) circle(c ledger.CircleID) *ledger.Circle {
	got, err := p.svc.Circles.Get(p.ctx, c)
	if err != nil {
		return nil
	}
	return got
}

// digest is the peer's digest of a circle's ledger.
func (p *peer) digest(t *testing.T, c ledger.CircleID) string {
	t.Helper()
	l, err := p.svc.Aid.CircleLedger(p.ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	return l.Digest()
}

// promise is the giver's latest promise toward need in the peer's ledger.
func (p *peer) promise(need ledger.NeedID, giver ledger.UserID) *ledger.Promise {
	var found *ledger.Promise
	_ = p.svc.Aid.View(p.ctx, func(b *ledger.Book) error {
		for _, q := range b.PromisesToward(need) {
			if q.Giver == giver {
				cp := *q
				found = &cp
			}
		}
		return nil
	})
	return found
}

// fedWorld is one circle that bots of several homeservers sit in: botA
// made it and answers; botB follows. alice and bob are members.
type fedWorld struct {
	t      *testing.T
	a, b   *peer
	circle ledger.CircleID
	n      int
}

// members of the world's circle as the homeservers list them.
var fedMembers = []id.UserID{owner, alice, bob, botA, botB}

func newFedWorld(t *testing.T) *fedWorld {
	t.Helper()
	w := &fedWorld{t: t, circle: "!fed:a.test",
		a: newPeer(t, botA, 0, fedMembers...), b: newPeer(t, botB, 5000, fedMembers...)}
	_, err := w.a.svc.Circles.Create(w.a.ctx, ledger.Action{Event: "$create", Actor: owner, At: fedStart},
		ledger.CircleSpec{ID: w.circle, Name: "Garden", Pledge: ledger.Amount{Minor: 3000, Currency: "EUR"}})
	if err != nil {
		t.Fatal(err)
	}
	// botA names itself in the circle's state; both bots follow it, and
	// the members join.
	w.feed(w.state(botA, w.stateContent(botA)), w.a, w.b)
	for _, u := range []string{alice, bob} {
		w.feed(w.membership(u, u, event.MembershipJoin), w.a, w.b)
	}
	return w
}

// stateContent is the circle state naming a bot, as botA publishes it.
func (w *fedWorld) stateContent(answering id.UserID) map[string]any {
	return map[string]any{"name": "Garden", "pledge_minor": 3000, "currency": "EUR", "lang": "en",
		"owner": owner, "answering_bot": answering, "version": 1}
}

// event builds an event with a fresh ID and a later timestamp.
func (w *fedWorld) event(typ string, sender any, content map[string]any, top map[string]any) *event.Event {
	w.t.Helper()
	w.n++
	return w.eventID(id.EventID(fmt.Sprintf("$f%03d", w.n)), typ, sender, content, top)
}

// eventID builds an event with a given ID and a later timestamp.
func (w *fedWorld) eventID(evtID id.EventID, typ string, sender any, content map[string]any, top map[string]any) *event.Event {
	w.t.Helper()
	w.n++
	room := fmt.Sprint(w.circle)
	if r, ok := top["room_id"]; ok {
		room = fmt.Sprint(r)
	}
	m := map[string]any{"event_id": evtID, "room_id": room, "sender": fmt.Sprint(sender), "type": typ,
		"origin_server_ts": fedStart.Add(-time.Hour).UnixMilli() + int64(w.n)*1000, "content": content}
	for k, v := range top {
		m[k] = v
	}
	raw, _ := json.Marshal(m)
	evt, err := bot.ParseEvent(raw)
	if err != nil {
		w.t.Fatal(err)
	}
	return evt
}

// state is a circle state event a sender sets in the circle.
func (w *fedWorld) state(sender any, content map[string]any) *event.Event {
	return w.event(bot.CircleStateType.Type, sender, content, map[string]any{"state_key": ""})
}

// membership is a member event: sender sets target's membership.
func (w *fedWorld) membership(sender, target any, m event.Membership) *event.Event {
	return w.event("m.room.member", sender, map[string]any{"membership": m},
		map[string]any{"state_key": fmt.Sprint(target)})
}

// feed hands an event to each bot, as each one's homeserver pushes it.
func (w *fedWorld) feed(evt *event.Event, to ...*peer) {
	w.t.Helper()
	for _, p := range to {
		// Each bot parses its own copy, as it would from its homeserver.
		raw, _ := json.Marshal(evt)
		cp, err := bot.ParseEvent(raw)
		if err != nil {
			w.t.Fatal(err)
		}
		if err := p.bot.HandleEvent(p.ctx, cp); err != nil {
			w.t.Fatalf("%s handling %s: %v", p.user, evt.ID, err)
		}
		deliver(p.bot)
	}
}

// say is a member's message in the circle, fed to every bot; replyTo ""
// makes it no reply. Then the messages botA sent in the circle are fed to
// botB.
func (w *fedWorld) say(sender string, replyTo id.EventID, body string) id.EventID {
	w.t.Helper()
	content := map[string]any{"msgtype": "m.text", "body": body}
	if replyTo != "" {
		content["m.relates_to"] = map[string]any{"m.in_reply_to": map[string]any{"event_id": replyTo}}
	}
	evt := w.event("m.room.message", sender, content, nil)
	w.feed(evt, w.a, w.b)
	w.relay(w.a, w.b)
	return evt.ID
}

// react is a member's reaction, fed to every bot, then botA's messages to
// botB.
func (w *fedWorld) react(sender string, target id.EventID, key string) id.EventID {
	w.t.Helper()
	evt := w.event("m.reaction", sender, reactionContent(target, key), nil)
	w.feed(evt, w.a, w.b)
	w.relay(w.a, w.b)
	return evt.ID
}

// relay feeds the messages from sent to the circle since last time to the
// other bots, as events of from's user with the IDs from's homeserver gave
// them.
func (w *fedWorld) relay(from *peer, to ...*peer) {
	w.t.Helper()
	msgs := from.cli.messages()
	for _, m := range msgs[from.fed:] {
		if m.Room != id.RoomID(w.circle) {
			continue // direct chats: only that bot is in them
		}
		w.feed(w.eventID(m.ID, m.Type, from.user, m.Content, nil), to...)
	}
	from.fed = len(msgs)
}

// needOf is the member's open need in a peer's ledger.
func (w *fedWorld) needOf(p *peer, u ledger.UserID) ledger.NeedID {
	w.t.Helper()
	st, err := p.svc.Aid.StatusOf(p.ctx, u)
	if err != nil || st.Need == "" {
		w.t.Fatalf("%s: no need of %s: %+v %v", p.user, u, st, err)
	}
	return st.Need
}

// cardIn is the need card a bot sent in the circle.
func (w *fedWorld) cardIn(p *peer, need ledger.NeedID) id.EventID {
	w.t.Helper()
	for _, m := range inRoom(p.cli.messages(), w.circle) {
		if typ, data := ns(m); typ == "need" && data["need"] == string(need) && m.Content["m.relates_to"] == nil {
			return m.ID
		}
	}
	w.t.Fatalf("%s posted no card of %s: %v", p.user, need, p.cli.messages())
	return ""
}

// sameLedger checks that both bots hold the same ledger of the circle.
func (w *fedWorld) sameLedger() {
	w.t.Helper()
	if da, db := w.a.digest(w.t, w.circle), w.b.digest(w.t, w.circle); da != db {
		la, _ := w.a.svc.Aid.CircleLedger(w.a.ctx, w.circle)
		lb, _ := w.b.svc.Aid.CircleLedger(w.b.ctx, w.circle)
		w.t.Fatalf("the bots' ledgers differ:\n%s:\n%s\n%s:\n%s", botA, la.Canonical(), botB, lb.Canonical())
	}
}
