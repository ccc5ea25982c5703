//go:build goolm

package e2ee

import (
	"context"
	"errors"
	"fmt"

	"github.com/rs/zerolog"
	"go.mau.fi/util/dbutil"
	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/crypto"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"
)

// OpenHistory opens the bot's device from its crypto store only to read
// history (`exodus rebuild`, with the bot stopped): no login, no /sync,
// nothing uploaded. cli is the appservice's client of the bot (it asks
// the homeserver for senders' device keys). It returns nil when the
// database has no device yet (nothing was ever decrypted with it).
func OpenHistory(ctx context.Context, db *dbutil.Database, cli *mautrix.Client, states StateStore, cfg Config) (*Device, error) {
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
	if known == "" {
		return nil, nil
	}
	store.DeviceID = known
	d := &Device{cli: cli, store: store, log: log}
	d.mach = crypto.NewOlmMachine(cli, &d.log, store, states)
	if err := d.mach.Load(ctx); err != nil {
		return nil, fmt.Errorf("failed to load the olm account: %w", err)
	}
	return d, nil
}

// DecryptHistory is Decrypt for an event of a room's history (a rebuild,
// a catch-up). A key restored from the key backup (backup.go) is marked
// by mautrix as from a backup, without checking whose it is; here it is
// checked as mautrix checks a key the device received directly: the
// session's identity key must be one of the sender's devices as the
// homeserver lists them, with the same signing key, and the event gets
// that device's trust. So history passes the same trust policy whether
// its key came directly or, after a lost database, from the backup. A key
// forwarded by a trusted bot (peers.go) is checked the same way, once its
// forwarder is known to be a trusted bot's device cross-signed by its
// owner (also when it was restored from the backup); any other forwarded
// key is marked as forwarded (refused).
func (d *Device) DecryptHistory(ctx context.Context, evt *event.Event) (*event.Event, error) {
	dec, err := d.Decrypt(ctx, evt)
	if err != nil {
		return dec, err
	}
	if ts := dec.Mautrix.TrustState; ts != id.TrustStateBackup && ts != id.TrustStateForwarded {
		return dec, nil
	}
	c := evt.Content.AsEncrypted()
	sess, err := d.store.GetGroupSession(ctx, evt.RoomID, c.SessionID)
	if err != nil || sess == nil {
		return nil, fmt.Errorf("failed to read the session of a decrypted event: %w", err)
	}
	if len(sess.ForwardingChains) > 0 {
		if err := d.peerForwarded(ctx, sess); err != nil {
			d.log.Debug().Err(err).Stringer("event_id", evt.ID).Msg("A forwarded room key of the history is refused")
			dec.Mautrix.TrustState = id.TrustStateForwarded
			return dec, nil
		}
	}
	dec.Mautrix.TrustState, err = d.claimedTrust(ctx, evt.Sender, sess)
	return dec, err
}

// claimedTrust is the trust of a session restored from the backup or
// forwarded by a trusted bot: that of the sender's device whose keys it
// carries.
func (d *Device) claimedTrust(ctx context.Context, sender id.UserID, sess *crypto.InboundGroupSession) (id.TrustState, error) {
	signing, identity := d.mach.GetAccount().Keys()
	if sender == d.cli.UserID && sess.SigningKey == signing && sess.SenderKey == identity {
		return id.TrustStateVerified, nil
	}
	device, err := d.mach.GetOrFetchDeviceByKey(ctx, sender, sess.SenderKey)
	switch {
	case err != nil || device == nil:
		return id.TrustStateUnknownDevice, nil
	case device.SigningKey != sess.SigningKey:
		return id.TrustStateDeviceKeyMismatch, nil
	}
	trust, err := d.mach.ResolveTrustContext(ctx, device)
	if err != nil {
		return id.TrustStateUnknownDevice, fmt.Errorf("failed to resolve the trust of %s's device %s: %w", sender, device.DeviceID, err)
	}
	return trust, nil
}
