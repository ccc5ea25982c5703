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
	st, err := w.svc.Aid.StatusOf(w.ctx, ann)
	if err != nil || st.Need == "" {
		t.Fatalf("no need after status: %+v %v", st, err)
	}
	need := st.Need
	cards, err := w.svc.Aid.CardsOf(w.ctx, need)
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
	dmAnn := id.RoomID(w.svc.Members.DirectRoomOf(w.ctx, ann))
	w.react(dmAnn, ann, sentCard, "👍")
	if p := promiseOf(w.harness, need, ben); p == nil || p.State != ledger.PromiseFulfilled {
		t.Fatalf("ben's promise: %+v", p)
	}

	// Web actions: cat commits in the circle, ben tells about himself in
	// his direct chat.
	w.act(ledger.Request{Member: cat, Need: need, Command: ledger.Command{Verb: ledger.VerbCommit, Amount: ledger.Amount{Minor: 1500, Currency: "EUR"}}})
	w.act(ledger.Request{Member: ben, Command: ledger.Command{Verb: ledger.VerbAbout, Text: "I bake bread"}})
	if p, err := w.svc.Members.Profile(w.ctx, ben); err != nil || p.About != "I bake bread" {
		t.Fatalf("ben's profile: %+v %v", p, err)
	}

	// Two months later the clock has rolled the months over.
	w.ts = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC).UnixMilli()
	w.clock.Set(time.UnixMilli(w.ts).UTC())
	if err := w.bot.Clock().Tick(w.ctx); err != nil {
		t.Fatal(err)
	}
	w.keepSent(w.ts)
	w.clock.Advance(time.Second)

	var dmCards []id.EventID
	for _, m := range w.cli.messages() {
		if c, err := w.svc.Aid.CardByEvent(w.ctx, ledger.EventID(m.ID)); err == nil && c.Kind != ledger.CardNeed {
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
		if st, _ := w.svc.Aid.StatusOf(w.ctx, ann); (i%2 == 0) != (st.Status == ledger.StatusOrange) {
			t.Fatalf("after %q ann is %s", body, st.Status)
		}
	}
	w.ts += 60_000
	w.say(circle, ben, `!ex initiative "Roof" 500 by 01.10`, "") // the coming 1 October
	w.clock.Set(time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC))
	if err := w.bot.Clock().Tick(w.ctx); err != nil {
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
	st, _ := w.svc.Aid.StatusOf(w.ctx, ann)
	cards, err := w.svc.Aid.CardsOf(w.ctx, st.Need)
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
	st, _ := w.svc.Aid.StatusOf(w.ctx, ann)
	cards, err := w.svc.Aid.CardsOf(w.ctx, st.Need)
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
