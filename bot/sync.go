package bot

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/ledger"
)

// A bot running as an ordinary account (mode: bot) is pushed nothing: it
// reads its own /sync. The Syncer is that one loop, for the intake and for
// the encryption device alike. Each batch is recorded in the inbox with its
// sync token in ONE transaction, before the next /sync asks past it: a
// crash before the commit gets the same batch again (the inbox drops the
// events it has, by event ID), a crash after it has them all recorded. The
// intake's worker then handles them exactly as the events of a transaction.

// SyncTokenName is the sync_state name of the last recorded batch's token.
const SyncTokenName = "next_batch"

// Sync bounds: how long one /sync waits for something new, how many
// events of a room one batch carries at most, and how far a gap (a
// limited timeline) is read back.
const (
	syncWait         = 30 * time.Second
	syncTimeline     = 50
	backfillPage     = 50
	backfillMaxPages = 10
)

// SyncClient is what the bot's /sync needs of the homeserver
// (*mautrix.Client).
type SyncClient interface {
	CreateFilter(ctx context.Context, filter *mautrix.Filter) (*mautrix.RespCreateFilter, error)
	FullSyncRequest(ctx context.Context, req mautrix.ReqSync) (*mautrix.RespSync, error)
	Messages(ctx context.Context, roomID id.RoomID, from, to string, dir mautrix.Direction, filter *mautrix.FilterPart, limit int) (*mautrix.RespMessages, error)
}

// SyncStore keeps the sync token beside the inbox, in its transactions.
type SyncStore interface {
	// SyncValue returns the value kept under name ("" for none).
	SyncValue(ctx context.Context, name string) (string, error)
	// SetSyncValue keeps a value, joining the transaction ctx carries.
	SetSyncValue(ctx context.Context, name, value string) error
	// KnownEvents counts the events the inbox has recorded.
	KnownEvents(ctx context.Context, ids []ledger.EventID) (int, error)
}

// SyncCrypto takes a batch's to-device messages, device-list changes and
// key counts (the encryption device's olm machine); it runs before the
// batch is recorded, so no room key is lost either.
type SyncCrypto func(ctx context.Context, resp *mautrix.RespSync, since string)

// Syncer is the /sync loop of a bot running as an ordinary account.
type Syncer struct {
	in     *Intake
	cli    SyncClient
	store  SyncStore
	crypto SyncCrypto
}

// NewSyncer returns the /sync loop feeding in through cli, keeping its
// token in st.
func NewSyncer(in *Intake, cli SyncClient, st SyncStore) *Syncer {
	return &Syncer{in: in, cli: cli, store: st}
}

// SetCrypto hands each batch to the encryption device first.
func (s *Syncer) SetCrypto(fn SyncCrypto) { s.crypto = fn }

// syncFilter leaves out what the bot never reads: presence, typing and
// receipts, account data. Members are not lazy-loaded (a room key is
// shared with every member).
func syncFilter() *mautrix.Filter {
	none := mautrix.FilterPart{NotTypes: []event.Type{{Type: "*"}}}
	return &mautrix.Filter{
		Presence:    &none,
		AccountData: &none,
		Room: &mautrix.RoomFilter{Ephemeral: &none, AccountData: &none,
			Timeline: &mautrix.FilterPart{Limit: syncTimeline}},
	}
}

// Run syncs until ctx ends. A revoked login ends it with an error; other
// failures are retried, waiting longer each time (up to a minute).
func (s *Syncer) Run(ctx context.Context) error {
	log := zerolog.Ctx(ctx)
	since, err := s.store.SyncValue(ctx, SyncTokenName)
	if err != nil {
		return fmt.Errorf("failed to read the sync token: %w", err)
	}
	filterID, wait := "", time.Second
	for ctx.Err() == nil {
		if filterID == "" {
			if f, err := s.cli.CreateFilter(ctx, syncFilter()); err == nil {
				filterID = f.FilterID
			}
		}
		resp, err := s.cli.FullSyncRequest(ctx, mautrix.ReqSync{Since: since, Timeout: int(syncWait / time.Millisecond), FilterID: filterID})
		if err == nil {
			err = s.Apply(ctx, since, resp)
		}
		switch {
		case err == nil:
			since, wait = resp.NextBatch, time.Second
			continue
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(err, mautrix.MUnknownToken):
			return fmt.Errorf("the homeserver no longer knows the bot's login (logged out elsewhere?); start exodus again to log in: %w", err)
		}
		log.Warn().Err(err).Dur("retry_in", wait).Msg("The bot's /sync failed; retrying")
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, time.Minute)
	}
	return ctx.Err()
}

