package replica

import (
	"context"
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
	DefaultTickEvery = time.Minute
	DefaultFetchers  = 2
)

// rebuildBatch is how many replayed events are recorded in the inbox at once.
const rebuildBatch = 500

// Options bound and pace a rebuild.
type Options struct {
	// PageSize is how many events one /messages request asks for.
	PageSize int
	// MaxEventsPerRoom, when set, bounds the history read from one room:
	// every room is then read whole before anything is replayed, and a
	// room with more events makes the rebuild fail before anything is
	// changed (a ledger rebuilt from part of a room's history would be
	// wrong). Unset (the default), the rooms' histories are streamed, with
	// no bound on their length.
	MaxEventsPerRoom int
	// Fetchers is how many /messages requests may be under way at once
	// (one room pages one at a time). Default DefaultFetchers.
	Fetchers int
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
	// ProgressEvery is how often the progress is logged and handed to
	// Progress (default DefaultProgressEvery), on Now (default time.Now).
	ProgressEvery time.Duration
	Progress      func(Progress)
	Now           func() time.Time

	// oneByOne replays each event alone, as the rebuild did before it
	// grouped them (the benchmarks' baseline: export_test.go).
	oneByOne bool
}

func (o Options) withDefaults() Options {
	if o.PageSize <= 0 {
		o.PageSize = DefaultPageSize
	}
	if o.Fetchers <= 0 {
		o.Fetchers = DefaultFetchers
	}
	if o.TickEvery <= 0 {
		o.TickEvery = DefaultTickEvery
	}
	if o.ProgressEvery <= 0 {
		o.ProgressEvery = DefaultProgressEvery
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
// the bot is joined to. It reads each room's timeline from the room's
// creation (pages of opt.PageSize, streamed: stream.go), merges the rooms'
// events in canonical order (origin_server_ts, then event ID; within a
// room the homeserver's order is kept, so a reaction never comes before
// the card it is on even where servers' clocks disagree), and hands each
// to the bot as the inbox worker does, through its Replayer: nothing is
// sent, and the bot's own cards and records are followed. The events
// replayed are recorded in the inbox as handled, so that the homeserver's
// pushes and reconciliation do not handle them again. Then the clock's
// work due now is done, silently. The progress is logged (and handed to
// opt.Progress) every opt.ProgressEvery.
//
// Memory: at most two pages of each room and one batch of rebuildBatch
// events are held, whatever the histories' length (with
// opt.MaxEventsPerRoom set, every room's history is held whole).
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
	src, err := r.sources(ctx, rooms, opt)
	if err != nil {
		return nil, err
	}
	defer src.stop()
	report.Rooms = make([]RoomHistory, len(rooms))
	prog := newProgress(opt, len(rooms))
	m := &merger{done: func(s *stream) {
		report.Rooms[s.index] = RoomHistory{Room: s.room, Events: s.read}
		prog.p.RoomsDone++
	}}
	if err := r.replayAll(ctx, opt, src, m, prog, report); err != nil {
		return report, err
	}
	src.stop()
	prog.finish(ctx)
	if report.Circles, err = r.bot.Replaying().Settle(ctx, rooms); err != nil {
		return report, err
	}
	log.Info().Int("events", report.Events).Int("skipped", report.Skipped).Int("failed", report.Failed).
		Int("undecryptable", report.Undecryptable).Int("clock_ops", report.ClockOps).Int("circles", len(report.Circles)).Msg("Rebuilt the ledger from the rooms")
	return report, nil
}

// sources opens the rooms' histories: streamed, or with
// opt.MaxEventsPerRoom read whole first (a room over it fails the rebuild
// before anything is changed).
func (r *Replica) sources(ctx context.Context, rooms []id.RoomID, opt Options) (*streams, error) {
	if opt.MaxEventsPerRoom <= 0 {
		return r.openStreams(ctx, rooms, opt), nil
	}
	histories := make([][]*histEvent, 0, len(rooms))
	for i, room := range rooms {
		read, err := r.readHistory(ctx, room, opt)
		if err != nil {
			return nil, err
		}
		h, err := parsed(room, read)
		if err != nil {
			return nil, err
		}
		histories = append(histories, h)
		zerolog.Ctx(ctx).Info().Str("room_id", room.String()).Int("events", len(h)).Int("room", i+1).Int("of", len(rooms)).
			Msg("Read a room's history")
	}
	return openMemory(rooms, histories, opt.PageSize), nil
}

// replayAll replays the merged histories: the events at hand (the pages
// already received) in groups, each in one transaction, and each batch of
// rebuildBatch recorded in the inbox once replayed. The wait for a page is
// outside any transaction, so that the homeserver's transactions are
// recorded meanwhile.
func (r *Replica) replayAll(ctx context.Context, opt Options, src *streams, m *merger, prog *progress, report *Report) error {
	if err := m.start(src.all); err != nil {
		return err
	}
	defer opt.Clock.set(time.Time{})
	s := &replaying{r: r, opt: opt, m: m, prog: prog, report: report, rp: r.bot.Replaying(),
		nextTick: -1 << 63, recorded: make([]ledger.InboxEvent, 0, rebuildBatch), errs: map[ledger.EventID]string{}}
	for {
		evt, err := m.next()
		if err != nil {
			return err
		}
		if evt == nil {
			return s.flush(ctx)
		}
		if err := s.group(ctx, evt); err != nil {
			return err
		}
	}
}

// maxGroupHold bounds how long a group of replayed events keeps its
// transaction, and with it, on SQLite, the only write lock, which the
// homeserver's transactions recorded meanwhile wait for (as the intake's
// runs: bot/intake_run.go).
const maxGroupHold = 100 * time.Millisecond

// replaying is one rebuild's replay of the merged histories.
type replaying struct {
	r        *Replica
	opt      Options
	m        *merger
	prog     *progress
	report   *Report
	rp       *bot.Replayer
	nextTick int64
	recorded []ledger.InboxEvent // replayed, not recorded in the inbox yet
	errs     map[ledger.EventID]string
}

// group replays evt and the events after it that are at hand in one
// transaction (each service's writes in a savepoint of it, as in the
// intake's runs): the statements of a member's or a circle's reads are
// then run once per group, and the commit is paid once. It stops before
// an event that would wait for a page, an encrypted one (decrypted
// outside any transaction), a full batch, or after maxGroupHold. An
// encrypted event is replayed alone.
func (s *replaying) group(ctx context.Context, evt *histEvent) error {
	if len(s.recorded) >= rebuildBatch {
		if err := s.flush(ctx); err != nil {
			return err
		}
	}
	if evt.Type == event.EventEncrypted || s.opt.oneByOne {
		return s.one(ctx, evt)
	}
	return s.r.inTx(ctx, func(ctx context.Context) error {
		start := time.Now()
		for {
			if err := s.one(ctx, evt); err != nil {
				return err
			}
			evt = s.m.ready()
			if evt == nil || evt.Type == event.EventEncrypted || len(s.recorded) >= rebuildBatch || time.Since(start) > maxGroupHold {
				return nil
			}
			s.m.next() // at hand: it does not wait, nor fail
		}
	})
}

// one replays one event on its time, after the clock's ops due then, and
// keeps its inbox record (the event's ID and room: a replayed event's
// body is not kept, as the intake drops a handled one's).
func (s *replaying) one(ctx context.Context, evt *histEvent) error {
	at := time.UnixMilli(evt.Timestamp).UTC()
	s.recorded = append(s.recorded, ledger.InboxEvent{ID: ledger.EventID(evt.ID), Room: ledger.RoomID(evt.RoomID), ReceivedAt: at})
	s.opt.Clock.set(at)
	if evt.Timestamp >= s.nextTick {
		n, err := s.rp.ApplyClockOps(ctx, at)
		s.report.ClockOps += n
		if err != nil {
			return err
		}
		s.nextTick = evt.Timestamp + s.opt.TickEvery.Milliseconds()
	}
	got, err := failed, evt.err
	if err == nil {
		got, err = s.r.replayParsed(ctx, s.rp, evt.Event)
	}
	s.report.count(got)
	if got != handled && got != skipped {
		s.errs[ledger.EventID(evt.ID)] = err.Error()
	}
	s.prog.p.Read = s.m.read
	s.prog.applied(ctx, evt.Timestamp)
	return nil
}

// flush records the events replayed so far in the inbox.
func (s *replaying) flush(ctx context.Context) error {
	if err := s.r.recordReplayed(ctx, s.recorded, s.errs); err != nil {
		return err
	}
	s.recorded, s.errs = s.recorded[:0], map[ledger.EventID]string{}
	return nil
}

// count counts what came of replaying one event.
func (rep *Report) count(got replayed) {
	switch got {
	case skipped:
		rep.Skipped++
	case unreadable:
		rep.Undecryptable++
	case failed:
		rep.Failed++
	default:
		rep.Events++
	}
}

// replayed is what came of replaying one event of the history.
type replayed int

const (
	handled    replayed = iota // handed to the bot, which took it
	skipped                    // no bot would have been given it live
	failed                     // its handler failed
	unreadable                 // encrypted, and this bot cannot read it
)

// replay parses one event of the history as the inbox worker does and
// replays it (replayParsed).
func (r *Replica) replay(ctx context.Context, rp *bot.Replayer, raw []byte) (replayed, error) {
	evt, err := bot.ParseEvent(raw)
	if err != nil {
		return failed, err
	}
	return r.replayParsed(ctx, rp, evt)
}

// replayParsed decrypts one event of the history (parsed as the inbox
// worker does: bot.ParseEvent) if it is encrypted (with the decrypter,
// outside any transaction), and hands it to rp.
func (r *Replica) replayParsed(ctx context.Context, rp *bot.Replayer, evt *event.Event) (got replayed, err error) {
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

// handledRecorder is an inbox that records events handled elsewhere as
// done at once (store.Store.RecordHandled).
type handledRecorder interface {
	RecordHandled(ctx context.Context, events []ledger.InboxEvent, errs map[ledger.EventID]string) error
}

// recordReplayed records the replayed events in the inbox as handled (with
// the error of those that failed): at once when the inbox can, else
// enqueued and marked done, in one transaction when the inbox can run
// one.
func (r *Replica) recordReplayed(ctx context.Context, events []ledger.InboxEvent, errs map[ledger.EventID]string) error {
	if len(events) == 0 {
		return nil
	}
	if rec, ok := r.inbox.(handledRecorder); ok {
		if err := rec.RecordHandled(ctx, events, errs); err != nil {
			return fmt.Errorf("failed to record the replayed events: %w", err)
		}
		return nil
	}
	record := func(ctx context.Context) error {
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
	return r.inTx(ctx, record)
}

// inTx runs fn in one transaction of the inbox's store, when the inbox can
// run one (else as it is).
func (r *Replica) inTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if tx, ok := r.inbox.(interface {
		InTx(ctx context.Context, fn func(ctx context.Context) error) error
	}); ok {
		return tx.InTx(ctx, fn)
	}
	return fn(ctx)
}
