//go:build goolm

package encrypted

import (
	"context"

	"maunium.net/go/mautrix/crypto"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"
)

// answerKeyRequestsAsElement makes mach answer room key requests
// (m.room_key_request) as Element's crypto does. Element Web and Element X
// use matrix-rust-sdk, whose key forwarding is on (matrix-js-sdk turns
// only the sending of key requests off, element-web#26524): it answers
// another user's device only with the room's current outbound session
// (the one it sends with), and only if that session was shared with that
// very device (from the message index it was shared at); its own devices
// when they are verified. So a member's client re-sends a room key lost
// on its way to the bot's device, as long as it has not moved on to a new
// session (a member joined or left, or the session's age or message count
// ran out). mautrix's default answers any session it ever shared with the
// device; this narrows it to the current one. Refusals get no answer.
func answerKeyRequestsAsElement(mach *crypto.OlmMachine) {
	shared := mach.AllowKeyShare // mautrix's: shared with that device, or own trusted devices
	mach.AllowKeyShare = func(ctx context.Context, device *id.Device, req event.RequestedKeyInfo) *crypto.KeyShareRejection {
		if device.UserID == mach.Client.UserID {
			return shared(ctx, device, req)
		}
		current, err := mach.CryptoStore.GetOutboundGroupSession(ctx, req.RoomID)
		if err != nil || current == nil || current.ID() != req.SessionID {
			return &crypto.KeyShareRejectNoResponse
		}
		return shared(ctx, device, req)
	}
}
