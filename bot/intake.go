package bot

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/ledger"
)

// MaxTransactionBytes bounds the body of one homeserver transaction.
const MaxTransactionBytes = 32 << 20

// Intake receives the homeserver's transactions. It records their events in
// the inbox before it acknowledges the transaction, so a crash loses nothing,
// and the inbox drops events seen before, so a retry doubles nothing. A
// single worker then hands the events to the bot in arrival order.
type Intake struct {
	inbox   ledger.Inbox
	hsToken string
	bot     *Bot
	state   mautrix.StateStore
	clock   ledger.Clock
	catchUp CatchUp
	wake    chan struct{}
	// decrypter reads encrypted events (nil: none; SetDecrypter).
	decrypter Decrypter
	// members hears of membership changes (nil: none; SetMemberWatcher).
	members MemberWatcher
	// lostTold are the senders told, per room, of an encrypted event the
	// bot never got the key of (guarded by bot.mu).
	lostTold map[warning]bool
	// keys counts the KeyArrived calls: a key that arrives while an event
	// is being decrypted wakes it right after it is parked.
	keys atomic.Int64
	// lastTxn is when the last transaction was recorded (unix ms, 0 for
	// none since the start).
	lastTxn atomic.Int64
	// givenUp counts the encrypted events given up on since the start
	// (their keys never came), the last at lastGivenUp (unix ms).
	givenUp, lastGivenUp atomic.Int64
	// keyReqs schedules the key requests of the parked events.
	keyReqs *keyRequests
	// parsed are the plain events parsed at the PUT, for the worker.
	parsed parsedEvents
	// runHold bounds how long a run keeps its transaction (maxRunHold).
	runHold time.Duration
}

// CatchUp is what the intake does before and after each event it hands
// to the bot: replay the history of the circles the bot joined meanwhile
// (replica.Replica.CatchUp), once the handling that joined them is
// committed.
type CatchUp interface {
	CatchUp(ctx context.Context)
}

// NewIntake returns an intake that checks transactions against hsToken,
// records them in inbox, keeps state in state and feeds b, catching up
// between events with catchUp (nil: no catching up).
func NewIntake(inbox ledger.Inbox, hsToken string, b *Bot, state mautrix.StateStore, clock ledger.Clock, catchUp CatchUp) *Intake {
	return &Intake{inbox: inbox, hsToken: hsToken, bot: b, state: state, clock: clock, catchUp: catchUp,
		wake: make(chan struct{}, 1), lostTold: map[warning]bool{}, keyReqs: newKeyRequests(), runHold: maxRunHold}
}

// Register mounts the transaction endpoint on mux (both the current and the
// legacy path).
func (in *Intake) Register(mux *http.ServeMux) {
	mux.HandleFunc("PUT /_matrix/app/v1/transactions/{txnID}", in.ServeTransaction)
	mux.HandleFunc("PUT /transactions/{txnID}", in.ServeTransaction)
}

type transaction struct {
	Events []json.RawMessage `json:"events"`
}

// eventHead is what the inbox needs of an event to record it.
type eventHead struct {
	ID        string          `json:"event_id"`
	RoomID    string          `json:"room_id"`
	Sender    string          `json:"sender"`
	Type      string          `json:"type"`
	StateKey  *string         `json:"state_key,omitempty"`
	Timestamp int64           `json:"origin_server_ts"`
	Content   json.RawMessage `json:"content"`
}

// InboxRecord is the inbox record of a raw event received at at ("" ID if
// it has none), for the bot self.
func InboxRecord(self id.UserID, raw json.RawMessage, at time.Time) ledger.InboxEvent {
	ie, _ := typedInboxEvent(self, raw, at)
	return ie
}

// typedInboxEvent is the inbox record of a raw event ("" ID if it has
// none) and the event's type. The bot's (self's) own messages are recorded
// without their content: they carry the secrets it hands members (login
// links, API tokens), and the bot never acts on them but to skip them.
func typedInboxEvent(self id.UserID, raw json.RawMessage, at time.Time) (ledger.InboxEvent, string) {
	var head eventHead
	if json.Unmarshal(raw, &head) != nil || head.ID == "" {
		return ledger.InboxEvent{}, ""
	}
	if id.UserID(head.Sender) == self && head.StateKey == nil {
		head.Content = json.RawMessage("{}")
		raw, _ = json.Marshal(head)
	}
	return ledger.InboxEvent{ID: ledger.EventID(head.ID), Room: ledger.RoomID(head.RoomID), Raw: raw, ReceivedAt: at}, head.Type
}

