//go:build goolm

package e2ee

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/crypto"
	"maunium.net/go/mautrix/crypto/backup"
	"maunium.net/go/mautrix/crypto/ssss"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"
)

// Server-side key backup. The room keys the device holds (those members'
// devices sent it, and those of its own outbound sessions) are uploaded,
// encrypted to the backup key, to the homeserver's key backup
// (/room_keys). The backup key is kept in the database (crypto_secrets,
// encrypted with the pickle key) and in secret storage (account data,
// encrypted with the recovery key): so the recovery key alone, with a new
// database, restores the cross-signing keys and the room keys
// (`exodus keys restore`, Restore). The homeserver stores only
// ciphertext it cannot read.

// backupBatch is how many room keys one upload carries at most.
const backupBatch = 200

// keyBackup is the backup the device uploads to: its key and version.
type keyBackup struct {
	key     *backup.MegolmBackupKey
	version id.KeyBackupVersion
}

// publicKey is the backup key's public half as the version's auth data
// names it.
func (b *keyBackup) publicKey() id.Ed25519 {
	return id.Ed25519(base64.RawStdEncoding.EncodeToString(b.key.PublicKey().Bytes()))
}

// setUpBackup readies the key backup: the backup key from the database, or
// from secret storage (a restored database), or a new one kept in both;
// and the homeserver's backup version for that key, made when it has none.
// Without a recovery key (a new database for an old bot) there is no
// backup: nothing could restore it.
func (d *Device) setUpBackup(ctx context.Context) error {
	recovery, err := d.store.GetSecret(ctx, recoveryKeyName)
	if err != nil {
		return fmt.Errorf("failed to read the recovery key: %w", err)
	}
	if recovery == "" {
		return nil
	}
	key, err := d.backupKey(ctx, recovery)
	if err != nil {
		return err
	}
	b := &keyBackup{key: key}
	latest, err := d.cli.GetKeyBackupLatestVersion(ctx)
	if err != nil && !errors.Is(err, mautrix.MNotFound) {
		return fmt.Errorf("failed to read the key backup's version: %w", err)
	}
	if err == nil && latest.Algorithm == id.KeyBackupAlgorithmMegolmBackupV1 && latest.AuthData.PublicKey == b.publicKey() {
		b.version = latest.Version
	} else {
		made, err := d.cli.CreateKeyBackupVersion(ctx, &mautrix.ReqRoomKeysVersionCreate[backup.MegolmAuthData]{
			Algorithm: id.KeyBackupAlgorithmMegolmBackupV1, AuthData: backup.MegolmAuthData{PublicKey: b.publicKey()}})
		if err != nil {
			return fmt.Errorf("failed to make the key backup: %w", err)
		}
		b.version = made.Version
		d.log.Info().Stringer("version", b.version).Msg("Made the server-side key backup of the bot's room keys")
	}
	d.backup = b
	return nil
}

// backupKey is the backup key from the database, else from secret storage
// (stored in the database then), else a new one stored in both.
func (d *Device) backupKey(ctx context.Context, recovery string) (*backup.MegolmBackupKey, error) {
	stored, err := d.store.GetSecret(ctx, id.SecretMegolmBackupV1)
	if err != nil {
		return nil, fmt.Errorf("failed to read the backup key: %w", err)
	}
	if stored != "" {
		raw, err := base64.RawStdEncoding.DecodeString(stored)
		if err != nil {
			return nil, fmt.Errorf("failed to decode the backup key: %w", err)
		}
		return backup.MegolmBackupKeyFromBytes(raw)
	}
	ssssKey, err := d.secretStorageKey(ctx, recovery)
	if err != nil {
		return nil, err
	}
	raw, err := d.mach.SSSS.GetDecryptedAccountData(ctx, event.AccountDataMegolmBackupKey, ssssKey)
	var key *backup.MegolmBackupKey
	switch {
	case err == nil:
		if key, err = backup.MegolmBackupKeyFromBytes(raw); err != nil {
			return nil, fmt.Errorf("failed to read the backup key from secret storage: %w", err)
		}
	case errors.Is(err, mautrix.MNotFound):
		if key, err = backup.NewMegolmBackupKey(); err != nil {
			return nil, fmt.Errorf("failed to make the backup key: %w", err)
		}
		if err := d.mach.SSSS.SetEncryptedAccountData(ctx, event.AccountDataMegolmBackupKey, key.Bytes(), ssssKey); err != nil {
			return nil, fmt.Errorf("failed to store the backup key in secret storage: %w", err)
		}
	default:
		return nil, fmt.Errorf("failed to read the backup key from secret storage: %w", err)
	}
	if err := d.store.PutSecret(ctx, id.SecretMegolmBackupV1, base64.RawStdEncoding.EncodeToString(key.Bytes())); err != nil {
		return nil, fmt.Errorf("failed to store the backup key: %w", err)
	}
	return key, nil
}

