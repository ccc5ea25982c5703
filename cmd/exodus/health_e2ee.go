package main

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/exodus-matrix/exodus/bot"
	"github.com/exodus-matrix/exodus/bot/e2ee"
	"github.com/exodus-matrix/exodus/store"
)

// syncLate is how long the device's /sync loop may go without a success
// before the encryption check fails: three /sync timeouts. A /sync answers
// within its timeout when nothing comes, so three missed in a row mean the
// loop is failing (its errors are retried with a backoff of up to a
// minute), not waiting: room keys do not arrive, and encrypted messages
// wait for them.
const syncLate = 3 * e2ee.SyncTimeout

// encryptionSource is what the encryption check reads: the device's status,
// the events parked waiting for room keys, and those given up on.
type encryptionSource struct {
	status  func() e2ee.Status
	parked  func(context.Context) (store.Parked, error)
	givenUp func() (int, time.Time)
}

// watchEncryption makes the health report and the metrics (nil: off) tell
// how the bot's encryption device fares.
func watchEncryption(dev *e2ee.Device, intake *bot.Intake, st *store.Store, h *health, m *promMetrics) {
	src := encryptionSource{status: dev.Status, parked: st.CountParked, givenUp: intake.GivenUp}
	h.setEncryption(src)
	if m != nil {
		m.watchEncryption(src)
	}
}

// encryptionCheck tells how the bot's encryption device fares: its ID,
// whether its cross-signing keys sign it and whether its room keys go to a
// key backup; when its /sync loop last succeeded (null: not yet) and its
// last error since; the encrypted events waiting for their room keys and
// the age of the oldest, in whole seconds; the events given up on since
// the start (their keys never came within a day) and when the last was.
// It is critical when the bot has a device, and fails when the /sync loop
// runs and has not succeeded for syncLate since it started or since its
// last success. Without a device it says only enabled: false.
type encryptionCheck struct {
	OK                      bool       `json:"ok"`
	Critical                bool       `json:"critical"`
	Enabled                 bool       `json:"enabled"`
	DeviceID                string     `json:"device_id"`
	CrossSigned             bool       `json:"cross_signed"`
	KeyBackup               bool       `json:"key_backup"`
	LastSync                *time.Time `json:"last_sync"`
	SyncError               string     `json:"sync_error,omitempty"`
	WaitingEvents           int        `json:"waiting_events"`
	OldestWaitingAgeSeconds int64      `json:"oldest_waiting_age_seconds"`
	GivenUp                 int        `json:"given_up"`
	LastGivenUp             *time.Time `json:"last_given_up"`
	Detail                  string     `json:"detail,omitempty"`
}

// MarshalJSON leaves out everything but enabled when there is no device.
func (c encryptionCheck) MarshalJSON() ([]byte, error) {
	if !c.Enabled {
		return []byte(`{"ok":true,"critical":false,"enabled":false}`), nil
	}
	type plain encryptionCheck
	return json.Marshal(plain(c))
}

// setEncryption makes the report check the encryption device of src.
func (h *health) setEncryption(src encryptionSource) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.enc = &src
}

// encryption checks the encryption device at now (OK and not critical
// without one).
func (h *health) encryption(ctx context.Context, now time.Time) encryptionCheck {
	h.mu.Lock()
	src := h.enc
	h.mu.Unlock()
	if src == nil {
		return encryptionCheck{OK: true}
	}
	s := src.status()
	c := encryptionCheck{OK: true, Critical: true, Enabled: true, DeviceID: s.Device, CrossSigned: s.CrossSigned,
		KeyBackup: s.Backup, SyncError: s.SyncError}
	if !s.LastSync.IsZero() {
		c.LastSync = &s.LastSync
	}
	if since := later(s.LastSync, s.SyncStarted); !s.SyncStarted.IsZero() && now.Sub(since) > syncLate {
		c.OK = false
		// A fixed text: the health watch logs each change of the failing checks.
		c.Detail = "the encryption device's /sync has not succeeded for more than " + strconv.Itoa(int(syncLate/time.Second)) +
			" seconds: room keys do not arrive, and encrypted messages wait for them"
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if p, err := src.parked(ctx); err == nil {
		c.WaitingEvents = p.Events
		if p.Events > 0 && !p.Oldest.IsZero() {
			c.OldestWaitingAgeSeconds = int64(max(now.Sub(p.Oldest), 0) / time.Second)
		}
	}
	var last time.Time
	if c.GivenUp, last = src.givenUp(); !last.IsZero() {
		c.LastGivenUp = &last
	}
	return c
}

// encryptionLine is the encryption device in the start-up line.
func encryptionLine(c encryptionCheck) string {
	if !c.Enabled {
		return "encryption off"
	}
	line := "encryption device " + c.DeviceID
	if c.CrossSigned {
		line += " cross-signed"
	} else {
		line += " NOT cross-signed (members' clients show it unverified)"
	}
	if c.KeyBackup {
		return line + ", key backup on"
	}
	return line + ", key backup off"
}
