//go:build goolm

package encrypted

import (
	"context"
	"testing"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/crypto"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"
)

// TestKeyRequestsAnsweredAsElement: another user's device is answered
// only for the room's current session, and only if that session was
// shared with that very device.
func TestKeyRequestsAnsweredAsElement(t *testing.T) {
	ctx := context.Background()
	const room, bot = id.RoomID("!r:test"), id.UserID("@exodus:test")
	cli := &mautrix.Client{UserID: "@erin:test", DeviceID: "ERIN"}
	mach := crypto.NewOlmMachine(cli, nil, crypto.NewMemoryStore(nil), nil)
	answerKeyRequestsAsElement(mach)
	session := func() id.SessionID {
		s, err := crypto.NewOutboundGroupSession(room, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := mach.CryptoStore.AddOutboundGroupSession(ctx, s); err != nil {
			t.Fatal(err)
		}
		return s.ID()
	}
	botDevice := &id.Device{UserID: bot, DeviceID: "BOT", IdentityKey: "bot-key"}
	other := &id.Device{UserID: bot, DeviceID: "OTHER", IdentityKey: "other-key"}
	old := session()
	current := session()
	for _, s := range []id.SessionID{old, current} {
		if err := mach.CryptoStore.MarkOutboundGroupSessionShared(ctx, bot, botDevice.IdentityKey, s); err != nil {
			t.Fatal(err)
		}
	}
	ask := func(d *id.Device, s id.SessionID) *crypto.KeyShareRejection {
		return mach.AllowKeyShare(ctx, d, event.RequestedKeyInfo{RoomID: room, SessionID: s, Algorithm: id.AlgorithmMegolmV1})
	}
	if r := ask(botDevice, current); r != nil {
		t.Errorf("the current session shared with the device: refused (%v)", r.Code)
	}
	if ask(botDevice, old) == nil {
		t.Error("a session the client moved on from: answered")
	}
	if ask(other, current) == nil {
		t.Error("a device the session was not shared with: answered")
	}
}
