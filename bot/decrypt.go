package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/ledger"
)

// Decrypter decrypts the encrypted events the intake reads (bot/e2ee's
// device is one). Decrypt returns the decrypted event with the encrypted
// one's ID, room, sender and time, and its trust state in Mautrix.TrustState;
// an error wrapping ErrNoKey when the room key has not arrived (yet).
// It may ask the homeserver for the sender's device keys, so the intake
// calls it outside any transaction.
type Decrypter interface {
	Decrypt(ctx context.Context, evt *event.Event) (*event.Event, error)
}

// ErrNoKey is the error of an encrypted event whose room key has not
// arrived: the intake parks the event until it does.
var ErrNoKey = errors.New("the room key of the event has not arrived")

// KeyWait is how long an encrypted event waits for its room key; then the
// intake gives up on it and tells its sender.
const KeyWait = 24 * time.Hour

// trustedStates are the trust states of a decrypted event the intake
// accepts: the session's keys are those of one of the claimed sender's
// devices as the homeserver lists them (mautrix checks the session's
// sender and signing keys against that device), whether or not the
// member cross-signed or verified it, or the bot's own. Refused: a key
// mismatch, an unknown device, and keys forwarded or from a backup (not
// proven to come from the sender).
var trustedStates = map[id.TrustState]bool{
	id.TrustStateUnset: true, id.TrustStateCrossSignedUntrusted: true, id.TrustStateCrossSignedTOFU: true,
	id.TrustStateCrossSignedVerified: true, id.TrustStateVerified: true,
}

// SetDecrypter makes the intake read encrypted events through d (nil: it
// hands them to the bot as they are, which cannot read them). Call it
// before Run.
func (in *Intake) SetDecrypter(d Decrypter) { in.decrypter = d }

// KeyArrived wakes the events parked waiting for the room key of session
// (bot/e2ee calls it when a key arrives); "" wakes every parked event.
func (in *Intake) KeyArrived(ctx context.Context, session id.SessionID) {
	in.keys.Add(1)
	in.keyReqs.forget(in.clock.Now(), session)
	n, err := in.inbox.Unpark(ctx, string(session))
	if err != nil {
		zerolog.Ctx(ctx).Error().Err(err).Str("session_id", string(session)).Msg("Failed to wake the events waiting for a room key")
		return
	}
	if n > 0 {
		zerolog.Ctx(ctx).Debug().Int("events", n).Str("session_id", string(session)).Msg("Woke events waiting for a room key")
		in.Notify()
	}
}

// readied is a pending event made ready for handling: the event to hand
// to the bot (decrypted, when it was encrypted) or why it cannot be.
type readied struct {
	evt *event.Event
	err error // handled as an error: recorded, not retried
	// park is the session whose key the event waits for; "" if none.
	park id.SessionID
	// lost: its key never came (KeyWait): its sender is told.
	lost bool
}

// ready parses a pending event and decrypts it if it is encrypted, outside
// any transaction.
func (in *Intake) ready(ctx context.Context, ie ledger.InboxEvent) readied {
	evt, err := ParseEvent(ie.Raw)
	if err != nil {
		return readied{err: err}
	}
	if evt.Type != event.EventEncrypted || in.decrypter == nil || evt.Sender == in.bot.cfg.UserID {
		return readied{evt: evt}
	}
	log := zerolog.Ctx(ctx).With().Str("event_id", string(ie.ID)).Str("room_id", string(ie.Room)).Logger()
	r := in.decrypt(ctx, log, ie, evt)
	in.bot.cfg.Metrics.EventDecrypted(r.result)
	if r.result == DecryptGivenUp {
		in.givenUp.Add(1)
		in.lastGivenUp.Store(in.clock.Now().UnixMilli())
	}
	return r.readied
}

// GivenUp counts the encrypted events the intake gave up on since the
// start, their room keys never having come (KeyWait), and tells when it
// last did (zero: never).
func (in *Intake) GivenUp() (int, time.Time) {
	n, ms := in.givenUp.Load(), in.lastGivenUp.Load()
	if ms == 0 {
		return int(n), time.Time{}
	}
	return int(n), time.UnixMilli(ms).UTC()
}

// decryption is what came of decrypting an event.
type decryption struct {
	readied
	result DecryptResult
}

