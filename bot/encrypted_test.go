package bot_test

import (
	"regexp"
	"strings"
	"testing"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/bot"
	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/ledger/access"
)

// encryptedMessage is an m.room.encrypted event as a client without the
// bot's keys sends it: ciphertext only (the bot has no device to share a
// session with, so nothing in it is readable).
func (w *aidWorld) encryptedMessage(room any, sender string) {
	w.t.Helper()
	_, raw := w.event("m.room.encrypted", room, sender, map[string]any{"algorithm": "m.megolm.v1.aes-sha2",
		"ciphertext": "AwgAEnAc0tO0mQ", "session_id": "sess", "sender_key": "key", "device_id": "DEV"}, nil)
	w.deliver(raw)
}

// warningsIn are the bot's encrypted-room warnings in room since k, and the
// members they name.
func (w *aidWorld) warningsIn(room any, k int) []string {
	var named []string
	for _, m := range inRoom(w.sentSince(k), room) {
		if typ, data := ns(m); typ == "encrypted.room" {
			member, _ := data["member"].(string)
			named = append(named, member)
		}
	}
	return named
}

// A member who opens an encrypted direct chat with the bot is told, once,
// in their language, that the bot reads nothing there and to type their
// command again in an unencrypted direct chat, which the bot opens once
// and greets; the commands typed in the encrypted chat after that bring
// no more warnings and no more chats.
func TestEncryptedDirectChatIsAnsweredOnceWithAnUnencryptedOne(t *testing.T) {
	w := newAidWorld(t)
	const erin, enc = "@erin:test", "!enc-erin:test"
	w.cli.encrypted = map[id.RoomID]bool{enc: true}
	k := w.sentCount()
	_, raw := w.event("m.room.member", enc, erin, map[string]any{"membership": "invite", "is_direct": true},
		map[string]any{"state_key": "@exodus:test"})
	w.deliver(raw)
	w.encryptedMessage(enc, erin)
	w.encryptedMessage(enc, erin)
	if named := w.warningsIn(enc, k); len(named) != 1 || named[0] != erin {
		t.Fatalf("warnings in the encrypted chat: %v; want one to erin", named)
	}
	if !strings.Contains(body(w.lastIn(enc)), "type again there any command you typed here") {
		t.Fatalf("the warning: %q", body(w.lastIn(enc)))
	}
	if len(w.cli.created) != 1 || len(w.cli.created[0].Invite) != 1 || w.cli.created[0].Invite[0] != erin || !w.cli.created[0].IsDirect {
		t.Fatalf("rooms created: %+v; want one direct chat with erin", w.cli.created)
	}
	opened := w.svc.Members.DirectRoomOf(w.ctx, erin)
	if opened == "" || opened == enc {
		t.Fatalf("erin's direct chat: %q", opened)
	}
	greetings := inRoom(w.sentSince(k), opened)
	if len(greetings) != 1 || !strings.Contains(body(greetings[0]), "please type it again here") {
		t.Fatalf("in the unencrypted chat: %v; want one greeting", greetings)
	}

	// The invitation handled again (as when found by a sync and then
	// pushed) changes nothing; erin joins the unencrypted chat, where the
	// command works.
	_, raw = w.event("m.room.member", enc, erin, map[string]any{"membership": "invite", "is_direct": true},
		map[string]any{"state_key": "@exodus:test"})
	w.deliver(raw)
	_, raw = w.event("m.room.member", opened, erin, map[string]any{"membership": "join"}, map[string]any{"state_key": erin})
	w.deliver(raw)
	if got := w.svc.Members.DirectRoomOf(w.ctx, erin); got != opened || len(w.cli.created) != 1 {
		t.Fatalf("after the invitation again erin's direct chat is %q (%d rooms created); want %q", got, len(w.cli.created), opened)
	}
	k = w.sentCount()
	w.say(opened, erin, "help")
	if got := inRoom(w.sentSince(k), opened); len(got) != 1 || typeOf(got[0]) != "help" {
		t.Fatalf("erin's help in the unencrypted chat: %v", got)
	}
}

