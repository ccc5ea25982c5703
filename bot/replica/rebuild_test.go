package replica_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/bot"
	"github.com/exodus-matrix/exodus/bot/replica"
	"github.com/exodus-matrix/exodus/ledger"
)

// The members of the rebuild tests (the fake client's JoinedMembers names
// @a and @b in every room).
const (
	botUser = "@exodus:test"
	ann     = "@a:test"
	ben     = "@b:test"
	cat     = "@c:test"
)

// rebuildWorld is a live bot whose whole ledger comes from room events, and
// the rooms' history those events make: the members' events, and the bot's
// own messages and membership as a homeserver would show them.
type rebuildWorld struct {
	*harness
	t       *testing.T
	clock   *ledger.ManualClock
	ts      int64 // the time of the latest event, unix ms
	n       int   // events built
	history map[id.RoomID][]*event.Event
	rooms   map[id.RoomID]bool // rooms with a history begun
	sent    int                // the live bot's messages already in the history
}

const rebuildStart = 1_790_000_000_000 // 2026-09-21

func newRebuildWorld(t *testing.T, perMinute int) *rebuildWorld {
	clock := ledger.NewManualClock(time.UnixMilli(rebuildStart).UTC())
	return &rebuildWorld{harness: newBareHarness(t, clock, perMinute), t: t, clock: clock, ts: rebuildStart,
		history: map[id.RoomID][]*event.Event{}, rooms: map[id.RoomID]bool{}}
}

// build makes an event at ts; stateKey nil makes a message event.
func (w *rebuildWorld) build(ts int64, typ string, room id.RoomID, sender string, stateKey *string, content map[string]any) (*event.Event, json.RawMessage) {
	w.n++
	m := map[string]any{"event_id": fmt.Sprintf("$r%03d", w.n), "room_id": room, "sender": sender, "type": typ,
		"origin_server_ts": ts, "content": content}
	if stateKey != nil {
		m["state_key"] = *stateKey
	}
	raw, err := json.Marshal(m)
	if err != nil {
		w.t.Fatal(err)
	}
	return timelineEvent(w.t, raw), raw
}

// happen makes an event one second after the previous one, delivers it to
// the live bot (unless it is history only: before the bot was in the
// room) and keeps it in the room's history with what the bot sent.
func (w *rebuildWorld) happen(live bool, typ string, room id.RoomID, sender string, stateKey *string, content map[string]any) id.EventID {
	w.t.Helper()
	w.ts += 1000
	evt, raw := w.build(w.ts, typ, room, sender, stateKey, content)
	w.rooms[room] = true
	w.history[room] = append(w.history[room], evt)
	if typ == "m.room.member" && stateKey != nil && *stateKey == botUser && content["membership"] == "invite" {
		// The bot joins as it handles its invitation, before it speaks.
		join, _ := w.build(w.ts, "m.room.member", room, botUser, stateKey, map[string]any{"membership": "join"})
		w.history[room] = append(w.history[room], join)
	}
	if live {
		w.clock.Set(time.UnixMilli(w.ts).UTC())
		w.n++
		if code := w.put(w.t, hsToken, fmt.Sprintf("txn%d", w.n), raw); code != 200 {
			w.t.Fatalf("transaction refused: %d", code)
		}
		w.drain(w.t)
	}
	w.keepSent(w.ts)
	return evt.ID
}

func (w *rebuildWorld) say(room id.RoomID, sender, body string, replyTo id.EventID) id.EventID {
	content := map[string]any{"msgtype": "m.text", "body": body}
	if replyTo != "" {
		content["m.relates_to"] = map[string]any{"m.in_reply_to": map[string]any{"event_id": replyTo}}
	}
	return w.happen(true, "m.room.message", room, sender, nil, content)
}

func (w *rebuildWorld) react(room id.RoomID, sender string, target id.EventID, key string) id.EventID {
	return w.happen(true, "m.reaction", room, sender, nil, reactionContent(target, key))
}

func (w *rebuildWorld) member(room id.RoomID, sender, target, membership string, direct bool) id.EventID {
	content := map[string]any{"membership": membership}
	if direct {
		content["is_direct"] = true
	}
	return w.happen(true, "m.room.member", room, sender, &target, content)
}