// Apply records one batch, the answer to a /sync since since: the
// to-device part goes to the encryption device, then the events of the
// joined and left rooms' timelines (a gap before them read back first),
// and an event for each invitation, are recorded with the batch's token
// in one transaction, and the worker is woken. The first batch (since
// "") records no timeline: the rooms' history is the rebuild's and the
// catch-up's, as for an appservice that joins.
func (s *Syncer) Apply(ctx context.Context, since string, resp *mautrix.RespSync) error {
	if s.crypto != nil {
		s.crypto(ctx, resp, since) // outside any transaction: keys stored on their own
	}
	now := s.in.clock.Now()
	s.learnState(ctx, resp, since == "")
	var events []ledger.InboxEvent
	if since != "" {
		var err error
		if events, err = s.timelines(ctx, resp, now); err != nil {
			return err
		}
	}
	events = append(events, s.invitations(since, resp, now)...)
	if err := s.early(ctx, events); err != nil {
		return err
	}
	err := s.in.bot.out.InTx(ctx, func(ctx context.Context) error {
		if _, err := s.in.inbox.Enqueue(ctx, events); err != nil {
			return err
		}
		return s.store.SetSyncValue(ctx, SyncTokenName, resp.NextBatch)
	})
	if err != nil {
		return fmt.Errorf("failed to record a sync batch: %w", err)
	}
	s.in.lastTxn.Store(now.UnixMilli())
	if len(events) > 0 {
		types := make([]string, len(events))
		for i := range events {
			types[i] = s.in.bot.EventLabel(eventType(events[i].Raw))
		}
		s.in.bot.cfg.Metrics.EventsReceived(types)
		s.in.Notify()
	}
	return nil
}

// early tells the state store and the encryption device of the
// encryption and membership events of a batch before it is recorded, as
// the appservice intake does on receipt: messages sent from elsewhere (the
// web organizer, reminders) before the worker reaches these events are
// encrypted, and reach a newcomer, all the same.
func (s *Syncer) early(ctx context.Context, events []ledger.InboxEvent) error {
	var encryption, members []json.RawMessage
	for _, e := range events {
		switch eventType(e.Raw) {
		case event.StateEncryption.Type:
			encryption = append(encryption, e.Raw)
		case event.StateMember.Type:
			members = append(members, e.Raw)
		}
	}
	if err := s.in.markEncrypted(ctx, encryption); err != nil {
		return err
	}
	s.in.membersArrived(ctx, members)
	return nil
}

// learnState puts into the state store what a batch says of the rooms'
// state before their timelines (and, in the first batch, whose timelines
// are not recorded, the timelines' state too): the members and the
// encryption of rooms the bot just joined, above all.
func (s *Syncer) learnState(ctx context.Context, resp *mautrix.RespSync, first bool) {
	if s.in.state == nil {
		return
	}
	for room, jr := range resp.Rooms.Join {
		lists := [][]*event.Event{jr.State.Events}
		if first {
			lists = append(lists, jr.Timeline.Events)
		}
		for _, list := range lists {
			for _, evt := range list {
				if evt.StateKey == nil {
					continue
				}
				evt.RoomID, evt.Type.Class = room, event.StateEventType
				_ = evt.Content.ParseRaw(evt.Type)
				mautrix.UpdateStateStore(ctx, s.in.state, evt)
			}
		}
	}
}

// timelines are the inbox records of a batch's timeline events, room by
// room in the order of their IDs, each room's oldest first, a gap before
// a limited timeline read back first.
func (s *Syncer) timelines(ctx context.Context, resp *mautrix.RespSync, now time.Time) ([]ledger.InboxEvent, error) {
	type timeline struct {
		room id.RoomID
		tl   *mautrix.SyncTimeline
	}
	var tls []timeline
	for room, jr := range resp.Rooms.Join {
		tls = append(tls, timeline{room, &jr.Timeline})
	}
	for room, lr := range resp.Rooms.Leave {
		tls = append(tls, timeline{room, &lr.Timeline})
	}
	slices.SortFunc(tls, func(a, b timeline) int { return cmp.Compare(a.room, b.room) })
	var out []ledger.InboxEvent
	self := s.in.bot.cfg.UserID
	for _, t := range tls {
		evts, joined := sinceOwnJoin(self, t.tl.Events)
		if !joined && t.tl.Limited && t.tl.PrevBatch != "" {
			gap, err := s.backfill(ctx, t.room, t.tl.PrevBatch)
			if err != nil {
				return nil, err
			}
			evts = append(gap, evts...)
		}
		for _, evt := range evts {
			if ie := s.record(t.room, evt, now); ie.ID != "" {
				out = append(out, ie)
			}
		}
	}
	return out, nil
}

