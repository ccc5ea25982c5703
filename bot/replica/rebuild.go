package replica

import (
	"container/heap"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/bot"
	"github.com/exodus-matrix/exodus/ledger"
)

// Rebuilding from the rooms. The room is the record: every change of the
// ledger comes from an event in a room the bot is in, and the bot's own
// messages there (cards, records of web actions and relays) say what it
// made of them. So a bot whose database was lost recomputes its ledger by
// reading the whole history of every room it is joined to and replaying
// it, silently, as it happened: in canonical order, on a clock that tells
// each event's time, with the clock's ops applied as the scheduler would
// have applied them.

// Defaults of Options.
const (
	DefaultPageSize  = 100
	DefaultMaxEvents = 200_000
	DefaultTickEvery = time.Minute
)

// rebuildBatch is how many replayed events are recorded in the inbox at once.
const rebuildBatch = 500

// Options bound and pace a rebuild.
type Options struct {
	// PageSize is how many events one /messages request asks for.
	PageSize int
	// MaxEventsPerRoom bounds the history read from one room: a room with
	// more makes the rebuild fail before anything is changed (a ledger
	// rebuilt from part of a room's history would be wrong).
	MaxEventsPerRoom int
	// TickEvery is how often, in the replayed time, the clock's ops that
	// are due (month rollovers, deadlines) are applied, as the scheduler
	// does live every cycle.tick_interval.
	TickEvery time.Duration
	// Clock is the ledger service's clock. While an event is replayed it
	// tells that event's time, so that what the live bot decided by its
	// clock (a member's rate limit, the year of a date typed without one)
	// is decided the same. Without it the replay runs on the service's own
	// clock.
	Clock *ReplayClock
}

func (o Options) withDefaults() Options {
	if o.PageSize <= 0 {
		o.PageSize = DefaultPageSize
	}
	if o.MaxEventsPerRoom <= 0 {
		o.MaxEventsPerRoom = DefaultMaxEvents
	}
	if o.TickEvery <= 0 {
		o.TickEvery = DefaultTickEvery
	}
	return o
}

// Report says what a rebuild read and replayed.
type Report struct {
	// Rooms are the rooms the bot is joined to and how many events each
	// history held, in room order.
	Rooms []RoomHistory
	// Events counts the events replayed; Skipped the messages no bot
	// handled live (sent while this bot was not in a room that was not a
	// circle another bot answers in); Failed those whose handler failed
	// (their error is kept in the inbox, as for live events).
	Events, Skipped, Failed int
	// Undecryptable counts the encrypted events a bot followed that this
	// one could not read: no room key in its store (nor restored from the
	// key backup), or a key refused by the trust policy. They are recorded
	// with the reason, and the rebuild goes on without them.
	Undecryptable int
	// ClockOps counts the month rollovers and deadlines applied.
	ClockOps int
	// Circles are the rooms that are circles after the rebuild.
	Circles []ledger.CircleID
}

// RoomHistory is one room's part of a rebuild.
type RoomHistory struct {
	Room   id.RoomID
	Events int
}

