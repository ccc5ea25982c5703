//go:build goolm

package e2ee

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/crypto"
	"maunium.net/go/mautrix/crypto/backup"
	"maunium.net/go/mautrix/crypto/olm"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"
)

const (
	testRoom  = id.RoomID("!circle:test")
	testAlice = id.UserID("@alice:test")
	testBot   = id.UserID("@exodus:test")
)

// TestDecryptHistoryChecksBackupKeys: a room key restored from the key
// backup decrypts history only when it carries the keys of one of the
// sender's devices, as the homeserver lists them; then the event has that
// device's trust (as a key received directly would), else it is marked so
// that the trust policy refuses it.
func TestDecryptHistoryChecksBackupKeys(t *testing.T) {
	ctx := zerolog.Nop().WithContext(context.Background())
	alice := crypto.NewOlmAccount()
	hs := httptest.NewServer(keysQuery(t, alice))
	defer hs.Close()
	d := historyDevice(t, ctx, hs.URL)

	aliceSigning, aliceIdentity := alice.Keys()
	other := crypto.NewOlmAccount()
	otherSigning, otherIdentity := other.Keys()
	for _, c := range []struct {
		name     string
		signing  id.Ed25519
		identity id.Curve25519
		want     id.TrustState
	}{
		{"alice's device", aliceSigning, aliceIdentity, id.TrustStateUnset},
		{"alice's identity key with another signing key", otherSigning, aliceIdentity, id.TrustStateDeviceKeyMismatch},
		{"a device alice does not have", otherSigning, otherIdentity, id.TrustStateUnknownDevice},
	} {
		t.Run(c.name, func(t *testing.T) {
			evt := backedUpEvent(t, ctx, d, c.identity, c.signing)
			dec, err := d.DecryptHistory(ctx, evt)
			if err != nil {
				t.Fatal(err)
			}
			if dec.Mautrix.TrustState != c.want || dec.Content.AsMessage().Body != "!ex status orange 300" {
				t.Errorf("trust %s, body %q; want %s", dec.Mautrix.TrustState, dec.Content.AsMessage().Body, c.want)
			}
		})
	}
}

// keysQuery answers /keys/query with alice's one device, signed by itself.
func keysQuery(t *testing.T, alice *crypto.OlmAccount) http.HandlerFunc {
	signing, identity := alice.Keys()
	keys := &mautrix.DeviceKeys{UserID: testAlice, DeviceID: "ALICE", Algorithms: []id.Algorithm{id.AlgorithmMegolmV1, id.AlgorithmOlmV1},
		Keys: map[id.DeviceKeyID]string{
			id.NewDeviceKeyID(id.KeyAlgorithmCurve25519, "ALICE"): string(identity),
			id.NewDeviceKeyID(id.KeyAlgorithmEd25519, "ALICE"):    string(signing),
		}}
	sig, err := alice.SignJSON(keys)
	if err != nil {
		t.Fatal(err)
	}
	keys.Signatures = map[id.UserID]map[id.KeyID]string{testAlice: {id.NewKeyID(id.KeyAlgorithmEd25519, "ALICE"): sig}}
	return func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/_matrix/client/v3/keys/query" {
			http.NotFound(w, r)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"device_keys": map[id.UserID]map[id.DeviceID]*mautrix.DeviceKeys{testAlice: {"ALICE": keys}}})
	}
}

// historyDevice is a bot device on a fresh SQLite store, opened for
// history against the homeserver at url.
func historyDevice(t *testing.T, ctx context.Context, url string) *Device {
	t.Helper()
	db := openDB(t)
	pickle := []byte("a pickle key of thirty-two bytes")
	store, err := OpenStore(ctx, db, testBot, pickle)
	if err != nil {
		t.Fatal(err)
	}
	store.DeviceID = "BOT"
	if err := store.PutAccount(ctx, crypto.NewOlmAccount()); err != nil {
		t.Fatal(err)
	}
	cli, err := mautrix.NewClient(url, testBot, "as-token")
	if err != nil {
		t.Fatal(err)
	}
	d, err := OpenHistory(ctx, db, cli, mautrix.NewMemoryStateStore().(StateStore), Config{PickleKey: pickle})
	if err != nil || d == nil {
		t.Fatalf("open for history: %v %v", d, err)
	}
	return d
}

// backedUpEvent makes a megolm session claiming the given sender keys,
// imports it into d as from the key backup, and returns alice's event
// encrypted with it, as the homeserver serves it.
func backedUpEvent(t *testing.T, ctx context.Context, d *Device, identity id.Curve25519, signing id.Ed25519) *event.Event {
	t.Helper()
	out, err := olm.NewOutboundGroupSession()
	if err != nil {
		t.Fatal(err)
	}
	in, err := olm.NewInboundGroupSession([]byte(out.Key()))
	if err != nil {
		t.Fatal(err)
	}
	exported, err := in.Export(0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = d.mach.ImportRoomKeyFromBackup(ctx, "1", testRoom, out.ID(), &backup.MegolmSessionData{Algorithm: id.AlgorithmMegolmV1,
		SenderKey: identity, SenderClaimedKeys: backup.SenderClaimedKeys{Ed25519: signing}, SessionKey: string(exported)})
	if err != nil {
		t.Fatal(err)
	}
	return alicesCommand(t, out, identity)
}

// alicesCommand is alice's "!ex status orange 300" encrypted with out
// (her sender key identity), as the homeserver serves it.
func alicesCommand(t *testing.T, out olm.OutboundGroupSession, identity id.Curve25519) *event.Event {
	t.Helper()
	plain, _ := json.Marshal(map[string]any{"type": "m.room.message", "room_id": testRoom,
		"content": map[string]any{"msgtype": "m.text", "body": "!ex status orange 300"}})
	ciphertext, err := out.Encrypt(plain)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(map[string]any{"type": "m.room.encrypted", "event_id": "$" + string(out.ID()), "room_id": testRoom,
		"sender": testAlice, "origin_server_ts": 1_790_000_000_000, "content": map[string]any{"algorithm": id.AlgorithmMegolmV1,
			"sender_key": identity, "session_id": out.ID(), "ciphertext": string(ciphertext), "device_id": "ALICE"}})
	var evt event.Event
	if err := json.Unmarshal(raw, &evt); err != nil {
		t.Fatal(err)
	}
	return &evt
}
