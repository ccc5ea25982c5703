package bot_test

import (
	"context"
	"testing"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/bot"
	"github.com/exodus-matrix/exodus/ledger"
)

// When the bot creates a direct chat to tell a member something while the
// member opens one with the bot herself, hers is kept as the direct chat
// and the message goes there: the later answers reach the chat she opened.
func TestTheMembersOwnDirectChatWinsOverOneCreatedMeanwhile(t *testing.T) {
	w := newAidWorld(t)
	const hers = "!hers-bob:test"
	if err := w.svc.Members.SetDirectRoom(w.ctx, bob, ""); err != nil {
		t.Fatal(err)
	}
	w.cli.onCreate = func() {
		if err := w.svc.Members.SetDirectRoom(w.ctx, bob, hers); err != nil {
			t.Error(err)
		}
	}
	_, card := w.carolsNeed()
	k := w.sentCount()
	w.reply(w.circle, bob, card, "commit 10") // carol's payment details go to bob's direct chat
	sent := w.sentSince(k)
	if len(w.cli.created) != 1 {
		t.Fatalf("rooms created: %d, want 1", len(w.cli.created))
	}
	if got := w.svc.Members.DirectRoomOf(w.ctx, bob); got != hers {
		t.Fatalf("bob's direct chat is %q, want the one he opened, %q", got, hers)
	}
	if len(inRoom(sent, hers)) == 0 {
		t.Fatalf("nothing was said in the chat bob opened; sent: %+v", sent)
	}
}

// inviteSealer is a sealer told of the members the bot invites (an
// InviteWatcher), noting whether anything was encrypted in the room yet.
type inviteSealer struct {
	sealer
	invited map[id.RoomID][]id.UserID
	early   bool // every invitee was told before the room's first message
}

func (s *inviteSealer) Invited(room id.RoomID, user id.UserID) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.invited == nil {
		s.invited, s.early = map[id.RoomID][]id.UserID{}, true
	}
	s.invited[room] = append(s.invited[room], user)
	s.early = s.early && s.rooms[room] == 0
}

// openBobsChat has bob, who has no direct chat with the bot, commit to
// carol's need: the bot opens one to give him her payment details. It
// returns the request the room was created with, the room, and what was
// said there.
func openBobsChat(t *testing.T, w *aidWorld) (*mautrix.ReqCreateRoom, id.RoomID, []sentMessage) {
	t.Helper()
	if err := w.svc.Members.SetDirectRoom(w.ctx, bob, ""); err != nil {
		t.Fatal(err)
	}
	_, card := w.carolsNeed()
	k := w.sentCount()
	w.reply(w.circle, bob, card, "commit 10")
	sent := w.sentSince(k)
	if len(w.cli.created) != 1 {
		t.Fatalf("rooms created: %d, want 1", len(w.cli.created))
	}
	room := id.RoomID(w.svc.Members.DirectRoomOf(w.ctx, bob))
	got := inRoom(sent, ledger.RoomID(room))
	if room == "" || len(got) == 0 {
		t.Fatalf("bob's direct chat %q; nothing said there: %+v", room, sent)
	}
	return w.cli.created[0], room, got
}

// With a device, a direct chat the bot opens is created encrypted (megolm,
// in its initial state, invitation and all), the invitee is made known to
// the device before the first message, and every message there goes out
// encrypted.
func TestDirectChatOpenedEncryptedWithADevice(t *testing.T) {
	w := newAidWorld(t, func(c *bot.Config) { c.Decrypts = true })
	s := &inviteSealer{}
	w.bot.Sender().SetEncrypter(s)
	req, room, got := openBobsChat(t, w)
	var algorithm id.Algorithm
	for _, st := range req.InitialState {
		if c, ok := st.Content.Parsed.(*event.EncryptionEventContent); ok && st.Type == event.StateEncryption && st.GetStateKey() == "" {
			algorithm = c.Algorithm
		}
	}
	if algorithm != id.AlgorithmMegolmV1 || !req.IsDirect || len(req.Invite) != 1 || req.Invite[0] != id.UserID(bob) {
		t.Fatalf("the chat was created as %+v (encryption %q)", req, algorithm)
	}
	if inv := s.invited[room]; len(inv) != 1 || inv[0] != id.UserID(bob) || !s.early {
		t.Fatalf("invitees told to the device: %v (before the first message: %v)", inv, s.early)
	}
	for _, m := range got {
		if m.Type != "m.room.encrypted" {
			t.Errorf("plaintext %s into the new encrypted chat: %v", m.Type, m.Content)
		}
	}
	if s.rooms[room] != len(got) {
		t.Fatalf("encrypted %d of %d messages", s.rooms[room], len(got))
	}
}

// Without a device, a direct chat the bot opens is created unencrypted, as
// before encryption, and written in the clear.
func TestDirectChatOpenedUnencryptedWithoutADevice(t *testing.T) {
	w := newAidWorld(t)
	req, _, got := openBobsChat(t, w)
	if len(req.InitialState) != 0 {
		t.Fatalf("initial state of the chat: %+v", req.InitialState)
	}
	for _, m := range got {
		if m.Type == "m.room.encrypted" {
			t.Errorf("encrypted without a device: %v", m.Content)
		}
	}
}

// keyless is the inviteSealer of a device that finds no keys for some
// members (their clients do not encrypt).
type keyless struct {
	inviteSealer
	without map[id.UserID]bool
}

func (k *keyless) CanEncryptTo(_ context.Context, user id.UserID) (bool, error) {
	return !k.without[user], nil
}

// With a device, a direct chat the bot opens for a member whose client
// does not encrypt (no device with keys) is created unencrypted, so they
// can read it, and written in the clear.
func TestDirectChatOpenedUnencryptedForAMemberWithoutKeys(t *testing.T) {
	w := newAidWorld(t, func(c *bot.Config) { c.Decrypts = true })
	s := &keyless{without: map[id.UserID]bool{id.UserID(bob): true}}
	w.bot.Sender().SetEncrypter(s)
	req, room, got := openBobsChat(t, w)
	if len(req.InitialState) != 0 || len(s.invited[room]) != 0 {
		t.Fatalf("initial state of the chat: %+v; invitees told to the device: %v", req.InitialState, s.invited[room])
	}
	for _, m := range got {
		if m.Type == "m.room.encrypted" {
			t.Errorf("encrypted for a member without keys: %v", m.Content)
		}
	}
}
