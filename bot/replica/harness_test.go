package replica_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"testing"

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

// fakeClient records what the bot sends instead of talking to a homeserver,
// and serves the rooms' history.
type fakeClient struct {
	// deliver sends the bot's outbox through this client; messages runs
	// it first, so a test reads what the bot has said so far.
	deliver func()
	mu      sync.Mutex
	n       int
	sent    []sentMessage
	// timeline is what Messages returns per room, newest first.
	timeline map[id.RoomID][]*event.Event
	// joined, when set for a room, is who JoinedMembers says is in it.
	joined map[id.RoomID][]id.UserID
	// txns are the transaction IDs sent, by room: a send with one seen
	// before returns its event again and records nothing, as a homeserver
	// does.
	txns map[string]id.EventID
	// down makes Messages fail, as a homeserver that does not answer.
	down bool
	// state is the rooms' state StateEvent serves, by room and type.
	state map[id.RoomID]map[string]any
	// pages counts the /messages requests.
	pages int
	// raw holds the bytes RawMessages served of each event.
	raw map[*event.Event]json.RawMessage
}

type sentMessage struct {
	ID      id.EventID
	Room    id.RoomID
	Type    string // the event type
	Content map[string]any
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
	defer f.mu.Unlock()
	var txn string
	if len(extra) > 0 && extra[0].TransactionID != "" {
		txn = string(room) + "/" + extra[0].TransactionID
	}
	if evt, ok := f.txns[txn]; ok && txn != "" {
		return &mautrix.RespSendEvent{EventID: evt}, nil
	}
	f.n++
	data, _ := json.Marshal(content)
	var m map[string]any
	_ = json.Unmarshal(data, &m)
	evt := id.EventID(fmt.Sprintf("$bot%d", f.n))
	f.sent = append(f.sent, sentMessage{ID: evt, Room: room, Type: typ.Type, Content: m})
	if txn != "" {
		if f.txns == nil {
			f.txns = map[string]id.EventID{}
		}
		f.txns[txn] = evt
	}
	return &mautrix.RespSendEvent{EventID: evt}, nil
}

func (f *fakeClient) SendStateEvent(context.Context, id.RoomID, event.Type, string, any, ...mautrix.ReqSendEvent) (*mautrix.RespSendEvent, error) {
	return &mautrix.RespSendEvent{EventID: "$state"}, nil
}

func (f *fakeClient) CreateRoom(_ context.Context, _ *mautrix.ReqCreateRoom) (*mautrix.RespCreateRoom, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	return &mautrix.RespCreateRoom{RoomID: id.RoomID(fmt.Sprintf("!room%d:test", f.n))}, nil
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

// Messages pages through the room's timeline as /messages does: newest
// first with dir=b, oldest first with dir=f (from the room's start when
// from is empty). The from and end tokens are offsets.
func (f *fakeClient) Messages(_ context.Context, room id.RoomID, from, _ string, dir mautrix.Direction, _ *mautrix.FilterPart, limit int) (*mautrix.RespMessages, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return nil, errors.New("the homeserver does not answer")
	}
	f.pages++
	all := f.timeline[room]
	start, _ := strconv.Atoi(from)
	start = min(start, len(all))
	end := min(start+limit, len(all))
	resp := &mautrix.RespMessages{Chunk: all[start:end]}
	if dir == mautrix.DirectionForward {
		resp.Chunk = make([]*event.Event, 0, end-start)
		for i := start; i < end; i++ {
			resp.Chunk = append(resp.Chunk, all[len(all)-1-i])
		}
	}
	if end < len(all) {
		resp.End = strconv.Itoa(end)
	}
	return resp, nil
}

