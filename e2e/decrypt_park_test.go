//go:build goolm

package e2e_test

import (
	"context"
	"testing"
	"time"

	"go.mau.fi/util/dbutil"
	"maunium.net/go/mautrix/crypto"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/internal/devnet"
	"github.com/exodus-matrix/exodus/internal/devnet/encrypted"
	"github.com/exodus-matrix/exodus/internal/stack"
)

// TestEncryptedCommandWaitsForItsKey: an encrypted command that reaches
// the bot before its room key is parked, not dropped; the bot restarts
// meanwhile; when the key comes, the command is handled and answered. The
// key is held back by the member's client (a new megolm session shared
// with no device of the bot's, its key sent to the bot's device later), as
// a slow to-device delivery would.
func TestEncryptedCommandWaitsForItsKey(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	s := ownStack(t, "exodus-park-", stack.Options{})
	erin, err := encrypted.Register(ctx, s.HS, "erin", "erin-password", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = erin.Close() })
	room := encryptedRoomWith(t, s, erin)

	mach := encrypted.Machine(erin)
	sent, key := sendWithoutKey(ctx, t, erin, mach, room, "!ex circle here")
	waitParked(ctx, t, s, sent)
	s.StopBot()
	if err := s.StartBot(ctx); err != nil {
		t.Fatal(err)
	}
	sendKey(ctx, t, mach, s.BotID, key)
	reply, err := erin.WaitMessageAfter(ctx, room, sent, s.BotID, func(e *event.Event) bool {
		msg, ok := e.Content.Parsed.(*event.MessageEventContent)
		return ok && msg.RelatesTo.GetReplyTo() == sent
	})
	if err != nil {
		t.Fatalf("waiting for the answer to the parked command: %v", err)
	}
	mustContain(t, reply, "now the circle", "Our secrets")
}

// sendWithoutKey sends body encrypted with a new megolm session shared with
// none of the room's other devices: the bot gets the command before its
// key. It returns the event and the session's key (m.room_key content).
func sendWithoutKey(ctx context.Context, t *testing.T, u *devnet.User, mach *crypto.OlmMachine, room id.RoomID, body string) (id.EventID, event.Content) {
	t.Helper()
	if err := mach.CryptoStore.RemoveOutboundGroupSession(ctx, room); err != nil {
		t.Fatal(err)
	}
	if err := mach.ShareGroupSession(ctx, room, []id.UserID{u.ID}); err != nil {
		t.Fatal(err)
	}
	sess, err := mach.CryptoStore.GetOutboundGroupSession(ctx, room)
	if err != nil || sess == nil {
		t.Fatalf("the member's megolm session: %v", err)
	}
	key := sess.ShareContent() // from the first message on
	content, err := mach.EncryptMegolmEvent(ctx, room, event.EventMessage, &event.MessageEventContent{MsgType: event.MsgText, Body: body})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := u.Client.SendMessageEvent(ctx, room, event.EventEncrypted, content)
	if err != nil {
		t.Fatal(err)
	}
	return resp.EventID, key
}

// sendKey sends a room key (m.room_key content), olm-encrypted, to every
// device of user, as a member's client shares its megolm session.
func sendKey(ctx context.Context, t *testing.T, mach *crypto.OlmMachine, user id.UserID, key event.Content) {
	t.Helper()
	devices, err := mach.FetchKeys(ctx, []id.UserID{user}, true)
	if err != nil || len(devices[user]) == 0 {
		t.Fatalf("the devices of %s: %v (%d)", user, err, len(devices[user]))
	}
	for _, dev := range devices[user] {
		if err := mach.SendEncryptedToDevice(ctx, dev, event.ToDeviceRoomKey, key); err != nil {
			t.Fatal(err)
		}
	}
}

// waitParked waits until the bot's inbox holds evt parked, waiting for its
// room key.
func waitParked(ctx context.Context, t *testing.T, s *stack.Stack, evt id.EventID) {
	t.Helper()
	db, err := dbutil.NewWithDialect("file:"+s.DBPath+"?_txlock=immediate", "sqlite3-fk-wal")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for {
		var parked bool
		err := db.QueryRow(ctx, `SELECT wait_session IS NOT NULL FROM inbox WHERE event_id = $1`, evt.String()).Scan(&parked)
		if err == nil && parked {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s was never parked in the bot's inbox (last error %v)", evt, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}
