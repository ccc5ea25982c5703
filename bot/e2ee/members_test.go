//go:build goolm

package e2ee

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/rs/zerolog"
	"go.mau.fi/util/dbutil"
	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/crypto"
	"maunium.net/go/mautrix/crypto/backup"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"
	"maunium.net/go/mautrix/sqlstatestore"
)

// fakeRoomServer is a homeserver for one encrypted room: it lists the
// room's members (counting the lists asked for), knows no device keys,
// and takes to-device messages and room keys for the backup.
type fakeRoomServer struct {
	mu      sync.Mutex
	members []id.UserID
	// during, if set, runs while a member list is asked for.
	during func()
	// backedUp are the sessions uploaded to the key backup.
	backedUp []id.SessionID
	// failBackup makes uploads to the key backup fail.
	failBackup bool
}

func (f *fakeRoomServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	switch {
	case strings.HasSuffix(path, "/members"):
		f.mu.Lock()
		during := f.during
		f.during = nil
		chunk := make([]map[string]any, 0, len(f.members))
		for _, u := range f.members {
			chunk = append(chunk, map[string]any{"type": "m.room.member", "state_key": u, "sender": u, "room_id": testRoom,
				"event_id": "$join-" + string(u), "content": map[string]any{"membership": "join"}})
		}
		f.mu.Unlock()
		if during != nil {
			during()
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"chunk": chunk})
	case strings.HasSuffix(path, "/keys/query"):
		_ = json.NewEncoder(w).Encode(map[string]any{"device_keys": map[string]any{}})
	case strings.Contains(path, "/room_keys/keys"):
		f.mu.Lock()
		fail := f.failBackup
		f.mu.Unlock()
		if fail {
			mautrix.MUnknown.WithMessage("down").Write(w)
			return
		}
		var req mautrix.ReqKeyBackup
		_ = json.NewDecoder(r.Body).Decode(&req)
		f.mu.Lock()
		for _, room := range req.Rooms {
			for s := range room.Sessions {
				f.backedUp = append(f.backedUp, s)
			}
		}
		f.mu.Unlock()
		_ = json.NewEncoder(w).Encode(map[string]any{"etag": "1", "count": 1})
	default:
		_, _ = w.Write([]byte("{}"))
	}
}

// roomDevice is a bot device on a fresh SQLite database, with the Matrix
// state store in the same database knowing testRoom encrypted, against
// the homeserver at url. withStore false hides the store's members from
// the device (it then asks the homeserver before every message).
func roomDevice(tb testing.TB, ctx context.Context, url string, withStore bool) *Device {
	tb.Helper()
	db := openDB(tb)
	states := sqlstatestore.NewSQLStateStore(db, dbutil.ZeroLogger(zerolog.Nop()), false)
	if err := states.Upgrade(ctx); err != nil {
		tb.Fatal(err)
	}
	if err := states.SetEncryptionEvent(ctx, testRoom, &event.EncryptionEventContent{Algorithm: id.AlgorithmMegolmV1}); err != nil {
		tb.Fatal(err)
	}
	pickle := []byte("a pickle key of thirty-two bytes")
	store, err := OpenStore(ctx, db, testBot, pickle)
	if err != nil {
		tb.Fatal(err)
	}
	store.DeviceID = "BOT"
	if err := store.PutAccount(ctx, crypto.NewOlmAccount()); err != nil {
		tb.Fatal(err)
	}
	cli, err := mautrix.NewClient(url, testBot, "device-token")
	if err != nil {
		tb.Fatal(err)
	}
	var s StateStore = states
	if !withStore {
		s = struct{ crypto.StateStore }{states}
	}
	d, err := OpenHistory(ctx, db, cli, s, Config{PickleKey: pickle})
	if err != nil || d == nil {
		tb.Fatalf("open the device: %v %v", d, err)
	}
	return d
}

// memberEvent is a membership event of user in testRoom.
func memberEvent(user id.UserID, membership event.Membership, prev event.Membership) *event.Event {
	key := string(user)
	evt := &event.Event{Type: event.StateMember, RoomID: testRoom, StateKey: &key, Sender: user, ID: id.EventID("$" + key + string(membership)),
		Content: event.Content{Parsed: &event.MemberEventContent{Membership: membership}}}
	if prev != "" {
		evt.Unsigned.PrevContent = &event.Content{VeryRaw: json.RawMessage(`{"membership":"` + string(prev) + `"}`)}
	}
	return evt
}

