//go:build goolm

package e2ee

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.mau.fi/util/dbutil"
	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/crypto/ssss"
	"maunium.net/go/mautrix/id"
)

// ErrNoRecoveryKey is the error of a database that holds no recovery key:
// no device yet, or a new database for an old bot.
var ErrNoRecoveryKey = errors.New("the database holds no recovery key")

// RecoveryKey reads the bot userID's recovery key from the database (it is
// stored there encrypted with the pickle key). The operator keeps it out
// of the database: with it, a lost database is restored (Restore).
func RecoveryKey(ctx context.Context, db *dbutil.Database, userID id.UserID, pickleKey []byte) (string, error) {
	store, err := OpenStore(ctx, db, userID, pickleKey)
	if err != nil {
		return "", err
	}
	if err := checkPickleKey(ctx, store); err != nil {
		return "", err
	}
	key, err := store.GetSecret(ctx, recoveryKeyName)
	if err != nil {
		return "", fmt.Errorf("failed to read the recovery key: %w", err)
	}
	if key == "" {
		return "", ErrNoRecoveryKey
	}
	return key, nil
}

// Restored is what Restore did.
type Restored struct {
	// Device is the bot's device, signed again with its cross-signing keys.
	Device id.DeviceID
	// MasterKey is the bot's cross-signing identity, the same as before.
	MasterKey id.Ed25519
	// RoomKeys counts the room keys imported from the key backup.
	RoomKeys int
}

// Restore restores the bot's keys into a database that lost them, with the
// recovery key the operator kept: the recovery key must open the bot's
// secret storage; it is stored in the database, the device is opened as
// at a start (a new device when the database is new), the cross-signing
// keys from secret storage sign it (members' clients see the same
// identity, no reset), and the room keys of the key backup are imported.
// cli carries the appservice token and the bot's user ID, as for Open. A
// database with another recovery key is refused.
func Restore(ctx context.Context, db *dbutil.Database, cli *mautrix.Client, states StateStore, cfg Config, recovery string) (*Restored, error) {
	store, err := OpenStore(ctx, db, cli.UserID, cfg.PickleKey)
	if err != nil {
		return nil, err
	}
	if err := checkPickleKey(ctx, store); err != nil {
		return nil, err
	}
	key, err := openSecretStorage(ctx, ssss.NewSSSSMachine(cli), recovery)
	if err != nil {
		return nil, err
	}
	recovery = key.RecoveryKey() // as the bot shows it, whatever the spacing typed
	stored, err := store.GetSecret(ctx, recoveryKeyName)
	if err != nil {
		return nil, fmt.Errorf("failed to read the recovery key: %w", err)
	}
	switch {
	case stored == "":
		if err := store.PutSecret(ctx, recoveryKeyName, recovery); err != nil {
			return nil, fmt.Errorf("failed to store the recovery key: %w", err)
		}
	case strings.ReplaceAll(stored, " ", "") != strings.ReplaceAll(recovery, " ", ""):
		return nil, errors.New("the database holds another recovery key: it has its keys, nothing to restore")
	}
	d, err := Open(ctx, db, cli, states, cfg)
	if err != nil {
		return nil, err
	}
	if _, signed, err := d.mach.GetOwnVerificationStatus(ctx); err != nil || !signed {
		return nil, fmt.Errorf("the bot's device %s is not signed by its cross-signing keys after the restore: %w", d.DeviceID(), err)
	}
	out := &Restored{Device: d.DeviceID()}
	if out.MasterKey, err = d.MasterKey(ctx); err != nil {
		return nil, fmt.Errorf("failed to read the bot's master key: %w", err)
	}
	if d.backup == nil {
		return out, errors.New("the bot has no key backup on the homeserver: its cross-signing is restored, its room keys are not")
	}
	out.RoomKeys, err = d.restoreBackup(ctx)
	return out, err
}
