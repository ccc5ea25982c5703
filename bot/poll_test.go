package bot_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/bot"
	"github.com/exodus-matrix/exodus/ledger"
)

// parsed is an event of type typ with content as a homeserver sends it,
// parsed as the intake parses it.
func parsed(t *testing.T, typ string, content map[string]any) bot.PollAnswer {
	t.Helper()
	raw, _ := json.Marshal(map[string]any{"event_id": "$v", "room_id": "!r:test", "sender": bob, "type": typ,
		"origin_server_ts": 1, "content": content})
	evt, err := bot.ParseEvent(raw)
	if err != nil {
		t.Fatal(err)
	}
	pa, ok := bot.ParsePollAnswer(evt)
	if !ok {
		return bot.PollAnswer{Start: "<none>"}
	}
	return pa
}

var toPoll = map[string]any{"rel_type": "m.reference", "event_id": "$poll"}

// A poll response is read in both forms: the stable m.poll.response with
// m.selections (and the draft's m.poll.response object some SDKs send),
// the unstable one with its answers; an empty selection is an answer
// withdrawn; one without a reference, with a selection block of no form,
// or with selections that are not IDs, is none.
func TestPollAnswersOfBothForms(t *testing.T) {
	none := bot.PollAnswer{Start: "<none>"}
	cases := []struct {
		name, typ string
		content   map[string]any
		want      bot.PollAnswer
	}{
		{"stable", "m.poll.response", map[string]any{"m.relates_to": toPoll, "m.selections": []string{"a500"}},
			bot.PollAnswer{Start: "$poll", Answers: []string{"a500"}}},
		{"stable, none selected", "m.poll.response", map[string]any{"m.relates_to": toPoll, "m.selections": []string{}},
			bot.PollAnswer{Start: "$poll", Answers: []string{}}},
		{"stable type, draft content", "m.poll.response", map[string]any{"m.relates_to": toPoll,
			"m.poll.response": map[string]any{"answers": []string{"a1000"}}}, bot.PollAnswer{Start: "$poll", Answers: []string{"a1000"}}},
		{"unstable", "org.matrix.msc3381.poll.response", map[string]any{"m.relates_to": toPoll,
			"org.matrix.msc3381.poll.response": map[string]any{"answers": []string{"a2000"}}}, bot.PollAnswer{Start: "$poll", Answers: []string{"a2000"}}},
		{"unstable, none selected", "org.matrix.msc3381.poll.response", map[string]any{"m.relates_to": toPoll,
			"org.matrix.msc3381.poll.response": map[string]any{"answers": []string{}}}, bot.PollAnswer{Start: "$poll", Answers: []string{}}},
		{"unstable type, stable content", "org.matrix.msc3381.poll.response", map[string]any{"m.relates_to": toPoll,
			"m.selections": []string{"a500"}}, none},
		{"no reference", "m.poll.response", map[string]any{"m.selections": []string{"a500"}}, none},
		{"a reply, not a reference", "m.poll.response", map[string]any{"m.selections": []string{"a500"},
			"m.relates_to": map[string]any{"m.in_reply_to": map[string]any{"event_id": "$poll"}}}, none},
		{"no selections", "m.poll.response", map[string]any{"m.relates_to": toPoll}, none},
		{"selections not IDs", "m.poll.response", map[string]any{"m.relates_to": toPoll, "m.selections": []any{5}}, none},
		{"selections not a list", "m.poll.response", map[string]any{"m.relates_to": toPoll, "m.selections": "a500"}, none},
		{"not a response", "m.room.message", map[string]any{"m.relates_to": toPoll, "m.selections": []string{"a500"}}, none},
	}
	for _, c := range cases {
		if got := parsed(t, c.typ, c.content); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %+v; want %+v", c.name, got, c.want)
		}
	}
}

// answerPoll sends a poll response of type typ (stable or unstable form)
// selecting answers.
func (w *aidWorld) answerPoll(typ, sender string, poll id.EventID, answers ...string) id.EventID {
	content := map[string]any{"m.relates_to": map[string]any{"rel_type": "m.reference", "event_id": poll}}
	if typ == "m.poll.response" {
		content["m.selections"] = answers
	} else {
		content[typ] = map[string]any{"answers": answers}
	}
	evt, raw := w.event(typ, w.circle, sender, content, nil)
	w.deliver(raw)
	return evt
}

// pollEnds are the bot's poll end events since k, of either form.
func (w *aidWorld) pollEnds(k int) []sentMessage {
	var out []sentMessage
	for _, m := range w.sentSince(k) {
		if m.Type == "org.matrix.msc3381.poll.end" || m.Type == "m.poll.end" {
			out = append(out, m)
		}
	}
	return out
}