// TestMembersFromTheStore: the room's members are asked of the homeserver
// the first time, then read from the state store, which the membership
// events the device hears keep up to date (a newcomer is among them at
// once); a member the bot invited is among them before any list has them;
// the bot's own membership change, or a membership event heard while the
// homeserver was asked, makes the next message ask again.
func TestMembersFromTheStore(t *testing.T) {
	ctx := zerolog.Nop().WithContext(context.Background())
	hs := &fakeRoomServer{members: []id.UserID{testBot, testAlice}}
	srv := httptest.NewServer(hs)
	defer srv.Close()
	d := roomDevice(t, ctx, srv.URL, true)
	bob, carol, dave := id.UserID("@bob:test"), id.UserID("@carol:test"), id.UserID("@dave:test")

	want := func(step string, asks int64, users ...id.UserID) {
		t.Helper()
		got, err := d.members(ctx, testRoom)
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(got)
		slices.Sort(users)
		if !slices.Equal(got, users) || d.asked.Load() != asks {
			t.Errorf("%s: members %v after %d lists asked; want %v after %d", step, got, d.asked.Load(), users, asks)
		}
	}
	want("first message", 1, testBot, testAlice)
	want("second message", 1, testBot, testAlice)

	d.HandleMemberEvent(ctx, memberEvent(bob, event.MembershipJoin, ""))
	want("bob joined", 1, testBot, testAlice, bob)
	d.HandleMemberEvent(ctx, memberEvent(testAlice, event.MembershipLeave, event.MembershipJoin))
	want("alice left", 1, testBot, bob)

	d.Invited(testRoom, carol)
	want("the bot invited carol", 1, testBot, bob, carol)

	hs.mu.Lock()
	hs.members = []id.UserID{testBot, bob, carol, dave} // dave joined while the bot was out
	hs.mu.Unlock()
	d.HandleMemberEvent(ctx, memberEvent(testBot, event.MembershipLeave, event.MembershipJoin))
	d.HandleMemberEvent(ctx, memberEvent(testBot, event.MembershipJoin, event.MembershipLeave))
	want("the bot rejoined", 2, testBot, bob, carol, dave)
	want("after the rejoin", 2, testBot, bob, carol, dave)

	d.HandleMemberEvent(ctx, memberEvent(testBot, event.MembershipJoin, event.MembershipJoin)) // a profile change counts too
	hs.mu.Lock()
	hs.during = func() { d.HandleMemberEvent(ctx, memberEvent(dave, event.MembershipLeave, event.MembershipJoin)) }
	hs.mu.Unlock()
	want("dave left while the homeserver was asked", 3, testBot, bob, carol, dave)
	want("the answer was not kept", 4, testBot, bob, carol, dave)
	want("the next answer was", 4, testBot, bob, carol, dave)
}

// TestMembersWithoutStore: a device whose state store holds no members asks
// the homeserver before every message.
func TestMembersWithoutStore(t *testing.T) {
	ctx := zerolog.Nop().WithContext(context.Background())
	srv := httptest.NewServer(&fakeRoomServer{members: []id.UserID{testBot, testAlice}})
	defer srv.Close()
	d := roomDevice(t, ctx, srv.URL, false)
	for i := 0; i < 3; i++ {
		if _, err := d.members(ctx, testRoom); err != nil {
			t.Fatal(err)
		}
	}
	if n := d.asked.Load(); n != 3 {
		t.Errorf("asked the homeserver %d times for 3 messages, want 3", n)
	}
}

// TestEncryptAsksOnce: encrypting messages into a room asks the homeserver
// for its members once; a newcomer then gets a new room key (the session is
// replaced) without another question.
func TestEncryptAsksOnce(t *testing.T) {
	ctx := zerolog.Nop().WithContext(context.Background())
	srv := httptest.NewServer(&fakeRoomServer{members: []id.UserID{testBot, testAlice}})
	defer srv.Close()
	d := roomDevice(t, ctx, srv.URL, true)
	content := json.RawMessage(`{"msgtype":"m.notice","body":"Your intention: €50"}`)
	first, err := d.Encrypt(ctx, testRoom, event.EventMessage, content)
	if err != nil {
		t.Fatal(err)
	}
	second, err := d.Encrypt(ctx, testRoom, event.EventMessage, content)
	if err != nil {
		t.Fatal(err)
	}
	d.HandleMemberEvent(ctx, memberEvent("@bob:test", event.MembershipJoin, ""))
	third, err := d.Encrypt(ctx, testRoom, event.EventMessage, content)
	if err != nil {
		t.Fatal(err)
	}
	if first.SessionID != second.SessionID || third.SessionID == second.SessionID {
		t.Errorf("sessions %s, %s, %s: want the first two the same, a new one after bob joined", first.SessionID, second.SessionID, third.SessionID)
	}
	if n := d.asked.Load(); n != 1 {
		t.Errorf("asked the homeserver for the members %d times, want once", n)
	}
}

