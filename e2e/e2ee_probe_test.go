//go:build goolm

package e2e_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/crypto"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/internal/devnet"
)

// probeRegistration is an appservice of the probe's own: nothing listens
// at its URL, the probe only uses its token.
const probeRegistration = `id: probe
url: http://127.0.0.1:9
as_token: probe-as-token-0123456789
hs_token: probe-hs-token-0123456789
sender_localpart: probe
rate_limited: false
namespaces:
  users:
  - exclusive: true
    regex: "@probe:localhost"
  aliases: []
  rooms: []
`

// TestDendriteEncryptionFacts checks what the bot's encryption relies on
// in Dendrite v0.15.2 (docs/design/encryption-research.md, section 1), so
// that a Dendrite upgrade that changes one of them fails here first:
//   - an appservice user logs in (m.login.application_service) under a
//     device ID of its choosing; logging in again under it keeps the
//     device's keys and revokes the previous token;
//   - its first cross-signing keys need no password, a replacement is
//     refused (401: it has no password to give), so the bot never makes
//     them twice;
//   - a to-device message stays until the device syncs past it: a sync
//     from the same token gets it again, one from the next token does not
//     (the bot saves its token only after storing the keys).
func TestDendriteEncryptionFacts(t *testing.T) {
	dir := t.TempDir()
	reg := filepath.Join(dir, "probe.yaml")
	if err := os.WriteFile(reg, []byte(probeRegistration), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	hs, err := devnet.Start(ctx, devnet.Options{Dir: filepath.Join(dir, "hs"), Registrations: []string{reg}})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = hs.Stop() }()
	const probe = id.UserID("@probe:localhost")

	first := appserviceLogin(t, hs.URL, probe, "PROBEDEV")
	mach := crypto.NewOlmMachine(first, &zerolog.Logger{}, crypto.NewMemoryStore(nil), mautrix.NewMemoryStateStore().(crypto.StateStore))
	if err := mach.Load(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	if err := mach.ShareKeys(testCtx(t), -1); err != nil {
		t.Fatalf("upload device keys: %v", err)
	}
	if _, err := mach.GenerateAndVerifyWithRecoveryKey(testCtx(t)); err != nil {
		t.Fatalf("first cross-signing keys without a password: %v", err)
	}
	keys, err := mach.GenerateCrossSigningKeys()
	if err != nil {
		t.Fatal(err)
	}
	var httpErr mautrix.HTTPError
	if err := mach.PublishCrossSigningKeys(testCtx(t), keys, nil); !errors.As(err, &httpErr) || httpErr.Response == nil || httpErr.Response.StatusCode != http.StatusUnauthorized {
		t.Errorf("replacing the cross-signing keys: %v, want HTTP 401", err)
	}

	second := appserviceLogin(t, hs.URL, probe, "PROBEDEV")
	resp, err := second.QueryKeys(testCtx(t), &mautrix.ReqQueryKeys{DeviceKeys: mautrix.DeviceKeysRequest{probe: {"PROBEDEV"}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.DeviceKeys[probe]["PROBEDEV"].Keys.GetEd25519("PROBEDEV"); got != mach.GetAccount().SigningKey() {
		t.Errorf("after logging in again the device's key is %q, want %q", got, mach.GetAccount().SigningKey())
	}
	if _, err := first.Whoami(testCtx(t)); !errors.Is(err, mautrix.MUnknownToken) {
		t.Errorf("the first login's token after the second login: %v, want M_UNKNOWN_TOKEN", err)
	}

	sender, err := hs.Register(testCtx(t), "sender", "sender-password")
	if err != nil {
		t.Fatal(err)
	}
	start, err := second.FullSyncRequest(testCtx(t), mautrix.ReqSync{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sender.Client.SendToDevice(testCtx(t), event.Type{Type: "org.exodus.probe", Class: event.ToDeviceEventType}, &mautrix.ReqSendToDevice{
		Messages: map[id.UserID]map[id.DeviceID]*event.Content{probe: {"PROBEDEV": {Raw: map[string]any{"n": 1}}}}}); err != nil {
		t.Fatal(err)
	}
	got := toDeviceFrom(t, second, start.NextBatch, 30*time.Second) // waits for the message
	again := toDeviceFrom(t, second, start.NextBatch, 0)
	if len(got.ToDevice.Events) != 1 || len(again.ToDevice.Events) != 1 {
		t.Fatalf("to-device messages from the same token: %d, then %d; want 1 and 1", len(got.ToDevice.Events), len(again.ToDevice.Events))
	}
	toDeviceFrom(t, second, got.NextBatch, 0) // past it: Dendrite deletes it
	if after := toDeviceFrom(t, second, start.NextBatch, 0); len(after.ToDevice.Events) != 0 {
		t.Errorf("after a sync past it the message came %d more times; want none", len(after.ToDevice.Events))
	}
}

// appserviceLogin logs user in with the appservice token under device.
func appserviceLogin(t *testing.T, hsURL string, user id.UserID, device id.DeviceID) *mautrix.Client {
	t.Helper()
	cli, err := mautrix.NewClient(hsURL, user, "probe-as-token-0123456789")
	if err != nil {
		t.Fatal(err)
	}
	flows, err := cli.GetLoginFlows(testCtx(t))
	if err != nil || !flows.HasFlow(mautrix.AuthTypeAppservice) {
		t.Fatalf("login flows %v (%v): no %s", flows, err, mautrix.AuthTypeAppservice)
	}
	resp, err := cli.Login(testCtx(t), &mautrix.ReqLogin{Type: mautrix.AuthTypeAppservice,
		Identifier: mautrix.UserIdentifier{Type: mautrix.IdentifierTypeUser, User: string(user)},
		DeviceID:   device, StoreCredentials: true})
	if err != nil {
		t.Fatalf("appservice login: %v", err)
	}
	if resp.DeviceID != device || resp.AccessToken == "probe-as-token-0123456789" {
		t.Fatalf("appservice login gave device %s (want %s), its own token: %v", resp.DeviceID, device, resp.AccessToken != "probe-as-token-0123456789")
	}
	return cli
}

// toDeviceFrom syncs cli from since, waiting up to wait for something new.
func toDeviceFrom(t *testing.T, cli *mautrix.Client, since string, wait time.Duration) *mautrix.RespSync {
	t.Helper()
	resp, err := cli.FullSyncRequest(testCtx(t), mautrix.ReqSync{Since: since, Timeout: int(wait / time.Millisecond)})
	if err != nil {
		t.Fatal(err)
	}
	return resp
}
