//go:build goolm

package encrypted

import (
	"context"
	"errors"
	"fmt"

	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/internal/devnet"
)

// errNotMadeHere is returned for a user this package did not make.
var errNotMadeHere = errors.New("encrypted: not an encrypting member made by Register or Login")

// CrossSign gives u's account cross-signing keys and signs u's device with
// them, as Element does at a first login (Dendrite asks no password for a
// first upload, and refuses a second without one). It returns the recovery
// key.
func CrossSign(ctx context.Context, u *devnet.User) (recoveryKey string, err error) {
	mach := Machine(u)
	if mach == nil {
		return "", errNotMadeHere
	}
	if recoveryKey, err = mach.GenerateAndVerifyWithRecoveryKey(ctx); err != nil {
		return "", fmt.Errorf("encrypted: cross-signing %s: %w", u.ID, err)
	}
	return recoveryKey, nil
}

// Trust returns how u's client trusts a device, with the keys fresh from
// the server: unset while its owner has not cross-signed it (the red
// shield), cross-signed-tofu once they have, cross-signed-verified once u
// verified the owner (VerifyUser).
func Trust(ctx context.Context, u *devnet.User, owner id.UserID, device id.DeviceID) (id.TrustState, error) {
	mach := Machine(u)
	if mach == nil {
		return id.TrustStateUnset, errNotMadeHere
	}
	if _, err := mach.FetchKeys(ctx, []id.UserID{owner}, true); err != nil {
		return id.TrustStateUnset, fmt.Errorf("encrypted: fetching %s's keys: %w", owner, err)
	}
	dev, err := mach.GetOrFetchDevice(ctx, owner, device)
	if err != nil {
		return id.TrustStateUnset, fmt.Errorf("encrypted: device %s of %s: %w", device, owner, err)
	}
	return mach.ResolveTrustContext(ctx, dev)
}

// VerifyUser signs other's master key with u's user-signing key: where an
// emoji (SAS) verification ends, without the emoji. u must have
// cross-signed (CrossSign) in this client, and other too.
func VerifyUser(ctx context.Context, u *devnet.User, other id.UserID) error {
	mach := Machine(u)
	if mach == nil {
		return errNotMadeHere
	}
	if _, err := mach.FetchKeys(ctx, []id.UserID{other}, true); err != nil {
		return fmt.Errorf("encrypted: fetching %s's keys: %w", other, err)
	}
	keys, err := mach.GetCrossSigningPublicKeys(ctx, other)
	if err != nil {
		return fmt.Errorf("encrypted: %s's cross-signing keys: %w", other, err)
	} else if keys == nil {
		return fmt.Errorf("encrypted: %s has no cross-signing keys", other)
	}
	if err := mach.SignUser(ctx, other, keys.MasterKey); err != nil {
		return fmt.Errorf("encrypted: %s verifying %s: %w", u.ID, other, err)
	}
	return nil
}
