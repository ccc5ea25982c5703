package replica

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/bot"
)

// Catching up. A bot that joins a circle another bot has answered in for a
// while must compute the same ledger: it reads the room's history (the
// homeserver lets a member read it back to when history became visible)
// and replays it silently, as a rebuild does for every room. Events it
// replays again later change nothing: every change is keyed by its event.
//
// In an encrypted circle the history before the bot joined was never
// shared with its device. The catch-up asks the trusted bots of the circle
// for those room keys (HistoryKeyRequester), again on a bounded backoff
// while they do not come (keywait.go), and, when they arrive (KeyArrived),
// replays the history again, now readable.

// HistoryKeyRequester is a history decrypter that can ask the trusted bots
// of an event's room for the room key of an event of its history
// (bot/e2ee's device). It reports whether any bot was asked.
type HistoryKeyRequester interface {
	RequestHistoryKey(ctx context.Context, evt *event.Event) (bool, error)
}

// keysSettle is how long after the last of the keys asked for arrived the
// catch-up is replayed again when some are still missing (they may never
// come: no trusted bot had them).
const keysSettle = 10 * time.Second

// SetNotify makes KeyArrived, and the keys awaited when an ask or a
// replay is due (keywait.go), wake the intake (bot.Intake.Notify), which
// then calls CatchUp. Call it before any catch-up.
func (r *Replica) SetNotify(f func()) { r.notify = f }

// CatchUp replays the history of the circles the bot joined since the last
// call, where another bot answers, and again that of the circles whose
// room keys arrived from the trusted bots, or whose history could not be
// read in full; it asks the trusted bots again for the keys still missing
// when that is due (keywait.go). The intake
// calls it between events (bot.CatchUp), once the handling that joined
// them is committed, and when woken.
func (r *Replica) CatchUp(ctx context.Context) {
	for _, room := range r.bot.JoinedCircles() {
		r.catchUp(ctx, room)
	}
	if !r.isDue() {
		return
	}
	for _, room := range r.replaysDue() {
		r.catchUp(ctx, room)
	}
	r.askAgain(ctx)
	r.arm()
}

// catchUp replays the history of a circle the bot just joined, where
// another bot answers, and asks the trusted bots for the room keys it
// lacks. A history that could not be read, or not from the room's
// creation (the homeserver may not show the bot joined yet), is read
// again later (keywait.go).
func (r *Replica) catchUp(ctx context.Context, room id.RoomID) {
	log := zerolog.Ctx(ctx).With().Str("room_id", room.String()).Logger()
	rd := reading{began: r.now()}
	history, err := r.readHistory(ctx, room, Options{}.withDefaults())
	if err != nil {
		log.Warn().Err(err).Msg("Failed to read the history of a circle joined")
		r.await(ctx, room, rd)
		return
	}
	// Each replayed event decides for itself whether it is from outside
	// the circles: the replaying bot's mode is fresh.
	rp := r.bot.Replaying()
	count := map[replayed]int{}
	rd.read, rd.full = true, fromCreation(history)
	for _, evt := range history {
		raw, err := json.Marshal(evt)
		if err != nil {
			continue
		}
		got, err := r.replay(ctx, rp, raw)
		count[got]++
		switch {
		case got == failed:
			log.Debug().Err(err).Str("event_id", evt.ID.String()).Msg("A replayed event of a circle joined failed")
		case got == unreadable && errors.Is(err, bot.ErrNoKey):
			rd.noKey = append(rd.noKey, evt)
		}
	}
	asked, noBot := r.await(ctx, room, rd)
	log.Info().Int("events", count[handled]).Int("failed", count[failed]).Int("undecryptable", count[unreadable]).
		Int("keys_asked", asked).Bool("no_trusted_bot", noBot).Bool("from_creation", rd.full).
		Msg("Caught up with the history of a circle joined")
}

// await makes room wait for what its reading lacks (the room keys of its
// events unreadable for want of them, a read in full) and asks the trusted
// bots for the keys due; it returns how many it asked for, and whether no
// trusted bot could be asked yet.
func (r *Replica) await(ctx context.Context, room id.RoomID, rd reading) (int, bool) {
	log := zerolog.Ctx(ctx).With().Str("room_id", room.String()).Logger()
	_, asks := r.decrypter.(HistoryKeyRequester)
	if !asks {
		rd.noKey = nil
	}
	defer r.arm()
	tracked, gaveUp := r.track(room, rd)
	switch {
	case !tracked:
		log.Warn().Int("circles", maxWaitRooms).
			Msg("Too many circles wait for room keys or a fuller history: this one's is not asked for nor read again")
		return 0, false
	case gaveUp:
		log.Warn().Int("reads", len(keyBackoff)+1).
			Msg("Gave up reading a circle's history again: the homeserver does not show it from the room's creation")
	}
	if !asks {
		return 0, false
	}
	return r.askKeys(ctx, room)
}

// fromCreation reports whether history goes back to the room's creation.
func fromCreation(history []*event.Event) bool {
	return slices.ContainsFunc(history, func(evt *event.Event) bool { return evt.Type == event.StateCreate })
}

// sessionOf is the megolm session of an encrypted event ("" if none).
func sessionOf(evt *event.Event) id.SessionID {
	if s, _ := evt.Content.Raw["session_id"].(string); s != "" {
		return id.SessionID(s)
	}
	if c, ok := evt.Content.Parsed.(*event.EncryptedEventContent); ok {
		return c.SessionID
	}
	return ""
}
