//go:build goolm

package e2ee

import (
	"sync"
	"time"
)

// SyncTimeout is how long one /sync of the device waits for something new.
const SyncTimeout = syncTimeout

// Status is how the device stands: what the health report and the
// start-up line say of encryption.
type Status struct {
	// Device is the device's ID.
	Device string
	// CrossSigned: the bot's cross-signing keys sign the device (members'
	// clients see it verified by its owner).
	CrossSigned bool
	// Backup: the room keys go to a server-side key backup.
	Backup bool
	// SyncStarted is when the /sync loop started (zero: not yet).
	SyncStarted time.Time
	// LastSync is the end of the last /sync whose response was taken in
	// and its token saved (zero: none yet).
	LastSync time.Time
	// SyncError is the last failure of the /sync loop since LastSync ("":
	// none), at SyncErrorAt.
	SyncError   string
	SyncErrorAt time.Time
	// SyncFailures counts the loop's failures since the start.
	SyncFailures int
}

// syncHealth is what the /sync loop reports of itself.
type syncHealth struct {
	mu sync.Mutex
	s  Status
}

func (h *syncHealth) started(at time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.s.SyncStarted = at
}

func (h *syncHealth) synced(at time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.s.LastSync, h.s.SyncError, h.s.SyncErrorAt = at, "", time.Time{}
}

func (h *syncHealth) failed(err error, at time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.s.SyncError, h.s.SyncErrorAt = err.Error(), at
	h.s.SyncFailures++
}

// Status is how the device stands now.
func (d *Device) Status() Status {
	d.sync.mu.Lock()
	s := d.sync.s
	d.sync.mu.Unlock()
	s.Device, s.CrossSigned, s.Backup = d.store.DeviceID.String(), d.crossSigned, d.backup != nil
	return s
}
