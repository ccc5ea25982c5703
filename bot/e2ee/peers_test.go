//go:build goolm

package e2ee

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix/crypto"
	"maunium.net/go/mautrix/crypto/olm"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"
)

const (
	testPeer    = id.UserID("@exodus:other")
	testMallory = id.UserID("@mallory:test")
	otherRoom   = id.RoomID("!elsewhere:test")
)

// peerDevice stores a device of user in d's store, cross-signed by its
// owner when signed (as the bot sees it after /keys/query).
func peerDevice(t *testing.T, ctx context.Context, d *Device, user id.UserID, device id.DeviceID, signed bool) *id.Device {
	t.Helper()
	acc := crypto.NewOlmAccount()
	signing, identity := acc.Keys()
	dev := &id.Device{UserID: user, DeviceID: device, IdentityKey: identity, SigningKey: signing}
	if err := d.store.PutDevice(ctx, user, dev); err != nil {
		t.Fatal(err)
	}
	if !signed {
		return dev
	}
	master, self := crypto.NewOlmAccount().SigningKey(), crypto.NewOlmAccount().SigningKey()
	for _, err := range []error{
		d.store.PutCrossSigningKey(ctx, user, id.XSUsageMaster, master),
		d.store.PutCrossSigningKey(ctx, user, id.XSUsageSelfSigning, self),
		d.store.PutSignature(ctx, user, self, user, master, "sig"),
		d.store.PutSignature(ctx, user, signing, user, self, "sig"),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return dev
}

// peersDevice is a history device whose trusted bot is testPeer, sharing
// testRoom with it (a circle both are in) and no other room.
func peersDevice(t *testing.T, ctx context.Context) (*Device, *crypto.OlmAccount) {
	t.Helper()
	alice := crypto.NewOlmAccount()
	hs := httptest.NewServer(keysQuery(t, alice))
	t.Cleanup(hs.Close)
	d := historyDevice(t, ctx, hs.URL)
	d.SetPeers(Peers{Bots: []id.UserID{testPeer}, Share: func(_ context.Context, room id.RoomID, bot id.UserID) bool {
		return room == testRoom && bot == testPeer
	}})
	return d, alice
}

// TestKeyRequestsFromTrustedBotsOnly: a room key goes to a trusted bot's
// device cross-signed by its owner, for a circle both bots are in; a
// trusted bot's device its owner did not sign, a room the bots do not
// share, and any other user (cross-signed or not) get nothing.
func TestKeyRequestsFromTrustedBotsOnly(t *testing.T) {
	ctx := zerolog.Nop().WithContext(context.Background())
	d, _ := peersDevice(t, ctx)
	signed := peerDevice(t, ctx, d, testPeer, "PEER", true)
	unsigned := peerDevice(t, ctx, d, testPeer, "PEER2", false)
	mallory := peerDevice(t, ctx, d, testMallory, "MALLORY", true)
	session := sessionOf(t, ctx, d)
	for _, c := range []struct {
		name   string
		device *id.Device
		room   id.RoomID
		allow  bool
	}{
		{"a trusted bot's cross-signed device, a circle both are in", signed, testRoom, true},
		{"a trusted bot's device not signed by its owner", unsigned, testRoom, false},
		{"a trusted bot, a room the bots do not share", signed, otherRoom, false},
		{"another user's cross-signed device", mallory, testRoom, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			rejection := d.mach.AllowKeyShare(ctx, c.device, event.RequestedKeyInfo{
				Algorithm: id.AlgorithmMegolmV1, RoomID: c.room, SessionID: session})
			if got := rejection == nil; got != c.allow {
				t.Errorf("allowed %v (%v), want %v", got, rejection, c.allow)
			}
		})
	}
}

