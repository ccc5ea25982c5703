//go:build !goolm

package e2ee

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"go.mau.fi/util/dbutil"
	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"
)

// This file is the package without the build tag goolm: mautrix-go's
// crypto then needs libolm through cgo, which Exodus does not use, so a
// binary built without the tag has no encryption and says so when the
// configuration asks for it. `make` sets the tag (GOFLAGS); by hand, add
// -tags goolm (docs/contributing.md).

// ErrPickleKey is the error of a pickle key that does not open the olm
// account in the database: not the key the database was made with.
var ErrPickleKey = errors.New("the pickle key does not open the keys in the database")

// ErrNoKey is the error of an event whose room key the device does not
// have (yet).
var ErrNoKey = errors.New("the device has no room key for the event")

// ErrNotBuilt is Open's answer in a binary built without the tag goolm.
var ErrNotBuilt = errors.New("this exodus binary was built without encryption (the build tag goolm): " +
	"build it with `make build`, or remove encryption.pickle_key from the config")

// Config is what the device needs besides the database.
type Config struct {
	// PickleKey encrypts the olm account, the sessions and the stored
	// secrets in the database.
	PickleKey []byte
	// DeviceName is the device's display name for a new device.
	DeviceName string
	// LoggedIn is set when the client is logged in already (mode: bot).
	LoggedIn bool
}

// ErrForeignDevice is the error of a device that has another client's
// encryption keys on the server.
var ErrForeignDevice = errors.New("the device has another client's encryption keys")

// StateStore is what the olm machine reads of the rooms (any state store,
// in a binary without encryption).
type StateStore any

// Device is the bot's encryption device; a binary without the tag goolm
// never has one.
type Device struct{}

// Open refuses: this binary has no encryption.
func Open(context.Context, *dbutil.Database, *mautrix.Client, StateStore, Config) (*Device, error) {
	return nil, ErrNotBuilt
}

// Run returns at once: there is no device to run.
func (d *Device) Run(context.Context) error { return ErrNotBuilt }

// ProcessSync does nothing: there is no device.
func (d *Device) ProcessSync(context.Context, *mautrix.RespSync, string) {}

// Decrypt refuses: there is no device (Open never returns one here).
func (d *Device) Decrypt(context.Context, *event.Event) (*event.Event, error) {
	return nil, ErrNotBuilt
}

// OnRoomKey does nothing: no key ever arrives without a device.
func (d *Device) OnRoomKey(func(ctx context.Context, session id.SessionID)) {}

// RequestKey refuses: there is no device to ask with.
func (d *Device) RequestKey(context.Context, *event.Event) error { return ErrNotBuilt }

// Encrypt refuses: there is no device to encrypt with.
func (d *Device) Encrypt(context.Context, id.RoomID, event.Type, json.RawMessage) (*event.EncryptedEventContent, error) {
	return nil, ErrNotBuilt
}

// HandleMemberEvent does nothing: there is no session to rotate.
func (d *Device) HandleMemberEvent(context.Context, *event.Event) {}

// MemberArrived does nothing: there is no session to rotate.
func (d *Device) MemberArrived(context.Context, *event.Event) {}

// Invited does nothing: there is no room key to share.
func (d *Device) Invited(id.RoomID, id.UserID) {}

// CanEncryptTo refuses: there is no device to encrypt with.
func (d *Device) CanEncryptTo(context.Context, id.UserID) (bool, error) { return false, ErrNotBuilt }

// OpenHistory refuses: this binary has no encryption.
func OpenHistory(context.Context, *dbutil.Database, *mautrix.Client, StateStore, Config) (*Device, error) {
	return nil, ErrNotBuilt
}

// DecryptHistory refuses: there is no device (OpenHistory never returns one here).
func (d *Device) DecryptHistory(context.Context, *event.Event) (*event.Event, error) {
	return nil, ErrNotBuilt
}

// ErrNoRecoveryKey is the error of a database that holds no recovery key.
var ErrNoRecoveryKey = errors.New("the database holds no recovery key")

// ErrRecoveryKey is the error of a recovery key that does not open the
// bot's secret storage.
var ErrRecoveryKey = errors.New("the recovery key does not open the bot's secret storage")

// Restored is what Restore did.
type Restored struct {
	Device    id.DeviceID
	MasterKey id.Ed25519
	RoomKeys  int
}

// RecoveryKey refuses: this binary has no encryption.
func RecoveryKey(context.Context, *dbutil.Database, id.UserID, []byte) (string, error) {
	return "", ErrNotBuilt
}

// Restore refuses: this binary has no encryption.
func Restore(context.Context, *dbutil.Database, *mautrix.Client, StateStore, Config, string) (*Restored, error) {
	return nil, ErrNotBuilt
}

// SyncTimeout is how long one /sync of a device waits for something new.
const SyncTimeout = 30 * time.Second

// Status is how a device stands (never, in this binary).
type Status struct {
	Device                             string
	CrossSigned, Backup                bool
	SyncStarted, LastSync, SyncErrorAt time.Time
	SyncError                          string
	SyncFailures                       int
}

// Status is the zero status: there is no device.
func (d *Device) Status() Status { return Status{} }

// Peers are the other bots the device forwards room keys to, and takes
// forwarded room keys from, for history.
type Peers struct {
	// Bots are the trusted bots, by user ID.
	Bots []id.UserID
	// Share reports whether a room's keys may go to (and come from) the
	// trusted bot: a circle both bots are in.
	Share func(ctx context.Context, room id.RoomID, bot id.UserID) bool
}

// SetPeers does nothing: there are no room keys to forward.
func (d *Device) SetPeers(Peers) {}

// RequestHistoryKey refuses: there is no device to ask with.
func (d *Device) RequestHistoryKey(context.Context, *event.Event) (bool, error) {
	return false, ErrNotBuilt
}
