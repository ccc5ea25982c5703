package devnet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"
)

// Encryption is what makes a User an encrypting member, as Element is: its
// messages in encrypted rooms go out as m.room.encrypted and the encrypted
// events it reads are decrypted before the Wait* helpers see them. Package
// internal/devnet/encrypted implements it with mautrix's crypto (build tag
// goolm), so that devnet itself, and the binaries built on it, need no crypto.
type Encryption interface {
	// ProcessSync takes in one /sync response of the user's device (to-device
	// room keys, device lists, room state) before the sync token moves past it.
	ProcessSync(ctx context.Context, resp *mautrix.RespSync, since string) error
	// PrepareSend brings what the device knows of a room (whether it is
	// encrypted, its members, the megolm session they share) up to date
	// before a message is sent into it.
	PrepareSend(ctx context.Context, roomID id.RoomID) error
	// Decrypt returns the plaintext event of an m.room.encrypted event (same
	// ID, sender, room and timestamp), or an error while its key is missing.
	Decrypt(ctx context.Context, evt *event.Event) (*event.Event, error)
	// Encrypt encrypts content of type typ for the room.
	Encrypt(ctx context.Context, roomID id.RoomID, typ event.Type, content any) (*event.EncryptedEventContent, error)
	// Close releases the device's crypto store.
	Close() error
}

// errNotEncrypting is returned by the helpers only an encrypting member has.
var errNotEncrypting = errors.New("devnet: not an encrypting member (see NewEncryptedUser)")

// NewEncryptedUser returns a User for cli, a client logged in with its own
// device, whose end-to-end encryption is enc. The User then owns the
// device's /sync: each Wait* poll and each send syncs once first, so room
// keys arrive while the test waits, and nothing else may sync that device.
// Close releases enc.
func NewEncryptedUser(cli *mautrix.Client, password string, enc Encryption) *User {
	u := newUser(cli, password)
	u.e2ee = enc
	u.e2eeSince = time.Now().UnixMilli()
	return u
}

// Encrypted reports whether u is an encrypting member.
func (u *User) Encrypted() bool { return u.e2ee != nil }

// Close releases what the user holds (an encrypting member's crypto store).
func (u *User) Close() error {
	if u.e2ee == nil {
		return nil
	}
	return u.e2ee.Close()
}

// SendEvent sends a message event of any type, encrypted by an encrypting
// member in an encrypted room (m.reaction excepted: clients send reactions
// in clear; see ReactEncrypted).
func (u *User) SendEvent(ctx context.Context, roomID id.RoomID, typ event.Type, content any) (id.EventID, error) {
	return u.send(ctx, roomID, typ, content)
}

// ReactEncrypted sends an m.reaction encrypted (as m.room.encrypted), the
// way some clients other than Element do; React sends it in clear.
func (u *User) ReactEncrypted(ctx context.Context, roomID id.RoomID, target id.EventID, key string) (id.EventID, error) {
	if u.e2ee == nil {
		return "", errNotEncrypting
	}
	if err := u.prepareSend(ctx, roomID); err != nil {
		return "", err
	}
	content := &event.ReactionEventContent{RelatesTo: event.RelatesTo{Type: event.RelAnnotation, EventID: target, Key: key}}
	enc, err := u.e2ee.Encrypt(ctx, roomID, event.EventReaction, content)
	if err != nil {
		return "", fmt.Errorf("devnet: %s encrypting a reaction in %s: %w", u.ID, roomID, err)
	}
	resp, err := u.Client.SendMessageEvent(ctx, roomID, event.EventEncrypted, enc)
	if err != nil {
		return "", fmt.Errorf("devnet: %s sending an encrypted reaction to %s: %w", u.ID, roomID, err)
	}
	return resp.EventID, nil
}

