package bot_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/bot"
	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/store"
)

// tokenCrashStore is the store, whose token write fails (a crash before the
// batch's transaction commits) while crash is set.
type tokenCrashStore struct {
	*store.Store
	crash bool
}

var errCrash = errors.New("crashed before the commit")

func (c *tokenCrashStore) SetSyncValue(ctx context.Context, name, value string) error {
	if c.crash {
		return errCrash
	}
	return c.Store.SetSyncValue(ctx, name, value)
}

// syncServer is a homeserver's /sync and /messages for the syncer.
type syncServer struct {
	// gap is what /messages answers, newest first.
	gap []*event.Event
	// batches are what /sync answers, by since; a since without one
	// answers with end's error (the test's end).
	batches map[string]*mautrix.RespSync
	end     error
	asked   []string
}

func (s *syncServer) CreateFilter(context.Context, *mautrix.Filter) (*mautrix.RespCreateFilter, error) {
	return &mautrix.RespCreateFilter{FilterID: "1"}, nil
}

func (s *syncServer) FullSyncRequest(_ context.Context, req mautrix.ReqSync) (*mautrix.RespSync, error) {
	s.asked = append(s.asked, req.Since)
	if resp, ok := s.batches[req.Since]; ok {
		return resp, nil
	}
	return nil, s.end
}

func (s *syncServer) Messages(_ context.Context, _ id.RoomID, _, _ string, _ mautrix.Direction, _ *mautrix.FilterPart, _ int) (*mautrix.RespMessages, error) {
	return &mautrix.RespMessages{Chunk: s.gap}, nil
}

// syncEvent parses a raw event as /sync gives it (no room ID).
func syncEvent(t *testing.T, raw json.RawMessage) *event.Event {
	var evt event.Event
	if err := json.Unmarshal(raw, &evt); err != nil {
		t.Fatal(err)
	}
	evt.RoomID = ""
	return &evt
}

// batch is a /sync answer with a timeline in room.
func batch(next string, room id.RoomID, events ...*event.Event) *mautrix.RespSync {
	resp := &mautrix.RespSync{NextBatch: next}
	resp.Rooms.Join = map[id.RoomID]*mautrix.SyncJoinedRoom{room: {Timeline: mautrix.SyncTimeline{SyncEventsList: mautrix.SyncEventsList{Events: events}}}}
	return resp
}

func TestSyncBatchIsRecordedWithItsTokenOrNotAtAll(t *testing.T) {
	h := newHarness(t)
	st := &tokenCrashStore{Store: h.store}
	if err := st.SetSyncValue(h.ctx, bot.SyncTokenName, "s0"); err != nil {
		t.Fatal(err)
	}
	room := id.RoomID(h.circle)
	m1 := message("$m1", string(room), "@alice:test", "!ex invite @bob:test")
	first := batch("s1", room, syncEvent(t, m1))

	st.crash = true
	syncer := bot.NewSyncer(h.intake, &syncServer{}, st)
	if err := syncer.Apply(h.ctx, "s0", first); !errors.Is(err, errCrash) {
		t.Fatalf("a crash before the commit: %v", err)
	}
	if n, _ := h.store.KnownEvents(h.ctx, []ledger.EventID{"$m1"}); n != 0 {
		t.Fatal("the batch's events are recorded without its token")
	}
	if tok, _ := h.store.SyncValue(h.ctx, bot.SyncTokenName); tok != "s0" {
		t.Fatalf("token %q after the crash, want s0 (the same batch again)", tok)
	}

	st.crash = false // the restart syncs since s0 again, and is given the same batch
	if err := syncer.Apply(h.ctx, "s0", first); err != nil {
		t.Fatal(err)
	}
	if tok, _ := h.store.SyncValue(h.ctx, bot.SyncTokenName); tok != "s1" {
		t.Fatalf("token %q, want s1", tok)
	}
	// A crash after the commit, before the worker handled anything: the
	// next start syncs since s1, and the homeserver gives $m1 again with a
	// new event.
	restarted := bot.NewSyncer(h.intake, &syncServer{}, st)
	m2 := message("$m2", string(room), "@alice:test", "!ex invite @carol:test")
	if err := restarted.Apply(h.ctx, "s1", batch("s2", room, syncEvent(t, m1), syncEvent(t, m2))); err != nil {
		t.Fatal(err)
	}
	h.drain(t)
	if got := len(h.cli.messages()); got != 2 {
		t.Fatalf("bot sent %d messages, want 2 invitation cards (one per command, none twice)", got)
	}
	for _, who := range []ledger.UserID{"@bob:test", "@carol:test"} {
		pending, err := h.store.Trust.PendingInvitations(h.ctx, h.circle, who)
		if err != nil || len(pending) != 1 {
			t.Errorf("pending invitations of %s = %d (%v), want 1", who, len(pending), err)
		}
	}
}

