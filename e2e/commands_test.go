package e2e_test

import (
	"strings"
	"testing"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/internal/devnet"
)

// TestBadCommandsGetClearAnswers checks that malformed and unknown commands
// are answered with what was understood and what to type, in the member's
// language.
func TestBadCommandsGetClearAnswers(t *testing.T) {
	alice := member(t, "alice")
	dm := openDM(t, alice)
	cases := []struct{ say, want string }{
		{"frobnicate", "don't know the command `frobnicate`"},
		{"chain bob", "is not a Matrix user ID"},
		{"chain bob", "`chain @user:server`"}, // no prefix in a direct chat
		{"lang klingon", "choose ru or en"},
		{"circle here", "direct chat cannot be a circle"},
		{"invite @bob:localhost", "not a circle"},
		{"accept NOPE-CODE", "is unknown"},
		{"chain " + alice.ID.String(), "That is you"},
		{"sos help me", "trust list is empty"},
	}
	for _, c := range cases {
		mustContain(t, say(t, alice, dm, c.say), c.want)
	}
	// Russian words get Russian answers until the member chooses a
	// language with `lang`; from then on that language wins.
	mustContain(t, say(t, alice, dm, "цепочка кто-то"), "не идентификатор пользователя Matrix", "`цепочка @user:server`")
	mustContain(t, say(t, alice, dm, "список"), "трастовый список пуст")
	mustContain(t, say(t, alice, dm, "?"), "Команды")
	mustContain(t, say(t, alice, dm, "lang en"), "English")
	mustContain(t, say(t, alice, dm, "помощь"), "Commands")
	mustContain(t, say(t, alice, dm, "язык ru"), "по-русски")
	mustContain(t, say(t, alice, dm, "list"), "трастовый список пуст")
}

// TestEncryptedRoom checks that in an encrypted room the bot says it cannot
// read it and opens an unencrypted direct chat where commands work.
func TestEncryptedRoom(t *testing.T) {
	carol := member(t, "carol")
	room, err := carol.CreateRoom(testCtx(t), "secret", nil, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := carol.Client.InviteUser(testCtx(t), room, inviteReq(env.BotID)); err != nil {
		t.Fatal(err)
	}
	botSays(t, carol, room, "cannot read encrypted messages")
	dm := joinInvite(t, carol, env.BotID)
	botSays(t, carol, dm, "Here I can read you")
	mustContain(t, say(t, carol, dm, "help"), "Commands")
}

// TestEncryptedDirectChat: a member whose client made the direct chat with
// the bot encrypted, and who types commands there, is told once (the bot
// has no keys, so it reads nothing there) to type them again in an
// unencrypted direct chat, which the bot opens once; there the command is
// answered.
func TestEncryptedDirectChat(t *testing.T) {
	dina := member(t, "dina")
	resp, err := dina.Client.CreateRoom(testCtx(t), &mautrix.ReqCreateRoom{Preset: "trusted_private_chat", IsDirect: true,
		Invite: []id.UserID{env.BotID}, InitialState: []*event.Event{{Type: event.StateEncryption, StateKey: new(string),
			Content: event.Content{Parsed: &event.EncryptionEventContent{Algorithm: id.AlgorithmMegolmV1}}}}})
	if err != nil {
		t.Fatal(err)
	}
	enc := resp.RoomID
	botSays(t, dina, enc, "type again there any command you typed here")
	// Two commands, as a client encrypts them: only ciphertext reaches the bot.
	for range 2 {
		_, err := dina.Client.SendMessageEvent(testCtx(t), enc, event.EventEncrypted, map[string]any{
			"algorithm": "m.megolm.v1.aes-sha2", "ciphertext": "AwgAEnAc0tO0mQ", "session_id": "sess",
			"sender_key": "key", "device_id": "DEV"})
		if err != nil {
			t.Fatal(err)
		}
	}
	dm := joinInvite(t, dina, env.BotID)
	botSays(t, dina, dm, "please type it again here")
	mustContain(t, say(t, dina, dm, "help"), "Commands") // handled after the encrypted commands

	// Once: one warning in the encrypted chat, one greeting in the new one,
	// and no other chat opened.
	for room, want := range map[id.RoomID]string{enc: "cannot read encrypted messages", dm: "Here I can read you"} {
		events, err := dina.Messages(testCtx(t), room)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range events {
			if e.Sender == env.BotID && strings.Contains(devnet.Body(e), want) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d bot messages saying %q in %s; want one", n, want, room)
		}
	}
	sync, err := dina.Client.SyncRequest(testCtx(t), 0, "", "", false, event.PresenceOffline)
	if err != nil {
		t.Fatal(err)
	}
	if len(sync.Rooms.Invite) != 0 || len(sync.Rooms.Join) != 2 {
		t.Errorf("dina is invited to %d rooms and in %d; want none and two", len(sync.Rooms.Invite), len(sync.Rooms.Join))
	}
}
