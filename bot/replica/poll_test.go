package replica_test

import (
	"testing"

	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/bot"
	"github.com/exodus-matrix/exodus/ledger"
)

// Poll answers of both forms (ben's stable m.poll.response, cat's
// unstable one) are rebuilt from the rooms as the live bot counted them:
// the same intentions, cards and digest, and nothing sent.
func TestRebuildCountsPollAnswersOfBothForms(t *testing.T) {
	w := newRebuildWorld(t, 1000)
	const circle = id.RoomID("!c:test")
	w.happen(true, "m.room.create", circle, botUser, ptr(""), map[string]any{"creator": botUser})
	w.member(circle, botUser, botUser, "join", false)
	w.happen(true, bot.CircleStateType.Type, circle, botUser, ptr(""), map[string]any{"name": "Polls", "pledge_minor": 1000,
		"currency": "EUR", "lang": "en", "owner": ann, "answering_bot": botUser, "version": 1})
	for _, u := range []string{ann, ben, cat} {
		w.member(circle, u, u, "join", false)
	}
	w.say(circle, ann, `!ex initiative "Roof" 100 by 2026-12-20`, "")
	var need ledger.NeedID
	var poll id.EventID
	for _, m := range inRoom(w.cli.messages(), circle) {
		if c, err := w.svc.Aid.CardByEvent(w.ctx, ledger.EventID(m.ID)); err == nil && c.Kind == bot.CardPoll {
			need, poll = c.Need, m.ID
		}
	}
	if poll == "" {
		t.Fatal("no poll card")
	}
	ref := map[string]any{"rel_type": "m.reference", "event_id": poll}
	w.happen(true, "m.poll.response", circle, ben, nil, map[string]any{"m.relates_to": ref, "m.selections": []string{"a2500"}})
	w.happen(true, "org.matrix.msc3381.poll.response", circle, cat, nil, map[string]any{"m.relates_to": ref,
		"org.matrix.msc3381.poll.response": map[string]any{"answers": []string{"a5000"}}})
	for who, want := range map[ledger.UserID]int64{ben: 2500, cat: 5000} {
		if p := promiseOf(w.harness, need, who); p == nil || p.State != ledger.PromiseIntention || p.Amount.Minor != want {
			t.Fatalf("%s's intention on the live bot: %+v", who, p)
		}
	}
	circles := []ledger.CircleID{ledger.CircleID(circle)}
	live := snapshot(t, w.harness, circles, []ledger.NeedID{need}, nil)
	h, _ := w.rebuild(1000, 4, false)
	compare(t, live, snapshot(t, h, circles, []ledger.NeedID{need}, nil))
	if sent := h.cli.messages(); len(sent) != 0 {
		t.Errorf("the rebuild sent %v", sent)
	}
}
