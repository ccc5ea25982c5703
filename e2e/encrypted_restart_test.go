//go:build goolm

package e2e_test

import (
	"errors"
	"testing"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/internal/devnet"
	"github.com/exodus-matrix/exodus/internal/devnet/encrypted"
)

// TestEncryptedCircleRestartInTheMiddle: in an encrypted circle, the bot is
// killed (SIGKILL) between a need card and a commitment to it, while a
// command whose room key has not come yet waits in its inbox. After the
// restart its device is the same, it decrypts erin's commitment with the
// room key it got before the crash (her client shares a session with a
// device once: the key came back from the bot's database), and erin and
// fred read its encrypted answer and card edit. The waiting command is
// handled once its key arrives, and the direct chat the bot opens for
// erin's payment details is encrypted and readable.
func TestEncryptedCircleRestartInTheMiddle(t *testing.T) {
	c := crashStack(t, "e2ee-restart", nil)
	erin, fred := encryptedOn(t, c.HS, "erin"), encryptedOn(t, c.HS, "fred")
	room, err := erin.CreateRoom(testCtx(t), "Kept secrets", []id.UserID{c.BotID}, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := erin.WaitMessage(testCtx(t), room, c.BotID, devnet.BodyContains("circle here")); err != nil {
		t.Fatal(err)
	}
	mustContain(t, botAnswer(t, c.BotID, erin, room, sent(t, erin, room, "!ex circle here")), "now the circle")
	invite := sent(t, erin, room, "!ex invite "+fred.ID.String())
	card, err := erin.WaitMessageAfter(testCtx(t), room, invite, c.BotID, devnet.BodyContains("Invitation"))
	if err != nil {
		t.Fatal(err)
	}
	if got := joinInvite(t, fred, c.BotID); got != room {
		t.Fatalf("fred was invited into %s, want the circle %s", got, room)
	}
	accept := react(t, fred, room, card.ID, "✅")
	if _, err := fred.WaitMessageAfter(testCtx(t), room, accept, c.BotID, devnet.BodyContains("accepted the invitation")); err != nil {
		t.Fatal(err)
	}
	status := sent(t, fred, room, "!ex status orange 300")
	need, err := erin.WaitMessageAfter(testCtx(t), room, status, c.BotID, isNeedCardOf(fred.ID))
	if err != nil {
		t.Fatalf("waiting for fred's need card: %v", err)
	}
	// erin's session reaches the bot's device before the crash.
	help := sent(t, erin, room, "!ex help")
	mustContain(t, botAnswer(t, c.BotID, erin, room, help), "Commands")
	// fred's next command waits for its key when the bot is killed.
	ctx := testCtx(t)
	waiting, key := sendWithoutKey(ctx, t, fred, encrypted.Machine(fred), room, "!ex pool")
	waitParked(ctx, t, c.Stack, waiting)
	device := queryBotKeys(t, erin, c.BotID)
	c.crash(t)

	if again := queryBotKeys(t, erin, c.BotID); again != device {
		t.Errorf("after a crash the bot's device changed:\nbefore %+v\nafter  %+v", device, again)
	}
	commit := replied(t, erin, room, need.ID, "commit 50")
	if a, b := sessionOf(t, erin, room, help), sessionOf(t, erin, room, commit); a != b {
		t.Fatalf("erin's client encrypted the commitment with session %s, not the one the bot got before the crash (%s)", b, a)
	}
	answer := botAnswer(t, c.BotID, erin, room, commit)
	mustContain(t, answer, "Your commitment: €50")
	mustBeEncrypted(t, erin, room, answer.ID)
	edit, err := fred.WaitMessageAfter(testCtx(t), room, answer.ID, c.BotID, isEditOf(need.ID))
	if err != nil {
		t.Fatalf("fred waiting for the edit of his card: %v", err)
	}
	mustContain(t, edit, "50")
	mustBeEncrypted(t, fred, room, edit.ID)
	// Her payment details come in a direct chat the restarted bot opens,
	// encrypted.
	dm := joinInvite(t, erin, c.BotID)
	mustBeEncryptedRoom(t, erin, dm)
	details, err := erin.WaitMessage(testCtx(t), dm, c.BotID, devnet.BodyContains("payment details"))
	if err != nil {
		t.Fatalf("erin waiting for the payment details: %v", err)
	}
	mustBeEncrypted(t, erin, dm, details.ID)

	sendKey(testCtx(t), t, encrypted.Machine(fred), c.BotID, key)
	mustContain(t, botAnswer(t, c.BotID, fred, room, waiting), "Pool of your trust list")
	noPlaintextFromBot(t, erin, room)
}

// encryptedOn registers a fresh encrypting member on hs (a stack of the
// test's own).
func encryptedOn(t *testing.T, hs *devnet.Homeserver, name string) *devnet.User {
	t.Helper()
	u, err := encrypted.Register(testCtx(t), hs, name, "password-"+name, t.TempDir())
	if err != nil {
		t.Fatalf("register %s with encryption: %v", name, err)
	}
	t.Cleanup(func() { _ = u.Close() })
	return u
}

// botAnswer waits for bot's reply to the event cmd, as u reads it.
func botAnswer(t *testing.T, bot id.UserID, u *devnet.User, room id.RoomID, cmd id.EventID) *event.Event {
	t.Helper()
	evt, err := u.WaitMessageAfter(testCtx(t), room, cmd, bot, repliesTo(cmd))
	if err != nil {
		t.Fatalf("waiting for the answer to %s: %v", cmd, err)
	}
	return evt
}

// isNeedCardOf matches the need card of owner (not an edit of it).
func isNeedCardOf(owner id.UserID) func(*event.Event) bool {
	return func(e *event.Event) bool {
		ns, _ := e.Content.Raw["org.exodus"].(map[string]any)
		d, _ := ns["data"].(map[string]any)
		rel, _ := e.Content.Raw["m.relates_to"].(map[string]any)
		return ns["type"] == "need" && d["owner"] == owner.String() && rel == nil
	}
}

// isEditOf matches an edit of the event card.
func isEditOf(card id.EventID) func(*event.Event) bool {
	return func(e *event.Event) bool {
		rel, _ := e.Content.Raw["m.relates_to"].(map[string]any)
		return rel != nil && rel["rel_type"] == "m.replace" && rel["event_id"] == card.String()
	}
}

// sessionOf is the megolm session the homeserver's copy of evt is
// encrypted with.
func sessionOf(t *testing.T, u *devnet.User, room id.RoomID, evt id.EventID) id.SessionID {
	t.Helper()
	onServer, err := u.Event(testCtx(t), room, evt)
	if err != nil {
		t.Fatal(err)
	}
	if err := onServer.Content.ParseRaw(onServer.Type); err != nil && !errors.Is(err, event.ErrContentAlreadyParsed) {
		t.Fatal(err)
	}
	enc, ok := onServer.Content.Parsed.(*event.EncryptedEventContent)
	if !ok || enc.SessionID == "" {
		t.Fatalf("%s is not encrypted on the homeserver: %s", evt, onServer.Type.Type)
	}
	return enc.SessionID
}
