//go:build goolm

package e2ee

import (
	"context"
	"errors"
	"fmt"

	"maunium.net/go/mautrix/crypto"
	"maunium.net/go/mautrix/crypto/olm"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"
)

// ErrNoKey is the error of an event whose room key the device does not
// have (yet), or not from the event's message index on, or that was
// withheld from it: the key may still come.
var ErrNoKey = errors.New("the device has no room key for the event")

// Decrypt decrypts a megolm event with the room keys in the store. The
// decrypted event keeps the encrypted one's ID, room, sender and time;
// its Mautrix.TrustState says whose keys decrypted it: mautrix looks up
// the device of the claimed sender with the session's identity key
// (asking the homeserver for the sender's devices if it does not know
// it) and compares the device's signing key with the session's
// (TrustStateDeviceKeyMismatch when they differ, TrustStateUnknownDevice
// when the sender has no such device); forwarded and backed-up keys are
// marked so. Re-decrypting the same event is allowed (a retried handling
// or a rebuild); the same message index under another event ID is
// refused as a replay. It may do HTTP: call it outside transactions.
func (d *Device) Decrypt(ctx context.Context, evt *event.Event) (*event.Event, error) {
	if evt.Content.Parsed == nil {
		if err := evt.Content.ParseRaw(evt.Type); err != nil {
			return nil, fmt.Errorf("failed to parse the encrypted content: %w", err)
		}
	}
	dec, err := d.mach.DecryptMegolmEvent(ctx, evt)
	// A withheld key (m.room_key.withheld: a device that was asked for it,
	// another bot or a member's client, has it not or gives it not) is no
	// answer for good: the sender's own key, or another bot's, replaces it.
	if errors.Is(err, crypto.ErrNoSessionFound) || errors.Is(err, olm.ErrUnknownMessageIndex) ||
		errors.Is(err, crypto.ErrGroupSessionWithheld) {
		return nil, fmt.Errorf("%w: %w", ErrNoKey, err)
	}
	return dec, err
}

// OnRoomKey calls f with the ID of each megolm session whose key the
// device gets (with the context of the /sync loop: no transaction), after
// the key is stored. Call it before Run.
func (d *Device) OnRoomKey(f func(ctx context.Context, session id.SessionID)) {
	d.mach.SessionReceived = func(ctx context.Context, _ id.RoomID, session id.SessionID, _ uint32) {
		f(ctx, session)
	}
}

// RequestKey asks the sender's devices again for the room key of an
// encrypted event (m.room_key_request). A member's client answers with the
// key if it shared the session with this device before (the key was lost
// on its way); the answer arrives through Run and wakes the event like any
// key (OnRoomKey). Forwarded by the sender's own device, the key keeps the
// trust of that device.
func (d *Device) RequestKey(ctx context.Context, evt *event.Event) error {
	if evt.Content.Parsed == nil {
		if err := evt.Content.ParseRaw(evt.Type); err != nil {
			return fmt.Errorf("failed to parse the encrypted content: %w", err)
		}
	}
	c := evt.Content.AsEncrypted()
	err := d.mach.SendRoomKeyRequest(ctx, evt.RoomID, c.SenderKey, c.SessionID, "",
		map[id.UserID][]id.DeviceID{evt.Sender: {"*"}})
	if err != nil {
		return fmt.Errorf("failed to ask for the room key: %w", err)
	}
	return nil
}
