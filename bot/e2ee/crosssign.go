//go:build goolm

package e2ee

import (
	"context"
	"fmt"

	"maunium.net/go/mautrix/id"
)

// recoveryKeyName is the name of the recovery key among the crypto
// store's secrets (crypto_secrets, encrypted with the pickle key).
const recoveryKeyName id.Secret = "org.exodus.recovery_key"

// crossSign makes sure the bot's device is signed by the bot's own
// cross-signing keys, so that members' clients see it as verified by its
// owner. The keys are made once, at the first start: on Dendrite an
// appservice user (no password) can upload them only while it has none,
// so they are never made again. The recovery key (it opens the private
// keys kept encrypted in the account data, SSSS) is stored before
// anything is published. With keys on the server and the device not yet
// signed (a new device), the stored recovery key signs it; without the
// recovery key (a new database for an old bot) the device stays unsigned
// and a warning says so: the bot starts all the same, since the rooms
// rebuild its ledger.
func (d *Device) crossSign(ctx context.Context) error {
	hasKeys, verified, err := d.mach.GetOwnVerificationStatus(ctx)
	if err != nil {
		return fmt.Errorf("failed to read the bot's cross-signing status: %w", err)
	}
	if verified {
		d.crossSigned = true
		return nil
	}
	if !hasKeys {
		if err := d.makeCrossSigningKeys(ctx); err != nil {
			return err
		}
		d.crossSigned = true
		return nil
	}
	recovery, err := d.store.GetSecret(ctx, recoveryKeyName)
	if err != nil {
		return fmt.Errorf("failed to read the recovery key: %w", err)
	}
	if recovery == "" {
		// A new database for an old bot (the rooms rebuild the ledger): the
		// bot still starts, its device unsigned, rather than not at all.
		d.log.Warn().Stringer("device_id", d.cli.DeviceID).
			Msg("The bot has cross-signing keys on the homeserver but its database has no recovery key: its new device stays " +
				"unsigned, and members' clients show it as not verified by its owner. Stop it and restore its keys with " +
				"`exodus keys restore` and the recovery key, or restore the database the bot ran with (docs/encryption.md)")
		return nil
	}
	if err := d.mach.VerifyWithRecoveryKey(ctx, recovery); err != nil {
		return fmt.Errorf("failed to sign the bot's device with its recovery key: %w", err)
	}
	d.crossSigned = true
	d.log.Info().Msg("Signed the bot's device with its cross-signing keys (from the recovery key)")
	return nil
}

// makeCrossSigningKeys is mautrix's GenerateAndVerifyWithRecoveryKey in
// an order that survives a crash at any point: the secret storage key is
// made and stored (as the recovery key) and made the default before the
// cross-signing keys are published. A crash before the publication
// leaves the server without keys, and the next start makes new ones; a
// crash after it leaves keys the stored recovery key opens.
func (d *Device) makeCrossSigningKeys(ctx context.Context) error {
	key, err := d.mach.SSSS.GenerateAndUploadKey(ctx, "")
	if err != nil {
		return fmt.Errorf("failed to make the secret storage key: %w", err)
	}
	if err := d.store.PutSecret(ctx, recoveryKeyName, key.RecoveryKey()); err != nil {
		return fmt.Errorf("failed to store the recovery key: %w", err)
	}
	keys, err := d.mach.GenerateCrossSigningKeys()
	if err != nil {
		return fmt.Errorf("failed to make the cross-signing keys: %w", err)
	}
	if err := d.mach.UploadCrossSigningKeysToSSSS(ctx, key, keys); err != nil {
		return fmt.Errorf("failed to store the cross-signing keys in secret storage: %w", err)
	}
	if err := d.mach.SSSS.SetDefaultKeyID(ctx, key.ID); err != nil {
		return fmt.Errorf("failed to make %s the default secret storage key: %w", key.ID, err)
	}
	if err := d.mach.PublishCrossSigningKeys(ctx, keys, nil); err != nil {
		return fmt.Errorf("failed to publish the cross-signing keys: %w", err)
	}
	if err := d.mach.SignOwnDevice(ctx, d.mach.OwnIdentity()); err != nil {
		return fmt.Errorf("failed to sign the bot's device: %w", err)
	}
	if err := d.mach.SignOwnMasterKey(ctx); err != nil {
		return fmt.Errorf("failed to sign the bot's master key: %w", err)
	}
	d.log.Info().Str("master_key", string(keys.MasterKey.PublicKey())).
		Msg("Made the bot's cross-signing keys and signed its device; the recovery key is stored encrypted in the database: " +
			"keep a copy of it apart from the database (`exodus keys show`)")
	return nil
}

// MasterKey is the public key of the bot's cross-signing identity, as
// members' clients see it ("" before it is known).
func (d *Device) MasterKey(ctx context.Context) (id.Ed25519, error) {
	keys, err := d.mach.GetOwnCrossSigningPublicKeys(ctx)
	if err != nil || keys == nil {
		return "", err
	}
	return keys.MasterKey, nil
}