// ServeTransaction handles PUT /_matrix/app/v1/transactions/{txnID}.
func (in *Intake) ServeTransaction(w http.ResponseWriter, r *http.Request) {
	log := zerolog.Ctx(r.Context()).With().Str("transaction_id", r.PathValue("txnID")).Logger()
	if !in.authorized(r) {
		log.Warn().Str("remote_addr", r.RemoteAddr).Msg("Refused a transaction with a wrong hs_token")
		mautrix.MUnknownToken.WithMessage("Invalid access token").Write(w)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxTransactionBytes))
	if err != nil {
		mautrix.MNotJSON.WithMessage("Failed to read the body").Write(w)
		return
	}
	var txn transaction
	if err := json.Unmarshal(body, &txn); err != nil {
		mautrix.MBadJSON.WithMessage("Failed to parse the transaction").Write(w)
		return
	}
	now := in.clock.Now()
	rec := in.recordOf(txn.Events, now)
	events, types, encryption, members := rec.events, rec.types, rec.encryption, rec.members
	if err := in.markEncrypted(r.Context(), encryption); err != nil {
		log.Error().Err(err).Msg("Failed to record that a room is encrypted; the homeserver will retry")
		mautrix.MUnknown.WithMessage("Failed to record the transaction").Write(w)
		return
	}
	in.membersArrived(r.Context(), members)
	added, err := in.inbox.Enqueue(r.Context(), events)
	if err != nil || added < len(events) {
		in.parsed.drop(rec.offered) // a duplicate's row may hold other bytes
	}
	if err != nil {
		log.Error().Err(err).Msg("Failed to record a transaction; the homeserver will retry")
		mautrix.MUnknown.WithMessage("Failed to record the transaction").Write(w)
		return
	}
	in.lastTxn.Store(now.UnixMilli())
	in.bot.cfg.Metrics.EventsReceived(types)
	log.Debug().Int("events", len(events)).Int("new_events", added).Msg("Recorded a transaction")
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte("{}"))
	in.Notify()
}

func (in *Intake) authorized(r *http.Request) bool {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		token = r.URL.Query().Get("access_token")
	}
	return token != "" && subtle.ConstantTimeCompare([]byte(token), []byte(in.hsToken)) == 1
}

// LastTransaction is when the last transaction from the homeserver was
// recorded since the start; the zero time if none was.
func (in *Intake) LastTransaction() time.Time {
	ms := in.lastTxn.Load()
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// Notify wakes the worker.
func (in *Intake) Notify() {
	select {
	case in.wake <- struct{}{}:
	default:
	}
}

// InboxKeep is how long the inbox remembers a handled event's ID, so that
// a redelivery of it is known; reconciliation reads no older events.
const InboxKeep = 90 * 24 * time.Hour

// Run hands pending events to the bot until ctx ends, and prunes the
// inbox when it starts and every hour; then too it wakes the encrypted
// events parked waiting for their keys (a key may have come just before a
// crash; one that waited too long is given up). An event parked for its
// key is woken again when its key request is due (SetKeyRequestAfter).
func (in *Intake) Run(ctx context.Context) error {
	tick := time.NewTicker(5 * time.Second)
	defer tick.Stop()
	var pruned time.Time
	for {
		if now := in.clock.Now(); now.Sub(pruned) >= time.Hour {
			in.prune(ctx, now)
			in.KeyArrived(ctx, "")
			pruned = now
		}
		n, err := in.Drain(ctx)
		if err != nil && ctx.Err() == nil {
			zerolog.Ctx(ctx).Error().Err(err).Msg("Failed to read the inbox")
		}
		if n > 0 {
			continue
		}
		timer, due := in.keyRequestTimer()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-in.wake:
		case <-tick.C:
		case <-due:
		}
		if timer != nil {
			timer.Stop()
		}
	}
}

// prune forgets the handled events older than InboxKeep.
func (in *Intake) prune(ctx context.Context, now time.Time) {
	n, err := in.inbox.PruneInbox(ctx, now.Add(-InboxKeep))
	if err != nil {
		zerolog.Ctx(ctx).Error().Err(err).Msg("Failed to prune the inbox")
		return
	}
	zerolog.Ctx(ctx).Debug().Int("events", n).Msg("Pruned the inbox")
}

