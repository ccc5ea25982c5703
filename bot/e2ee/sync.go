//go:build goolm

package e2ee

import (
	"context"
	"errors"
	"fmt"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
)

// syncTimeout is how long one /sync waits for something new.
const syncTimeout = 30 * time.Second

// toDeviceOnly is the filter of the device's /sync: to-device messages,
// device-list changes and one-time key counts come whatever the filter;
// everything else (room events reach the bot in transactions) is left out.
func toDeviceOnly() *mautrix.Filter {
	none := mautrix.FilterPart{NotTypes: []event.Type{{Type: "*"}}}
	return &mautrix.Filter{
		Presence:    &none,
		AccountData: &none,
		Room: &mautrix.RoomFilter{IncludeLeave: false, Ephemeral: &none, AccountData: &none,
			State: &none, Timeline: &none},
	}
}

// Run is the device's /sync loop until ctx ends: it receives the room keys
// and other to-device messages, device-list changes and one-time key
// counts, and hands each response to the olm machine before it saves the
// sync token. Dendrite deletes a to-device message only when the device
// syncs past it, so a crash between the two gets the same messages again:
// no room key is lost. A revoked token (another process logged in as the
// device) ends the loop with an error; other failures are retried.
func (d *Device) Run(ctx context.Context) error {
	since, err := d.store.GetNextBatch(ctx) // cached by Load: crypto_account.sync_token
	if err != nil {
		return fmt.Errorf("failed to read the device's sync token: %w", err)
	}
	filterID := ""
	wait := time.Second
	d.sync.started(time.Now())
	for ctx.Err() == nil {
		if filterID == "" {
			f, err := d.cli.CreateFilter(ctx, toDeviceOnly())
			if err == nil {
				filterID = f.FilterID
			}
		}
		resp, err := d.cli.FullSyncRequest(ctx, mautrix.ReqSync{Since: since, Timeout: int(syncTimeout / time.Millisecond), FilterID: filterID})
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			if errors.Is(err, mautrix.MUnknownToken) {
				return fmt.Errorf("the bot's device %s was logged in again elsewhere (another exodus on this database?): %w", d.cli.DeviceID, err)
			}
			d.sync.failed(err, time.Now())
			d.log.Warn().Err(err).Dur("retry_in", wait).Msg("The device's /sync failed")
			if !sleep(ctx, wait) {
				break
			}
			wait = min(2*wait, time.Minute)
			continue
		}
		wait = time.Second
		d.process(ctx, resp, since)
		if err := d.store.PutNextBatch(ctx, resp.NextBatch); err != nil {
			d.sync.failed(fmt.Errorf("failed to save the sync token: %w", err), time.Now())
			d.log.Warn().Err(err).Msg("Failed to save the device's sync token; the next /sync repeats the last one")
			if !sleep(ctx, wait) {
				break
			}
			continue
		}
		since = resp.NextBatch
		d.sync.synced(time.Now())
		d.backUpSynced(ctx)
	}
	return ctx.Err()
}

// process hands a /sync answer (since since) to the olm machine.
func (d *Device) process(ctx context.Context, resp *mautrix.RespSync, since string) {
	if since == "" {
		// Dendrite's initial /sync counts no one-time keys, whatever the
		// server holds: -1 makes mautrix ask the server. Trusting the 0
		// would upload keys on top of those uploaded by another process
		// (`exodus keys restore`), pushing the oldest out of the account
		// while the server still hands them out: a member's first
		// message to the device would not decrypt.
		resp.DeviceOTKCount.SignedCurve25519 = -1
	}
	d.mach.ProcessSyncResponse(ctx, resp, since)
}

// backUpSynced uploads the room keys not in the backup yet; a failure is
// tried again after the next /sync.
func (d *Device) backUpSynced(ctx context.Context) {
	if n, err := d.backUp(ctx); err != nil {
		d.log.Warn().Err(err).Msg("Failed to back up room keys; trying again after the next /sync")
	} else if n > 0 {
		d.log.Debug().Int("keys", n).Msg("Backed up room keys")
	}
}

// ProcessSync hands the to-device part of a /sync answer (since since) to
// the olm machine, as Run does: the room keys are stored when it returns,
// the new ones backed up, and the device's status (Status) says the /sync
// succeeded. For the bot's own /sync (mode: bot), which replaces Run; ctx
// must carry no SQL transaction.
func (d *Device) ProcessSync(ctx context.Context, resp *mautrix.RespSync, since string) {
	if d.Status().SyncStarted.IsZero() {
		d.sync.started(time.Now())
	}
	d.process(ctx, resp, since)
	d.sync.synced(time.Now()) // the health: a stalled /sync shows as no success for long
	d.backUpSynced(ctx)
}

// sleep waits for d or until ctx ends; it reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
