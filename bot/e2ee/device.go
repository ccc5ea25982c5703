//go:build goolm

package e2ee

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/lib/pq"
	"github.com/rs/zerolog"
	"go.mau.fi/util/dbutil"
	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/crypto"
	"maunium.net/go/mautrix/crypto/olm"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"
)

// postgresArrays makes mautrix's crypto store on Postgres ask with one
// ANY($1) query instead of one a user, as mautrix's bridges do. It is
// mautrix's package setting, set once when the first store is opened (not
// at import: importing the package changes nothing).
var postgresArrays sync.Once

// ErrPickleKey is the error of a pickle key that does not open the olm
// account in the database: not the key the database was made with.
var ErrPickleKey = errors.New("the pickle key does not open the keys in the database")

// Config is what the device needs besides the database.
type Config struct {
	// PickleKey encrypts the olm account, the sessions and the stored
	// secrets (the recovery key) in the database. Required; it must stay
	// the same for the life of the database.
	PickleKey []byte
	// DeviceName is the device's display name for a new device.
	DeviceName string
	// LoggedIn is set when the client is logged in already, as an
	// ordinary account (mode: bot): Open then logs nothing in, and the
	// client's device must be the one the store remembers, if any.
	LoggedIn bool
}

// StateStore is what the olm machine reads of the rooms: the bot's Matrix
// state store (sqlstatestore) is one.
type StateStore = crypto.StateStore

// Device is the bot's logged-in device with its olm machine.
type Device struct {
	cli   *mautrix.Client
	store *crypto.SQLCryptoStore
	mach  *crypto.OlmMachine
	log   zerolog.Logger
	// shares is what the outbound sessions were shared with (encrypt.go).
	shares shares
	// rooms is what the device knows of the rooms' members (members.go).
	rooms roomMembers
	// asked counts the homeserver's member lists asked for (a test's
	// and a benchmark's measure).
	asked atomic.Int64
	// backup is the server-side key backup the room keys go to (nil:
	// none, backup.go).
	backup *keyBackup
	// backingUp is held during an upload to the key backup.
	backingUp sync.Mutex
	// crossSigned: the bot's cross-signing keys sign the device.
	crossSigned bool
	// sync is how the /sync loop fares (status.go).
	sync syncHealth
	// peers are the trusted bots room keys go to and come from for
	// history; defaultShare is mautrix's answer to everyone else's key
	// requests (peers.go).
	peers        Peers
	defaultShare func(context.Context, *id.Device, event.RequestedKeyInfo) *crypto.KeyShareRejection
}

// Open opens the crypto store in db (tables crypto_*, version table
// crypto_version), logs the bot in with an appservice login (cli carries
// the appservice token and the bot's user ID; on return it carries the
// device's own token) under the device ID the store remembers, if any,
// uploads the device's keys when they are new or gone from the server,
// and cross-signs the device on its first start (crosssign.go). Logging in
// again revokes the token of the previous start: one bot process per
// database.
func Open(ctx context.Context, db *dbutil.Database, cli *mautrix.Client, states StateStore, cfg Config) (*Device, error) {
	if len(cfg.PickleKey) == 0 {
		return nil, errors.New("e2ee: no pickle key")
	}
	log := zerolog.Ctx(ctx).With().Str("component", "e2ee").Logger()
	store, err := OpenStore(ctx, db, cli.UserID, cfg.PickleKey)
	if err != nil {
		return nil, err
	}
	if err := checkPickleKey(ctx, store); err != nil {
		return nil, err
	}
	known, err := store.FindDeviceID(ctx)
	if err != nil {
		return nil, fmt.Errorf("failed to read the device ID: %w", err)
	}
	if !cfg.LoggedIn {
		if err := login(ctx, cli, known, cfg.DeviceName); err != nil {
			return nil, err
		}
	}
	if known != "" && cli.DeviceID != known {
		return nil, fmt.Errorf("the homeserver gave device %s instead of the bot's device %s", cli.DeviceID, known)
	}
	store.DeviceID = cli.DeviceID
	d := &Device{cli: cli, store: store, log: log}
	d.mach = crypto.NewOlmMachine(cli, &d.log, store, states)
	if err := d.mach.Load(ctx); err != nil {
		return nil, fmt.Errorf("failed to load the olm account: %w", err)
	}
	if err := d.shareKeys(ctx); err != nil {
		return nil, err
	}
	if err := d.crossSign(ctx); err != nil {
		return nil, err
	}
	if err := d.setUpBackup(ctx); err != nil {
		log.Warn().Err(err).Msg("The bot's room keys are not backed up on the homeserver; a lost database loses them (docs/encryption.md)")
	}
	log.Info().Stringer("device_id", cli.DeviceID).Str("fingerprint", d.mach.Fingerprint()).Msg("The bot's device is ready")
	return d, nil
}

