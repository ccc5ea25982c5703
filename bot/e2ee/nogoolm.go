//go:build !goolm

package e2ee

import (
	"context"
	"errors"

	"go.mau.fi/util/dbutil"
	"maunium.net/go/mautrix"
)

// This file is the package without the build tag goolm: mautrix-go's
// crypto then needs libolm through cgo, which Exodus does not use, so a
// binary built without the tag has no encryption and says so when the
// configuration asks for it. `make` sets the tag (GOFLAGS); by hand, add
// -tags goolm (docs/contributing.md).

// ErrPickleKey is the error of a pickle key that does not open the olm
// account in the database: not the key the database was made with.
var ErrPickleKey = errors.New("the pickle key does not open the keys in the database")

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
}

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
