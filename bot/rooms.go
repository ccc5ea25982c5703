package bot

import (
	"context"
	"fmt"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/ledger"
)

// directChats is the bot's role of knowing its direct chats with members:
// opening one, telling one from a group room, forgetting one left.
type directChats struct{ b *Bot }

// open returns the bot's direct chat with a member, creating one (and
// inviting the member) if there is none other than avoid. A chat it
// creates is encrypted when the bot's sender encrypts (it has a device)
// and the member's client does too (they have a device with keys): the
// first message into it goes out encrypted, readable by the invitee.
func (dc directChats) open(ctx context.Context, member id.UserID, avoid id.RoomID) (id.RoomID, error) {
	b := dc.b
	if b.mode.silent {
		return "", nil // nothing is sent anyway
	}
	m, err := b.ledger.Members.Member(ctx, ledger.UserID(member))
	if err != nil {
		return "", fmt.Errorf("failed to get member: %w", err)
	}
	if m.DirectRoom != "" && id.RoomID(m.DirectRoom) != avoid {
		return id.RoomID(m.DirectRoom), nil
	}
	encrypted, err := b.sender.encryptsFor(ctx, member)
	if err != nil {
		return "", err
	}
	req := &mautrix.ReqCreateRoom{
		Preset:   "trusted_private_chat",
		IsDirect: true,
		Invite:   []id.UserID{member},
		Name:     "Exodus",
	}
	if encrypted {
		req.InitialState = []*event.Event{encryptionOn()}
	}
	resp, err := b.cli.CreateRoom(ctx, req)
	if err != nil {
		return "", fmt.Errorf("failed to create a direct chat: %w", err)
	}
	dc.setKind(resp.RoomID, true)
	if encrypted {
		// The room key is shared with the invitee's devices even before the
		// homeserver lists them: the first message is readable by them.
		b.sender.invited(resp.RoomID, member)
	}
	// While the room was being created the member may have opened a direct
	// chat with the bot herself (her invitation is recorded by the intake):
	// hers is kept, and the message goes there.
	if now, err := b.ledger.Members.Member(ctx, ledger.UserID(member)); err == nil &&
		now.DirectRoom != m.DirectRoom && id.RoomID(now.DirectRoom) != avoid && now.DirectRoom != "" {
		return id.RoomID(now.DirectRoom), nil
	}
	if err := b.ledger.Members.SetDirectRoom(ctx, ledger.UserID(member), ledger.RoomID(resp.RoomID)); err != nil {
		return "", fmt.Errorf("failed to record the direct chat: %w", err)
	}
	return resp.RoomID, nil
}

// forget drops a direct chat the member left.
func (dc directChats) forget(ctx context.Context, member id.UserID, room id.RoomID) error {
	b := dc.b
	m, err := b.ledger.Members.Member(ctx, ledger.UserID(member))
	if err != nil || m.DirectRoom != ledger.RoomID(room) {
		return err
	}
	return b.ledger.Members.SetDirectRoom(ctx, ledger.UserID(member), "")
}

// is reports whether a room is the member's direct chat with the bot:
// one the member opened with is_direct, or one the bot opened for them. A
// group room of two is not a direct chat (it may become a circle).
func (dc directChats) is(ctx context.Context, room id.RoomID, member id.UserID) bool {
	b := dc.b
	b.mu.Lock()
	known, ok := b.directRooms[room]
	b.mu.Unlock()
	if ok {
		return known
	}
	direct := b.ledger.Members.DirectRoomOf(ctx, ledger.UserID(member)) == ledger.RoomID(room)
	if direct {
		dc.setKind(room, true)
	}
	return direct
}

// setKind notes whether a room is a direct chat (true) or not.
func (dc directChats) setKind(room id.RoomID, direct bool) {
	b := dc.b
	b.mu.Lock()
	b.directRooms[room] = direct
	b.mu.Unlock()
}

// forgetKind drops what is known of a room's kind, to be learnt again
// (its members changed).
func (dc directChats) forgetKind(room id.RoomID) {
	b := dc.b
	b.mu.Lock()
	delete(b.directRooms, room)
	b.mu.Unlock()
}

// encryptionOn is the m.room.encryption state of a room the bot creates
// encrypted: megolm, the rotation left to clients' defaults.
func encryptionOn() *event.Event {
	return &event.Event{
		Type:     event.StateEncryption,
		StateKey: new(string),
		Content:  event.Content{Parsed: &event.EncryptionEventContent{Algorithm: id.AlgorithmMegolmV1}},
	}
}

// RecipientChecker is an Encrypter that tells whether a member has a
// device to encrypt for: a member whose client does not encrypt has none.
type RecipientChecker interface {
	CanEncryptTo(ctx context.Context, user id.UserID) (bool, error)
}

// encryptsFor reports whether a direct chat the bot opens with member is
// made encrypted: when the sender encrypts (SetEncrypter) and the member
// has a device with keys (when the encrypter can tell), so that they can
// read it.
func (s *Sender) encryptsFor(ctx context.Context, member id.UserID) (bool, error) {
	if s.enc == nil {
		return false, nil
	}
	c, ok := s.enc.(RecipientChecker)
	if !ok {
		return true, nil
	}
	can, err := c.CanEncryptTo(ctx, member)
	if err != nil {
		return false, fmt.Errorf("failed to learn whether the member's client encrypts: %w", err)
	}
	return can, nil
}
