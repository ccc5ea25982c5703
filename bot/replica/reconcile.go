package replica

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/bot"
	"github.com/exodus-matrix/exodus/ledger"
)

// Reconciliation bounds: events read per page, pages per room and pass,
// and how far before the last pass's newest event a pass reads again
// (clocks of homeservers differ).
const (
	reconcilePage     = 50
	reconcileMaxPages = 20
	reconcileOverlap  = 5 * time.Minute
)

// Reconciler heals what the homeserver did not push (Reconcile), and looks
// for invitations the homeserver did not push either (Invites).
type Reconciler struct {
	cards   CardRooms
	cli     Client
	inbox   ledger.Inbox
	self    id.UserID
	clock   ledger.Clock
	notify  func()
	invites Invites

	mu    sync.Mutex
	marks map[id.RoomID]int64 // per room, the newest event time the last reconciliation saw
}

// CardRooms lists the rooms with a card of an open need
// (ledger.Service.OpenCardRooms).
type CardRooms interface {
	OpenCardRooms(ctx context.Context) ([]ledger.CardRoom, error)
}

// Invites joins the rooms the bot is invited to that the homeserver did
// not push (bot.Bot.FindInvites), and says how many.
type Invites interface {
	FindInvites(ctx context.Context) (int, error)
}

// NewReconciler returns a reconciler reading the rooms cards lists through
// cli and recording what it finds, for the bot self, in inbox; notify wakes
// the inbox worker (bot.Intake.Notify).
func NewReconciler(cards CardRooms, cli Client, inbox ledger.Inbox, self id.UserID, clock ledger.Clock, notify func(), invites Invites) *Reconciler {
	return &Reconciler{cards: cards, cli: cli, inbox: inbox, self: self, clock: clock, notify: notify, invites: invites,
		marks: map[id.RoomID]int64{}}
}

// Reconcile heals what the homeserver did not push: it reads the recent
// timeline of every room with an open need card and records the events
// the bot has not seen (above all m.room.redaction, which Dendrite does not
// push to appservices, so a removed ❤️ would otherwise go unnoticed) in the
// inbox, where the worker handles them like pushed ones. A room is read
// back to the newest event of the previous pass (less an overlap), and
// never before its oldest open need (older events cannot concern the
// cards) nor before bot.InboxKeep (the inbox has forgotten those it handled).
func (rc *Reconciler) Reconcile(ctx context.Context) (added int, err error) {
	rooms, err := rc.cards.OpenCardRooms(ctx)
	if err != nil {
		return 0, fmt.Errorf("failed to list rooms with open cards: %w", err)
	}
	kept := rc.clock.Now().Add(-bot.InboxKeep).UnixMilli() // older events are forgotten, not new
	for _, cr := range rooms {
		n, err := rc.reconcileRoom(ctx, id.RoomID(cr.Room), max(cr.Since.UnixMilli(), kept))
		if err != nil {
			zerolog.Ctx(ctx).Warn().Err(err).Str("room_id", string(cr.Room)).Msg("Failed to reconcile a room")
			continue
		}
		added += n
	}
	if added > 0 && rc.notify != nil {
		rc.notify()
	}
	return added, nil
}

// reconcileRoom records the room's events since floor (unix ms, or the
// last pass's mark if later) that the inbox lacks.
func (rc *Reconciler) reconcileRoom(ctx context.Context, room id.RoomID, floor int64) (int, error) {
	rc.mu.Lock()
	if mark, ok := rc.marks[room]; ok {
		floor = max(floor, mark-reconcileOverlap.Milliseconds())
	}
	rc.mu.Unlock()
	added, from, newest := 0, "", int64(0)
	for page := 0; page < reconcileMaxPages; page++ {
		resp, err := rc.cli.Messages(ctx, room, from, "", mautrix.DirectionBackward, nil, reconcilePage)
		if err != nil {
			return added, fmt.Errorf("failed to read the timeline: %w", err)
		}
		events, oldest := rc.recent(room, resp.Chunk, floor)
		for _, e := range resp.Chunk {
			newest = max(newest, e.Timestamp)
		}
		n, err := rc.inbox.Enqueue(ctx, events)
		if err != nil {
			return added, fmt.Errorf("failed to record events: %w", err)
		}
		added += n
		if oldest < floor || resp.End == "" || len(resp.Chunk) < reconcilePage {
			break
		}
		from = resp.End
	}
	if newest > 0 {
		rc.mu.Lock()
		rc.marks[room] = newest
		rc.mu.Unlock()
	}
	return added, nil
}

// recent converts the events of a page (newest first) at or after floor
// into inbox events, oldest first; oldest is the earliest time on the page.
func (rc *Reconciler) recent(room id.RoomID, chunk []*event.Event, floor int64) (events []ledger.InboxEvent, oldest int64) {
	oldest = int64(1) << 62
	now := rc.clock.Now()
	for i := len(chunk) - 1; i >= 0; i-- {
		evt := chunk[i]
		oldest = min(oldest, evt.Timestamp)
		if evt.ID == "" || evt.Timestamp < floor {
			continue
		}
		raw, err := json.Marshal(evt)
		if err != nil {
			continue
		}
		if ie := bot.InboxRecord(rc.self, raw, now); ie.ID != "" {
			ie.Room = ledger.RoomID(room)
			events = append(events, ie)
		}
	}
	return events, oldest
}

// Run looks for invitations and reconciles every interval until ctx ends.
func (rc *Reconciler) Run(ctx context.Context, interval time.Duration) error {
	if interval <= 0 {
		return nil
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
		if n, err := rc.invites.FindInvites(ctx); err != nil {
			zerolog.Ctx(ctx).Warn().Err(err).Msg("Failed to look for invitations")
		} else if n > 0 {
			zerolog.Ctx(ctx).Info().Int("rooms", n).Msg("Joined rooms found by sync")
		}
		if n, err := rc.Reconcile(ctx); err != nil {
			zerolog.Ctx(ctx).Error().Err(err).Msg("Failed to reconcile rooms")
		} else if n > 0 {
			zerolog.Ctx(ctx).Info().Int("events", n).Msg("Recorded events found in the rooms")
		}
	}
}
