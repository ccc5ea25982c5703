//go:build goolm

package e2ee

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"maunium.net/go/mautrix/crypto"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"
)

// encryptionSetter is a state store that can be told a room's encryption
// (the bot's sqlstatestore is one).
type encryptionSetter interface {
	SetEncryptionEvent(ctx context.Context, room id.RoomID, content *event.EncryptionEventContent) error
}

// Encrypt encrypts content, an event of type typ, for room with the
// device's outbound megolm session there. A room without one (or whose
// session expired, or was dropped on a membership change: MemberArrived,
// HandleMemberEvent; or was not shared with one of the members) gets a new
// session, shared first with every device of the room's joined and invited
// members (members.go: the state store, once the homeserver was asked).
// Each call takes the next message index: a retried send is
// encrypted anew (the homeserver drops a retry it took already by its
// transaction ID). A new session's key goes to the key backup before it
// returns. Call it outside transactions.
func (d *Device) Encrypt(ctx context.Context, room id.RoomID, typ event.Type, content json.RawMessage) (*event.EncryptedEventContent, error) {
	if err := d.learnEncryption(ctx, room); err != nil {
		return nil, err
	}
	members, err := d.members(ctx, room)
	if err != nil {
		return nil, err
	}
	if err := d.coverMembers(ctx, room, members); err != nil {
		return nil, err
	}
	enc, err := d.mach.EncryptMegolmEvent(ctx, room, typ, content)
	if err == nil {
		return enc, nil
	}
	if !errors.Is(err, crypto.ErrSessionExpired) && !errors.Is(err, crypto.ErrNoGroupSession) &&
		!errors.Is(err, crypto.ErrSessionNotShared) {
		return nil, err
	}
	if err := d.mach.ShareGroupSession(ctx, room, members); err != nil {
		return nil, fmt.Errorf("failed to share the room key: %w", err)
	}
	session, err := d.mach.CryptoStore.GetOutboundGroupSession(ctx, room)
	if err != nil {
		return nil, err
	}
	if session != nil {
		d.shares.record(room, session.ID(), members)
	}
	enc, err = d.mach.EncryptMegolmEvent(ctx, room, typ, content)
	if err != nil {
		return nil, err
	}
	d.backUpNew(ctx)
	return enc, nil
}

// backUpNew uploads the key of the session just made to the key backup
// at once, rather than after the next /sync (a lost database right after
// would lose it). A failure does not stop the message: the key is tried
// again after the next /sync.
func (d *Device) backUpNew(ctx context.Context) {
	if n, err := d.backUp(ctx); err != nil {
		d.log.Warn().Err(err).Msg("Failed to back up the new room key; trying again after the next /sync")
	} else if n > 0 {
		d.log.Debug().Int("keys", n).Msg("Backed up room keys")
	}
}

// coverMembers drops the room's outbound session unless the device shared
// it, in this process, with every one of members (a member the bot itself
// just invited: its invitation card must be readable by the invitee, whose
// membership event the intake has not read yet). After a restart, the
// first message into each room starts a new session.
func (d *Device) coverMembers(ctx context.Context, room id.RoomID, members []id.UserID) error {
	session, err := d.mach.CryptoStore.GetOutboundGroupSession(ctx, room)
	if err != nil || session == nil {
		return err
	}
	if d.shares.covers(room, session.ID(), members) {
		return nil
	}
	return d.mach.CryptoStore.RemoveOutboundGroupSession(ctx, room)
}

// Invited notes that the bot invited user into room: the room key is
// shared with the invitee even before the homeserver lists them.
func (d *Device) Invited(room id.RoomID, user id.UserID) { d.shares.invite(room, user) }

// shares is what the device shared its outbound sessions with, and whom
// the bot invited, in this process.
type shares struct {
	mu      sync.Mutex
	with    map[id.RoomID]sharedWith
	invited map[id.RoomID]map[id.UserID]bool
}

// sharedWith is a room's outbound session and the members it was shared
// with.
type sharedWith struct {
	session id.SessionID
	users   map[id.UserID]bool
}

func (s *shares) record(room id.RoomID, session id.SessionID, members []id.UserID) {
	s.mu.Lock()
	defer s.mu.Unlock()
	users := make(map[id.UserID]bool, len(members))
	for _, u := range members {
		users[u] = true
	}
	if s.with == nil {
		s.with = map[id.RoomID]sharedWith{}
	}
	s.with[room] = sharedWith{session: session, users: users}
}

func (s *shares) covers(room id.RoomID, session id.SessionID, members []id.UserID) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	w, ok := s.with[room]
	if !ok || w.session != session {
		return false
	}
	for _, u := range members {
		if !w.users[u] {
			return false
		}
	}
	return true
}

func (s *shares) invite(room id.RoomID, user id.UserID) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.invited == nil {
		s.invited = map[id.RoomID]map[id.UserID]bool{}
	}
	if s.invited[room] == nil {
		s.invited[room] = map[id.UserID]bool{}
	}
	s.invited[room][user] = true
}

// withInvited adds to members those the bot invited into room that are not
// among them, and forgets the invitations the homeserver lists now.
func (s *shares) withInvited(room id.RoomID, members []id.UserID) []id.UserID {
	s.mu.Lock()
	defer s.mu.Unlock()
	pending := s.invited[room]
	for _, u := range members {
		delete(pending, u)
	}
	for u := range pending {
		members = append(members, u)
	}
	return members
}

// learnEncryption makes the state store know room's encryption settings
// (the session's rotation) when it does not yet: a room whose
// m.room.encryption came before the bot joined.
func (d *Device) learnEncryption(ctx context.Context, room id.RoomID) error {
	on, err := d.mach.StateStore.IsEncrypted(ctx, room)
	if err != nil || on {
		return err
	}
	set, ok := d.mach.StateStore.(encryptionSetter)
	if !ok {
		return nil
	}
	var content event.EncryptionEventContent
	if err := d.cli.StateEvent(ctx, room, event.StateEncryption, "", &content); err != nil {
		return fmt.Errorf("failed to read the room's encryption: %w", err)
	}
	return set.SetEncryptionEvent(ctx, room, &content)
}