// In an encrypted group room each member who writes is told once, and sent
// to their direct chat: a new one for a member who had none, the one they
// have for the others (nothing is opened; they are asked to write there
// once). A bot started
// again reads its warning in the room's history and does not repeat it;
// in Russian for a member who reads Russian.
func TestEncryptedRoomTellsEachMemberOnce(t *testing.T) {
	w := newAidWorld(t)
	const erin, enc = "@erin:test", "!enc:test"
	w.cli.encrypted = map[id.RoomID]bool{enc: true}
	if err := w.svc.Members.SetLang(w.ctx, ledger.Action{Event: "$lang", Actor: bob, At: w.svc.Now()}, ledger.LangRU); err != nil {
		t.Fatal(err)
	}
	k := w.sentCount()
	w.encryptedMessage(enc, bob)
	w.encryptedMessage(enc, erin)
	w.encryptedMessage(enc, bob)
	w.encryptedMessage(enc, erin)
	if named := w.warningsIn(enc, k); strings.Join(named, " ") != bob+" "+erin {
		t.Fatalf("warnings: %v; want one to bob, then one to erin", named)
	}
	msgs := inRoom(w.sentSince(k), enc)
	if !strings.Contains(body(msgs[0]), "в нашем личном чате без шифрования") {
		t.Fatalf("bob's warning (bob has a direct chat, reads Russian): %q", body(msgs[0]))
	}
	if got := inRoom(w.sentSince(k), dm(bob)); len(got) != 1 || typeOf(got[0]) != "encrypted.direct" {
		t.Fatalf("bob's direct chat got %v; want one prompt to write there", got)
	}
	if len(w.cli.created) != 1 || w.cli.created[0].Invite[0] != erin {
		t.Fatalf("rooms created: %+v; want erin's direct chat only", w.cli.created)
	}

	// Started again, the bot finds its warnings in the room's history.
	history := []*event.Event{}
	for _, m := range inRoom(w.cli.messages(), enc) {
		history = append([]*event.Event{{ID: m.ID, RoomID: enc, Sender: "@exodus:test", Type: event.EventMessage,
			Content: event.Content{Raw: m.Content}}}, history...)
	}
	w.cli.timeline = map[id.RoomID][]*event.Event{enc: history}
	again := bot.New(bot.Config{UserID: "@exodus:test", Prefix: "!ex", CommandsPerMinute: 1000,
		BotUsers: []*regexp.Regexp{regexp.MustCompile(`^@exodus:`)}}, w.cli, w.svc, access.New(w.store.Ledger(), w.svc), w.store)
	hook(again, w.cli)
	w.harness.bot = again
	w.harness.intake = bot.NewIntake(w.store, hsToken, again, nil, w.clock, nil)
	k = w.sentCount()
	w.encryptedMessage(enc, bob)
	w.encryptedMessage(enc, erin)
	if got := w.sentSince(k); len(got) != 0 || len(w.cli.created) != 1 {
		t.Fatalf("after a restart the bot said %v, created %d rooms", got, len(w.cli.created))
	}
	w.encryptedMessage(enc, carol)
	if named := w.warningsIn(enc, k); len(named) != 1 || named[0] != carol {
		t.Fatalf("carol, who wrote only now: %v", named)
	}
}

// A bot that decrypts (Config.Decrypts) takes an encrypted direct chat as
// the member's direct chat, greets there and opens no other; encryption
// turned on in a room brings no warning.
func TestDecryptingBotTakesAnEncryptedDirectChat(t *testing.T) {
	w := newAidWorld(t, func(c *bot.Config) { c.Decrypts = true })
	const erin, enc = "@erin:test", "!enc-erin:test"
	w.cli.encrypted = map[id.RoomID]bool{enc: true}
	k := w.sentCount()
	_, raw := w.event("m.room.member", enc, erin, map[string]any{"membership": "invite", "is_direct": true},
		map[string]any{"state_key": "@exodus:test"})
	w.deliver(raw)
	_, raw = w.event("m.room.encryption", enc, erin, map[string]any{"algorithm": "m.megolm.v1.aes-sha2"},
		map[string]any{"state_key": ""})
	w.deliver(raw)
	if got := w.svc.Members.DirectRoomOf(w.ctx, erin); got != enc || len(w.cli.created) != 0 {
		t.Fatalf("erin's direct chat is %q (%d rooms created); want the encrypted one", got, len(w.cli.created))
	}
	if named := w.warningsIn(enc, k); len(named) != 0 {
		t.Fatalf("warnings: %v", named)
	}
	if got := inRoom(w.sentSince(k), enc); len(got) != 1 || !strings.Contains(body(got[0]), "without a prefix") {
		t.Fatalf("in the encrypted chat: %v; want one greeting", got)
	}
	// An encrypted event reaching the handlers (the bot's own, passed on
	// undecrypted) brings no warning either, and opens no chat.
	k = w.sentCount()
	w.encryptedMessage(w.circle, carol)
	if named := w.warningsIn(w.circle, k); len(named) != 0 || len(w.cli.created) != 0 {
		t.Fatalf("warnings %v, %d rooms created", named, len(w.cli.created))
	}
}