func TestFirstSyncRecordsNoHistory(t *testing.T) {
	h := newHarness(t)
	room := id.RoomID(h.circle)
	old := message("$old", string(room), "@alice:test", "!ex invite @bob:test")
	if err := bot.NewSyncer(h.intake, &syncServer{}, h.store).Apply(h.ctx, "", batch("s1", room, syncEvent(t, old))); err != nil {
		t.Fatal(err)
	}
	if tok, _ := h.store.SyncValue(h.ctx, bot.SyncTokenName); tok != "s1" {
		t.Fatalf("token %q, want s1", tok)
	}
	if n, _ := h.store.KnownEvents(h.ctx, []ledger.EventID{"$old"}); n != 0 {
		t.Fatal("the first sync recorded history (the rebuild's and the catch-up's)")
	}
}

func TestSyncedInvitationIsAcceptedOnce(t *testing.T) {
	h := newHarness(t)
	room := id.RoomID("!new:test")
	invite := func() *mautrix.RespSync {
		var evt event.Event
		raw := `{"type":"m.room.member","state_key":"@exodus:test","sender":"@alice:test","content":{"membership":"invite"}}`
		if err := json.Unmarshal([]byte(raw), &evt); err != nil {
			t.Fatal(err)
		}
		resp := &mautrix.RespSync{NextBatch: "s2"}
		resp.Rooms.Invite = map[id.RoomID]*mautrix.SyncInvitedRoom{room: {State: mautrix.SyncEventsList{Events: []*event.Event{&evt}}}}
		return resp
	}
	syncer := bot.NewSyncer(h.intake, &syncServer{}, h.store)
	for i := 0; i < 2; i++ { // the same batch twice: a crash before the token moved on
		if err := syncer.Apply(h.ctx, "s1", invite()); err != nil {
			t.Fatal(err)
		}
	}
	h.drain(t)
	greetings := 0
	for _, m := range h.cli.messages() {
		if m.Room == room {
			greetings++
		}
	}
	if greetings != 1 {
		t.Fatalf("%d greetings in the room the bot was invited to, want 1", greetings)
	}
}

func TestGapBeforeALimitedTimelineIsReadBack(t *testing.T) {
	h := newHarness(t)
	room := id.RoomID(h.circle)
	seen := message("$seen", string(room), "@alice:test", "hello")
	if _, err := h.store.Enqueue(h.ctx, []ledger.InboxEvent{bot.InboxRecord("@exodus:test", seen, h.clock.Now())}); err != nil {
		t.Fatal(err)
	}
	h.drain(t)
	missed := message("$missed", string(room), "@alice:test", "!ex invite @bob:test")
	srv := &syncServer{gap: []*event.Event{syncEvent(t, missed), syncEvent(t, seen)}}
	resp := batch("s2", room, syncEvent(t, message("$last", string(room), "@alice:test", "!ex invite @carol:test")))
	resp.Rooms.Join[room].Timeline.Limited, resp.Rooms.Join[room].Timeline.PrevBatch = true, "p1"
	if err := bot.NewSyncer(h.intake, srv, h.store).Apply(h.ctx, "s1", resp); err != nil {
		t.Fatal(err)
	}
	h.drain(t)
	for _, who := range []ledger.UserID{"@bob:test", "@carol:test"} {
		pending, err := h.store.Trust.PendingInvitations(h.ctx, h.circle, who)
		if err != nil || len(pending) != 1 {
			t.Errorf("pending invitations of %s = %d (%v), want 1 (the gap's command too)", who, len(pending), err)
		}
	}
}

