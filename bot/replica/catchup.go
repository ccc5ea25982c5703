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
// for those room keys (HistoryKeyRequester) and, when they arrive
// (KeyArrived), replays the history again, now readable.

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

// keyWait is a circle joined whose history waits for room keys asked of
// the trusted bots.
type keyWait struct {
	// asked are the sessions asked for, and whether each arrived.
	asked map[id.SessionID]bool
	// arrived is when the last of them arrived since the last replay
	// (zero: none).
	arrived time.Time
}

// pending counts the sessions asked for that have not arrived.
func (w *keyWait) pending() int {
	n := 0
	for _, got := range w.asked {
		if !got {
			n++
		}
	}
	return n
}

// SetNotify makes KeyArrived wake the intake (bot.Intake.Notify) when a
// circle's history can be replayed again. Call it before any catch-up.
func (r *Replica) SetNotify(f func()) { r.notify = f }

// KeyArrived notes the arrival of the room key of session (bot/e2ee calls
// it when a key is stored): a circle whose history waits for it is
// replayed again at the next CatchUp, at once when it was the last key
// asked for.
func (r *Replica) KeyArrived(_ context.Context, session id.SessionID) {
	r.mu.Lock()
	wake := false
	for _, w := range r.waits {
		if got, asked := w.asked[session]; asked && !got {
			w.asked[session] = true
			w.arrived = r.now()
			wake = wake || w.pending() == 0
		}
	}
	r.mu.Unlock()
	if wake && r.notify != nil {
		r.notify()
	}
}

// CatchUp replays the history of the circles the bot joined since the last
// call, where another bot answers, and again that of the circles whose
// room keys arrived from the trusted bots. The intake calls it between
// events (bot.CatchUp), once the handling that joined them is committed.
func (r *Replica) CatchUp(ctx context.Context) {
	for _, room := range r.bot.JoinedCircles() {
		r.catchUp(ctx, room)
	}
	for _, room := range r.keysCame() {
		r.catchUp(ctx, room)
	}
}

// keysCame returns the circles to replay again: every key asked for
// arrived, or some did and the rest has not for keysSettle.
func (r *Replica) keysCame() []id.RoomID {
	r.mu.Lock()
	defer r.mu.Unlock()
	var rooms []id.RoomID
	for room, w := range r.waits {
		if w.arrived.IsZero() || w.pending() > 0 && r.now().Sub(w.arrived) < keysSettle {
			continue
		}
		rooms = append(rooms, room)
		w.arrived = time.Time{}
		if w.pending() == 0 {
			delete(r.waits, room)
		}
	}
	return rooms
}

// catchUp replays the history of a circle the bot just joined, where
// another bot answers, and asks the trusted bots for the room keys it
// lacks.
func (r *Replica) catchUp(ctx context.Context, room id.RoomID) {
	log := zerolog.Ctx(ctx).With().Str("room_id", room.String()).Logger()
	history, err := r.readHistory(ctx, room, Options{}.withDefaults())
	if err != nil {
		log.Warn().Err(err).Msg("Failed to read the history of a circle joined")
		return
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
	asked := r.askKeys(ctx, room, noKey)
	log.Info().Int("events", count[handled]).Int("failed", count[failed]).Int("undecryptable", count[unreadable]).
		Int("keys_asked", asked).Msg("Caught up with the history of a circle joined")
}

// askKeys asks the trusted bots of room for the room keys of the events
// of its history the bot has no key for, each session once, and returns
// how many sessions it asked for.
func (r *Replica) askKeys(ctx context.Context, room id.RoomID, events []*event.Event) int {
	kr, ok := r.decrypter.(HistoryKeyRequester)
	if !ok || len(events) == 0 {
		return 0
	}
	n := 0
	for _, evt := range events {
		session := sessionOf(evt)
		if session == "" || r.wasAsked(room, session) {
			continue
		}
		sent, err := kr.RequestHistoryKey(ctx, evt)
		if err != nil {
			zerolog.Ctx(ctx).Warn().Err(err).Str("event_id", evt.ID.String()).Msg("Failed to ask the trusted bots for a room key of a circle's history")
			continue
		}
		if !sent {
			return n // no trusted bot in the circle to ask
		}
		r.mu.Lock()
		w := r.waits[room]
		if w == nil {
			w = &keyWait{asked: map[id.SessionID]bool{}}
			r.waits[room] = w
		}
		w.asked[session] = false
		r.mu.Unlock()
		n++
	}
	return n
}

// wasAsked reports whether the key of session was asked for in room.
func (r *Replica) wasAsked(room id.RoomID, session id.SessionID) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	w := r.waits[room]
	if w == nil {
		return false
	}
	_, asked := w.asked[session]
	return asked
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
