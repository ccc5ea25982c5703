package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"
)

// Encrypter encrypts the bot's messages for the devices of a room's
// members (megolm), sharing the room key with them first when they lack
// it. It is called at send time, outside any transaction: the outbox row
// stays plaintext in the bot's own database, and megolm state never rolls
// back with the ledger.
type Encrypter interface {
	Encrypt(ctx context.Context, room id.RoomID, typ event.Type, content json.RawMessage) (*event.EncryptedEventContent, error)
}

// InviteWatcher is an Encrypter told of the members the bot invites, at
// once: the homeserver may list them as invited only a moment later, and
// the invitation card that follows must reach the invitee's devices.
type InviteWatcher interface {
	Invited(room id.RoomID, user id.UserID)
}

// invited tells the encrypter (if it listens) that the bot invited user
// into room.
func (s *Sender) invited(room id.RoomID, user id.UserID) {
	if w, ok := s.enc.(InviteWatcher); ok {
		w.Invited(room, user)
	}
}

// MemberWatcher hears of membership changes in the rooms, so the room key
// the bot encrypts with is shared anew when someone joins or leaves.
type MemberWatcher interface {
	HandleMemberEvent(ctx context.Context, evt *event.Event)
}

// SetEncrypter makes the sender encrypt every message into a room with
// encryption on, through e; from then on nothing goes out in plaintext into
// such a room (a message whose room's encryption the homeserver cannot
// tell is retried, not sent). Call it before the sender runs.
func (s *Sender) SetEncrypter(e Encrypter) { s.enc = e }

// encryptedRooms remembers the rooms known to have encryption on: it is
// never turned off again.
type encryptedRooms struct {
	mu    sync.Mutex
	rooms map[id.RoomID]bool
}

// seal returns the event type and content to send into room: encrypted
// when the sender has an encrypter and the room has encryption on
// (reactions never are, as no client encrypts them), as given otherwise.
func (s *Sender) seal(ctx context.Context, room id.RoomID, typ event.Type, content json.RawMessage) (event.Type, any, error) {
	if s.enc == nil || typ == event.EventReaction {
		return typ, content, nil
	}
	on, err := s.encryptionOn(ctx, room)
	if err != nil {
		return typ, nil, err
	}
	if !on {
		return typ, content, nil
	}
	enc, err := s.enc.Encrypt(ctx, room, typ, content)
	if err != nil {
		return typ, nil, fmt.Errorf("failed to encrypt a message: %w", err)
	}
	return event.EventEncrypted, enc, nil
}

// encryptionOn tells whether room has encryption on, asking the homeserver
// for its m.room.encryption state until it has (a room the bot just joined
// or opened is known at once, whatever events it has read). An answer other
// than "no such state" is an error: the message waits rather than going out
// in plaintext.
func (s *Sender) encryptionOn(ctx context.Context, room id.RoomID) (bool, error) {
	s.encrypted.mu.Lock()
	on := s.encrypted.rooms[room]
	s.encrypted.mu.Unlock()
	if on {
		return true, nil
	}
	var content event.EncryptionEventContent
	err := s.bot.raw.StateEvent(ctx, room, event.StateEncryption, "", &content)
	if errors.Is(err, mautrix.MNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("failed to learn whether the room is encrypted: %w", err)
	}
	if content.Algorithm == "" {
		return false, nil
	}
	s.encrypted.mu.Lock()
	if s.encrypted.rooms == nil {
		s.encrypted.rooms = map[id.RoomID]bool{}
	}
	s.encrypted.rooms[room] = true
	s.encrypted.mu.Unlock()
	return true, nil
}

// SetMemberWatcher makes the intake tell w of every membership event it
// reads, before handling it (outside its transaction). Call it before the
// intake runs.
func (in *Intake) SetMemberWatcher(w MemberWatcher) { in.members = w }
