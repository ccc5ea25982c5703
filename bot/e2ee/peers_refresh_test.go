//go:build goolm

package e2ee

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/crypto"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"
)

// peerKeys is what the homeserver answers to /keys/query for testPeer: its
// device PEER, cross-signed by its owner when signed; queries counts the
// queries for testPeer.
type peerKeys struct {
	resp    mautrix.RespQueryKeys
	device  *id.Device
	queries atomic.Int32
}

// newPeerKeys makes testPeer's device and, when signed, its master and
// self-signing keys, the self-signing key signed by the master key and the
// device by the self-signing key, as a bot that cross-signed its device
// publishes them.
func newPeerKeys(t *testing.T, signed bool) *peerKeys {
	t.Helper()
	dev, master, self := crypto.NewOlmAccount(), crypto.NewOlmAccount(), crypto.NewOlmAccount()
	signing, identity := dev.Keys()
	keys := mautrix.DeviceKeys{UserID: testPeer, DeviceID: "PEER", Algorithms: []id.Algorithm{id.AlgorithmMegolmV1, id.AlgorithmOlmV1},
		Keys: map[id.DeviceKeyID]string{
			id.NewDeviceKeyID(id.KeyAlgorithmCurve25519, "PEER"): string(identity),
			id.NewDeviceKeyID(id.KeyAlgorithmEd25519, "PEER"):    string(signing),
		}}
	keys.Signatures = map[id.UserID]map[id.KeyID]string{testPeer: {id.NewKeyID(id.KeyAlgorithmEd25519, "PEER"): sign(t, dev, keys)}}
	p := &peerKeys{device: &id.Device{UserID: testPeer, DeviceID: "PEER", IdentityKey: identity, SigningKey: signing}}
	p.resp.DeviceKeys = map[id.UserID]map[id.DeviceID]mautrix.DeviceKeys{testPeer: {"PEER": keys}}
	if !signed {
		return p
	}
	msk, ssk := master.SigningKey(), self.SigningKey()
	masterKeys := mautrix.CrossSigningKeys{UserID: testPeer, Usage: []id.CrossSigningUsage{id.XSUsageMaster},
		Keys: map[id.KeyID]id.Ed25519{id.NewKeyID(id.KeyAlgorithmEd25519, msk.String()): msk}}
	selfKeys := mautrix.CrossSigningKeys{UserID: testPeer, Usage: []id.CrossSigningUsage{id.XSUsageSelfSigning},
		Keys: map[id.KeyID]id.Ed25519{id.NewKeyID(id.KeyAlgorithmEd25519, ssk.String()): ssk}}
	selfKeys.Signatures = map[id.UserID]map[id.KeyID]string{testPeer: {id.NewKeyID(id.KeyAlgorithmEd25519, msk.String()): sign(t, master, selfKeys)}}
	keys.Signatures[testPeer][id.NewKeyID(id.KeyAlgorithmEd25519, ssk.String())] = sign(t, self, keys)
	p.resp.DeviceKeys[testPeer]["PEER"] = keys
	p.resp.MasterKeys = map[id.UserID]mautrix.CrossSigningKeys{testPeer: masterKeys}
	p.resp.SelfSigningKeys = map[id.UserID]mautrix.CrossSigningKeys{testPeer: selfKeys}
	return p
}

func sign(t *testing.T, acc *crypto.OlmAccount, obj any) string {
	t.Helper()
	sig, err := acc.SignJSON(obj)
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

func (p *peerKeys) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/_matrix/client/v3/keys/query" {
		http.NotFound(w, r)
		return
	}
	var req mautrix.ReqQueryKeys
	if json.NewDecoder(r.Body).Decode(&req) != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	if _, asked := req.DeviceKeys[testPeer]; !asked {
		_ = json.NewEncoder(w).Encode(map[string]any{}) // the bot's own keys: none
		return
	}
	p.queries.Add(1)
	_ = json.NewEncoder(w).Encode(&p.resp)
}

// TestKeyRequestFromPeerSeenUnsigned: the store holds a trusted bot's
// device without its owner's cross-signing keys (a /keys/query for another
// of its requests stored the device and not yet the keys, or the device
// was fetched before its owner signed it). Its key request is not refused
// for that: the bot's keys are fetched afresh, and the device, cross-signed
// by its owner, is forwarded the key. A device its owner did not sign is
// still refused after the fresh fetch.
func TestKeyRequestFromPeerSeenUnsigned(t *testing.T) {
	for _, c := range []struct {
		name   string
		signed bool
	}{
		{"the homeserver says it is cross-signed", true},
		{"the homeserver says it is not", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := zerolog.Nop().WithContext(context.Background())
			peer := newPeerKeys(t, c.signed)
			hs := httptest.NewServer(peer)
			t.Cleanup(hs.Close)
			d := historyDevice(t, ctx, hs.URL)
			d.SetPeers(Peers{Bots: []id.UserID{testPeer}, Share: func(_ context.Context, room id.RoomID, bot id.UserID) bool {
				return room == testRoom && bot == testPeer
			}})
			if err := d.store.PutDevice(ctx, testPeer, peer.device); err != nil { // no cross-signing keys yet
				t.Fatal(err)
			}
			session := sessionOf(t, ctx, d)
			rejection := d.mach.AllowKeyShare(ctx, peer.device, event.RequestedKeyInfo{
				Algorithm: id.AlgorithmMegolmV1, RoomID: testRoom, SessionID: session})
			if got := rejection == nil; got != c.signed {
				t.Errorf("allowed %v (%v), want %v", got, rejection, c.signed)
			}
			if n := peer.queries.Load(); n != 1 {
				t.Errorf("the bot's keys were fetched %d times, want once, afresh", n)
			}
			if !c.signed {
				return
			}
			// Known cross-signed now: the next request needs no fetch.
			if rejection := d.mach.AllowKeyShare(ctx, peer.device, event.RequestedKeyInfo{
				Algorithm: id.AlgorithmMegolmV1, RoomID: testRoom, SessionID: session}); rejection != nil {
				t.Errorf("the next request refused: %v", rejection)
			}
			if n := peer.queries.Load(); n != 1 {
				t.Errorf("the bot's keys were fetched %d times, want once", n)
			}
		})
	}
}
