//go:build goolm

package e2e_test

import (
	"fmt"
	"testing"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/internal/devnet"
	"github.com/exodus-matrix/exodus/internal/devnet/encrypted"
)

// encryptedMember registers a fresh user whose client encrypts, as
// Element's does: its own device and keys (internal/devnet/encrypted), its
// messages in encrypted rooms sent as m.room.encrypted, and what it reads
// there decrypted before say, botSays and the Wait* helpers see it.
func encryptedMember(t *testing.T, name string) *devnet.User {
	t.Helper()
	local := fmt.Sprintf("%s%d", name, time.Now().UnixNano()%1_000_000_000)
	u, err := encrypted.Register(testCtx(t), env.HS, local, "password-"+local, t.TempDir())
	if err != nil {
		t.Fatalf("register %s with encryption: %v", name, err)
	}
	t.Cleanup(func() { _ = u.Close() })
	return u
}

// mustBeEncrypted fails unless the homeserver holds the event as
// m.room.encrypted.
func mustBeEncrypted(t *testing.T, u *devnet.User, room id.RoomID, evt id.EventID) {
	t.Helper()
	onServer, err := u.Event(testCtx(t), room, evt)
	if err != nil {
		t.Fatal(err)
	}
	if onServer.Type != event.EventEncrypted {
		t.Fatalf("the homeserver holds %s as %s, want m.room.encrypted", evt, onServer.Type.Type)
	}
}

// sayEncrypted is say for an encrypting member in an encrypted room: what
// the member typed must reach the homeserver as ciphertext.
func sayEncrypted(t *testing.T, u *devnet.User, room id.RoomID, body string) *event.Event {
	t.Helper()
	sent, err := u.Send(testCtx(t), room, body)
	if err != nil {
		t.Fatalf("%s says %q: %v", u.ID, body, err)
	}
	mustBeEncrypted(t, u, room, sent)
	return replyTo(t, u, room, sent)
}

// TestEncryptedDirectChat: a member whose client really encrypts opens an
// encrypted direct chat with the bot (Element's default) and types a
// command there; the homeserver holds only ciphertext, and the bot, which
// decrypts it, answers it there.
func TestEncryptedDirectChat(t *testing.T) {
	erin := encryptedMember(t, "erin")
	dm, err := erin.CreateEncryptedDM(testCtx(t), env.BotID)
	if err != nil {
		t.Fatal(err)
	}
	botSays(t, erin, dm, "you can type commands without a prefix")
	answer := sayEncrypted(t, erin, dm, "help")
	mustContain(t, answer, "Commands")
	mustBeEncrypted(t, erin, dm, answer.ID) // the bot's answer too
}

// TestEncryptedCircle: in an encrypted room, an encrypting member makes it a
// circle, invites two other encrypting members, who accept with ✅ (one as
// Element sends it, in clear; one encrypted, as other clients may), and
// their encrypted commands are answered.
func TestEncryptedCircle(t *testing.T) {
	erin, fred, gina := encryptedMember(t, "erin"), encryptedMember(t, "fred"), encryptedMember(t, "gina")
	room, err := erin.CreateRoom(testCtx(t), "Our secrets", []id.UserID{env.BotID}, true)
	if err != nil {
		t.Fatal(err)
	}
	botSays(t, erin, room, "circle here")
	mustContain(t, sayEncrypted(t, erin, room, "!ex circle here"), "now the circle", "Our secrets")
	card := inviteAndJoin(t, erin, fred, room)
	if _, err := fred.React(testCtx(t), room, card.ID, "✅"); err != nil {
		t.Fatal(err)
	}
	botSays(t, fred, room, "accepted the invitation")
	mustContain(t, sayEncrypted(t, fred, room, "!ex help"), "Commands")
	card = inviteAndJoin(t, fred, gina, room)
	reaction, err := gina.ReactEncrypted(testCtx(t), room, card.ID, "✅")
	if err != nil {
		t.Fatal(err)
	}
	mustBeEncrypted(t, gina, room, reaction)
	if _, err := gina.WaitMessageAfter(testCtx(t), room, reaction, env.BotID, devnet.BodyContains("accepted the invitation")); err != nil {
		t.Fatalf("waiting for gina's acceptance: %v", err)
	}

	// The bot writes encrypted too: its cards and their edits reach the
	// homeserver as ciphertext, and the members' clients read them.
	mustBeEncrypted(t, gina, room, card.ID)
	status, err := fred.Send(testCtx(t), room, "!ex status orange 300")
	if err != nil {
		t.Fatal(err)
	}
	need := needCard(t, gina, room, status, fred.ID)
	mustBeEncrypted(t, gina, room, need.ID)
	answer := replyCmd(t, gina, room, need.ID, "commit 50")
	mustContain(t, answer, "Your commitment: €50")
	mustBeEncrypted(t, gina, room, answer.ID)
	edit := cardEdit(t, erin, room, need.ID, answer.ID)
	mustContain(t, edit, "50")
	mustBeEncrypted(t, erin, room, edit.ID)
	noPlaintextFromBot(t, erin, room)
}

// noPlaintextFromBot fails if the homeserver holds any message event from
// the bot in room other than m.room.encrypted and reactions: the guard
// against the top risk of encryption, sending in plaintext into an
// encrypted room.
func noPlaintextFromBot(t *testing.T, u *devnet.User, room id.RoomID) {
	t.Helper()
	noPlaintextFromBotAfter(t, u, room, "")
}

// noPlaintextFromBotAfter is noPlaintextFromBot for the events after the
// event after ("" for all).
func noPlaintextFromBotAfter(t *testing.T, u *devnet.User, room id.RoomID, after id.EventID) {
	t.Helper()
	resp, err := u.Client.Messages(testCtx(t), room, "", "", mautrix.DirectionBackward, nil, 1000)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, evt := range resp.Chunk {
		if evt.ID == after {
			break
		}
		if evt.Sender != env.BotID || evt.StateKey != nil {
			continue
		}
		n++
		if evt.Type != event.EventEncrypted && evt.Type != event.EventReaction {
			t.Errorf("the bot sent %s in plaintext into an encrypted room: %s", evt.ID, evt.Type.Type)
		}
	}
	if n == 0 {
		t.Fatal("the homeserver holds no message from the bot in the room")
	}
}
