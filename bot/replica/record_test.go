package replica_test

import (
	"encoding/json"
	"slices"
	"testing"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/bot"
	"github.com/exodus-matrix/exodus/bot/replica"
	"github.com/exodus-matrix/exodus/ledger"
)

// recordCircle is the circle of recordWorld.
const recordCircle = id.RoomID("!c:test")

// recordWorld is a live bot's circle where ann needs help and ben, who
// committed, said "sent" in his direct chat: the bot recorded it in the
// circle (the record event it returns).
func recordWorld(t *testing.T) (*rebuildWorld, ledger.NeedID, *event.Event) {
	t.Helper()
	w := newRebuildWorld(t, 1000)
	const circle = recordCircle
	w.happen(true, "m.room.create", circle, botUser, ptr(""), map[string]any{"creator": botUser})
	w.member(circle, botUser, botUser, "join", false)
	w.happen(true, bot.CircleStateType.Type, circle, botUser, ptr(""), map[string]any{"name": "Records", "pledge_minor": 1000,
		"currency": "EUR", "lang": "en", "owner": ann, "answering_bot": botUser, "version": 1})
	w.member(circle, ann, ann, "join", false)
	w.member(circle, ben, ben, "join", false)
	w.say(circle, ann, "!ex invite "+ben, "")
	w.say(circle, ben, "!ex accept", w.lastSentIn(circle))
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
	w.say(circle, ben, "!ex commit 20", id.EventID(cards[0].Event))
	dm := id.RoomID(w.svc.Members.DirectRoomOf(w.ctx, ben))
	w.say(dm, ben, "!ex sent", w.cardOf(need, ben, ledger.CardCommitment))
	if p := promiseOf(w.harness, need, ben); p == nil || p.State != ledger.PromiseSent {
		t.Fatalf("ben's live promise: %+v", p)
	}
	var record *event.Event
	for _, e := range w.history[circle] {
		if e.Type.Type == bot.RecordType.Type {
			record = e
		}
	}
	if record == nil {
		t.Fatal("the bot recorded ben's sent in no record event")
	}
	return w, need, record
}

// A "sent" said in a direct chat reaches a rebuild of the circle only by
// the bot's record in the circle. Rebuilt from the circle alone, the
// promise is sent whether the record is a record event or, as in rooms
// from before record events, an m.notice relay; a record a member posted
// counts for nothing.
func TestRebuildFollowsRecordsOldAndNew(t *testing.T) {
	w, need, record := recordWorld(t)
	newForm := record.Content.Raw
	// The circle's history alone, its record in each form.
	oldForm := map[string]any{"msgtype": "m.notice", "body": "📒 Recorded for every bot of this circle: " + ben + ", in a direct chat: `sent`.",
		bot.Namespace: map[string]any{"type": "relay", "data": map[string]any{"ops": newForm["ops"]}}}
	cases := []struct {
		name, typ, sender string
		content           map[string]any
		want              ledger.PromiseState
	}{
		{"record event", bot.RecordType.Type, botUser, newForm, ledger.PromiseSent},
		{"old m.notice relay", "m.room.message", botUser, oldForm, ledger.PromiseSent},
		{"record by a member", bot.RecordType.Type, ann, newForm, ledger.PromiseCommitment},
		{"old relay by a member", "m.room.message", ann, oldForm, ledger.PromiseCommitment},
	}
	var digests []string
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			history := map[id.RoomID][]*event.Event{}
			for _, e := range w.history[recordCircle] {
				if e.ID == record.ID {
					e = &event.Event{ID: e.ID, RoomID: e.RoomID, Sender: id.UserID(tc.sender), Timestamp: e.Timestamp,
						Type: event.Type{Type: tc.typ}, Content: event.Content{Raw: tc.content}}
				}
				history[recordCircle] = append([]*event.Event{e}, history[recordCircle]...) // newest first
			}
			rc := replica.NewReplayClock(ledger.NewManualClock(w.clock.Now()))
			h := newBareHarness(t, rc, 1000)
			h.cli.timeline = history
			if _, err := h.replica.Rebuild(h.ctx, replica.Options{PageSize: 7, Clock: rc}); err != nil {
				t.Fatal(err)
			}
			if p := promiseOf(h, need, ben); p == nil || p.State != tc.want {
				t.Fatalf("ben's rebuilt promise: %+v, want %s", p, tc.want)
			}
			if tc.want == ledger.PromiseSent {
				l, err := h.svc.Aid.CircleLedger(h.ctx, ledger.CircleID(recordCircle))
				if err != nil {
					t.Fatal(err)
				}
				digests = append(digests, l.Digest())
			}
		})
	}
	if len(digests) != 2 || digests[0] != digests[1] {
		t.Fatalf("the two forms rebuilt different ledgers: %v", digests)
	}
}

// A bot invited into a circle another (trusted) bot answers in catches up
// with its history: ben's "sent", said in a direct chat it never sees,
// counts for it through the answering bot's record, and both bots hold
// the same ledger of the circle.
func TestCatchUpFollowsRecords(t *testing.T) {
	w, need, _ := recordWorld(t)
	h := followerCatchesUp(t, w, nil)
	if p := promiseOf(h, need, ben); p == nil || p.State != ledger.PromiseSent {
		t.Fatalf("ben's promise for the bot that caught up: %+v", p)
	}
	live, err := w.svc.Aid.CircleLedger(w.ctx, ledger.CircleID(recordCircle))
	if err != nil {
		t.Fatal(err)
	}
	caught, err := h.svc.Aid.CircleLedger(h.ctx, ledger.CircleID(recordCircle))
	if err != nil {
		t.Fatal(err)
	}
	if live.Digest() != caught.Digest() {
		t.Fatalf("the ledgers differ:\nlive:\n%s\ncaught up:\n%s", live.Canonical(), caught.Canonical())
	}
}

// followerCatchesUp starts a bot of another server that follows the
// records circle of w (with decrypter d, if any) and has it invited into
// the circle and catch up with its history; it returns the follower.
func followerCatchesUp(t *testing.T, w *rebuildWorld, d bot.Decrypter) *harness {
	t.Helper()
	return followerCatchesUpWith(t, w, d, nil)
}

// followerCatchesUpWith is followerCatchesUp, with setup (nil: none)
// called on the follower's harness before it is invited.
func followerCatchesUpWith(t *testing.T, w *rebuildWorld, d bot.Decrypter, setup func(*harness)) *harness {
	t.Helper()
	const follower = id.UserID("@exodus:other.test")
	rc := replica.NewReplayClock(ledger.NewManualClock(w.clock.Now()))
	h := newHarnessAs(t, rc, 1000, follower, botUser)
	if d != nil {
		h.replica.SetDecrypter(d)
	}
	history := slices.Clone(w.history[recordCircle])
	slices.Reverse(history) // newest first
	h.cli.timeline = map[id.RoomID][]*event.Event{recordCircle: history}
	h.cli.state = map[id.RoomID]map[string]any{recordCircle: {bot.CircleStateType.Type: map[string]any{"name": "Records",
		"pledge_minor": 1000, "currency": "EUR", "lang": "en", "owner": ann, "answering_bot": botUser, "version": 1}}}
	if setup != nil {
		setup(h)
	}
	invite, _ := w.build(w.ts+1000, "m.room.member", recordCircle, ann, ptr(string(follower)), map[string]any{"membership": "invite"})
	raw, _ := json.Marshal(invite)
	if code := h.put(t, hsToken, "invite", raw); code != 200 {
		t.Fatalf("transaction refused: %d", code)
	}
	h.drain(t)
	return h
}
