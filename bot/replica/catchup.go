package replica

import (
	"context"
	"encoding/json"
	"errors"
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
// room keys arrived from the trusted bots; it asks the trusted bots again
// for the keys still missing when that is due (keywait.go). The intake
// calls it between events (bot.CatchUp), once the handling that joined
// them is committed, and when woken.
func (r *Replica) CatchUp(ctx context.Context) {
	for _, room := range r.bot.JoinedCircles() {
		r.catchUp(ctx, room)
	}
	if !r.isDue() {
		return
	}
	for _, room := range r.keysCame() {
		if !r.catchUp(ctx, room) && r.replayFailed(room) {
			zerolog.Ctx(ctx).Warn().Str("room_id", room.String()).
				Msg("Gave up on replaying a circle's history with the room keys that came: it could not be read")
		}
	}
	r.askAgain(ctx)
	r.arm()
}

// catchUp replays the history of a circle the bot just joined, where
// another bot answers, and asks the trusted bots for the room keys it
// lacks. It reports whether the history could be read.
func (r *Replica) catchUp(ctx context.Context, room id.RoomID) bool {
	log := zerolog.Ctx(ctx).With().Str("room_id", room.String()).Logger()
	began := r.now()
	history, err := r.readHistory(ctx, room, Options{}.withDefaults())
	if err != nil {
		log.Warn().Err(err).Msg("Failed to read the history of a circle joined")
		return false
	}
	// Each replayed event decides for itself whether it is from outside
	// the circles: the replaying bot's mode is fresh.
	rp := r.bot.Replaying()
	count := map[replayed]int{}
	var noKey []*event.Event
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
			noKey = append(noKey, evt)
		}
	}
	asked, noBot := r.awaitKeys(ctx, room, noKey, began)
	log.Info().Int("events", count[handled]).Int("failed", count[failed]).Int("undecryptable", count[unreadable]).
		Int("keys_asked", asked).Bool("no_trusted_bot", noBot).Msg("Caught up with the history of a circle joined")
	return true
}

// awaitKeys makes room wait for the room keys of events (those of its
// history the replay started at began had no key for) and asks the
// trusted bots for those due; it returns how many it asked for, and
// whether no trusted bot could be asked yet.
func (r *Replica) awaitKeys(ctx context.Context, room id.RoomID, events []*event.Event, began time.Time) (int, bool) {
	if _, ok := r.decrypter.(HistoryKeyRequester); !ok {
		return 0, false
	}
	if !r.track(room, events, began) {
		zerolog.Ctx(ctx).Warn().Str("room_id", room.String()).Int("circles", maxWaitRooms).
			Msg("Too many circles wait for room keys: this one's history is not asked for")
		return 0, false
	}
	defer r.arm()
	return r.askKeys(ctx, room)
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
