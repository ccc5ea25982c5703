//go:build goolm

package e2ee

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"maunium.net/go/mautrix/crypto"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"
)

// Several bots in one encrypted circle. Each bot has its own device, and
// members' clients share their room keys with every joined device, so the
// bots read what is said after they joined. What was said before a bot
// joined was never shared with it: the bots the operator trusts
// (bot.trusted_bots) forward room keys to each other for that history,
// and only to each other.

// Peers are the other bots the device forwards room keys to, and takes
// forwarded room keys from, for history.
type Peers struct {
	// Bots are the trusted bots, by user ID.
	Bots []id.UserID
	// Share reports whether a room's keys may go to (and come from) the
	// trusted bot: a circle both bots are in. It may ask the homeserver.
	Share func(ctx context.Context, room id.RoomID, bot id.UserID) bool
}

// minPeerTrust is the least trust of a trusted bot's device that room keys
// go to or are taken from: cross-signed by its owner (the bot's master key
// as first seen).
const minPeerTrust = id.TrustStateCrossSignedTOFU

// SetPeers makes the device forward room keys to the trusted bots' devices
// that ask for them, and take their forwarded keys for history
// (DecryptHistory, RequestHistoryKey). Every other requester gets what
// mautrix gives by default: another user only the sessions this device
// made and shared with that very device. Call it before Run.
func (d *Device) SetPeers(p Peers) {
	d.peers = p
	d.defaultShare = d.mach.AllowKeyShare
	d.mach.AllowKeyShare = d.allowKeyShare
}

// isPeer reports whether u is one of the trusted bots.
func (d *Device) isPeer(u id.UserID) bool {
	return u != d.cli.UserID && slices.Contains(d.peers.Bots, u)
}

// allowKeyShare is the olm machine's answer to a key request: a trusted
// bot's device cross-signed by its owner gets any room key of a circle
// both bots are in; anyone else what mautrix's default allows.
func (d *Device) allowKeyShare(ctx context.Context, device *id.Device, req event.RequestedKeyInfo) *crypto.KeyShareRejection {
	if !d.isPeer(device.UserID) {
		return d.defaultShare(ctx, device, req)
	}
	log := d.log.With().Stringer("bot", device.UserID).Stringer("device_id", device.DeviceID).
		Stringer("room_id", req.RoomID).Stringer("session_id", req.SessionID).Logger()
	trust, err := d.peerTrust(ctx, device)
	if err != nil || trust < minPeerTrust {
		log.Warn().Err(err).Stringer("trust", trust).
			Msg("Refused a trusted bot's key request: its device is not cross-signed by its owner")
		return &crypto.KeyShareRejectUnverified
	}
	if d.peers.Share == nil || !d.peers.Share(ctx, req.RoomID, device.UserID) {
		log.Warn().Msg("Refused a trusted bot's key request for a room that is not a circle both bots are in")
		return &crypto.KeyShareRejectOtherUser
	}
	log.Debug().Msg("Forwarding a room key to a trusted bot")
	return nil
}

// peerTrust is the trust of a trusted bot's device. Found below
// cross-signed, the bot's keys are fetched afresh and the device resolved
// again: the store may hold the device without its owner's cross-signing
// keys (a /keys/query under way, for another request of the same bot,
// stores the devices first and the cross-signing keys after), or as it
// was before its owner signed it. So a request refused only for that is
// answered, and the next one of a bot that asks again is too.
func (d *Device) peerTrust(ctx context.Context, device *id.Device) (id.TrustState, error) {
	trust, err := d.mach.ResolveTrustContext(ctx, device)
	if err == nil && trust >= minPeerTrust {
		return trust, nil
	}
	fresh, ferr := d.mach.FetchKeys(ctx, []id.UserID{device.UserID}, true)
	if ferr != nil {
		return trust, fmt.Errorf("failed to fetch the keys of %s afresh: %w", device.UserID, ferr)
	}
	if dev := fresh[device.UserID][device.DeviceID]; dev != nil {
		device = dev
	}
	return d.mach.ResolveTrustContext(ctx, device)
}

// RequestHistoryKey asks the trusted bots in the event's room (Peers.Share)
// for the room key of an encrypted event of its history that this device
// never had: their devices answer with the key if they hold it
// (allowKeyShare), and it arrives through Run (OnRoomKey). It reports
// whether any bot was asked.
func (d *Device) RequestHistoryKey(ctx context.Context, evt *event.Event) (bool, error) {
	if evt.Content.Parsed == nil {
		if err := evt.Content.ParseRaw(evt.Type); err != nil {
			return false, fmt.Errorf("failed to parse the encrypted content: %w", err)
		}
	}
	to := map[id.UserID][]id.DeviceID{}
	for _, bot := range d.peers.Bots {
		if bot != d.cli.UserID && d.peers.Share != nil && d.peers.Share(ctx, evt.RoomID, bot) {
			to[bot] = []id.DeviceID{"*"}
		}
	}
	if len(to) == 0 {
		return false, nil
	}
	c := evt.Content.AsEncrypted()
	if err := d.mach.SendRoomKeyRequest(ctx, evt.RoomID, c.SenderKey, c.SessionID, "", to); err != nil {
		return false, fmt.Errorf("failed to ask the trusted bots for a room key: %w", err)
	}
	return true, nil
}

// errNotPeer is the answer for a forwarded key that no trusted bot's
// cross-signed device forwarded.
var errNotPeer = errors.New("not forwarded by a trusted bot's cross-signed device")

// peerForwarded checks a forwarded session: it must come straight from a
// device of a trusted bot (the last and only link of its forwarding
// chain), cross-signed by its owner. The forwarder is the user the key
// came from; for a key restored from the key backup, which does not say,
// any trusted bot whose device has the chain's identity key. Keys
// forwarded by anyone else, or forwarded again, are refused.
func (d *Device) peerForwarded(ctx context.Context, sess *crypto.InboundGroupSession) error {
	if len(sess.ForwardingChains) != 1 {
		return errNotPeer
	}
	var from []id.UserID
	switch {
	case sess.KeySource == id.KeySourceForward && d.isPeer(sess.SourceUser):
		from = []id.UserID{sess.SourceUser}
	case sess.KeySource == id.KeySourceBackup || sess.KeySource == id.KeySourceImport:
		from = d.peers.Bots
	}
	key := id.Curve25519(sess.ForwardingChains[0])
	for _, bot := range from {
		if !d.isPeer(bot) {
			continue
		}
		device, err := d.mach.GetOrFetchDeviceByKey(ctx, bot, key)
		if err != nil || device == nil {
			continue
		}
		if trust, err := d.mach.ResolveTrustContext(ctx, device); err != nil || trust < minPeerTrust {
			return fmt.Errorf("%w: %s's device %s is %s", errNotPeer, bot, device.DeviceID, trust)
		}
		return nil
	}
	return errNotPeer
}
