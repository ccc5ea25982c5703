package bot

import (
	"context"
	"fmt"

	"maunium.net/go/mautrix/event"
)

// DecryptHistory decrypts an encrypted event of a room's history (a
// rebuild, a catch-up) with d and applies the intake's trust policy
// (trustedStates): the event as the bot would have handled it live, or an
// error saying why it cannot be read (no room key, a key not proven to be
// the sender's device's). Unlike the intake, it decrypts the bot's own
// messages too: a replay follows its cards and records. Call it outside
// any transaction.
func DecryptHistory(ctx context.Context, d Decrypter, evt *event.Event) (*event.Event, error) {
	dec, err := d.Decrypt(ctx, evt)
	if err != nil {
		return nil, fmt.Errorf("failed to decrypt: %w", err)
	}
	if err := acceptDecrypted(evt, dec); err != nil {
		return nil, err
	}
	return dec, nil
}

// acceptDecrypted says why a decrypted event is refused, or nil: its key is
// not proven to be a device of its sender, the homeserver's sender or
// room is not the one encrypted, or it decrypts into an event that is
// never encrypted.
func acceptDecrypted(evt, dec *event.Event) error {
	switch {
	case !trustedStates[dec.Mautrix.TrustState] || dec.Sender != evt.Sender || dec.RoomID != evt.RoomID:
		return fmt.Errorf("decrypted with trust %s: not from a device of %s", dec.Mautrix.TrustState, evt.Sender)
	case dec.StateKey != nil || dec.Type == event.EventEncrypted:
		return fmt.Errorf("decrypted into a %s event, which is never encrypted", dec.Type.Type)
	}
	return nil
}