// OpenStore opens (creating or upgrading) the crypto store of the bot
// userID in db: the crypto_* tables beside the bot's own, with their own
// version table, crypto_version. Its writes join a transaction that ctx
// carries (the store's InTx), like the bot's own.
func OpenStore(ctx context.Context, db *dbutil.Database, userID id.UserID, pickleKey []byte) (*crypto.SQLCryptoStore, error) {
	if db.Dialect == dbutil.Postgres {
		postgresArrays.Do(func() { crypto.PostgresArrayWrapper = pq.Array })
	}
	log := zerolog.Ctx(ctx).With().Str("component", "e2ee").Str("db_section", "crypto").Logger()
	store := crypto.NewSQLCryptoStore(db, dbutil.ZeroLogger(log), userID.String(), "", pickleKey)
	if err := store.DB.Upgrade(ctx); err != nil {
		return nil, fmt.Errorf("failed to upgrade the crypto store: %w", err)
	}
	return store, nil
}

// checkPickleKey fails with ErrPickleKey unless the pickle key opens the
// olm account in the store (a store without one passes).
func checkPickleKey(ctx context.Context, store *crypto.SQLCryptoStore) error {
	if _, err := store.GetAccount(ctx); errors.Is(err, olm.ErrBadMAC) {
		return fmt.Errorf("%w: %w", ErrPickleKey, err)
	} else if err != nil {
		return fmt.Errorf("failed to read the olm account: %w", err)
	}
	return nil
}

// login logs in with the appservice token as the bot, under deviceID (a
// new device when empty), and keeps the device's token in cli.
func login(ctx context.Context, cli *mautrix.Client, deviceID id.DeviceID, name string) error {
	_, err := cli.Login(ctx, &mautrix.ReqLogin{
		Type:                     mautrix.AuthTypeAppservice,
		Identifier:               mautrix.UserIdentifier{Type: mautrix.IdentifierTypeUser, User: cli.UserID.String()},
		DeviceID:                 deviceID,
		InitialDeviceDisplayName: name,
		StoreCredentials:         true,
	})
	if err != nil {
		return fmt.Errorf("failed to log the bot in for its encryption device (m.login.application_service): %w", err)
	}
	return nil
}

// shareKeys uploads the device's identity and one-time keys unless the
// server already has them; keys the server lost (a device deleted by an
// admin) are uploaded again, keys that differ are refused.
func (d *Device) shareKeys(ctx context.Context) error {
	acc := d.mach.GetAccount()
	if acc.Shared {
		resp, err := d.cli.QueryKeys(ctx, &mautrix.ReqQueryKeys{DeviceKeys: map[id.UserID]mautrix.DeviceIDList{d.cli.UserID: {d.cli.DeviceID}}})
		if err != nil {
			return fmt.Errorf("failed to query the device's keys: %w", err)
		}
		keys, ok := resp.DeviceKeys[d.cli.UserID][d.cli.DeviceID]
		switch {
		case !ok:
			d.log.Warn().Msg("The homeserver lost the bot device's keys; uploading them again")
			acc.Shared = false
		case keys.Keys.GetEd25519(d.cli.DeviceID) != acc.SigningKey():
			return fmt.Errorf("the homeserver has other keys for the bot's device %s than its database", d.cli.DeviceID)
		default:
			return nil
		}
	} else if err := d.refuseForeignKeys(ctx); err != nil {
		return err
	}
	if err := d.mach.ShareKeys(ctx, -1); err != nil {
		return fmt.Errorf("failed to upload the device's keys: %w", err)
	}
	return nil
}

// refuseForeignKeys refuses a new olm account for a device that has other
// keys on the server already: another client's (the login of an access token
// a client made and used), which the bot's keys must not replace.
func (d *Device) refuseForeignKeys(ctx context.Context) error {
	resp, err := d.cli.QueryKeys(ctx, &mautrix.ReqQueryKeys{DeviceKeys: map[id.UserID]mautrix.DeviceIDList{d.cli.UserID: {d.cli.DeviceID}}})
	if err != nil {
		return fmt.Errorf("failed to query the device's keys: %w", err)
	}
	keys, ok := resp.DeviceKeys[d.cli.UserID][d.cli.DeviceID]
	if ok && keys.Keys.GetEd25519(d.cli.DeviceID) != d.mach.GetAccount().SigningKey() {
		return fmt.Errorf("%w: device %s", ErrForeignDevice, d.cli.DeviceID)
	}
	return nil
}

// ErrForeignDevice is the error of a device that has another client's
// encryption keys on the server.
var ErrForeignDevice = errors.New("the device has another client's encryption keys")

// DeviceID is the bot's device.
func (d *Device) DeviceID() id.DeviceID { return d.cli.DeviceID }

// Machine is the olm machine (decryption and encryption, later steps).
func (d *Device) Machine() *crypto.OlmMachine { return d.mach }
