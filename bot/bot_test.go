package bot_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/bot"
	"github.com/exodus-matrix/exodus/bot/replica"
	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/ledger/access"
	"github.com/exodus-matrix/exodus/store"
)

// fakeClient records what the bot sends instead of talking to a homeserver.
type fakeClient struct {
	// deliver sends the bot's outbox through this client; messages runs
	// it first, so a test reads what the bot has said so far.
	deliver func()
	mu      sync.Mutex
	n       int
	sent    []sentMessage
	// timeline is what Messages returns per room, newest first.
	timeline map[id.RoomID][]*event.Event
	// invites are the bot's pending invitations SyncRequest serves;
	// syncFilters the filters it was asked with.
	syncFilters []string
	invites     map[id.RoomID]*event.Event
	// joined, when set for a room, is who JoinedMembers says is in it.
	joined map[id.RoomID][]id.UserID
	// state, when set, keeps the state events sent (by room, type and
	// state key, as JSON) and serves them back.
	state map[string][]byte
	// encrypted are the rooms whose state has encryption on.
	encrypted map[id.RoomID]bool
	// askedEncryption counts, per room, the requests for its encryption state.
	askedEncryption map[id.RoomID]int
	// created are the rooms the bot asked to create.
	created []*mautrix.ReqCreateRoom
	// onCreate, when set, runs while a room is being created (what happens
	// meanwhile elsewhere).
	onCreate func()
	// txns are the transaction IDs sent, by room: a send with one seen
	// before returns its event again and records nothing, as a homeserver
	// does.
	txns map[string]id.EventID
	// fail, when set, is what a send to a room fails with (nil: it succeeds).
	fail func(room id.RoomID) error
	// lose, when set, tells the sends that are taken but answered with an
	// error, as when the answer is lost.
	lose func(sentMessage) bool
	// unreached are the sent messages that break the rule of whom a
	// message reaches (reachViolation); the harness fails on any.
	unreached []string
	// states are the state events sent; powerLevels, when set for a room,
	// is its power levels (kept up to date by the power levels sent).
	states      []sentState
	powerLevels map[id.RoomID]*event.PowerLevelsEventContent
	// kicked are the members kicked, by room; noKick refuses kicks.
	kicked map[id.RoomID][]id.UserID
	noKick bool
}

// sentState is one state event the bot sent.
type sentState struct {
	Room    id.RoomID
	Type    event.Type
	Content any
}

type sentMessage struct {
	ID      id.EventID
	Room    id.RoomID
	Type    string // the event type: m.room.message unless told
	Content map[string]any
}

func (f *fakeClient) record(room id.RoomID, typ event.Type, content any) id.EventID {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	data, _ := json.Marshal(content)
	var m map[string]any
	_ = json.Unmarshal(data, &m)
	evt := id.EventID(fmt.Sprintf("$bot%d", f.n))
	f.sent = append(f.sent, sentMessage{ID: evt, Room: room, Type: typ.Type, Content: m})
	if v := reachViolation(typ.Type, m); v != "" {
		f.unreached = append(f.unreached, fmt.Sprintf("%s in %s: %s: %v", evt, room, v, m))
	}
	return evt
}

func (f *fakeClient) messages() []sentMessage {
	if f.deliver != nil {
		f.deliver()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]sentMessage(nil), f.sent...)
}

func (f *fakeClient) SendMessageEvent(_ context.Context, room id.RoomID, typ event.Type, content any, extra ...mautrix.ReqSendEvent) (*mautrix.RespSendEvent, error) {
	f.mu.Lock()
	fail := f.fail
	var txn string
	if len(extra) > 0 && extra[0].TransactionID != "" {
		txn = string(room) + "/" + extra[0].TransactionID
	}
	if evt, ok := f.txns[txn]; ok && txn != "" {
		f.mu.Unlock()
		return &mautrix.RespSendEvent{EventID: evt}, nil
	}
	f.mu.Unlock()
	if fail != nil {
		if err := fail(room); err != nil {
			return nil, err
		}
	}
	evt := f.record(room, typ, content)
	f.mu.Lock()
	defer f.mu.Unlock()
	if txn != "" {
		if f.txns == nil {
			f.txns = map[string]id.EventID{}
		}
		f.txns[txn] = evt
	}
	if f.lose != nil && f.lose(f.sent[len(f.sent)-1]) {
		return nil, errors.New("connection reset: the answer was lost")
	}
	return &mautrix.RespSendEvent{EventID: evt}, nil
}

// count is how many messages were sent so far, without delivering the
// outbox first.
func (f *fakeClient) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.sent)
}

