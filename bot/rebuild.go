package bot

import (
	"container/heap"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

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

// Defaults of RebuildOptions.
const (
	DefaultRebuildPageSize  = 100
	DefaultRebuildMaxEvents = 200_000
	DefaultRebuildTickEvery = time.Minute
)

// rebuildBatch is how many replayed events are recorded in the inbox at once.
const rebuildBatch = 500

// RebuildOptions bound and pace a rebuild.
type RebuildOptions struct {
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

func (o RebuildOptions) withDefaults() RebuildOptions {
	if o.PageSize <= 0 {
		o.PageSize = DefaultRebuildPageSize
	}
	if o.MaxEventsPerRoom <= 0 {
		o.MaxEventsPerRoom = DefaultRebuildMaxEvents
	}
	if o.TickEvery <= 0 {
		o.TickEvery = DefaultRebuildTickEvery
	}
	return o
}

// RebuildReport says what a rebuild read and replayed.
type RebuildReport struct {
	// Rooms are the rooms the bot is joined to and how many events each
	// history held, in room order.
	Rooms []RoomHistory
	// Events counts the events replayed; Skipped the messages no bot
	// handled live (sent while this bot was not in a room that was not a
	// circle another bot answers in); Failed those whose handler failed
	// (their error is kept in the inbox, as for live events).
	Events, Skipped, Failed int
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

// ReplayClock is a ledger.Clock for a bot that may rebuild: it tells the
// base clock's time, except during a rebuild, when it tells the time of the
// event being replayed. Give the same ReplayClock to ledger.NewService and
// to RebuildOptions.
type ReplayClock struct {
	base ledger.Clock
	mu   sync.Mutex
	at   time.Time
}

// NewReplayClock returns a clock telling base's time until a rebuild sets it.
func NewReplayClock(base ledger.Clock) *ReplayClock { return &ReplayClock{base: base} }

// Now returns the replayed event's time during a rebuild, else the base's.
func (c *ReplayClock) Now() time.Time {
	c.mu.Lock()
	at := c.at
	c.mu.Unlock()
	if !at.IsZero() {
		return at
	}
	return c.base.Now()
}

// set makes the clock tell t (the zero time gives it back to the base).
func (c *ReplayClock) set(t time.Time) {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.at = t
	c.mu.Unlock()
}

// RebuildFromRooms rebuilds an empty ledger from the history of every room
// the bot is joined to. It reads each room's timeline back to the room's
// creation (pages of opt.PageSize, at most opt.MaxEventsPerRoom events),
// merges the rooms' events in canonical order (origin_server_ts, then event
// ID; within a room the homeserver's order is kept, so a reaction never
// comes before the card it is on even where servers' clocks disagree), and
// hands each to the bot as the inbox worker does, with a Rebuilding
// context: nothing is sent, and the bot's own cards and records are
// followed. The events replayed are recorded in the inbox as handled, so
// that the homeserver's pushes and reconciliation do not handle them again.
// Then the clock's work due now is done, silently.
//
// The ledger must be empty (store.Store.LedgerEmpty) and nothing else may
// use the bot or its ledger meanwhile: run it before serving.
func (in *Intake) RebuildFromRooms(ctx context.Context, opt RebuildOptions) (*RebuildReport, error) {
	opt = opt.withDefaults()
	log := zerolog.Ctx(ctx)
	b := in.bot
	pending, err := in.inbox.Pending(ctx, 1)
	if err != nil {
		return nil, fmt.Errorf("failed to read the inbox: %w", err)
	}
	if len(pending) > 0 {
		return nil, errors.New("failed to rebuild: the inbox holds events not handled yet (rebuild an empty ledger)")
	}
	joined, err := b.cli.JoinedRooms(ctx)
	if err != nil {
		return nil, fmt.Errorf("failed to list the rooms the bot is in: %w", err)
	}
	rooms := slices.Clone(joined.JoinedRooms)
	slices.Sort(rooms)
	rooms = slices.Compact(rooms)
	report := &RebuildReport{}
	if len(rooms) == 0 {
		return report, nil
	}
	log.Info().Int("rooms", len(rooms)).Msg("Rebuilding the ledger from the rooms' history")

	histories := make([][]*event.Event, 0, len(rooms))
	total := 0
	for i, room := range rooms {
		h, err := in.readHistory(ctx, room, opt)
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

	rb := b.rebuilding(replayMembers{})
	defer opt.Clock.set(time.Time{})
	joinedNow := map[id.RoomID]bool{} // rooms the bot is in, at the point of the replay
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
			if ie := in.inboxEvent(raw, at); ie.ID != "" {
				recorded = append(recorded, ie)
			}
			opt.Clock.set(at)
			if evt.Timestamp >= nextTick {
				n, err := rb.applyClockOps(ctx, at)
				report.ClockOps += n
				if err != nil {
					return report, err
				}
				nextTick = evt.Timestamp + opt.TickEvery.Milliseconds()
			}
			handled, err := in.replay(ctx, rb, raw, joinedNow)
			switch {
			case !handled:
				report.Skipped++
			case err != nil:
				report.Failed++
				errs[ledger.EventID(evt.ID)] = err.Error()
			default:
				report.Events++
			}
		}
		if err := in.recordReplayed(ctx, recorded, errs); err != nil {
			return report, err
		}
		log.Info().Int("replayed", start+len(batch)).Int("of", total).Msg("Rebuilding the ledger")
	}
	opt.Clock.set(time.Time{})

	for _, room := range rooms {
		if _, err := b.ledger.Circle(ctx, ledger.CircleID(room)); err != nil {
			// A circle whose state event the history did not show (not
			// visible to the bot): learnt from its state, as on joining.
			rb.adoptJoinedCircle(ctx, room, b.ledger.Now())
		}
		if _, err := b.ledger.Circle(ctx, ledger.CircleID(room)); err == nil {
			report.Circles = append(report.Circles, ledger.CircleID(room))
		}
	}
	if err := rb.Tick(ctx); err != nil {
		return report, fmt.Errorf("failed to do the clock's work after the rebuild: %w", err)
	}
	log.Info().Int("events", report.Events).Int("skipped", report.Skipped).Int("failed", report.Failed).
		Int("clock_ops", report.ClockOps).Int("circles", len(report.Circles)).Msg("Rebuilt the ledger from the rooms")
	return report, nil
}

// readHistory reads a room's whole timeline, oldest event first.
func (in *Intake) readHistory(ctx context.Context, room id.RoomID, opt RebuildOptions) ([]*event.Event, error) {
	log := zerolog.Ctx(ctx)
	var events []*event.Event // newest first
	seen := map[id.EventID]bool{}
	from := ""
	for page := 1; ; page++ {
		resp, err := in.bot.cli.Messages(ctx, room, from, "", mautrix.DirectionBackward, nil, opt.PageSize)
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

// replay parses one event of the history as the inbox worker does and hands
// it to b (the bot rebuilding); handled is false for an event no bot would have been
// given live. joined follows the rooms the bot is in.
func (in *Intake) replay(ctx context.Context, b *Bot, raw []byte, joined map[id.RoomID]bool) (handled bool, err error) {
	evt, err := ParseEvent(raw)
	if err != nil {
		return true, err
	}
	log := zerolog.Ctx(ctx).With().Str("event_id", evt.ID.String()).Str("room_id", evt.RoomID.String()).Logger()
	ctx = log.WithContext(ctx)
	defer func() {
		if p := recover(); p != nil {
			log.Error().Any("panic", p).Msg("Event handler panicked during the rebuild")
			err = fmt.Errorf("handler panicked: %v", p)
		}
	}()
	if evt.Type == event.StateMember && evt.GetStateKey() == b.cfg.UserID.String() {
		m := evt.Content.AsMember().Membership
		joined[evt.RoomID] = m == event.MembershipJoin
	}
	if members := b.mode.replay; members != nil && evt.Type == event.StateMember {
		if members[evt.RoomID] == nil {
			members[evt.RoomID] = map[id.UserID]bool{}
		}
		members[evt.RoomID][id.UserID(evt.GetStateKey())] = evt.Content.AsMember().Membership == event.MembershipJoin
	}
	if !evt.Type.IsState() && !joined[evt.RoomID] && !b.seenByAnotherBot(ctx, evt.RoomID) {
		// Before the bot joined (or after it left): no bot handled it.
		return false, nil
	}
	if evt.Type.IsState() && in.state != nil {
		mautrix.UpdateStateStore(ctx, in.state, evt)
	}
	if done, err := b.replayAside(ctx, evt); done {
		return true, err
	}
	return true, b.HandleEvent(ctx, evt)
}

// membersThen is who was in a room at the point of the replay: those the
// history shows joined, and those in it now the history shows nothing of
// (it may not show events before the bot joined). Live, it is who is in it
// now.
func (b *Bot) membersThen(ctx context.Context, room id.RoomID) ([]id.UserID, error) {
	resp, err := b.cli.JoinedMembers(ctx, room)
	if err != nil {
		return nil, err
	}
	then := b.mode.replay
	var out []id.UserID
	for u := range resp.Joined {
		if in, seen := then[room][u]; !seen || in {
			out = append(out, u)
		}
	}
	for u, in := range then[room] {
		if _, now := resp.Joined[u]; in && !now {
			out = append(out, u)
		}
	}
	slices.Sort(out)
	return out, nil
}

// seenByAnotherBot reports whether a room is a circle another bot answers
// in, which handled its events while this bot was not there.
func (b *Bot) seenByAnotherBot(ctx context.Context, room id.RoomID) bool {
	c, err := b.ledger.Circle(ctx, ledger.CircleID(room))
	return err == nil && b.answerer(c) != b.cfg.UserID
}

// replayAside replays what only this bot saw and HandleEvent does not
// follow: its direct chats (opened by a member's invitation or by the bot,
// and the notice cards and records of web actions it posted there), and
// its invitations into rooms it is in already. done says the event needs
// no more.
func (b *Bot) replayAside(ctx context.Context, evt *event.Event) (done bool, err error) {
	if evt.Type == event.StateMember {
		content := evt.Content.AsMember()
		target := id.UserID(evt.GetStateKey())
		if content.Membership != event.MembershipInvite || !content.IsDirect {
			// An invitation into a group room: the bot is in it already,
			// and a circle is learnt from its state event in the history.
			return target == b.cfg.UserID && content.Membership == event.MembershipInvite, nil
		}
		switch {
		case target == b.cfg.UserID && !b.IsBot(evt.Sender): // a member opened a direct chat
			return true, b.replayDirectRoom(ctx, evt.Sender, evt.RoomID)
		case evt.Sender == b.cfg.UserID && !b.IsBot(target): // the bot opened one for a member
			return false, b.replayDirectRoom(ctx, target, evt.RoomID)
		}
		return false, nil
	}
	if evt.Sender != b.cfg.UserID || evt.Type.IsState() {
		return false, nil
	}
	if _, err := b.ledger.Circle(ctx, ledger.CircleID(evt.RoomID)); err == nil {
		return false, nil // followBot reads the bot's messages in circles
	}
	return true, b.followOwnDirect(ctx, evt)
}

// replayDirectRoom records a member's direct chat with the bot.
func (b *Bot) replayDirectRoom(ctx context.Context, member id.UserID, room id.RoomID) error {
	if err := b.ledger.SetDirectRoom(ctx, ledger.UserID(member), ledger.RoomID(room)); err != nil {
		return fmt.Errorf("failed to record a direct chat: %w", err)
	}
	b.setRoomKind(room, true)
	return nil
}

// noticeCards are the kinds of the bot's notices about one promise in a
// direct chat (sendCard), with the card kind each was recorded as.
var noticeCards = map[string]ledger.CardKind{
	"commitment": ledger.CardCommitment, "sent": ledger.CardSent, "reminder": "",
	"conversion": ledger.CardNotice, "renewal": ledger.CardNotice, "kassa_share": ledger.CardNotice,
}

// followOwnDirect reads the bot's own message in a room that is not a
// circle: a notice card about a promise is recorded again, and a record of
// an action a member took on the web is applied again.
func (b *Bot) followOwnDirect(ctx context.Context, evt *event.Event) error {
	ns, _ := evt.Content.Raw[Namespace].(map[string]any)
	kind, _ := ns["type"].(string)
	data, _ := ns["data"].(map[string]any)
	if ns == nil || evt.Content.Raw["m.relates_to"] != nil && kind != "web_action" {
		return nil // an edit, a reply: no card
	}
	if kind == "web_action" {
		return b.followDirectWebAction(ctx, evt, data)
	}
	cardKind, ok := noticeCards[kind]
	promise, _ := data["id"].(string)
	need, _ := data["need"].(string)
	if !ok || promise == "" || need == "" {
		return nil
	}
	if cardKind == "" { // a reminder: to fulfil a commitment, or to confirm a receipt
		cardKind = ledger.CardCommitment
		if state, _ := data["state"].(string); ledger.PromiseState(state) == ledger.PromiseSent {
			cardKind = ledger.CardSent
		}
	}
	return b.ledger.AddCard(ctx, ledger.Card{Event: ledger.EventID(evt.ID), Room: ledger.RoomID(evt.RoomID), Kind: cardKind,
		Need: ledger.NeedID(need), Promise: ledger.PromiseID(promise)})
}

// followDirectWebAction applies again an action a member took on the web
// that the bot recorded in their direct chat (followWebAction does it for
// circles), keyed by the event that records it.
func (b *Bot) followDirectWebAction(ctx context.Context, evt *event.Event, data map[string]any) error {
	raw, err := json.Marshal(data["cmd"])
	if err != nil {
		return nil
	}
	var cmd ledger.Command
	member, _ := data["member"].(string)
	at, _ := data["at"].(float64)
	if json.Unmarshal(raw, &cmd) != nil || member == "" || cmd.Verb == "" || !b.commands.fromWeb(cmd.Verb) {
		return nil
	}
	fake := &event.Event{ID: evt.ID, RoomID: evt.RoomID, Sender: id.UserID(member), Timestamp: int64(at)}
	r := &request{evt: fake, cmd: cmd, act: action(fake), lang: b.replyLang(ctx, fake.Sender, ""), direct: true, web: &webReply{}}
	if need, _ := data["need"].(string); need != "" && !b.commands.personal(cmd.Verb) {
		r.card = &ledger.Card{Need: ledger.NeedID(need)}
	}
	err = b.commands.run(ctx, b.silently(), r)
	if err != nil && !ledger.IsDuplicate(err) && ledger.ErrorCode(err) == ledger.EInternal {
		return err
	}
	return nil
}

// applyClockOps applies the month rollovers and deadlines due at now,
// as Tick does, and returns how many it applied.
func (b *Bot) applyClockOps(ctx context.Context, now time.Time) (int, error) {
	ops, err := b.ledger.DueClockOps(ctx, now)
	if err != nil {
		return 0, fmt.Errorf("failed to list clock ops: %w", err)
	}
	n := 0
	for _, op := range ops {
		out, err := b.apply(ctx, op)
		switch {
		case ledger.IsDuplicate(err):
			continue
		case ledger.ErrorCode(err) == ledger.EInternal || (err != nil && ledger.AsError(err) == nil):
			return n, fmt.Errorf("failed to apply %s: %w", op.Event, err)
		case err != nil:
			continue // the op changed nothing
		}
		n++
		b.after(ctx, out)
	}
	return n, nil
}

// recordReplayed records the replayed events in the inbox as handled (with
// the error of those that failed).
func (in *Intake) recordReplayed(ctx context.Context, events []ledger.InboxEvent, errs map[ledger.EventID]string) error {
	if _, err := in.inbox.Enqueue(ctx, events); err != nil {
		return fmt.Errorf("failed to record the replayed events: %w", err)
	}
	for {
		pending, err := in.inbox.Pending(ctx, rebuildBatch)
		if err != nil {
			return fmt.Errorf("failed to read the inbox: %w", err)
		}
		if len(pending) == 0 {
			return nil
		}
		for _, ie := range pending {
			if err := in.inbox.MarkDone(ctx, ie.Seq, errs[ie.ID]); err != nil {
				return fmt.Errorf("failed to mark a replayed event done: %w", err)
			}
		}
	}
}
