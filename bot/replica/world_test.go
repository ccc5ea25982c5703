package replica_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

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
	if _, err := w.bot.WebActor().Act(w.ctx, req); err != nil {
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
		evt := &event.Event{ID: m.ID, RoomID: m.Room, Sender: botUser, Type: event.Type{Type: m.Type}, Timestamp: at,
			Content: event.Content{Raw: m.Content}}
		w.history[m.Room] = append(w.history[m.Room], evt)
	}
	w.sent = len(msgs)
}

// directMember is the member whose direct chat the bot opened as room.
func (w *rebuildWorld) directMember(room id.RoomID) string {
	for _, u := range []string{ann, ben, cat} {
		if w.svc.Members.DirectRoomOf(w.ctx, ledger.UserID(u)) == ledger.RoomID(room) {
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
		l, err := h.svc.Aid.CircleLedger(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		out["digest "+string(c)] = l.Digest()
		out["canonical "+string(c)] = string(l.Canonical())
		circle, err := h.svc.Circles.Get(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		out["circle "+string(c)] = fmt.Sprintf("%+v", *circle)
	}
	for _, u := range []ledger.UserID{ann, ben, cat} {
		ml, err := h.svc.Aid.MemberLedger(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		out["member ledger "+string(u)] = fmt.Sprintf("%+v", *ml)
		out["direct room "+string(u)] = string(h.svc.Members.DirectRoomOf(ctx, u))
		if p, err := h.svc.Members.Profile(ctx, u); err == nil {
			out["profile "+string(u)] = fmt.Sprintf("%+v", *p)
		}
		tl, err := h.svc.Trust.TrustListOf(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		out["trust "+string(u)] = fmt.Sprint(tl.Count())
	}
	for _, n := range needs {
		v, err := h.svc.Aid.Need(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		out["need "+string(n)] = fmt.Sprintf("%+v %+v", v.Need, v.Totals)
		var ps []string
		_ = h.svc.Aid.View(ctx, func(b *ledger.Book) error {
			for _, p := range b.PromisesToward(n) {
				ps = append(ps, fmt.Sprintf("%+v", *p))
			}
			return nil
		})
		slices.Sort(ps)
		out["promises "+string(n)] = strings.Join(ps, "\n")
		cards, err := h.svc.Aid.CardsOf(ctx, n)
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
		c, err := h.svc.Aid.CardByEvent(ctx, ledger.EventID(e))
		out["card "+string(e)] = fmt.Sprintf("%+v %v", c, err)
	}
	ops, err := h.store.Aid.Ops(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var os []string
	for _, op := range ops {
		os = append(os, fmt.Sprintf("%s %s %s %d %s %s", op.Event, op.Kind, op.Actor, op.At.UnixMilli(), op.Need, op.Amount))
	}
	out["ops"] = strings.Join(os, "\n")
	guarantees, err := h.store.Trust.Guarantees(ctx)
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
	dm := w.svc.Members.DirectRoomOf(w.ctx, ledger.UserID(member))
	var found id.EventID
	for _, m := range inRoom(w.cli.messages(), dm) {
		if c, err := w.svc.Aid.CardByEvent(w.ctx, ledger.EventID(m.ID)); err == nil && c.Need == need && c.Kind == kind {
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
	_ = h.svc.Aid.View(h.ctx, func(b *ledger.Book) error {
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