// decrypt decrypts an encrypted event and applies the trust policy.
func (in *Intake) decrypt(ctx context.Context, log zerolog.Logger, ie ledger.InboxEvent, evt *event.Event) decryption {
	dec, err := in.decrypter.Decrypt(ctx, evt)
	switch {
	case errors.Is(err, ErrNoKey) && !ie.WaitingSince.IsZero() && in.clock.Now().Sub(ie.WaitingSince) >= KeyWait:
		log.Warn().Stringer("sender", evt.Sender).Time("waiting_since", ie.WaitingSince).
			Msg("Gave up on an encrypted event: its room key did not arrive within a day; its sender is told to send it again")
		return decryption{readied{evt: evt, err: fmt.Errorf("no room key within %v: %w", KeyWait, err), lost: true}, DecryptGivenUp}
	case errors.Is(err, ErrNoKey) && evt.Content.AsEncrypted().SessionID == "":
		return decryption{readied{err: fmt.Errorf("no room key, and no session to wait for: %w", err)}, DecryptFailed}
	case errors.Is(err, ErrNoKey):
		session := evt.Content.AsEncrypted().SessionID
		log.Debug().Str("session_id", string(session)).Msg("Parked an encrypted event until its room key arrives")
		in.requestKey(ctx, ie, evt)
		return decryption{readied{park: session}, DecryptParked}
	case err == nil && dec.Mautrix.TrustState == id.TrustStateForwarded && dec.Sender == evt.Sender &&
		(ie.WaitingSince.IsZero() || in.clock.Now().Sub(ie.WaitingSince) < KeyWait):
		// Only a forwarded key (a trusted bot's, for a catch-up): the
		// sender's client shares its own before it sends, and it may still
		// be on its way. The event waits for it as for a missing key.
		session := evt.Content.AsEncrypted().SessionID
		log.Debug().Str("session_id", string(session)).Msg("Parked an encrypted event until its sender's own room key arrives")
		return decryption{readied{park: session}, DecryptParked}
	case err != nil:
		log.Warn().Err(err).Stringer("sender", evt.Sender).Msg("Dropped an encrypted event that does not decrypt")
		return decryption{readied{err: fmt.Errorf("failed to decrypt: %w", err)}, DecryptFailed}
	case !trustedStates[dec.Mautrix.TrustState] || dec.Sender != evt.Sender || dec.RoomID != evt.RoomID:
		log.Warn().Stringer("sender", evt.Sender).Stringer("trust", dec.Mautrix.TrustState).
			Msg("Dropped an encrypted event not proven to come from a device of its sender")
		return decryption{readied{err: fmt.Errorf("decrypted with trust %s: not from a device of %s", dec.Mautrix.TrustState, evt.Sender)}, DecryptRefused}
	case dec.StateKey != nil || dec.Type == event.EventEncrypted:
		return decryption{readied{err: fmt.Errorf("decrypted into a %s event, which is never encrypted", dec.Type.Type)}, DecryptRefused}
	}
	log.Debug().Stringer("trust", dec.Mautrix.TrustState).Msg("Decrypted an event")
	return decryption{readied{evt: dec}, DecryptOK}
}

// park sets a pending event aside until its key arrives. If a key arrived
// since keys was read (before the decryption), it may be the one: the
// event is woken again at once.
func (in *Intake) park(ctx context.Context, ie ledger.InboxEvent, session id.SessionID, keys int64) error {
	if err := in.inbox.Park(ctx, ie.Seq, string(session), in.clock.Now()); err != nil {
		return fmt.Errorf("failed to park an encrypted event: %w", err)
	}
	if in.keys.Load() != keys {
		if _, err := in.inbox.Unpark(ctx, string(session)); err != nil {
			return fmt.Errorf("failed to wake an encrypted event: %w", err)
		}
	}
	return nil
}

// tellLost tells the sender of an encrypted event whose key never came
// that the bot could not read it, once per sender and room while the bot
// runs.
func (in *Intake) tellLost(ctx context.Context, evt *event.Event) {
	if in.bot.mode.silent {
		return
	}
	w := warning{room: evt.RoomID, member: evt.Sender}
	in.bot.mu.Lock()
	seen := in.lostTold[w]
	in.lostTold[w] = true
	in.bot.mu.Unlock()
	if seen {
		return
	}
	lang := in.bot.ledger.Members.LangOf(ctx, ledger.UserID(evt.Sender))
	when := time.UnixMilli(evt.Timestamp).UTC().Format("2006-01-02 15:04 UTC")
	in.bot.send(ctx, evt.RoomID, message(text(lang, "encrypted.lost", evt.Sender, when), "encrypted.lost",
		map[string]any{"member": evt.Sender, "event_id": evt.ID}))
}