// act takes an action on the web, one second after the previous event.
func (w *rebuildWorld) act(req ledger.Request) {
	w.t.Helper()
	w.ts += 1000
	w.clock.Set(time.UnixMilli(w.ts).UTC())
	if _, err := w.bot.Act(w.ctx, req); err != nil {
		w.t.Fatalf("web action %+v: %v", req, err)
	}
	w.keepSent(w.ts)
}

// keepSent puts what the live bot sent since the last call into the
// rooms' history, as its own events just after at; a direct chat it
// opened begins with its creation and the member's invitation.
func (w *rebuildWorld) keepSent(at int64) {
	msgs := w.cli.messages()
	for _, m := range msgs[w.sent:] {
		at++
		if !w.rooms[m.Room] {
			w.rooms[m.Room] = true
			member := w.directMember(m.Room)
			bk := botUser
			create, _ := w.build(at, "m.room.create", m.Room, botUser, ptr(""), map[string]any{"creator": botUser})
			join, _ := w.build(at, "m.room.member", m.Room, botUser, &bk, map[string]any{"membership": "join"})
			invite, _ := w.build(at, "m.room.member", m.Room, botUser, &member, map[string]any{"membership": "invite", "is_direct": true})
			w.history[m.Room] = append(w.history[m.Room], create, join, invite)
		}
		evt := &event.Event{ID: m.ID, RoomID: m.Room, Sender: botUser, Type: event.EventMessage, Timestamp: at,
			Content: event.Content{Raw: m.Content}}
		w.history[m.Room] = append(w.history[m.Room], evt)
	}
	w.sent = len(msgs)
}

// directMember is the member whose direct chat the bot opened as room.
func (w *rebuildWorld) directMember(room id.RoomID) string {
	for _, u := range []string{ann, ben, cat} {
		if w.svc.DirectRoomOf(w.ctx, ledger.UserID(u)) == ledger.RoomID(room) {
			return u
		}
	}
	w.t.Fatalf("the bot sent to %s, a room of no history", room)
	return ""
}

func ptr(s string) *string { return &s }

// timelines is the history as the fake client serves it: newest first.
func (w *rebuildWorld) timelines() map[id.RoomID][]*event.Event {
	out := map[id.RoomID][]*event.Event{}
	for room, events := range w.history {
		out[room] = slices.Clone(events)
		slices.Reverse(out[room])
	}
	return out
}

