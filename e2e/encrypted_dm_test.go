//go:build goolm

package e2e_test

import (
	"testing"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/internal/devnet"
)

// mustBeEncryptedRoom fails unless room has encryption on (megolm), as u's
// client reads its state.
func mustBeEncryptedRoom(t *testing.T, u *devnet.User, room id.RoomID) {
	t.Helper()
	var content event.EncryptionEventContent
	if err := u.Client.StateEvent(testCtx(t), room, event.StateEncryption, "", &content); err != nil {
		t.Fatalf("%s reading the encryption of %s: %v", u.ID, room, err)
	}
	if content.Algorithm != id.AlgorithmMegolmV1 {
		t.Fatalf("%s has encryption %q, want %s", room, content.Algorithm, id.AlgorithmMegolmV1)
	}
}

// TestReminderInAnEncryptedDirectChat: in an encrypted circle, erin commits
// to fred's need; the bot opens a direct chat with each of them, encrypted,
// whose first message (her payment details, his commitment notice) they
// read. She says she sent it, fred is asked to confirm, and her reminder
// reaches him encrypted in his direct chat, which he decrypts. The
// homeserver holds none of it in plaintext.
func TestReminderInAnEncryptedDirectChat(t *testing.T) {
	erin, fred := encryptedMember(t, "erin"), encryptedMember(t, "fred")
	room, err := erin.CreateRoom(testCtx(t), "Encrypted help", []id.UserID{env.BotID}, true)
	if err != nil {
		t.Fatal(err)
	}
	botSays(t, erin, room, "circle here")
	mustContain(t, sayEncrypted(t, erin, room, "!ex circle here"), "now the circle")
	card := inviteAndJoin(t, erin, fred, room)
	if _, err := fred.React(testCtx(t), room, card.ID, "✅"); err != nil {
		t.Fatal(err)
	}
	botSays(t, fred, room, "accepted the invitation")
	status, err := fred.Send(testCtx(t), room, "!ex status orange 300")
	if err != nil {
		t.Fatal(err)
	}
	need := needCard(t, erin, room, status, fred.ID)
	mustContain(t, replyCmd(t, erin, room, need.ID, "commit 50"), "Your commitment: €50")

	// Neither has a direct chat with the bot: it opens them, encrypted.
	erinDM := joinInvite(t, erin, env.BotID)
	mustBeEncryptedRoom(t, erin, erinDM)
	details := botSays(t, erin, erinDM, "payment details")
	mustBeEncrypted(t, erin, erinDM, details.ID)
	fredDM := joinInvite(t, fred, env.BotID)
	mustBeEncryptedRoom(t, fred, fredDM)
	mustBeEncrypted(t, fred, fredDM, botSays(t, fred, fredDM, "committed to help you").ID)

	mustContain(t, replyCmd(t, erin, erinDM, details.ID, "sent"), "as sent")
	botSays(t, fred, fredDM, "says they sent you €50")
	reminded := sayEncrypted(t, erin, erinDM, "remind "+fred.ID.String())
	mustContain(t, reminded, "reminded")
	reminder := botSays(t, fred, fredDM, "reminds you that they sent you €50")
	mustBeEncrypted(t, fred, fredDM, reminder.ID)
	noPlaintextFromBot(t, erin, erinDM)
	noPlaintextFromBot(t, fred, fredDM)
}