// secretStorageKey opens the default secret storage key with the
// recovery key.
func (d *Device) secretStorageKey(ctx context.Context, recovery string) (*ssss.Key, error) {
	return openSecretStorage(ctx, d.mach.SSSS, recovery)
}

// ErrRecoveryKey is the error of a recovery key that does not open the
// bot's secret storage.
var ErrRecoveryKey = errors.New("the recovery key does not open the bot's secret storage")

// openSecretStorage opens the default secret storage key of the account
// with the recovery key.
func openSecretStorage(ctx context.Context, s *ssss.Machine, recovery string) (*ssss.Key, error) {
	keyID, meta, err := s.GetDefaultKeyData(ctx)
	if err != nil {
		return nil, fmt.Errorf("failed to read the secret storage key: %w", err)
	}
	key, err := meta.VerifyRecoveryKey(keyID, recovery)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrRecoveryKey, err)
	}
	return key, nil
}

// backUp uploads the room keys not in the backup yet and marks them
// uploaded; it returns how many. A failed upload is tried again at the
// next call. Call it outside transactions.
func (d *Device) backUp(ctx context.Context) (int, error) {
	b := d.backup
	if b == nil {
		return 0, nil
	}
	d.backingUp.Lock() // the /sync loop's and a new session's: one upload of a key
	defer d.backingUp.Unlock()
	total := 0
	for {
		sessions, err := d.store.GetGroupSessionsWithoutKeyBackupVersion(ctx, b.version).AsList()
		if err != nil {
			return total, fmt.Errorf("failed to list the room keys to back up: %w", err)
		}
		if len(sessions) == 0 {
			return total, nil
		}
		sessions = sessions[:min(len(sessions), backupBatch)]
		req, err := b.request(sessions)
		if err != nil {
			return total, err
		}
		if _, err := d.cli.PutKeysInBackup(ctx, b.version, req); err != nil {
			return total, fmt.Errorf("failed to upload room keys to the key backup: %w", err)
		}
		for _, s := range sessions {
			if err := d.store.SetGroupSessionKeyBackupVersion(ctx, s.ID(), b.version); err != nil {
				return total, fmt.Errorf("failed to mark a room key backed up: %w", err)
			}
		}
		total += len(sessions)
	}
}

// request is the upload of sessions, each encrypted to the backup key.
func (b *keyBackup) request(sessions []*crypto.InboundGroupSession) (*mautrix.ReqKeyBackup, error) {
	req := &mautrix.ReqKeyBackup{Rooms: map[id.RoomID]mautrix.ReqRoomKeyBackup{}}
	for _, s := range sessions {
		first := s.Internal.FirstKnownIndex()
		exported, err := s.Internal.Export(first)
		if err != nil {
			return nil, fmt.Errorf("failed to export a room key: %w", err)
		}
		chain := s.ForwardingChains
		if chain == nil {
			chain = []string{}
		}
		enc, err := backup.EncryptSessionData(b.key, backup.MegolmSessionData{Algorithm: id.AlgorithmMegolmV1,
			ForwardingKeyChain: chain, SenderClaimedKeys: backup.SenderClaimedKeys{Ed25519: s.SigningKey},
			SenderKey: s.SenderKey, SessionKey: string(exported), SharedHistory: s.SharedHistory})
		if err != nil {
			return nil, fmt.Errorf("failed to encrypt a room key for the backup: %w", err)
		}
		data, err := json.Marshal(enc)
		if err != nil {
			return nil, fmt.Errorf("failed to encode a room key for the backup: %w", err)
		}
		room := req.Rooms[s.RoomID]
		if room.Sessions == nil {
			room.Sessions = map[id.SessionID]mautrix.ReqKeyBackupData{}
		}
		room.Sessions[s.ID()] = mautrix.ReqKeyBackupData{FirstMessageIndex: int(first), ForwardedCount: len(s.ForwardingChains),
			IsVerified: len(s.ForwardingChains) == 0, SessionData: data}
		req.Rooms[s.RoomID] = room
	}
	return req, nil
}

// restoreBackup imports the room keys of the backup into the store (those
// it holds already are kept); it returns how many it imported.
func (d *Device) restoreBackup(ctx context.Context) (int, error) {
	b := d.backup
	if b == nil {
		return 0, errors.New("the bot has no key backup")
	}
	keys, err := d.cli.GetKeyBackup(ctx, b.version)
	if err != nil {
		return 0, fmt.Errorf("failed to download the key backup: %w", err)
	}
	n := 0
	for room, rk := range keys.Rooms {
		for session, data := range rk.Sessions {
			if have, err := d.store.GetGroupSession(ctx, room, session); err == nil && have != nil {
				continue
			}
			plain, err := data.SessionData.Decrypt(b.key)
			if err != nil {
				return n, fmt.Errorf("failed to decrypt a room key of the backup: %w", err)
			}
			if _, err := d.mach.ImportRoomKeyFromBackup(ctx, b.version, room, session, plain); err != nil {
				return n, fmt.Errorf("failed to import a room key of the backup: %w", err)
			}
			n++
		}
	}
	return n, nil
}