// TestNewSessionBackedUp: the key of a session the device makes to
// encrypt is in the key backup when Encrypt returns, without a /sync; one
// whose upload failed is uploaded at the next try.
func TestNewSessionBackedUp(t *testing.T) {
	ctx := zerolog.Nop().WithContext(context.Background())
	hs := &fakeRoomServer{members: []id.UserID{testBot, testAlice}}
	srv := httptest.NewServer(hs)
	defer srv.Close()
	d := roomDevice(t, ctx, srv.URL, true)
	key, err := backup.NewMegolmBackupKey()
	if err != nil {
		t.Fatal(err)
	}
	d.backup = &keyBackup{key: key, version: "1"}
	enc, err := d.Encrypt(ctx, testRoom, event.EventMessage, json.RawMessage(`{"msgtype":"m.notice","body":"hello"}`))
	if err != nil {
		t.Fatal(err)
	}
	hs.mu.Lock()
	backedUp := slices.Clone(hs.backedUp)
	hs.mu.Unlock()
	if !slices.Contains(backedUp, enc.SessionID) {
		t.Fatalf("the new session %s is not in the backup (%v)", enc.SessionID, backedUp)
	}
	left, err := d.store.GetGroupSessionsWithoutKeyBackupVersion(ctx, "1").AsList()
	if err != nil || len(left) != 0 {
		t.Errorf("%d room keys not marked backed up (%v)", len(left), err)
	}

	hs.mu.Lock()
	hs.failBackup = true
	hs.mu.Unlock()
	d.HandleMemberEvent(ctx, memberEvent("@bob:test", event.MembershipJoin, "")) // a new session for the next message
	next, err := d.Encrypt(ctx, testRoom, event.EventMessage, json.RawMessage(`{"msgtype":"m.notice","body":"hello bob"}`))
	if err != nil {
		t.Fatalf("a failed backup stopped the message: %v", err)
	}
	hs.mu.Lock()
	hs.failBackup = false
	hs.mu.Unlock()
	if n, err := d.backUp(ctx); err != nil || n != 1 {
		t.Fatalf("the next /sync's backup uploaded %d keys (%v), want the one that failed", n, err)
	}
	hs.mu.Lock()
	defer hs.mu.Unlock()
	if !slices.Contains(hs.backedUp, next.SessionID) {
		t.Errorf("the session %s whose upload failed is not in the backup after the next try", next.SessionID)
	}
}

// TestMembersArrived: a membership event counts as soon as its transaction
// is received: a newcomer is among the members, and a leaver not, before
// the intake reaches their events; the room key is replaced then, and not
// again when the intake reaches the same event. An older event the intake
// reaches does not undo a later one received.
func TestMembersArrived(t *testing.T) {
	ctx := zerolog.Nop().WithContext(context.Background())
	hs := &fakeRoomServer{members: []id.UserID{testBot, testAlice}}
	srv := httptest.NewServer(hs)
	defer srv.Close()
	d := roomDevice(t, ctx, srv.URL, true)
	bob := id.UserID("@bob:test")
	content := json.RawMessage(`{"msgtype":"m.notice","body":"a reminder"}`)
	want := func(step string, users ...id.UserID) {
		t.Helper()
		got, err := d.members(ctx, testRoom)
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(got)
		slices.Sort(users)
		if !slices.Equal(got, users) || d.asked.Load() != 1 {
			t.Errorf("%s: members %v after %d lists asked; want %v after one", step, got, d.asked.Load(), users)
		}
	}
	first, err := d.Encrypt(ctx, testRoom, event.EventMessage, content)
	if err != nil {
		t.Fatal(err)
	}

	join := memberEvent(bob, event.MembershipJoin, "")
	d.MemberArrived(ctx, join)
	want("bob's join received", testBot, testAlice, bob)
	second, err := d.Encrypt(ctx, testRoom, event.EventMessage, content)
	if err != nil {
		t.Fatal(err)
	}
	d.HandleMemberEvent(ctx, join)
	want("bob's join read by the intake", testBot, testAlice, bob)
	third, err := d.Encrypt(ctx, testRoom, event.EventMessage, content)
	if err != nil {
		t.Fatal(err)
	}
	if second.SessionID == first.SessionID || third.SessionID != second.SessionID {
		t.Errorf("sessions %s, %s, %s: want a new one once bob's join is received, the same after the intake reads it",
			first.SessionID, second.SessionID, third.SessionID)
	}

	leave := memberEvent(testAlice, event.MembershipLeave, event.MembershipJoin)
	d.MemberArrived(ctx, leave)
	want("alice's leave received", testBot, bob)
	fourth, err := d.Encrypt(ctx, testRoom, event.EventMessage, content)
	if err != nil || fourth.SessionID == third.SessionID {
		t.Errorf("after alice's leave was received: session %s (was %s), %v", fourth.SessionID, third.SessionID, err)
	}

	rejoin := memberEvent(testAlice, event.MembershipJoin, event.MembershipLeave)
	rejoin.ID = "$alice-rejoin"
	d.MemberArrived(ctx, rejoin)
	d.HandleMemberEvent(ctx, leave) // the intake reaches the leave; the rejoin is received already
	want("alice's rejoin received, her leave read", testBot, testAlice, bob)
	d.HandleMemberEvent(ctx, rejoin)
	want("alice's rejoin read", testBot, testAlice, bob)
}
