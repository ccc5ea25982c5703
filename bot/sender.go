package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/ledger"
)

// Sender delivers the outbox: in order per room, each message with a
// transaction ID derived from it (so a send retried after a crash is
// deduplicated by the homeserver), retrying with backoff while the
// homeserver is unreachable or failing, until it is accepted or refused
// for good.
type Sender struct {
	bot  *Bot
	out  Outbox
	wake chan struct{}
	// MaxBackoff bounds the wait between two attempts at one message
	// (5 minutes when zero).
	MaxBackoff time.Duration
	// Now tells the time attempts are put off from (time.Now when nil).
	Now func() time.Time

	enc    Encrypter        // nil: nothing is encrypted (SetEncrypter)
	states EncryptionStates // nil: the homeserver is asked (SetEncryptionStates)
	rooms  roomEncryption
	posts  postsInFlight
}

// now is the sender's time.
func (s *Sender) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// outboxBatch is how many pending messages one pass reads.
const outboxBatch = 200

// Notify wakes the sender.
func (s *Sender) Notify() {
	if s == nil {
		return
	}
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run delivers the outbox until ctx ends.
func (s *Sender) Run(ctx context.Context) error {
	for {
		wait, err := s.Flush(ctx)
		if err != nil && ctx.Err() == nil {
			zerolog.Ctx(ctx).Error().Err(err).Msg("Failed to read the outbox")
			wait = time.Second
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return ctx.Err()
		case <-s.wake:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// Flush makes one pass over the pending messages, sending each that is due
// and whose room has no earlier message waiting; it returns how long until
// the next message is due (a minute when none is pending).
func (s *Sender) Flush(ctx context.Context) (time.Duration, error) {
	pending, err := s.out.PendingOutbox(ctx, outboxBatch)
	if err != nil {
		return 0, fmt.Errorf("failed to read the outbox: %w", err)
	}
	now := s.now()
	wait := time.Minute
	held := map[string]bool{} // rooms (or members) with an earlier message waiting
	for _, m := range pending {
		lane := laneOf(m)
		if held[lane] {
			continue
		}
		if m.NextAt.After(now) {
			held[lane] = true
			wait = min(wait, m.NextAt.Sub(now))
			continue
		}
		if !s.deliver(ctx, m) {
			held[lane] = true
			wait = min(wait, s.backoff(m.Attempts+1))
		}
	}
	if len(pending) == outboxBatch && len(held) == 0 {
		wait = 0 // more to read
	}
	return wait, nil
}

// laneOf is what orders a message: its room, or the member whose direct
// chat is not open yet.
func laneOf(m ledger.OutboxMessage) string {
	if m.Room != "" {
		return string(m.Room)
	}
	return "to:" + string(m.To)
}

// backoff is the wait before attempt n (1s, 2s, 4s, ... up to MaxBackoff).
func (s *Sender) backoff(n int) time.Duration {
	limit := s.MaxBackoff
	if limit <= 0 {
		limit = 5 * time.Minute
	}
	d := time.Second << min(n, 20)
	return min(d/2, limit)
}

// deliver sends one message and records it sent; a failure is put off (or
// dropped, when the homeserver refuses it for good). It reports whether the
// message left the queue.
func (s *Sender) deliver(ctx context.Context, m ledger.OutboxMessage) bool {
	log := zerolog.Ctx(ctx).With().Int64("outbox_id", m.ID).Str("to_room", string(m.Room)).Logger()
	if m.Edits == "" && len(m.Then) > 0 { // a card: reactions to it wait for its record
		defer s.posts.end(s.posts.begin())
	}
	evt, room, err := s.send(ctx, m)
	metrics := s.bot.cfg.Metrics
	waited := max(s.now().Sub(m.CreatedAt), 0)
	if err == nil {
		metrics.MessageSent(SendAccepted, waited)
		err = s.sent(ctx, m, room, evt)
		if err == nil {
			return true
		}
		log.Error().Err(err).Msg("Failed to record a message sent")
		return false
	}
	if refusedForGood(err) {
		metrics.MessageSent(SendDropped, waited)
		log.Warn().Err(err).Msg("The homeserver refused a message for good; dropped it")
		if err := s.out.DropOutbox(ctx, m.ID); err != nil {
			log.Error().Err(err).Msg("Failed to drop a message")
		}
		return true
	}
	metrics.MessageSent(SendRetried, waited)
	log.Warn().Err(err).Int("attempt", m.Attempts+1).Msg("Failed to send a message; will retry")
	if err := s.out.RetryOutbox(ctx, m.ID, s.now().Add(s.backoff(m.Attempts+1))); err != nil {
		log.Error().Err(err).Msg("Failed to put off a message")
	}
	return false
}

// send sends message m (opening the member's direct chat first when it has
// no room yet) and returns the event ID and the room.
func (s *Sender) send(ctx context.Context, m ledger.OutboxMessage) (id.EventID, id.RoomID, error) {
	room := id.RoomID(m.Room)
	if room == "" {
		r, err := directChats{s.bot}.open(ctx, id.UserID(m.To), "")
		if err != nil {
			return "", "", fmt.Errorf("failed to open a direct chat: %w", err)
		}
		if err := s.out.SetOutboxRoom(ctx, m.ID, ledger.RoomID(r)); err != nil {
			return "", "", err
		}
		room = r
	}
	raw, err := sendable(m.Content)
	if err != nil {
		return "", room, err
	}
	content := json.RawMessage(raw)
	if m.Edits != "" {
		edit, err := editOf(raw, id.EventID(m.Edits))
		if err != nil {
			return "", "", fmt.Errorf("failed to render an edit: %w", err)
		}
		content = edit
	}
	typ := event.Type{Type: m.EventType, Class: event.MessageEventType}
	// One attempt per call: the sender's own backoff spaces the retries,
	// so a homeserver that is down holds up no other room meanwhile.
	once := context.WithValue(ctx, mautrix.MaxAttemptsContextKey, 1)
	// Encrypted anew on each attempt, under the same transaction ID: a
	// retry the homeserver had taken already is answered with the event
	// taken then, its other ciphertext dropped.
	typ, sealed, err := s.seal(once, room, typ, content)
	if err != nil {
		return "", room, err
	}
	resp, err := s.bot.cli.SendMessageEvent(once, room, typ, sealed, mautrix.ReqSendEvent{TransactionID: txnID(m)})
	if err != nil {
		return "", room, err
	}
	return resp.EventID, room, nil
}

// txnID derives the transaction ID of a message from its row: the same
// message (and text version, see sentVersion) always gets the same one.
func txnID(m ledger.OutboxMessage) string {
	return "exodus." + strconv.FormatInt(m.ID, 10) + "." + strconv.Itoa(sentVersion(m)) + "." +
		strconv.FormatInt(m.CreatedAt.UnixMilli(), 36)
}

// sentVersion is the text version a send of m is made and recorded as:
// an edit's own, and for a post (a card) always the first. A newer text
// replaces a pending post in place, yet the homeserver may have taken an
// older text already, its answer lost in a crash. Sent again under the
// first text's transaction ID, the post is answered with the event posted
// then rather than posted twice; recorded as the first text, the newer one
// stays in the outbox (SentOutbox) and is sent as an edit of that event (a
// redundant one when the homeserver had not taken the older text).
func sentVersion(m ledger.OutboxMessage) int {
	if m.Edits == "" {
		return 0
	}
	return m.Version
}

// sent records message m sent as evt in room: gone from the outbox, and
// what it stands for recorded (a card), in one transaction.
func (s *Sender) sent(ctx context.Context, m ledger.OutboxMessage, room id.RoomID, evt id.EventID) error {
	return s.out.InTx(ctx, func(ctx context.Context) error {
		if _, err := s.out.SentOutbox(ctx, m.ID, sentVersion(m), ledger.EventID(evt)); err != nil {
			return err
		}
		if m.Edits != "" || len(m.Then) == 0 {
			return nil
		}
		var then afterSend
		if err := json.Unmarshal(m.Then, &then); err != nil {
			return fmt.Errorf("failed to read what to record of a message: %w", err)
		}
		return s.bot.recordSent(ctx, then, room, evt)
	})
}

// recordSent records what a message sent as evt in room stands for.
func (b *Bot) recordSent(ctx context.Context, then afterSend, room id.RoomID, evt id.EventID) error {
	if then.Card != nil {
		card := *then.Card
		card.Event, card.Room = ledger.EventID(evt), ledger.RoomID(room)
		if err := b.ledger.Aid.AddCard(ctx, card); err != nil {
			return fmt.Errorf("failed to record a card: %w", err)
		}
	}
	if then.Invitation != "" {
		err := b.ledger.Trust.AttachCard(ctx, then.Invitation, ledger.EventID(evt))
		if err != nil && ledger.ErrorCode(err) != ledger.ENotFound {
			return fmt.Errorf("failed to record an invitation's card: %w", err)
		}
	}
	return nil
}

// refusedForGood reports whether the homeserver refused a send in a way a
// retry cannot change (the bot is not in the room, the room is gone, the
// message is malformed or too large); a bad token, a timeout or a rate
// limit is retried.
func refusedForGood(err error) bool {
	var he mautrix.HTTPError
	if !errors.As(err, &he) || he.Response == nil {
		return false
	}
	c := he.Response.StatusCode
	return c >= 400 && c < 500 && c != 401 && c != 408 && c != 429
}

// editOf wraps a message's content as an m.replace edit of evt: the new
// content under m.new_content (machine-readable part included, its msgtype
// and m.mentions as the message was built), and a fallback body starting
// with "* ". An edit notifies nobody again: its outer content is an m.notice
// with an empty m.mentions and a plain body in which no user ID matches a
// push rule (reach.go).
func editOf(content []byte, evt id.EventID) (json.RawMessage, error) {
	var fresh map[string]any
	if err := json.Unmarshal(content, &fresh); err != nil {
		return nil, err
	}
	outer := make(map[string]any, len(fresh)+2)
	for k, v := range fresh {
		outer[k] = v
	}
	if body, ok := fresh["body"].(string); ok {
		outer["body"] = "* " + quietBody(body, "")
	}
	if _, ok := fresh["msgtype"]; ok {
		outer["msgtype"] = event.MsgNotice
	}
	outer["m.mentions"] = map[string]any{}
	if html, ok := fresh["formatted_body"].(string); ok {
		outer["formatted_body"] = "* " + html
	}
	delete(fresh, "m.relates_to")
	outer["m.new_content"] = fresh
	outer["m.relates_to"] = map[string]any{"rel_type": "m.replace", "event_id": evt}
	return json.Marshal(outer)
}
