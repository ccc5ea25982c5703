//go:build goolm

package encrypted_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/internal/devnet"
	"github.com/exodus-matrix/exodus/internal/devnet/encrypted"
)

// TestTrust: a device its owner has not cross-signed is unset (Element's red
// shield); cross-signed, cross-signed-tofu; once the other member verified
// its owner, cross-signed-verified. A second cross-signing is refused by
// Dendrite (it wants the password), which is why a bot must do it once.
func TestTrust(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	hs, err := devnet.Start(ctx, devnet.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = hs.Stop() })
	alice := register(ctx, t, hs, "alice", t.TempDir())
	bob := register(ctx, t, hs, "bob", t.TempDir())
	trust := func(want id.TrustState) {
		t.Helper()
		got, err := encrypted.Trust(ctx, bob, alice.ID, alice.Client.DeviceID)
		if err != nil || got != want {
			t.Fatalf("bob trusts alice's device: %s, %v; want %s", got, err, want)
		}
	}
	trust(id.TrustStateUnset)
	if _, err := encrypted.CrossSign(ctx, alice); err != nil {
		t.Fatal(err)
	}
	trust(id.TrustStateCrossSignedTOFU)
	if _, err := encrypted.CrossSign(ctx, bob); err != nil {
		t.Fatal(err)
	}
	if err := encrypted.VerifyUser(ctx, bob, alice.ID); err != nil {
		t.Fatal(err)
	}
	trust(id.TrustStateCrossSignedVerified)
	if _, err := encrypted.CrossSign(ctx, alice); !strings.Contains(fmt.Sprint(err), "401") {
		t.Fatalf("a second cross-signing without the password: %v; want HTTP 401", err)
	}
}