// backfill reads a room's timeline back from a limited batch's start
// until it meets an event the inbox has, for at most backfillMaxPages
// pages; a gap longer than that is reported, and the reconciliation reads
// the rooms with open needs anyway. The events are returned oldest first.
func (s *Syncer) backfill(ctx context.Context, room id.RoomID, from string) ([]*event.Event, error) {
	var gap []*event.Event // newest first
	for page := 0; page < backfillMaxPages; page++ {
		resp, err := s.cli.Messages(ctx, room, from, "", mautrix.DirectionBackward, nil, backfillPage)
		if refused(err) {
			// Reported, not retried: a room the bot may no longer read
			// (one it left) must not hold up every batch after it.
			zerolog.Ctx(ctx).Warn().Err(err).Str("room_id", room.String()).Int("events", len(gap)).
				Msg("The homeserver refused to show a gap in a room's timeline; the events in it are not handled")
			break
		}
		if err != nil { // the homeserver out of reach: the batch is tried again
			return nil, fmt.Errorf("failed to read a gap in %s: %w", room, err)
		}
		chunk, joined := untilOwnJoin(s.in.bot.cfg.UserID, resp.Chunk)
		ids := make([]ledger.EventID, 0, len(chunk))
		for _, evt := range chunk {
			ids = append(ids, ledger.EventID(evt.ID))
		}
		known, err := s.store.KnownEvents(ctx, ids)
		if err != nil {
			return nil, err
		}
		gap = append(gap, chunk...)
		if joined || known > 0 || resp.End == "" || len(resp.Chunk) < backfillPage {
			slices.Reverse(gap)
			return gap, nil
		}
		from = resp.End
		if page == backfillMaxPages-1 {
			zerolog.Ctx(ctx).Warn().Str("room_id", room.String()).Int("events", len(gap)).
				Msg("A gap in a room's timeline is longer than the bot reads back; older events of it are not handled")
		}
	}
	slices.Reverse(gap)
	return gap, nil
}

// ownJoin reports whether an event is self joining a room (not a change
// of its profile, which is a join after a join).
func ownJoin(self id.UserID, evt *event.Event) bool {
	if evt.Type != event.StateMember || evt.GetStateKey() != self.String() {
		return false
	}
	membership := func(c *event.Content) event.Membership {
		m, _ := c.Raw["membership"].(string)
		return event.Membership(m)
	}
	if membership(&evt.Content) != event.MembershipJoin {
		return false
	}
	prev := evt.Unsigned.PrevContent
	return prev == nil || membership(prev) != event.MembershipJoin
}

// sinceOwnJoin is a timeline (oldest first) from the bot's latest join
// on, and whether it holds one: what came before the bot joined is
// history (the catch-up's), not events to answer, as the homeserver
// pushes an appservice none of it.
func sinceOwnJoin(self id.UserID, evts []*event.Event) ([]*event.Event, bool) {
	for i := len(evts) - 1; i >= 0; i-- {
		if ownJoin(self, evts[i]) {
			return evts[i:], true
		}
	}
	return evts, false
}

// untilOwnJoin is a page read back (newest first) down to the bot's join,
// and whether it holds one: nothing older is read back.
func untilOwnJoin(self id.UserID, page []*event.Event) ([]*event.Event, bool) {
	for i, evt := range page {
		if ownJoin(self, evt) {
			return page[:i+1], true
		}
	}
	return page, false
}

// refused reports whether err is the homeserver's answer refusing a
// request (4xx but 429), not a failure to reach it.
func refused(err error) bool {
	var he mautrix.HTTPError
	return errors.As(err, &he) && he.Response != nil && he.Response.StatusCode >= 400 && he.Response.StatusCode < 500 &&
		he.Response.StatusCode != http.StatusTooManyRequests
}

// record is the inbox record of a timeline event of room.
func (s *Syncer) record(room id.RoomID, evt *event.Event, now time.Time) ledger.InboxEvent {
	evt.RoomID = room
	raw, err := json.Marshal(evt)
	if err != nil {
		return ledger.InboxEvent{}
	}
	ie, _ := typedInboxEvent(s.in.bot.cfg.UserID, raw, now)
	return ie
}

// invitations are the records of the bot's invitations in a batch. An
// invitation's state has no event ID, so each gets one of its own, from
// the room and the batch it came in: the same batch synced again makes
// the same ID, a later invitation into the room another.
func (s *Syncer) invitations(since string, resp *mautrix.RespSync, now time.Time) []ledger.InboxEvent {
	self := s.in.bot.cfg.UserID
	rooms := make([]id.RoomID, 0, len(resp.Rooms.Invite))
	for room := range resp.Rooms.Invite {
		rooms = append(rooms, room)
	}
	slices.Sort(rooms)
	var out []ledger.InboxEvent
	for _, room := range rooms {
		inv := inviteOf(self, room, resp.Rooms.Invite[room].State.Events)
		if inv == nil {
			continue
		}
		evtID := inv.ID
		if evtID == "" {
			sum := sha256.Sum256([]byte(since + "\x00" + room.String()))
			evtID = id.EventID("$exodus-invite-" + hex.EncodeToString(sum[:16]))
		}
		raw, err := json.Marshal(map[string]any{"event_id": evtID, "room_id": room, "sender": inv.Sender,
			"type": event.StateMember.Type, "state_key": self, "origin_server_ts": now.UnixMilli(), "content": inv.Content.Raw})
		if err != nil {
			continue
		}
		out = append(out, ledger.InboxEvent{ID: ledger.EventID(evtID), Room: ledger.RoomID(room), Raw: raw, ReceivedAt: now})
	}
	return out
}

// eventType is the type of a raw event ("" if it does not parse).
func eventType(raw []byte) string {
	var head struct {
		Type string `json:"type"`
	}
	_ = json.Unmarshal(raw, &head)
	return head.Type
}