// Drain handles the pending events, up to a batch, and returns how many it
// handled. Each event is handled in a transaction: what it changes in the
// ledger, what the bot must say about it (the outbox) and its mark as done
// are kept together or not at all, so a crash at any point leaves it to be
// handled again from the start. A run of plain events (see runOf) shares
// one transaction (handleRun), its events marked done together at its end:
// a mark that fails takes the run back, to be handled again by the next
// Drain. An encrypted event is decrypted first, outside the
// transaction, and handled decrypted in its place; one whose room key has
// not arrived is parked (counted as handled) until KeyArrived wakes it, or
// its key request is due.
func (in *Intake) Drain(ctx context.Context) (int, error) {
	in.catchUpJoined(ctx)
	in.wakeDue(ctx)
	pending, err := in.inbox.Pending(ctx, 100)
	if err != nil {
		return 0, fmt.Errorf("failed to read pending events: %w", err)
	}
	for i := 0; i < len(pending); {
		n, err := in.handleNext(ctx, pending[i:])
		if err != nil {
			in.bot.ledger.Forget() // it may hold what the store took back
			in.bot.sender.Notify() // for the events of a run committed before the failure
			return 0, err
		}
		i += n
		in.bot.sender.Notify()
		in.catchUpJoined(ctx)
	}
	return len(pending), nil
}

// handleNext handles the first of the pending events, and the run of
// plain events it begins, and returns how many it handled.
func (in *Intake) handleNext(ctx context.Context, pending []ledger.InboxEvent) (int, error) {
	if run := in.runOf(pending); len(run) > 0 {
		for _, p := range run {
			if pointsAtAnEvent(p.ie.Raw) {
				in.bot.sender.posts.settle(ctx) // outside the transaction: the sender records in its own
				break
			}
		}
		return in.handleRun(ctx, run)
	}
	ie := pending[0]
	if pointsAtAnEvent(ie.Raw) {
		in.bot.sender.posts.settle(ctx)
	}
	keys := in.keys.Load()
	r := in.ready(ctx, ie)
	if r.park != "" {
		return 1, in.park(ctx, ie, r.park, keys)
	}
	if r.evt != nil && r.evt.Type == event.StateMember {
		in.memberChanged(ctx, r.evt) // outside the transaction: a dropped room key stays dropped
	}
	err := in.bot.out.InTx(ctx, func(ctx context.Context) error { return in.handleMarked(ctx, ie, r) })
	if err != nil {
		return 0, fmt.Errorf("failed to handle an event: %w", err)
	}
	return 1, nil
}

// handleMarked hands one readied event to the bot and marks it done, in
// the transaction ctx carries; the bot's refusal or failure is recorded
// with the mark.
func (in *Intake) handleMarked(ctx context.Context, ie ledger.InboxEvent, r readied) error {
	errText := ""
	if err := in.handle(ctx, ie, r); err != nil {
		errText = err.Error()
	}
	return in.inbox.MarkDone(ctx, ie.Seq, errText)
}

// catchUpJoined replays the history of the circles the events handled
// joined.
func (in *Intake) catchUpJoined(ctx context.Context) {
	if in.catchUp != nil {
		in.catchUp.CatchUp(ctx)
	}
}

// handle hands one readied event to the bot, after updating the state
// store; a panic in a handler is turned into an error. The handling is
// counted (Config.Metrics) under the event's type.
func (in *Intake) handle(ctx context.Context, ie ledger.InboxEvent, r readied) (err error) {
	log := zerolog.Ctx(ctx).With().Str("event_id", string(ie.ID)).Str("room_id", string(ie.Room)).Logger()
	ctx = log.WithContext(ctx)
	start, label := time.Now(), OtherEventType
	defer func() {
		if p := recover(); p != nil {
			log.Error().Any("panic", p).Msg("Event handler panicked")
			err = fmt.Errorf("handler panicked: %v", p)
		}
		in.bot.cfg.Metrics.EventHandled(label, max(in.clock.Now().Sub(ie.ReceivedAt), 0), time.Since(start), err)
	}()
	if r.lost {
		in.tellLost(ctx, r.evt)
	}
	if r.err != nil {
		if r.evt == nil {
			log.Warn().Err(r.err).Msg("Dropped an event that does not parse")
		}
		return r.err
	}
	evt := r.evt
	label = in.bot.EventLabel(evt.Type.Type)
	if evt.Type.IsState() && in.state != nil {
		mautrix.UpdateStateStore(ctx, in.state, evt)
	}
	return in.bot.HandleEvent(ctx, evt)
}

// ParseEvent parses an event as the homeserver sent it, content included.
func ParseEvent(raw []byte) (*event.Event, error) {
	var evt event.Event
	if err := json.Unmarshal(raw, &evt); err != nil {
		return nil, fmt.Errorf("failed to parse event: %w", err)
	}
	if evt.StateKey != nil {
		evt.Type.Class = event.StateEventType
	} else {
		evt.Type.Class = event.MessageEventType
	}
	if err := evt.Content.ParseRaw(evt.Type); err != nil && !errors.Is(err, event.ErrUnsupportedContentType) {
		return nil, fmt.Errorf("failed to parse content of %s: %w", evt.Type.Type, err)
	}
	return &evt, nil
}