// Rebuild rebuilds an empty ledger from the history of every room
// the bot is joined to. It reads each room's timeline back to the room's
// creation (pages of opt.PageSize, at most opt.MaxEventsPerRoom events),
// merges the rooms' events in canonical order (origin_server_ts, then event
// ID; within a room the homeserver's order is kept, so a reaction never
// comes before the card it is on even where servers' clocks disagree), and
// hands each to the bot as the inbox worker does, through its Replayer:
// nothing is sent, and the bot's own cards and records are
// followed. The events replayed are recorded in the inbox as handled, so
// that the homeserver's pushes and reconciliation do not handle them again.
// Then the clock's work due now is done, silently.
//
// The ledger must be empty (store.Store.LedgerEmpty) and nothing else may
// use the bot or its ledger meanwhile: run it before serving.
func (r *Replica) Rebuild(ctx context.Context, opt Options) (*Report, error) {
	opt = opt.withDefaults()
	log := zerolog.Ctx(ctx)
	pending, err := r.inbox.Pending(ctx, 1)
	if err != nil {
		return nil, fmt.Errorf("failed to read the inbox: %w", err)
	}
	if len(pending) > 0 {
		return nil, errors.New("failed to rebuild: the inbox holds events not handled yet (rebuild an empty ledger)")
	}
	joined, err := r.cli.JoinedRooms(ctx)
	if err != nil {
		return nil, fmt.Errorf("failed to list the rooms the bot is in: %w", err)
	}
	rooms := slices.Clone(joined.JoinedRooms)
	slices.Sort(rooms)
	rooms = slices.Compact(rooms)
	report := &Report{}
	if len(rooms) == 0 {
		return report, nil
	}
	log.Info().Int("rooms", len(rooms)).Msg("Rebuilding the ledger from the rooms' history")

	histories := make([][]*event.Event, 0, len(rooms))
	total := 0
	for i, room := range rooms {
		h, err := r.readHistory(ctx, room, opt)
		if err != nil {
			return nil, err
		}
		total += len(h)
		report.Rooms = append(report.Rooms, RoomHistory{Room: room, Events: len(h)})
		histories = append(histories, h)
		log.Info().Str("room_id", room.String()).Int("events", len(h)).Int("room", i+1).Int("of", len(rooms)).
			Msg("Read a room's history")
	}
	events := mergeHistories(histories)

	rp := r.bot.Replaying()
	defer opt.Clock.set(time.Time{})
	nextTick := int64(-1 << 63)
	for start := 0; start < len(events); start += rebuildBatch {
		batch := events[start:min(start+rebuildBatch, len(events))]
		recorded := make([]ledger.InboxEvent, 0, len(batch))
		errs := map[ledger.EventID]string{}
		for _, evt := range batch {
			raw, err := json.Marshal(evt)
			if err != nil {
				log.Warn().Err(err).Str("event_id", evt.ID.String()).Msg("Skipped an event that does not encode")
				continue
			}
			at := time.UnixMilli(evt.Timestamp).UTC()
			if ie := bot.InboxRecord(r.self, raw, at); ie.ID != "" {
				recorded = append(recorded, ie)
			}
			opt.Clock.set(at)
			if evt.Timestamp >= nextTick {
				n, err := rp.ApplyClockOps(ctx, at)
				report.ClockOps += n
				if err != nil {
					return report, err
				}
				nextTick = evt.Timestamp + opt.TickEvery.Milliseconds()
			}
			got, err := r.replay(ctx, rp, raw)
			switch got {
			case skipped:
				report.Skipped++
			case unreadable:
				report.Undecryptable++
				errs[ledger.EventID(evt.ID)] = err.Error()
			case failed:
				report.Failed++
				errs[ledger.EventID(evt.ID)] = err.Error()
			default:
				report.Events++
			}
		}
		if err := r.recordReplayed(ctx, recorded, errs); err != nil {
			return report, err
		}
		log.Info().Int("replayed", start+len(batch)).Int("of", total).Msg("Rebuilding the ledger")
	}
	opt.Clock.set(time.Time{})

	if report.Circles, err = rp.Settle(ctx, rooms); err != nil {
		return report, err
	}
	log.Info().Int("events", report.Events).Int("skipped", report.Skipped).Int("failed", report.Failed).
		Int("undecryptable", report.Undecryptable).Int("clock_ops", report.ClockOps).Int("circles", len(report.Circles)).Msg("Rebuilt the ledger from the rooms")
	return report, nil
}

// readHistory reads a room's whole timeline, oldest event first.
func (r *Replica) readHistory(ctx context.Context, room id.RoomID, opt Options) ([]*event.Event, error) {
	log := zerolog.Ctx(ctx)
	var events []*event.Event // newest first
	seen := map[id.EventID]bool{}
	from := ""
	for page := 1; ; page++ {
		resp, err := r.cli.Messages(ctx, room, from, "", mautrix.DirectionBackward, nil, opt.PageSize)
		if err != nil {
			return nil, fmt.Errorf("failed to read the history of %s: %w", room, err)
		}
		for _, evt := range resp.Chunk {
			if evt == nil || evt.ID == "" || seen[evt.ID] {
				continue
			}
			seen[evt.ID] = true
			if evt.RoomID == "" {
				evt.RoomID = room
			}
			events = append(events, evt)
		}
		if len(events) > opt.MaxEventsPerRoom {
			return nil, fmt.Errorf("failed to rebuild: %s holds more than %d events (raise the limit)", room, opt.MaxEventsPerRoom)
		}
		if page%50 == 0 {
			log.Info().Str("room_id", room.String()).Int("events", len(events)).Msg("Reading a room's history")
		}
		if resp.End == "" || resp.End == from || len(resp.Chunk) == 0 {
			break
		}
		from = resp.End
	}
	slices.Reverse(events)
	return events, nil
}

