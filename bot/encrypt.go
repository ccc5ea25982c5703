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

	"github.com/exodus-matrix/exodus/bot/roomcheck"
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

// MemberArrivals is a MemberWatcher told of membership events as soon as
// their transaction is received, before it is acknowledged and before the
// intake reaches them in its turn (when it is told again, through
// HandleMemberEvent): the room key then reaches a newcomer, and not a
// leaver, in a message sent meanwhile from elsewhere (the web organizer, a
// reminder).
type MemberArrivals interface {
	MemberArrived(ctx context.Context, evt *event.Event)
}

// SetEncrypter makes the sender encrypt every message into a room with
// encryption on, through e; from then on nothing goes out in plaintext into
// such a room (a message whose room's encryption the homeserver cannot
// tell is retried, not sent). Call it before the sender runs.
func (s *Sender) SetEncrypter(e Encrypter) { s.enc = e }

// EncryptionStates is what the sender reads and writes of the rooms'
// encryption: the bot's Matrix state store, which the intake keeps up to
// date with the state events of the rooms the bot is in (m.room.encryption
// included, as soon as a transaction brings it).
type EncryptionStates interface {
	IsEncrypted(ctx context.Context, room id.RoomID) (bool, error)
	SetEncryptionEvent(ctx context.Context, room id.RoomID, content *event.EncryptionEventContent) error
}

// SetEncryptionStates makes the sender read whether a room is encrypted
// from states, asking the homeserver only once per room while the bot
// stays in it (nil: it asks the homeserver before every message into a
// room not known to be encrypted). The intake must feed the same store
// (NewIntake). Call it before the sender runs.
func (s *Sender) SetEncryptionStates(states EncryptionStates) { s.states = states }

// roomEncryption is what the sender learnt of the rooms' encryption in
// this process.
type roomEncryption struct {
	mu sync.Mutex
	// on are the rooms known to have encryption on: it is never turned
	// off again.
	on map[id.RoomID]bool
	// checked are the rooms the homeserver said had no encryption, asked
	// since the bot's last membership change there. The bot has been in
	// them since, so the intake brings any m.room.encryption sent later to
	// the state store, which is then enough to read.
	checked roomcheck.Rooms
}

// lookup tells whether room is known to be encrypted, whether it was
// checked, and the ticket to check it under.
func (r *roomEncryption) lookup(room id.RoomID) (on, checked bool, t roomcheck.Ticket) {
	r.mu.Lock()
	on = r.on[room]
	r.mu.Unlock()
	checked, t = r.checked.Lookup(room)
	return on, checked, t
}

// learn keeps what the homeserver said of room, asked for under t.
func (r *roomEncryption) learn(room id.RoomID, on bool, t roomcheck.Ticket) {
	if !on {
		r.checked.Learn(room, t) // unless the bot left, was invited or joined meanwhile: asked again
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.on == nil {
		r.on = map[id.RoomID]bool{}
	}
	r.on[room] = true
}

// forget drops the check of room: the bot's membership there changed (it
// may have been out while encryption was turned on).
func (r *roomEncryption) forget(room id.RoomID) { r.checked.Forget(room) }

// membershipChanged tells the sender that the bot's own membership in
// room changed (the intake read it): the room's encryption is asked of
// the homeserver again before the next message there.
func (s *Sender) membershipChanged(room id.RoomID) {
	if s != nil {
		s.rooms.forget(room)
	}
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

// encryptionOn tells whether room has encryption on. Known encrypted, or
// so in the state store: on. Checked with the homeserver since the bot's
// last membership change there, and not so in the state store: off (the
// hot path: no round trip). Otherwise (a room the bot just joined or
// opened, or first written to since the start) the homeserver is asked
// for its m.room.encryption state. An error (from the store, or any answer
// of the homeserver other than "no such state") leaves the message
// waiting rather than going out in plaintext.
func (s *Sender) encryptionOn(ctx context.Context, room id.RoomID) (bool, error) {
	on, checked, ticket := s.rooms.lookup(room)
	if on {
		return true, nil
	}
	if s.states != nil {
		on, err := s.states.IsEncrypted(ctx, room)
		if err != nil {
			return false, fmt.Errorf("failed to read whether the room is encrypted: %w", err)
		}
		if on || checked {
			s.rooms.learn(room, on, ticket)
			return on, nil
		}
	}
	var content event.EncryptionEventContent
	err := s.bot.raw.StateEvent(ctx, room, event.StateEncryption, "", &content)
	if err != nil && !errors.Is(err, mautrix.MNotFound) {
		return false, fmt.Errorf("failed to learn whether the room is encrypted: %w", err)
	}
	on = err == nil && content.Algorithm != ""
	s.rooms.learn(room, on, ticket)
	if on && s.states != nil {
		// Only a shortcut for the device (it reads the settings from the
		// store, or else asks the homeserver): a failure changes nothing.
		_ = s.states.SetEncryptionEvent(ctx, room, &content)
	}
	return on, nil
}

// SetMemberWatcher makes the intake tell w of every membership event it
// reads, before handling it (outside its transaction). Call it before the
// intake runs.
func (in *Intake) SetMemberWatcher(w MemberWatcher) { in.members = w }

// memberChanged tells the member watcher of a membership event the intake
// read, and the sender when it is the bot's own.
func (in *Intake) memberChanged(ctx context.Context, evt *event.Event) {
	if in.members != nil {
		in.members.HandleMemberEvent(ctx, evt)
	}
	if evt.GetStateKey() == in.bot.cfg.UserID.String() {
		in.bot.sender.membershipChanged(evt.RoomID)
	}
}

// membersArrived tells the member watcher, if it listens for arrivals, of
// the membership events a transaction carries, in their order.
func (in *Intake) membersArrived(ctx context.Context, raws []json.RawMessage) {
	w, ok := in.members.(MemberArrivals)
	if !ok {
		return
	}
	for _, raw := range raws {
		if evt, err := ParseEvent(raw); err == nil && evt.Type == event.StateMember && evt.StateKey != nil {
			w.MemberArrived(ctx, evt)
		}
	}
}

// markEncrypted records in the state store, before the transaction is
// acknowledged, that the rooms of the m.room.encryption events it carries
// are encrypted: the sender reads the store, and must not wait for the
// intake to reach these events in its turn (messages from elsewhere, such
// as the web organizer and reminders, are sent meanwhile). Encryption is
// never turned off, so recording it early is never wrong.
func (in *Intake) markEncrypted(ctx context.Context, raws []json.RawMessage) error {
	if in.state == nil {
		return nil
	}
	for _, raw := range raws {
		var evt struct {
			RoomID   id.RoomID                    `json:"room_id"`
			StateKey *string                      `json:"state_key"`
			Content  event.EncryptionEventContent `json:"content"`
		}
		if json.Unmarshal(raw, &evt) != nil || evt.StateKey == nil || *evt.StateKey != "" || evt.RoomID == "" ||
			evt.Content.Algorithm == "" {
			continue // not an encryption the store can record (the intake handles it in its turn)
		}
		if err := in.state.SetEncryptionEvent(ctx, evt.RoomID, &evt.Content); err != nil {
			return fmt.Errorf("failed to record the encryption of a room: %w", err)
		}
	}
	return nil
}