// checkPollEnd fails unless ends is one unstable end of poll in the
// circle, with a text fallback that says why.
func checkPollEnd(t *testing.T, w *aidWorld, ends []sentMessage, poll id.EventID, why string) {
	t.Helper()
	if len(ends) != 1 {
		t.Fatalf("poll ends: %+v; want one", ends)
	}
	e := ends[0]
	rel, _ := e.Content["m.relates_to"].(map[string]any)
	fallback, _ := e.Content["org.matrix.msc1767.text"].(string)
	if e.Type != "org.matrix.msc3381.poll.end" || string(e.Room) != string(w.circle) || rel["rel_type"] != "m.reference" ||
		rel["event_id"] != string(poll) || e.Content["org.matrix.msc3381.poll.end"] == nil || !strings.Contains(fallback, why) {
		t.Fatalf("poll end %+v; want an unstable end of %s in the circle saying %q", e, poll, why)
	}
}

// An answer to an initiative's poll counts in either form: bob answers
// with the stable type, carol with the unstable one, bob changes his
// answer and takes it back. When commitments fund it the bot ends the
// poll (the unstable end, as it started it), once: an answer sent after
// that changes nothing and is answered, and marking it done ends nothing
// more.
func TestPollAnswersCountInBothFormsAndFundingEndsThePoll(t *testing.T) {
	w := newAidWorld(t)
	k := w.sentCount()
	w.say(w.circle, alice, `!ex initiative "Roof" 100 by 2026-12-20`)
	poll, need := w.cardOf(w.circle, "initiative_poll", k)
	card, _ := w.cardOf(w.circle, "initiative", k)
	if typ := inRoom(w.sentSince(k), w.circle); !hasType(typ, poll, "org.matrix.msc3381.poll.start") {
		t.Fatalf("the poll was not started with the unstable type: %+v", typ)
	}
	intended := func(who string, minor int64) {
		t.Helper()
		p := w.promise(need, ledger.UserID(who))
		if minor == 0 && (p == nil || p.State != ledger.PromiseIntention) {
			return
		}
		if p == nil || p.State != ledger.PromiseIntention || p.Amount.Minor != minor {
			t.Fatalf("%s's intention: %+v; want %d", who, p, minor)
		}
	}
	w.answerPoll("m.poll.response", bob, poll, "a2500")
	intended(bob, 2500)
	w.answerPoll("org.matrix.msc3381.poll.response", carol, poll, "a5000")
	intended(carol, 5000)
	w.answerPoll("m.poll.response", bob, poll, "a5000")
	intended(bob, 5000)
	w.answerPoll("m.poll.response", bob, poll)
	intended(bob, 0)
	w.answerPoll("m.poll.response", bob, poll, "a5000")
	intended(bob, 5000)
	if ends := w.pollEnds(k); len(ends) != 0 {
		t.Fatalf("the poll ended before the initiative was funded: %+v", ends)
	}

	k = w.sentCount()
	w.reply(w.circle, bob, card, "commit")
	w.reply(w.circle, carol, card, "commit")
	checkPollEnd(t, w, w.pollEnds(k), poll, "is funded")

	k = w.sentCount()
	w.answerPoll("m.poll.response", dave, poll, "a1000")
	if p := w.promise(need, dave); p != nil {
		t.Fatalf("dave's answer after the poll ended: %+v", p)
	}
	if m := w.lastIn(w.circle); !strings.Contains(body(m), "has ended") {
		t.Fatalf("dave's late answer got %q", body(m))
	}
	w.answerPoll("org.matrix.msc3381.poll.response", bob, poll)
	if p := w.promise(need, bob); p == nil || p.State != ledger.PromiseCommitment {
		t.Fatalf("bob's commitment after his late answer: %+v", p)
	}
	w.say(w.circle, alice, "!ex done Built")
	if ends := w.pollEnds(k); len(ends) != 0 {
		t.Fatalf("the poll ended again: %+v", ends)
	}
}

func hasType(msgs []sentMessage, evt id.EventID, typ string) bool {
	for _, m := range msgs {
		if m.ID == evt {
			return m.Type == typ
		}
	}
	return false
}