func (f *fakeClient) SendStateEvent(_ context.Context, room id.RoomID, typ event.Type, key string, content any, _ ...mautrix.ReqSendEvent) (*mautrix.RespSendEvent, error) {
	f.putState(room, typ, key, content)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.states = append(f.states, sentState{Room: room, Type: typ, Content: content})
	if pl, ok := content.(*event.PowerLevelsEventContent); ok && f.powerLevels[room] != nil {
		f.powerLevels[room] = pl
	}
	return &mautrix.RespSendEvent{EventID: "$state"}, nil
}

// KickUser records a kick, unless noKick refuses it.
func (f *fakeClient) KickUser(_ context.Context, room id.RoomID, req *mautrix.ReqKickUser) (*mautrix.RespKickUser, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.noKick {
		return nil, mautrix.MForbidden
	}
	if f.kicked == nil {
		f.kicked = map[id.RoomID][]id.UserID{}
	}
	f.kicked[room] = append(f.kicked[room], req.UserID)
	return &mautrix.RespKickUser{}, nil
}

func (f *fakeClient) CreateRoom(_ context.Context, req *mautrix.ReqCreateRoom) (*mautrix.RespCreateRoom, error) {
	if f.onCreate != nil {
		f.onCreate()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	f.created = append(f.created, req)
	room := id.RoomID(fmt.Sprintf("!room%d:test", f.n))
	for _, st := range req.InitialState {
		if st.Type == event.StateEncryption {
			if f.encrypted == nil {
				f.encrypted = map[id.RoomID]bool{}
			}
			f.encrypted[room] = true
		}
	}
	return &mautrix.RespCreateRoom{RoomID: room}, nil
}

func (f *fakeClient) JoinRoomByID(_ context.Context, room id.RoomID, _ ...map[string]any) (*mautrix.RespJoinRoom, error) {
	return &mautrix.RespJoinRoom{RoomID: room}, nil
}

func (f *fakeClient) InviteUser(context.Context, id.RoomID, *mautrix.ReqInviteUser, ...map[string]any) (*mautrix.RespInviteUser, error) {
	return &mautrix.RespInviteUser{}, nil
}

func (f *fakeClient) JoinedMembers(_ context.Context, room id.RoomID) (*mautrix.RespJoinedMembers, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if users, ok := f.joined[room]; ok {
		resp := &mautrix.RespJoinedMembers{Joined: map[id.UserID]mautrix.JoinedMember{}}
		for _, u := range users {
			resp.Joined[u] = mautrix.JoinedMember{}
		}
		return resp, nil
	}
	return &mautrix.RespJoinedMembers{Joined: map[id.UserID]mautrix.JoinedMember{"@a:test": {}, "@b:test": {}, "@exodus:test": {}}}, nil
}

// Messages pages through the room's timeline, newest first, as /messages
// with dir=b does: the from and end tokens are offsets.
func (f *fakeClient) Messages(_ context.Context, room id.RoomID, from, _ string, _ mautrix.Direction, _ *mautrix.FilterPart, limit int) (*mautrix.RespMessages, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	all := f.timeline[room]
	start, _ := strconv.Atoi(from)
	start = min(start, len(all))
	end := min(start+limit, len(all))
	resp := &mautrix.RespMessages{Chunk: all[start:end]}
	if end < len(all) {
		resp.End = strconv.Itoa(end)
	}
	return resp, nil
}

// SyncRequest serves the invitations the homeserver did not push (none
// unless a test sets f.invites).
func (f *fakeClient) SyncRequest(_ context.Context, _ int, _, filter string, _ bool, _ event.Presence) (*mautrix.RespSync, error) {
	f.mu.Lock()
	f.syncFilters = append(f.syncFilters, filter)
	defer f.mu.Unlock()
	resp := &mautrix.RespSync{}
	resp.Rooms.Invite = map[id.RoomID]*mautrix.SyncInvitedRoom{}
	for room, evt := range f.invites {
		resp.Rooms.Invite[room] = &mautrix.SyncInvitedRoom{State: mautrix.SyncEventsList{Events: []*event.Event{evt}}}
	}
	return resp, nil
}

// JoinedRooms lists the rooms with a timeline, in order.
func (f *fakeClient) JoinedRooms(context.Context) (*mautrix.RespJoinedRooms, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	rooms := make([]id.RoomID, 0, len(f.timeline))
	for room := range f.timeline {
		rooms = append(rooms, room)
	}
	slices.Sort(rooms)
	return &mautrix.RespJoinedRooms{JoinedRooms: rooms}, nil
}

func (f *fakeClient) StateEvent(_ context.Context, room id.RoomID, typ event.Type, key string, out any) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if typ == event.StateEncryption {
		if f.askedEncryption == nil {
			f.askedEncryption = map[id.RoomID]int{}
		}
		f.askedEncryption[room]++
	}
	if c, ok := out.(*event.PowerLevelsEventContent); ok && typ == event.StatePowerLevels && f.powerLevels[room] != nil {
		*c = *f.powerLevels[room].Clone()
		return nil
	}
	if c, ok := out.(*event.EncryptionEventContent); ok && typ == event.StateEncryption && f.encrypted[room] {
		c.Algorithm = id.AlgorithmMegolmV1
		return nil
	}
	if raw, ok := f.state[string(room)+"|"+typ.Type+"|"+key]; ok {
		return json.Unmarshal(raw, out)
	}
	return mautrix.MNotFound
}