// SendEncryptedRelationInClear sends content, an event of type typ,
// encrypted the way Element's crypto (matrix-rust-sdk) does: its
// m.relates_to is taken out of the ciphertext and travels only in clear
// beside it (mautrix's crypto, behind SendEvent and ReactEncrypted, keeps
// it in both places). The reader's client puts it back when it decrypts.
func (u *User) SendEncryptedRelationInClear(ctx context.Context, roomID id.RoomID, typ event.Type, content map[string]any) (id.EventID, error) {
	if u.e2ee == nil {
		return "", errNotEncrypting
	}
	if err := u.prepareSend(ctx, roomID); err != nil {
		return "", err
	}
	inner := make(map[string]any, len(content))
	for k, v := range content {
		if k != "m.relates_to" {
			inner[k] = v
		}
	}
	enc, err := u.e2ee.Encrypt(ctx, roomID, typ, inner)
	if err != nil {
		return "", fmt.Errorf("devnet: %s encrypting %s in %s: %w", u.ID, typ.Type, roomID, err)
	}
	if rel, ok := content["m.relates_to"]; ok {
		data, err := json.Marshal(rel)
		if err != nil {
			return "", err
		}
		enc.RelatesTo = &event.RelatesTo{}
		if err := json.Unmarshal(data, enc.RelatesTo); err != nil {
			return "", fmt.Errorf("devnet: reading the relation of %s: %w", typ.Type, err)
		}
	}
	resp, err := u.Client.SendMessageEvent(ctx, roomID, event.EventEncrypted, enc)
	if err != nil {
		return "", fmt.Errorf("devnet: %s sending an encrypted %s to %s: %w", u.ID, typ.Type, roomID, err)
	}
	return resp.EventID, nil
}

// prepareSend, for an encrypting member, syncs once (new devices, keys)
// and refreshes the room's state and megolm session, so that
// SendMessageEvent encrypts for every member. No-op for other users.
func (u *User) prepareSend(ctx context.Context, roomID id.RoomID) error {
	if u.e2ee == nil {
		return nil
	}
	if err := u.syncOnce(ctx, 0); err != nil {
		return err
	}
	if err := u.e2ee.PrepareSend(ctx, roomID); err != nil {
		return fmt.Errorf("devnet: %s preparing to send to %s: %w", u.ID, roomID, err)
	}
	return nil
}

// decryptLog decrypts, in place, the events of log still encrypted whose
// keys have arrived, and notes why the others are not. Caller holds u.mu.
func (u *User) decryptLog(ctx context.Context, log *roomLog) {
	if u.e2ee == nil {
		return
	}
	if log.undecrypted == nil {
		log.undecrypted = map[id.EventID]error{}
	}
	for i, evt := range log.events {
		if evt.Type.Type != event.EventEncrypted.Type || evt.Unsigned.RedactedBecause != nil {
			continue
		}
		dec, err := u.e2ee.Decrypt(ctx, evt)
		if err != nil {
			log.undecrypted[evt.ID] = err
			continue
		}
		delete(log.undecrypted, evt.ID)
		log.events[i] = dec
	}
}

// waitsForKeys reports whether the scan of log must stop at event i: it is
// still encrypted, its key may yet arrive, and a later event must not be
// returned before it. A key may arrive for an event sent after the user was
// invited or joined and after this client started (its device and keys
// were on the server by then); earlier ones stay unreadable to a new device,
// and a restarted client's missed keys arrive with its first sync. Caller holds u.mu.
func (u *User) waitsForKeys(log *roomLog, i int) bool {
	evt := log.events[i]
	if u.e2ee == nil || log.undecrypted[evt.ID] == nil || evt.Timestamp < u.e2eeSince {
		return false
	}
	for j := 0; j < i; j++ {
		m := log.events[j]
		if m.Type.Type == event.StateMember.Type && m.GetStateKey() == u.ID.String() {
			if mc, ok := m.Content.Parsed.(*event.MemberEventContent); ok &&
				(mc.Membership == event.MembershipJoin || mc.Membership == event.MembershipInvite) {
				return true
			}
		}
	}
	return false
}