// An initiative marked done before it was funded ends its poll; one whose
// deadline passes unfunded ends it when the clock expires it.
func TestDoneAndExpiryEndThePoll(t *testing.T) {
	w := newAidWorld(t)
	k := w.sentCount()
	w.say(w.circle, alice, `!ex initiative "Roof" 100 by 2026-12-20`)
	roof, _ := w.cardOf(w.circle, "initiative_poll", k)
	w.answerPoll("m.poll.response", bob, roof, "a2500")
	k = w.sentCount()
	w.say(w.circle, alice, "!ex done Built it ourselves")
	checkPollEnd(t, w, w.pollEnds(k), roof, "is done")

	k = w.sentCount()
	w.say(w.circle, carol, `!ex initiative "Bench" 200 by 2026-12-20`)
	bench, need := w.cardOf(w.circle, "initiative_poll", k)
	w.answerPoll("org.matrix.msc3381.poll.response", bob, bench, "a10000")
	k = w.sentCount()
	w.clock.Set(time.Date(2026, 12, 22, 0, 0, 0, 0, time.UTC))
	if err := w.bot.Clock().Tick(w.ctx); err != nil {
		t.Fatal(err)
	}
	if v, err := w.svc.Aid.Need(w.ctx, need); err != nil || v.Need.State != ledger.NeedExpired {
		t.Fatalf("the bench after its deadline: %+v %v", v, err)
	}
	checkPollEnd(t, w, w.pollEnds(k), bench, "was not funded")
}

// A bot following a circle another bot answers counts poll answers of
// both forms as the answering bot does, and leaves ending the poll to it.
func TestFollowerCountsPollAnswersOfBothForms(t *testing.T) {
	w := newFedWorld(t)
	w.say(alice, "", `!ex initiative "Roof" 100 by 2026-12-20`)
	var poll, card id.EventID
	var need ledger.NeedID
	for _, m := range inRoom(w.a.cli.messages(), w.circle) {
		typ, data := ns(m)
		if m.Content["m.relates_to"] != nil {
			continue
		}
		switch typ {
		case "initiative_poll":
			poll, need = m.ID, ledger.NeedID(data["need"].(string))
		case "initiative":
			card = m.ID
		}
	}
	if c, err := w.b.svc.Aid.CardByEvent(w.b.ctx, ledger.EventID(poll)); err != nil || c.Kind != bot.CardPoll || c.Need != need {
		t.Fatalf("botB did not learn botA's poll %s: %+v %v", poll, c, err)
	}
	ref := map[string]any{"rel_type": "m.reference", "event_id": poll}
	w.feed(w.event("m.poll.response", bob, map[string]any{"m.relates_to": ref, "m.selections": []string{"a5000"}}, nil), w.a, w.b)
	w.feed(w.event("org.matrix.msc3381.poll.response", owner, map[string]any{"m.relates_to": ref,
		"org.matrix.msc3381.poll.response": map[string]any{"answers": []string{"a5000"}}}, nil), w.a, w.b)
	w.relay(w.a, w.b)
	for _, p := range []*peer{w.a, w.b} {
		for _, u := range []ledger.UserID{bob, owner} {
			if q := p.promise(need, u); q == nil || q.State != ledger.PromiseIntention || q.Amount.Minor != 5000 {
				t.Fatalf("%s: %s's poll answer: %+v", p.user, u, q)
			}
		}
	}
	w.sameLedger()
	k := len(w.a.cli.messages())
	w.say(bob, card, "commit")
	w.say(owner, card, "commit")
	var ends int
	for _, m := range w.a.cli.messages()[k:] {
		if m.Type == "org.matrix.msc3381.poll.end" {
			ends++
		}
	}
	if ends != 1 {
		t.Fatalf("botA ended the poll %d times; want once", ends)
	}
	w.sameLedger()
	if said := w.b.cli.said(); said != "" {
		t.Fatalf("the silent bot said: %s", said)
	}
}

// A stable poll answer the homeserver did not push is found by the
// reconciliation in the poll's room and counts like a pushed one.
func TestReconcileFindsAStablePollAnswer(t *testing.T) {
	w := newAidWorld(t)
	k := w.sentCount()
	w.say(w.circle, alice, `!ex initiative "Roof" 100 by 2026-12-20`)
	poll, need := w.cardOf(w.circle, "initiative_poll", k)
	_, raw := w.event("m.poll.response", w.circle, carol, map[string]any{
		"m.relates_to": map[string]any{"rel_type": "m.reference", "event_id": poll}, "m.selections": []string{"a2500"}}, nil)
	w.cli.timeline = map[id.RoomID][]*event.Event{id.RoomID(w.circle): {timelineEvent(t, raw)}}
	if n := w.reconcile(); n != 1 {
		t.Fatalf("reconcile added %d events; want carol's answer", n)
	}
	if p := w.promise(need, carol); p == nil || p.State != ledger.PromiseIntention || p.Amount.Minor != 2500 {
		t.Fatalf("carol's answer found by reconciliation: %+v", p)
	}
}