// snapshot is every part of a ledger a rebuild must give back, as text.
func snapshot(t *testing.T, h *harness, circles []ledger.CircleID, needs []ledger.NeedID, dmCards []id.EventID) map[string]string {
	t.Helper()
	ctx := h.ctx
	out := map[string]string{}
	for _, c := range circles {
		l, err := h.svc.CircleLedger(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		out["digest "+string(c)] = l.Digest()
		out["canonical "+string(c)] = string(l.Canonical())
		circle, err := h.svc.Circle(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		out["circle "+string(c)] = fmt.Sprintf("%+v", *circle)
	}
	for _, u := range []ledger.UserID{ann, ben, cat} {
		ml, err := h.svc.MemberLedger(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		out["member ledger "+string(u)] = fmt.Sprintf("%+v", *ml)
		out["direct room "+string(u)] = string(h.svc.DirectRoomOf(ctx, u))
		if p, err := h.svc.Profile(ctx, u); err == nil {
			out["profile "+string(u)] = fmt.Sprintf("%+v", *p)
		}
		tl, err := h.svc.TrustListOf(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		out["trust "+string(u)] = fmt.Sprint(tl.Count())
	}
	for _, n := range needs {
		v, err := h.svc.Need(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		out["need "+string(n)] = fmt.Sprintf("%+v %+v", v.Need, v.Totals)
		var ps []string
		_ = h.svc.View(ctx, func(b *ledger.Book) error {
			for _, p := range b.PromisesToward(n) {
				ps = append(ps, fmt.Sprintf("%+v", *p))
			}
			return nil
		})
		slices.Sort(ps)
		out["promises "+string(n)] = strings.Join(ps, "\n")
		cards, err := h.svc.CardsOf(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		var cs []string
		for _, c := range cards {
			cs = append(cs, fmt.Sprintf("%+v", c))
		}
		slices.Sort(cs)
		out["cards "+string(n)] = strings.Join(cs, "\n")
	}
	for _, e := range dmCards {
		c, err := h.svc.CardByEvent(ctx, ledger.EventID(e))
		out["card "+string(e)] = fmt.Sprintf("%+v %v", c, err)
	}
	ops, err := h.store.Ops(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var os []string
	for _, op := range ops {
		os = append(os, fmt.Sprintf("%s %s %s %d %s %s", op.Event, op.Kind, op.Actor, op.At.UnixMilli(), op.Need, op.Amount))
	}
	out["ops"] = strings.Join(os, "\n")
	guarantees, err := h.store.Guarantees(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out["guarantees"] = fmt.Sprintf("%+v", guarantees)
	return out
}

// compare fails the test where two snapshots differ.
func compare(t *testing.T, live, rebuilt map[string]string) {
	t.Helper()
	keys := make([]string, 0, len(live))
	for k := range live {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if live[k] != rebuilt[k] {
			t.Errorf("%s differs:\nlive:\n%s\nrebuilt:\n%s", k, live[k], rebuilt[k])
		}
	}
	if len(rebuilt) != len(live) {
		t.Errorf("rebuilt snapshot has %d parts, live %d", len(rebuilt), len(live))
	}
}

// rebuild serves the world's history to a fresh bot on an empty database
// and rebuilds it, on a replay clock (unless noClock) set to the live
// clock's time.
func (w *rebuildWorld) rebuild(perMinute, pageSize int, noClock bool) (*harness, *replica.Report) {
	w.t.Helper()
	rc := replica.NewReplayClock(ledger.NewManualClock(w.clock.Now()))
	h := newBareHarness(w.t, rc, perMinute)
	h.cli.timeline = w.timelines()
	opt := replica.Options{PageSize: pageSize, Clock: rc}
	if noClock {
		opt.Clock = nil
	}
	report, err := h.replica.Rebuild(h.ctx, opt)
	if err != nil {
		w.t.Fatal(err)
	}
	return h, report
}

// A live bot's ledger, built from room events (a circle, invitations
// accepted by command and by reply, a status, ❤️ on its card, a commit, a
// "sent" said in a direct chat, a 👍 there, web actions in the circle and
// in a direct chat, two month rollovers), is rebuilt by a fresh bot on an
// empty database from the rooms' history read through /messages in small
// pages: the same digest, needs, promises, cards, ops, guarantees, direct
// chats and profiles, and nothing sent.
func TestRebuildFromRoomsGivesTheLiveLedger(t *testing.T) {
	w := newRebuildWorld(t, 1000)
	const circle = id.RoomID("!c:test")

	// The bot made the circle room; its state names the circle.
	w.happen(true, "m.room.create", circle, botUser, ptr(""), map[string]any{"creator": botUser})
	w.member(circle, botUser, botUser, "join", false)
	w.happen(true, bot.CircleStateType.Type, circle, botUser, ptr(""), map[string]any{"name": "Rebuild", "pledge_minor": 1000,
		"currency": "EUR", "lang": "en", "owner": ann, "answering_bot": botUser, "version": 1})
	w.member(circle, ann, ann, "join", false)
	w.member(circle, ben, ben, "join", false)

	// Invitations: ann invites cat, who joins and accepts by command; ann
	// invites ben, who accepts by replying to the card.
	w.say(circle, ann, "!ex invite "+cat, "")
	w.member(circle, botUser, cat, "invite", false)
	w.member(circle, cat, cat, "join", false)
	w.say(circle, cat, "!ex accept", "")
	w.say(circle, ann, "!ex invite "+ben, "")
	card := w.lastSentIn(circle)
	w.say(circle, ben, "!ex accept", card)

	// Ben opens a direct chat with the bot; what he typed there before
	// inviting it no bot saw.
	dmBen := id.RoomID("!dm-b:test")
	w.happen(false, "m.room.create", dmBen, ben, ptr(""), map[string]any{"creator": ben})
	w.happen(false, "m.room.member", dmBen, ben, ptr(ben), map[string]any{"membership": "join"})
	w.happen(false, "m.room.message", dmBen, ben, nil, map[string]any{"msgtype": "m.text", "body": "!ex status red 50"})
	w.member(dmBen, ben, botUser, "invite", true)

	// Ann's need, ❤️ on its card, a commitment.
	w.say(circle, ann, "!ex status orange 300", "")
	st, err := w.svc.StatusOf(w.ctx, ann)
	if err != nil || st.Need == "" {
		t.Fatalf("no need after status: %+v %v", st, err)
	}
	need := st.Need
	cards, err := w.svc.CardsOf(w.ctx, need)
	if err != nil || len(cards) != 1 {
		t.Fatalf("cards of the need: %v %v", cards, err)
	}
	needCard := id.EventID(cards[0].Event)
	for i := range 12 { // chatter: more events than a page
		w.say(circle, []string{ann, ben, cat}[i%3], fmt.Sprintf("hello %d", i), "")
	}
	w.react(circle, ben, needCard, "❤️")
	w.react(circle, cat, needCard, "❤️")
	w.say(circle, ben, "!ex commit 20", needCard)

	// "sent" in reply to the requisites notice in ben's direct chat, 👍 on
	// the "sent" notice in ann's.
	requisites := w.cardOf(need, ben, ledger.CardCommitment)
	w.say(dmBen, ben, "!ex sent", requisites)
	sentCard := w.cardOf(need, ann, ledger.CardSent)
	dmAnn := id.RoomID(w.svc.DirectRoomOf(w.ctx, ann))
	w.react(dmAnn, ann, sentCard, "👍")
	if p := promiseOf(w.harness, need, ben); p == nil || p.State != ledger.PromiseFulfilled {
		t.Fatalf("ben's promise: %+v", p)
	}

	// Web actions: cat commits in the circle, ben tells about himself in
	// his direct chat.
	w.act(ledger.Request{Member: cat, Need: need, Command: ledger.Command{Verb: ledger.VerbCommit, Amount: ledger.Amount{Minor: 1500, Currency: "EUR"}}})
	w.act(ledger.Request{Member: ben, Command: ledger.Command{Verb: ledger.VerbAbout, Text: "I bake bread"}})
	if p, err := w.svc.Profile(w.ctx, ben); err != nil || p.About != "I bake bread" {
		t.Fatalf("ben's profile: %+v %v", p, err)
	}

	// Two months later the clock has rolled the months over.
	w.ts = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC).UnixMilli()
	w.clock.Set(time.UnixMilli(w.ts).UTC())
	if err := w.bot.Tick(w.ctx); err != nil {
		t.Fatal(err)
	}
	w.keepSent(w.ts)
	w.clock.Advance(time.Second)

	var dmCards []id.EventID
	for _, m := range w.cli.messages() {
		if c, err := w.svc.CardByEvent(w.ctx, ledger.EventID(m.ID)); err == nil && c.Kind != ledger.CardNeed {
			dmCards = append(dmCards, m.ID)
		}
	}
	if len(dmCards) < 3 {
		t.Fatalf("notice cards in direct chats: %v, want the requisites, the sent notice and renewals", dmCards)
	}
	circles := []ledger.CircleID{ledger.CircleID(circle)}
	live := snapshot(t, w.harness, circles, []ledger.NeedID{need}, dmCards)
	if !strings.Contains(live["ops"], "tick:rollover:2026-11") {
		t.Fatalf("no rollover in the live ops:\n%s", live["ops"])
	}

	h, report := w.rebuild(1000, 4, false)
	compare(t, live, snapshot(t, h, circles, []ledger.NeedID{need}, dmCards))
	if sent := h.cli.messages(); len(sent) != 0 {
		t.Errorf("the rebuild sent %d messages: %v", len(sent), sent)
	}
	if report.Failed != 0 || report.Skipped != 1 || !slices.Equal(report.Circles, circles) || len(report.Rooms) != len(w.history) {
		t.Errorf("report %+v: want nothing failed, ben's message before the bot joined skipped, one circle, every room", report)
	}
	total := 0
	for _, r := range report.Rooms {
		total += r.Events
		if r.Events != len(w.history[r.Room]) {
			t.Errorf("%s: read %d events of %d", r.Room, r.Events, len(w.history[r.Room]))
		}
	}
	if report.Events+report.Skipped != total {
		t.Errorf("replayed %d and skipped %d of %d events", report.Events, report.Skipped, total)
	}

	// The history is in the rebuilt bot's inbox as handled: pushed again,
	// it changes nothing and gets no answer.
	pending, err := h.store.Pending(h.ctx, 10)
	if err != nil || len(pending) != 0 {
		t.Fatalf("pending after the rebuild: %v %v", pending, err)
	}
	var raws []json.RawMessage
	for _, evt := range w.history[circle] {
		raw, _ := json.Marshal(evt)
		raws = append(raws, raw)
	}
	if code := h.put(t, hsToken, "again", raws...); code != 200 {
		t.Fatalf("transaction refused: %d", code)
	}
	h.drain(t)
	if sent := h.cli.messages(); len(sent) != 0 {
		t.Errorf("history pushed again got answers: %v", sent)
	}

	// Both bots go on alike: the rebuilt one knows the cards.
	commit := w.react(circle, cat, needCard, "🤝")
	i := slices.IndexFunc(w.history[circle], func(e *event.Event) bool { return e.ID == commit })
	raw, _ := json.Marshal(w.history[circle][i])
	if code := h.put(t, hsToken, "next", raw); code != 200 {
		t.Fatalf("transaction refused: %d", code)
	}
	h.drain(t)
	if p := promiseOf(h, need, cat); p == nil || p.State != ledger.PromiseCommitment {
		t.Fatalf("cat's promise on the rebuilt bot after 🤝: %+v", p)
	}
	live, rebuilt := snapshot(t, w.harness, circles, []ledger.NeedID{need}, dmCards), snapshot(t, h, circles, []ledger.NeedID{need}, dmCards)
	delete(live, "cards "+string(need)) // each bot posted its own notice of cat's commitment
	delete(rebuilt, "cards "+string(need))
	compare(t, live, rebuilt)
}

// lastSentIn is the live bot's latest message in room.
func (w *rebuildWorld) lastSentIn(room id.RoomID) id.EventID {
	w.t.Helper()
	msgs := inRoom(w.cli.messages(), room)
	if len(msgs) == 0 {
		w.t.Fatalf("nothing sent in %s", room)
	}
	return msgs[len(msgs)-1].ID
}

// cardOf is the latest notice card of kind about member's side of need.
func (w *rebuildWorld) cardOf(need ledger.NeedID, member string, kind ledger.CardKind) id.EventID {
	w.t.Helper()
	dm := w.svc.DirectRoomOf(w.ctx, ledger.UserID(member))
	var found id.EventID
	for _, m := range inRoom(w.cli.messages(), dm) {
		if c, err := w.svc.CardByEvent(w.ctx, ledger.EventID(m.ID)); err == nil && c.Need == need && c.Kind == kind {
			found = m.ID
		}
	}
	if found == "" {
		w.t.Fatalf("no %s card for %s in %s", kind, member, dm)
	}
	return found
}

// promiseOf is the giver's latest promise toward need, or nil.
func promiseOf(h *harness, need ledger.NeedID, giver ledger.UserID) *ledger.Promise {
	var found *ledger.Promise
	_ = h.svc.View(h.ctx, func(b *ledger.Book) error {
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

// The replay runs on the events' clock: a member who sent a command a
// minute, under a limit of two a minute, is not cut short by a rebuild
// that replays them all in an instant (as it would be on the wall clock),
// and a date typed without a year means the same year.
func TestRebuildReplaysOnTheEventsClock(t *testing.T) {
	w := newRebuildWorld(t, 2)
	const circle = id.RoomID("!c:test")
	w.happen(true, "m.room.create", circle, botUser, ptr(""), map[string]any{"creator": botUser})
	w.member(circle, botUser, botUser, "join", false)
	w.happen(true, bot.CircleStateType.Type, circle, botUser, ptr(""), map[string]any{"name": "Clock", "pledge_minor": 1000,
		"currency": "EUR", "lang": "en", "owner": ann, "answering_bot": botUser, "version": 1})
	w.member(circle, ann, ann, "join", false)
	for i, body := range []string{"!ex status orange 100", "!ex status green", "!ex status orange 200", "!ex status green", "!ex status orange 300"} {
		w.ts += 60_000
		w.say(circle, ann, body, "")
		if st, _ := w.svc.StatusOf(w.ctx, ann); (i%2 == 0) != (st.Status == ledger.StatusOrange) {
			t.Fatalf("after %q ann is %s", body, st.Status)
		}
	}
	w.ts += 60_000
	w.say(circle, ben, `!ex initiative "Roof" 500 by 01.10`, "") // the coming 1 October
	w.clock.Set(time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC))
	if err := w.bot.Tick(w.ctx); err != nil {
		t.Fatal(err)
	}
	w.keepSent(w.clock.Now().UnixMilli())
	circles := []ledger.CircleID{ledger.CircleID(circle)}
	live := snapshot(t, w.harness, circles, nil, nil)
	if !strings.Contains(live["canonical !c:test"], "initiative") || !strings.Contains(live["ops"], "tick:deadline:") {
		t.Fatalf("no initiative in the live ledger:\n%s", live["canonical !c:test"])
	}

	h, _ := w.rebuild(2, 100, false)
	compare(t, live, snapshot(t, h, circles, nil, nil))

	// The check of the check: on the wall clock (here the test's fixed
	// one) the limit cuts the replay short.
	h, _ = w.rebuild(2, 100, true)
	if wall := snapshot(t, h, circles, nil, nil); reflect.DeepEqual(wall, live) {
		t.Error("a replay on the wall clock gave the live ledger too: the test checks nothing")
	}
}

// A room whose history is longer than the limit fails the rebuild before
// anything is changed.
func TestRebuildRefusesATruncatedHistory(t *testing.T) {
	w := newRebuildWorld(t, 1000)
	const circle = id.RoomID("!c:test")
	w.happen(true, "m.room.create", circle, botUser, ptr(""), map[string]any{"creator": botUser})
	w.member(circle, botUser, botUser, "join", false)
	w.happen(true, bot.CircleStateType.Type, circle, botUser, ptr(""), map[string]any{"name": "Long", "pledge_minor": 1000,
		"currency": "EUR", "lang": "en", "owner": ann, "answering_bot": botUser, "version": 1})
	for i := range 10 {
		w.say(circle, ann, fmt.Sprint("hello ", i), "")
	}
	h := newBareHarness(t, ledger.NewManualClock(w.clock.Now()), 1000)
	h.cli.timeline = w.timelines()
	_, err := h.replica.Rebuild(h.ctx, replica.Options{PageSize: 3, MaxEventsPerRoom: 8})
	if err == nil || !strings.Contains(err.Error(), "more than 8 events") {
		t.Fatalf("rebuild of a room over the limit: %v", err)
	}
	if empty, err := h.store.LedgerEmpty(h.ctx); err != nil || !empty {
		t.Fatalf("ledger empty after a refused rebuild: %v %v", empty, err)
	}
}

// redact makes a redaction of target, delivered to the live bot, and
// strips target's content in the history, as a homeserver serves it then.
func (w *rebuildWorld) redact(room id.RoomID, sender string, target id.EventID) {
	w.t.Helper()
	w.happen(true, "m.room.redaction", room, sender, nil, map[string]any{"redacts": target})
	for _, evt := range w.history[room] {
		if evt.ID == target {
			evt.Content = event.Content{Raw: map[string]any{}}
		}
	}
}

// A command, a 🤝 and a 👍 whose events were removed afterwards still
// count live (only removing a ❤️ undoes something): a rebuild, which finds
// those events stripped of their content, gives the same ledger.
func TestRebuildAfterRemovedEventsThatStillCount(t *testing.T) {
	w := newRebuildWorld(t, 1000)
	const circle = id.RoomID("!c:test")
	w.happen(true, "m.room.create", circle, botUser, ptr(""), map[string]any{"creator": botUser})
	w.member(circle, botUser, botUser, "join", false)
	w.happen(true, bot.CircleStateType.Type, circle, botUser, ptr(""), map[string]any{"name": "Redacted", "pledge_minor": 1000,
		"currency": "EUR", "lang": "en", "owner": ann, "answering_bot": botUser, "version": 1})
	w.member(circle, ann, ann, "join", false)
	w.member(circle, ben, ben, "join", false)
	status := w.say(circle, ann, "!ex status orange 300", "")
	st, _ := w.svc.StatusOf(w.ctx, ann)
	cards, err := w.svc.CardsOf(w.ctx, st.Need)
	if err != nil || len(cards) != 1 {
		t.Fatalf("cards of ann's need: %v %v", cards, err)
	}
	need, needCard := st.Need, id.EventID(cards[0].Event)
	commit := w.react(circle, ben, needCard, "🤝")
	w.redact(circle, ben, commit)
	w.redact(circle, ann, status)
	if p := promiseOf(w.harness, need, ben); p == nil || p.State != ledger.PromiseCommitment {
		t.Fatalf("ben's promise after removing his 🤝: %+v", p)
	}
	circles := []ledger.CircleID{ledger.CircleID(circle)}
	live := snapshot(t, w.harness, circles, []ledger.NeedID{need}, nil)
	h, _ := w.rebuild(1000, 100, false)
	rebuilt := snapshot(t, h, circles, []ledger.NeedID{need}, nil)
	for _, k := range []string{"cards " + string(need), "ops"} {
		delete(live, k) // the live bot's notices of the removals are its own
		delete(rebuilt, k)
	}
	compare(t, live, rebuilt)
}

// A member who was in the room when it became a circle, took part, and
// left later: the rebuild counts them as in the circle until they left,
// as the live bot did, not as the room's members are now.
func TestRebuildKnowsWhoWasInTheCircleThen(t *testing.T) {
	w := newRebuildWorld(t, 1000)
	const circle = id.RoomID("!c:test")
	w.cli.joined = map[id.RoomID][]id.UserID{circle: {botUser, ann, ben, cat}}
	w.happen(true, "m.room.create", circle, botUser, ptr(""), map[string]any{"creator": botUser})
	w.member(circle, botUser, botUser, "join", false)
	for _, u := range []string{ann, ben, cat} {
		w.member(circle, u, u, "join", false)
	}
	w.happen(true, bot.CircleStateType.Type, circle, botUser, ptr(""), map[string]any{"name": "Then", "pledge_minor": 1000,
		"currency": "EUR", "lang": "en", "owner": ann, "answering_bot": botUser, "version": 1})
	w.say(circle, ann, "!ex status orange 300", "")
	st, _ := w.svc.StatusOf(w.ctx, ann)
	cards, err := w.svc.CardsOf(w.ctx, st.Need)
	if err != nil || len(cards) != 1 {
		t.Fatalf("cards of ann's need: %v %v", cards, err)
	}
	w.react(circle, cat, id.EventID(cards[0].Event), "❤️")
	if p := promiseOf(w.harness, st.Need, cat); p == nil || p.State != ledger.PromiseIntention {
		t.Fatalf("cat's promise: %+v", p)
	}
	w.cli.joined[circle] = []id.UserID{botUser, ann, ben}
	w.member(circle, cat, cat, "leave", false)

	circles := []ledger.CircleID{ledger.CircleID(circle)}
	live := snapshot(t, w.harness, circles, []ledger.NeedID{st.Need}, nil)
	rc := replica.NewReplayClock(ledger.NewManualClock(w.clock.Now()))
	h := newBareHarness(t, rc, 1000)
	h.cli.timeline = w.timelines()
	h.cli.joined = map[id.RoomID][]id.UserID{circle: {botUser, ann, ben}} // as the room is now
	if _, err := h.replica.Rebuild(h.ctx, replica.Options{Clock: rc}); err != nil {
		t.Fatal(err)
	}
	compare(t, live, snapshot(t, h, circles, []ledger.NeedID{st.Need}, nil))
}
