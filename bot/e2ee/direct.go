//go:build goolm

package e2ee

import (
	"context"
	"fmt"

	"maunium.net/go/mautrix/id"
)

// CanEncryptTo reports whether user has at least one device with keys, as
// the homeserver lists them now (the devices are stored, for the room key
// to be shared with them). A member whose client does not encrypt has
// none: a direct chat opened for them stays unencrypted, as Element
// decides it, or they could not read it.
func (d *Device) CanEncryptTo(ctx context.Context, user id.UserID) (bool, error) {
	devices, err := d.mach.FetchKeys(ctx, []id.UserID{user}, true)
	if err != nil {
		return false, fmt.Errorf("failed to fetch the devices of %s: %w", user, err)
	}
	return len(devices[user]) > 0, nil
}