// RawMessages serves the same pages as Messages as the homeserver's bytes
// of each event (replica.RawPager), each encoded once and kept, as a
// homeserver stores them.
func (f *fakeClient) RawMessages(ctx context.Context, room id.RoomID, from string, dir mautrix.Direction, limit int) ([]json.RawMessage, string, error) {
	resp, err := f.Messages(ctx, room, from, "", dir, nil, limit)
	if err != nil {
		return nil, "", err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.raw == nil {
		f.raw = map[*event.Event]json.RawMessage{}
	}
	chunk := make([]json.RawMessage, 0, len(resp.Chunk))
	for _, evt := range resp.Chunk {
		raw, ok := f.raw[evt]
		if !ok {
			if raw, err = json.Marshal(evt); err != nil {
				return nil, "", err
			}
			f.raw[evt] = raw
		}
		chunk = append(chunk, raw)
	}
	return chunk, resp.End, nil
}

var _ replica.RawPager = (*fakeClient)(nil)

// SyncRequest serves no invitations.
func (f *fakeClient) SyncRequest(context.Context, int, string, string, bool, event.Presence) (*mautrix.RespSync, error) {
	return &mautrix.RespSync{}, nil
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

func (f *fakeClient) StateEvent(_ context.Context, room id.RoomID, typ event.Type, _ string, out any) error {
	f.mu.Lock()
	content, ok := f.state[room][typ.Type]
	f.mu.Unlock()
	if !ok {
		return mautrix.MNotFound
	}
	raw, _ := json.Marshal(content)
	return json.Unmarshal(raw, out)
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

// harness is a bot on a real migrated SQLite, with a fake Matrix client,
// its intake and its replication.
type harness struct {
	ctx     context.Context
	store   *store.Store
	svc     *ledger.Service
	cli     *fakeClient
	bot     *bot.Bot
	intake  *bot.Intake
	replica *replica.Replica
}

const hsToken = "hs-token-for-tests-0123456789"

// newBareHarness is a bot on an empty migrated SQLite: no circle, nothing
// applied. Its service runs on clock.
func newBareHarness(tb testing.TB, clock ledger.Clock, perMinute int) *harness {
	tb.Helper()
	return newHarnessAs(tb, clock, perMinute, botUser)
}

// newHarnessAs is newBareHarness for the bot user, which follows the
// trusted bots.
func newHarnessAs(tb testing.TB, clock ledger.Clock, perMinute int, user id.UserID, trusted ...id.UserID) *harness {
	tb.Helper()
	ctx := zerolog.Nop().WithContext(tb.Context())
	st, err := store.Open(ctx, store.Config{URI: "file:" + filepath.Join(tb.TempDir(), "exodus.db") + "?_txlock=immediate"}, zerolog.Nop())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	svc := ledger.NewService(st.Ledger(), clock, ledger.DefaultConfig())
	cli := &fakeClient{}
	b := bot.New(bot.Config{UserID: user, Prefix: "!ex", CommandsPerMinute: perMinute, TrustedBots: trusted,
		BotUsers: []*regexp.Regexp{regexp.MustCompile(`^@exodus:`), regexp.MustCompile(`^@telegram_`)}}, cli, svc, access.New(st.Ledger(), svc), st)
	cli.deliver = func() { deliver(b) }
	rep := replica.New(b, user, cli, st, nil)
	return &harness{ctx: ctx, store: st, svc: svc, cli: cli, bot: b, replica: rep,
		intake: bot.NewIntake(st, hsToken, b, nil, clock, rep)}
}

// put sends a transaction to the intake and returns the HTTP status.
func (h *harness) put(t testing.TB, token, txnID string, events ...json.RawMessage) int {
	mux := http.NewServeMux()
	h.intake.Register(mux)
	body, _ := json.Marshal(map[string]any{"events": events})
	req := httptest.NewRequest(http.MethodPut, "/_matrix/app/v1/transactions/"+txnID, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req.WithContext(h.ctx))
	return rec.Code
}

// drain handles everything recorded so far.
func (h *harness) drain(t testing.TB) {
	for {
		n, err := h.intake.Drain(h.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			deliver(h.bot) // what the bot said, sent as its sender would
			return
		}
	}
}

func reactionContent(target id.EventID, key string) map[string]any {
	return map[string]any{"m.relates_to": map[string]any{"rel_type": "m.annotation", "event_id": target, "key": key}}
}

func timelineEvent(t *testing.T, raw json.RawMessage) *event.Event {
	t.Helper()
	var evt event.Event
	if err := json.Unmarshal(raw, &evt); err != nil {
		t.Fatal(err)
	}
	return &evt
}

func inRoom(msgs []sentMessage, room any) []sentMessage {
	var out []sentMessage
	for _, m := range msgs {
		if string(m.Room) == fmt.Sprint(room) {
			out = append(out, m)
		}
	}
	return out
}
