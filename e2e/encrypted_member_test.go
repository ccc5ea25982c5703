//go:build goolm

package e2e_test

import (
	"fmt"
	"testing"
	"time"

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

// TestEncryptingMember: a member whose client really encrypts invites the
// bot to an encrypted room and types a command there. The homeserver (and
// so the bot) holds only ciphertext; the bot, which has no device yet, says
// it cannot read the room and opens a direct chat, where the member's
// commands work through the usual helpers.
func TestEncryptingMember(t *testing.T) {
	erin := encryptedMember(t, "erin")
	room, err := erin.CreateRoom(testCtx(t), "our secrets", []id.UserID{env.BotID}, true)
	if err != nil {
		t.Fatal(err)
	}
	botSays(t, erin, room, "cannot read encrypted messages")
	sent, err := erin.Send(testCtx(t), room, "help")
	if err != nil {
		t.Fatal(err)
	}
	onServer, err := erin.Client.GetEvent(testCtx(t), room, sent)
	if err != nil {
		t.Fatal(err)
	}
	if onServer.Type != event.EventEncrypted {
		t.Fatalf("the homeserver holds erin's command as %s, want m.room.encrypted", onServer.Type.Type)
	}
	dm := joinInvite(t, erin, env.BotID)
	botSays(t, erin, dm, "Here I can read you")
	mustContain(t, say(t, erin, dm, "help"), "Commands")
}