// memberEvent is a raw m.room.member event of who, with prev's membership
// before it ("" for none).
func memberEvent(evtID, room, who, membership, prev string) json.RawMessage {
	evt := map[string]any{"event_id": evtID, "room_id": room, "sender": who, "type": "m.room.member", "state_key": who,
		"origin_server_ts": 1_790_000_000_000, "content": map[string]any{"membership": membership}}
	if prev != "" {
		evt["unsigned"] = map[string]any{"prev_content": map[string]any{"membership": prev}}
	}
	raw, _ := json.Marshal(evt)
	return raw
}

// TestHistoryBeforeTheBotJoinedIsNotAnswered: the batch in which the bot
// joins a room shows what was said there before (the homeserver's recent
// timeline of a room newly joined), and the gap before it reaches further
// back: neither is handled as new, only what follows the join.
func TestHistoryBeforeTheBotJoinedIsNotAnswered(t *testing.T) {
	h := newHarness(t)
	room := id.RoomID(h.circle)
	before := message("$before", string(room), "@alice:test", "!ex invite @bob:test")
	older := message("$older", string(room), "@alice:test", "!ex invite @dan:test")
	join := memberEvent("$join", string(room), "@exodus:test", "join", "invite")
	after := message("$after", string(room), "@alice:test", "!ex invite @carol:test")
	srv := &syncServer{gap: []*event.Event{syncEvent(t, older)}}
	resp := batch("s2", room, syncEvent(t, before), syncEvent(t, join), syncEvent(t, after))
	resp.Rooms.Join[room].Timeline.Limited, resp.Rooms.Join[room].Timeline.PrevBatch = true, "p1"
	if err := bot.NewSyncer(h.intake, srv, h.store).Apply(h.ctx, "s1", resp); err != nil {
		t.Fatal(err)
	}
	h.drain(t)
	for who, want := range map[ledger.UserID]int{"@bob:test": 0, "@dan:test": 0, "@carol:test": 1} {
		pending, err := h.store.Trust.PendingInvitations(h.ctx, h.circle, who)
		if err != nil || len(pending) != want {
			t.Errorf("pending invitations of %s = %d (%v), want %d", who, len(pending), err, want)
		}
	}
	// A profile change of the bot's (a join after a join) cuts nothing.
	mid := message("$mid", string(room), "@alice:test", "!ex invite @erin:test")
	rename := memberEvent("$rename", string(room), "@exodus:test", "join", "join")
	if err := bot.NewSyncer(h.intake, srv, h.store).Apply(h.ctx, "s2", batch("s3", room, syncEvent(t, mid), syncEvent(t, rename))); err != nil {
		t.Fatal(err)
	}
	h.drain(t)
	if pending, _ := h.store.Trust.PendingInvitations(h.ctx, h.circle, "@erin:test"); len(pending) != 1 {
		t.Errorf("a command before the bot's profile change was not handled")
	}
}