// sessionOf stores a member's room key in d (as received directly) and
// returns its session.
func sessionOf(t *testing.T, ctx context.Context, d *Device) id.SessionID {
	t.Helper()
	out, err := olm.NewOutboundGroupSession()
	if err != nil {
		t.Fatal(err)
	}
	member := crypto.NewOlmAccount()
	signing, identity := member.Keys()
	igs, err := crypto.NewInboundGroupSession(identity, signing, testRoom, out.Key(), 0, 0, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.store.PutGroupSession(ctx, igs); err != nil {
		t.Fatal(err)
	}
	return igs.ID()
}

// TestDecryptHistoryTakesTrustedBotsForwardedKeys: a room key of alice's
// forwarded by a trusted bot's cross-signed device reads history with the
// trust of alice's device whose keys it carries; forwarded by anyone else,
// by a trusted bot's device its owner did not sign, or forwarded again, it
// stays marked as forwarded (the trust policy refuses it). Restored from
// the key backup (which does not say who forwarded it), it is taken when
// the forwarder's key is a trusted bot's cross-signed device's. The live
// decryption never takes a forwarded key.
func TestDecryptHistoryTakesTrustedBotsForwardedKeys(t *testing.T) {
	ctx := zerolog.Nop().WithContext(context.Background())
	d, alice := peersDevice(t, ctx)
	signed := peerDevice(t, ctx, d, testPeer, "PEER", true)
	unsigned := peerDevice(t, ctx, d, testPeer, "PEER2", false)
	mallory := peerDevice(t, ctx, d, testMallory, "MALLORY", true)
	for _, c := range []struct {
		name   string
		source id.KeySource
		from   id.UserID
		chain  []id.Curve25519
		want   id.TrustState
	}{
		{"a trusted bot's cross-signed device", id.KeySourceForward, testPeer, []id.Curve25519{signed.IdentityKey}, id.TrustStateUnset},
		{"a trusted bot's device not signed by its owner", id.KeySourceForward, testPeer, []id.Curve25519{unsigned.IdentityKey}, id.TrustStateForwarded},
		{"another user's cross-signed device", id.KeySourceForward, testMallory, []id.Curve25519{mallory.IdentityKey}, id.TrustStateForwarded},
		{"another user, naming a trusted bot's device", id.KeySourceForward, testMallory, []id.Curve25519{signed.IdentityKey}, id.TrustStateForwarded},
		{"a trusted bot, forwarded again", id.KeySourceForward, testPeer, []id.Curve25519{mallory.IdentityKey, signed.IdentityKey}, id.TrustStateForwarded},
		{"from the backup, a trusted bot's cross-signed device", id.KeySourceBackup, "", []id.Curve25519{signed.IdentityKey}, id.TrustStateUnset},
		{"from the backup, another user's device", id.KeySourceBackup, "", []id.Curve25519{mallory.IdentityKey}, id.TrustStateForwarded},
	} {
		t.Run(c.name, func(t *testing.T) {
			evt := forwardedEvent(t, ctx, d, alice, c.source, c.from, c.chain)
			dec, err := d.DecryptHistory(ctx, evt)
			if err != nil {
				t.Fatal(err)
			}
			if dec.Mautrix.TrustState != c.want || dec.Content.AsMessage().Body != "!ex status orange 300" {
				t.Errorf("history: trust %s, body %q; want %s", dec.Mautrix.TrustState, dec.Content.AsMessage().Body, c.want)
			}
			live, err := d.Decrypt(ctx, evt)
			if err != nil {
				t.Fatal(err)
			}
			if ts := live.Mautrix.TrustState; ts != id.TrustStateForwarded && ts != id.TrustStateBackup {
				t.Errorf("live: trust %s, want %s or %s (refused)", ts, id.TrustStateForwarded, id.TrustStateBackup)
			}
		})
	}
}

// forwardedEvent stores alice's room key in d as forwarded by from along
// chain (received so, or restored from the backup), and returns alice's
// event encrypted with it, as the homeserver serves it.
func forwardedEvent(t *testing.T, ctx context.Context, d *Device, alice *crypto.OlmAccount, source id.KeySource, from id.UserID, chain []id.Curve25519) *event.Event {
	t.Helper()
	out, err := olm.NewOutboundGroupSession()
	if err != nil {
		t.Fatal(err)
	}
	signing, identity := alice.Keys()
	igs, err := crypto.NewInboundGroupSession(identity, signing, testRoom, out.Key(), 0, 0, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	igs.KeySource, igs.SourceUser = source, from
	for _, k := range chain {
		igs.ForwardingChains = append(igs.ForwardingChains, k.String())
	}
	if err := d.store.PutGroupSession(ctx, igs); err != nil {
		t.Fatal(err)
	}
	return alicesCommand(t, out, identity)
}

// TestWithheldKeyMayStillCome: a room key another device withheld (a
// trusted bot that has it not) is a key that has not come yet: the event
// waits for it, and decrypts when it comes.
func TestWithheldKeyMayStillCome(t *testing.T) {
	ctx := zerolog.Nop().WithContext(context.Background())
	d, alice := peersDevice(t, ctx)
	evt := forwardedEvent(t, ctx, d, alice, id.KeySourceDirect, "", nil)
	session := id.SessionID(evt.Content.Raw["session_id"].(string))
	stored, err := d.store.GetGroupSession(ctx, testRoom, session)
	if err != nil || stored == nil {
		t.Fatalf("the session: %v %v", stored, err)
	}
	if _, err := d.store.DB.Exec(ctx, "DELETE FROM crypto_megolm_inbound_session WHERE session_id=$1", session); err != nil {
		t.Fatal(err)
	}
	if err := d.store.PutWithheldGroupSession(ctx, event.RoomKeyWithheldEventContent{RoomID: testRoom, Algorithm: id.AlgorithmMegolmV1,
		SessionID: session, SenderKey: stored.SenderKey, Code: event.RoomKeyWithheldUnavailable}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Decrypt(ctx, evt); !errors.Is(err, ErrNoKey) {
		t.Fatalf("withheld: %v, want ErrNoKey", err)
	}
	if err := d.mach.StoreGroupSession(ctx, stored); err != nil {
		t.Fatal(err)
	}
	if dec, err := d.Decrypt(ctx, evt); err != nil || dec.Content.AsMessage().Body != "!ex status orange 300" {
		t.Fatalf("once the key came: %v", err)
	}
}