// putState keeps a state event sent, if the client keeps state.
func (f *fakeClient) putState(room id.RoomID, typ event.Type, key string, content any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.state != nil {
		f.state[string(room)+"|"+typ.Type+"|"+key], _ = json.Marshal(content)
	}
}

// asked is how many times the bot asked for room's encryption state.
func (f *fakeClient) asked(room any) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.askedEncryption[id.RoomID(fmt.Sprint(room))]
}

// hook makes cli deliver b's outbox whenever a test reads what was sent.
func hook(b *bot.Bot, cli *fakeClient) *bot.Bot {
	cli.deliver = func() { deliver(b) }
	return b
}

// deliver sends everything in b's outbox that is due.
func deliver(b *bot.Bot) {
	ctx := zerolog.Nop().WithContext(context.Background())
	for range 100 {
		if wait, err := b.Sender().Flush(ctx); err != nil || wait > 0 {
			return
		}
	}
}

// harness is a bot on a real migrated SQLite, with a fake Matrix client.
type harness struct {
	ctx    context.Context
	store  *store.Store
	svc    *ledger.Service
	cli    *fakeClient
	bot    *bot.Bot
	intake *bot.Intake
	circle ledger.CircleID
	clock  *ledger.ManualClock
	// reconciler reads the rooms for what the homeserver did not push
	// (made on first use).
	reconciler *replica.Reconciler
}

const hsToken = "hs-token-for-tests-0123456789"

func newHarness(tb testing.TB, opts ...func(*bot.Config)) *harness {
	tb.Helper()
	return newHarnessOn(tb, store.TypeSQLite, opts...)
}

// newHarnessOn is newHarness on a SQLite database opened with the given
// driver (one that prefixes the real one, as a counting driver does).
func newHarnessOn(tb testing.TB, driver string, opts ...func(*bot.Config)) *harness {
	tb.Helper()
	ctx := zerolog.Nop().WithContext(context.Background())
	st, err := store.Open(ctx, store.Config{Type: driver,
		URI: "file:" + filepath.Join(tb.TempDir(), "exodus.db") + "?_txlock=immediate"}, zerolog.Nop())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	clock := ledger.NewManualClock(time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC))
	svc := ledger.NewService(st.Ledger(), clock, ledger.DefaultConfig())
	cli := &fakeClient{}
	cfg := bot.Config{UserID: "@exodus:test", Prefix: "!ex", CommandsPerMinute: 1000,
		BotUsers: []*regexp.Regexp{regexp.MustCompile(`^@exodus:`), regexp.MustCompile(`^@telegram_`)}}
	for _, opt := range opts {
		opt(&cfg)
	}
	tb.Cleanup(func() { cli.checkReach(tb) })
	b := hook(bot.New(cfg, cli, svc, access.New(st.Ledger(), svc), st), cli)
	h := &harness{ctx: ctx, store: st, svc: svc, cli: cli, bot: b, intake: bot.NewIntake(st, hsToken, b, nil, clock, nil), circle: "!circle:test", clock: clock}
	_, err = svc.Circles.Create(ctx, ledger.Action{Event: "$create", Actor: "@owner:test", At: clock.Now()},
		ledger.CircleSpec{ID: h.circle, Name: "Test"})
	if err != nil {
		tb.Fatal(err)
	}
	return h
}

// message is a raw m.room.message event as a homeserver sends it.
func message(evtID, room, sender, body string) json.RawMessage {
	raw, _ := json.Marshal(map[string]any{
		"event_id": evtID, "room_id": room, "sender": sender, "type": "m.room.message",
		"origin_server_ts": 1_790_000_000_000, "content": map[string]any{"msgtype": "m.text", "body": body},
	})
	return raw
}