// TestGapStopsAtTheBotsJoin: a gap read back ends at the bot's join; what
// came before it is history.
func TestGapStopsAtTheBotsJoin(t *testing.T) {
	h := newHarness(t)
	room := id.RoomID(h.circle)
	old := message("$old", string(room), "@alice:test", "!ex invite @bob:test")
	join := memberEvent("$join", string(room), "@exodus:test", "join", "invite")
	missed := message("$missed", string(room), "@alice:test", "!ex invite @carol:test")
	srv := &syncServer{gap: []*event.Event{syncEvent(t, missed), syncEvent(t, join), syncEvent(t, old)}}
	resp := batch("s2", room, syncEvent(t, message("$last", string(room), "@alice:test", "!ex invite @dan:test")))
	resp.Rooms.Join[room].Timeline.Limited, resp.Rooms.Join[room].Timeline.PrevBatch = true, "p1"
	if err := bot.NewSyncer(h.intake, srv, h.store).Apply(h.ctx, "s1", resp); err != nil {
		t.Fatal(err)
	}
	h.drain(t)
	for who, want := range map[ledger.UserID]int{"@bob:test": 0, "@carol:test": 1, "@dan:test": 1} {
		pending, err := h.store.Trust.PendingInvitations(h.ctx, h.circle, who)
		if err != nil || len(pending) != want {
			t.Errorf("pending invitations of %s = %d (%v), want %d", who, len(pending), err, want)
		}
	}
}

// TestSyncLoopGoesOnFromTheStoredToken: started again, the loop asks
// from the token recorded last, and a login the homeserver no longer
// knows ends it with an error saying so.
func TestSyncLoopGoesOnFromTheStoredToken(t *testing.T) {
	h := newHarness(t)
	room := id.RoomID(h.circle)
	if err := h.store.SetSyncValue(h.ctx, bot.SyncTokenName, "s5"); err != nil {
		t.Fatal(err)
	}
	srv := &syncServer{end: mautrix.MUnknownToken,
		batches: map[string]*mautrix.RespSync{"s5": batch("s6", room, syncEvent(t, message("$m", string(room), "@alice:test", "hello")))}}
	err := bot.NewSyncer(h.intake, srv, h.store).Run(h.ctx)
	if !errors.Is(err, mautrix.MUnknownToken) || !strings.Contains(err.Error(), "no longer knows the bot's login") {
		t.Fatalf("a revoked login: %v", err)
	}
	if strings.Join(srv.asked, ",") != "s5,s6" {
		t.Fatalf("the loop asked since %v, want s5 then s6", srv.asked)
	}
	if n, _ := h.store.KnownEvents(h.ctx, []ledger.EventID{"$m"}); n != 1 {
		t.Fatal("the batch was not recorded")
	}
}

// gapRefused is a homeserver that refuses to show a room's history.
type gapRefused struct{ syncServer }

func (*gapRefused) Messages(context.Context, id.RoomID, string, string, mautrix.Direction, *mautrix.FilterPart, int) (*mautrix.RespMessages, error) {
	return nil, mautrix.HTTPError{Response: &http.Response{StatusCode: http.StatusForbidden}, RespError: &mautrix.RespError{ErrCode: "M_FORBIDDEN"}}
}

// TestGapRefusedIsReportedNotRetried: a gap the homeserver refuses to
// show (a room the bot left) does not hold the batch up: its timeline is
// recorded, and the token moves on.
func TestGapRefusedIsReportedNotRetried(t *testing.T) {
	h := newHarness(t)
	room := id.RoomID(h.circle)
	resp := batch("s2", room, syncEvent(t, message("$last", string(room), "@alice:test", "!ex invite @dan:test")))
	resp.Rooms.Join[room].Timeline.Limited, resp.Rooms.Join[room].Timeline.PrevBatch = true, "p1"
	if err := bot.NewSyncer(h.intake, &gapRefused{}, h.store).Apply(h.ctx, "s1", resp); err != nil {
		t.Fatal(err)
	}
	if tok, _ := h.store.SyncValue(h.ctx, bot.SyncTokenName); tok != "s2" {
		t.Fatalf("token %q, want s2", tok)
	}
	if n, _ := h.store.KnownEvents(h.ctx, []ledger.EventID{"$last"}); n != 1 {
		t.Fatal("the batch's timeline was not recorded")
	}
}