// mergeHistories merges the rooms' histories (each oldest first) into one
// sequence: the earliest head by (origin_server_ts, event ID) comes next.
func mergeHistories(histories [][]*event.Event) []*event.Event {
	h := &heads{}
	n := 0
	for _, events := range histories {
		n += len(events)
		if len(events) > 0 {
			*h = append(*h, events)
		}
	}
	heap.Init(h)
	out := make([]*event.Event, 0, n)
	for h.Len() > 0 {
		events := (*h)[0]
		out = append(out, events[0])
		if len(events) == 1 {
			heap.Pop(h)
			continue
		}
		(*h)[0] = events[1:]
		heap.Fix(h, 0)
	}
	return out
}

// heads is a heap of the rooms' remaining histories by their first event.
type heads [][]*event.Event

func (h heads) Len() int { return len(h) }
func (h heads) Less(i, j int) bool {
	a, b := h[i][0], h[j][0]
	if a.Timestamp != b.Timestamp {
		return a.Timestamp < b.Timestamp
	}
	return a.ID < b.ID
}
func (h heads) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *heads) Push(x any)   { *h = append(*h, x.([]*event.Event)) }
func (h *heads) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// replayed is what came of replaying one event of the history.
type replayed int

const (
	handled    replayed = iota // handed to the bot, which took it
	skipped                    // no bot would have been given it live
	failed                     // its handler failed
	unreadable                 // encrypted, and this bot cannot read it
)

// replay parses one event of the history as the inbox worker does,
// decrypts it if it is encrypted (with the decrypter, outside any
// transaction), and hands it to rp.
func (r *Replica) replay(ctx context.Context, rp *bot.Replayer, raw []byte) (got replayed, err error) {
	evt, err := bot.ParseEvent(raw)
	if err != nil {
		return failed, err
	}
	log := zerolog.Ctx(ctx).With().Str("event_id", evt.ID.String()).Str("room_id", evt.RoomID.String()).Logger()
	ctx = log.WithContext(ctx)
	defer func() {
		if p := recover(); p != nil {
			log.Error().Any("panic", p).Msg("Event handler panicked during the rebuild")
			got, err = failed, fmt.Errorf("handler panicked: %v", p)
		}
	}()
	if !rp.Follows(ctx, evt) {
		// Before the bot joined (or after it left): no bot handled it.
		return skipped, nil
	}
	if evt.Type == event.EventEncrypted {
		if r.decrypter == nil {
			return unreadable, errors.New("encrypted, and the bot has no encryption device")
		}
		dec, err := bot.DecryptHistory(ctx, r.decrypter, evt)
		if err != nil {
			log.Debug().Err(err).Msg("An encrypted event of the history cannot be read")
			return unreadable, err
		}
		evt = dec
	}
	if evt.Type.IsState() && r.state != nil {
		mautrix.UpdateStateStore(ctx, r.state, evt)
	}
	if err := rp.Handle(ctx, evt); err != nil {
		return failed, err
	}
	return handled, nil
}

// recordReplayed records the replayed events in the inbox as handled (with
// the error of those that failed).
func (r *Replica) recordReplayed(ctx context.Context, events []ledger.InboxEvent, errs map[ledger.EventID]string) error {
	if _, err := r.inbox.Enqueue(ctx, events); err != nil {
		return fmt.Errorf("failed to record the replayed events: %w", err)
	}
	for {
		pending, err := r.inbox.Pending(ctx, rebuildBatch)
		if err != nil {
			return fmt.Errorf("failed to read the inbox: %w", err)
		}
		if len(pending) == 0 {
			return nil
		}
		for _, ie := range pending {
			if err := r.inbox.MarkDone(ctx, ie.Seq, errs[ie.ID]); err != nil {
				return fmt.Errorf("failed to mark a replayed event done: %w", err)
			}
		}
	}
}
