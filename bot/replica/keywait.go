package replica

import (
	"context"
	"time"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"
)

// What a circle's history waits for: room keys, or a read in full. The
// catch-up asks the trusted bots for the key of each megolm session it
// cannot read. A trusted bot may not answer at once (it has not received
// the key yet, or does not see this bot's cross-signed device yet), and
// none may be visible to ask yet: a session whose key has not come is
// asked again on a bounded backoff (keyBackoff), then given up with one
// log line. A history the homeserver shows not from the room's creation
// (Dendrite, just after a join over federation, may show only the join),
// or not at all, is read again on the same backoff, then given up. The
// intake calls CatchUp between events; while anything waits a timer wakes
// it (notify) when the next ask, read or replay after keys came is due.

// keyBackoff is how long after each ask of a session's key it is asked
// again while the key has not come: after the last, it is given up. So a
// session is asked len(keyBackoff) times at most.
var keyBackoff = []time.Duration{10 * time.Second, 30 * time.Second, 90 * time.Second, 5 * time.Minute, 5 * time.Minute}

// The bounds of what waits in memory: circles at once, and sessions of
// each (more are asked for at the circle's next replay).
const (
	maxWaitRooms    = 64
	maxWaitSessions = 512
)

// sessionWait is one megolm session of a circle's history whose room key
// was asked for (or is to be).
type sessionWait struct {
	// evt is an event of the session, slimmed to what asking needs.
	evt *event.Event
	// tries counts the asks made, or tried when no trusted bot could be
	// asked; next is when to ask again (after the last: give up).
	tries int
	next  time.Time
	// got is when the key arrived (zero: not yet).
	got time.Time
}

// keyWait is a circle joined whose history waits for room keys asked of
// the trusted bots, or to be read again.
type keyWait struct {
	sessions map[id.SessionID]*sessionWait
	// replayAt is when the history is to be read and replayed again, keys
	// having come or the last read not in full (zero: not to be); rereads
	// counts the reads in a row not in full.
	replayAt time.Time
	rereads  int
}

// reading is what a read of a circle's history found.
type reading struct {
	// began is when the read began.
	began time.Time
	// read: the history could be read; full: from the room's creation.
	read, full bool
	// noKey are its events unreadable for want of their room key.
	noKey []*event.Event
}

// pending counts the sessions whose key has not arrived.
func (w *keyWait) pending() int {
	n := 0
	for _, s := range w.sessions {
		if s.got.IsZero() {
			n++
		}
	}
	return n
}

// KeyArrived notes the arrival of the room key of session (bot/e2ee calls
// it when a key is stored): a circle whose history waits for it is
// replayed again at the next CatchUp, at once when it was the last key
// awaited, else keysSettle after the last one that came.
func (r *Replica) KeyArrived(_ context.Context, session id.SessionID) {
	r.mu.Lock()
	wake := false
	for _, w := range r.waits {
		if s := w.sessions[session]; s != nil && s.got.IsZero() {
			s.got = r.now()
			w.replayAt = s.got.Add(keysSettle)
			if w.pending() == 0 {
				w.replayAt, wake = s.got, true
			}
		}
	}
	r.armLocked()
	r.mu.Unlock()
	if wake && r.notify != nil {
		r.notify()
	}
}

// track makes what room's reading rd lacks what it waits for: the
// sessions of its events without a key (a session awaited already keeps
// its tries, a new one is due at once, one that became readable is
// dropped; an unread history keeps those awaited), and a read again on the
// backoff when it was not read in full. It reports whether room is tracked
// (false: too many circles wait already), and whether its reads were
// given up (too many in a row not in full).
func (r *Replica) track(room id.RoomID, rd reading) (tracked, gaveUp bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	old := r.waits[room]
	if old == nil && (rd.full && len(rd.noKey) == 0) {
		return true, false
	}
	if old == nil && len(r.waits) >= maxWaitRooms {
		return false, false
	}
	w := &keyWait{sessions: map[id.SessionID]*sessionWait{}}
	if old != nil {
		w.replayAt, w.rereads = old.replayAt, old.rereads
		if !rd.read {
			w.sessions = old.sessions
		}
	}
	r.mergeSessions(w, old, rd)
	switch now := r.now(); {
	case rd.full:
		w.rereads = 0
	case w.rereads >= len(keyBackoff):
		gaveUp = true
	default:
		if at := now.Add(keyBackoff[w.rereads]); w.replayAt.IsZero() || at.Before(w.replayAt) {
			w.replayAt = at
		}
		w.rereads++
	}
	if len(w.sessions) == 0 && w.replayAt.IsZero() {
		delete(r.waits, room)
		return true, gaveUp
	}
	r.waits[room] = w
	return true, gaveUp
}

// mergeSessions puts in w the sessions of rd's events without a key, with
// what old knew of each. Call it with r.mu held.
func (r *Replica) mergeSessions(w, old *keyWait, rd reading) {
	for _, evt := range rd.noKey {
		session := sessionOf(evt)
		if session == "" || w.sessions[session] != nil || len(w.sessions) >= maxWaitSessions {
			continue
		}
		s := &sessionWait{evt: slim(evt, session)}
		if old != nil && old.sessions[session] != nil {
			s = old.sessions[session]
			if s.got.Before(rd.began) {
				s.got = time.Time{} // came before the read, yet unreadable: ask on
			}
		}
		w.sessions[session] = s
	}
}

// due are the events to ask the trusted bots for the keys of now in room,
// one per session.
func (r *Replica) due(room id.RoomID) []*event.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	w := r.waits[room]
	if w == nil {
		return nil
	}
	now := r.now()
	var due []*event.Event
	for _, s := range w.sessions {
		if s.got.IsZero() && s.tries < len(keyBackoff) && !now.Before(s.next) {
			due = append(due, s.evt)
		}
	}
	return due
}

// tried notes an ask (or a try with no trusted bot to ask) of the key of
// session in room: the next is due after the backoff.
func (r *Replica) tried(room id.RoomID, session id.SessionID) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if w := r.waits[room]; w != nil && w.sessions[session] != nil {
		s := w.sessions[session]
		s.next = r.now().Add(keyBackoff[min(s.tries, len(keyBackoff)-1)])
		s.tries++
	}
}

// askKeys asks the trusted bots of room for the room keys of the sessions
// due, and returns how many it asked for, and whether there was no trusted
// bot in the circle to ask.
func (r *Replica) askKeys(ctx context.Context, room id.RoomID) (asked int, noBot bool) {
	kr, ok := r.decrypter.(HistoryKeyRequester)
	if !ok {
		return 0, false
	}
	for _, evt := range r.due(room) {
		session := sessionOf(evt)
		if noBot {
			r.tried(room, session)
			continue
		}
		sent, err := kr.RequestHistoryKey(ctx, evt)
		r.tried(room, session)
		switch {
		case err != nil:
			zerolog.Ctx(ctx).Warn().Err(err).Str("event_id", evt.ID.String()).Msg("Failed to ask the trusted bots for a room key of a circle's history")
		case !sent:
			noBot = true // none visible yet: the rest is tried now too, and all again later
		default:
			asked++
		}
	}
	return asked, noBot
}

// askAgain asks the trusted bots again for the keys due in every circle
// waiting, and gives up the sessions whose last ask went unanswered.
func (r *Replica) askAgain(ctx context.Context) {
	r.mu.Lock()
	rooms := make([]id.RoomID, 0, len(r.waits))
	for room := range r.waits {
		rooms = append(rooms, room)
	}
	r.mu.Unlock()
	for _, room := range rooms {
		log := zerolog.Ctx(ctx).With().Str("room_id", room.String()).Logger()
		if asked, noBot := r.askKeys(ctx, room); asked > 0 || noBot {
			log.Info().Int("keys_asked", asked).Bool("no_trusted_bot", noBot).
				Msg("Asked the trusted bots again for room keys of a circle's history")
		}
		if n := r.giveUp(room); n > 0 {
			log.Warn().Int("sessions", n).Int("tries", len(keyBackoff)).
				Msg("Gave up on room keys of a circle's history: no trusted bot forwarded them; those events stay unreadable")
		}
	}
}

// giveUp forgets the sessions of room whose last ask went unanswered, and
// room when nothing is left to wait for (no session, no read again); it
// returns how many sessions it forgot.
func (r *Replica) giveUp(room id.RoomID) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	w := r.waits[room]
	if w == nil {
		return 0
	}
	now, n := r.now(), 0
	for session, s := range w.sessions {
		if s.got.IsZero() && s.tries >= len(keyBackoff) && !now.Before(s.next) {
			delete(w.sessions, session)
			n++
		}
	}
	if len(w.sessions) == 0 && w.replayAt.IsZero() {
		delete(r.waits, room)
	}
	return n
}

// replaysDue returns the circles to read and replay again: every key
// awaited arrived, or some did and the rest has not for keysSettle, or the
// last read was not in full and the backoff passed.
func (r *Replica) replaysDue() []id.RoomID {
	r.mu.Lock()
	defer r.mu.Unlock()
	var rooms []id.RoomID
	for room, w := range r.waits {
		if w.replayAt.IsZero() || r.now().Before(w.replayAt) {
			continue
		}
		rooms = append(rooms, room)
		w.replayAt = time.Time{}
	}
	return rooms
}

// isDue reports whether anything awaited is due: a replay, an ask or a
// giving up.
func (r *Replica) isDue() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return !r.wakeAt.IsZero() && !r.now().Before(r.wakeAt)
}

// arm sets the timer that wakes the intake when the next thing awaited is
// due (armLocked).
func (r *Replica) arm() {
	r.mu.Lock()
	r.armLocked()
	r.mu.Unlock()
}

// armLocked sets wakeAt to when the next thing awaited is due, and the
// timer that wakes the intake then (stopped when nothing waits). Call it
// with r.mu held.
func (r *Replica) armLocked() {
	r.wakeAt = r.nextDue()
	if r.timer != nil {
		r.timer.Stop()
		r.timer = nil
	}
	if r.wakeAt.IsZero() || r.notify == nil {
		return
	}
	r.timer = time.AfterFunc(max(r.wakeAt.Sub(r.now()), 0), r.notify)
}

// nextDue is when the next thing awaited is due (zero: nothing waits).
func (r *Replica) nextDue() time.Time {
	var next time.Time
	now := r.now()
	earlier := func(t time.Time) {
		if t.IsZero() {
			t = now // not asked yet
		}
		if next.IsZero() || t.Before(next) {
			next = t
		}
	}
	for _, w := range r.waits {
		for _, s := range w.sessions {
			if s.got.IsZero() {
				earlier(s.next)
			}
		}
		if !w.replayAt.IsZero() {
			earlier(w.replayAt)
		}
	}
	return next
}

// slim is an encrypted event of session with only what asking for its
// key needs (its ciphertext may be large).
func slim(evt *event.Event, session id.SessionID) *event.Event {
	c := &event.EncryptedEventContent{Algorithm: id.AlgorithmMegolmV1, SessionID: session}
	if p, ok := evt.Content.Parsed.(*event.EncryptedEventContent); ok {
		c.Algorithm, c.SenderKey, c.DeviceID = p.Algorithm, p.SenderKey, p.DeviceID
	} else {
		if a, _ := evt.Content.Raw["algorithm"].(string); a != "" {
			c.Algorithm = id.Algorithm(a)
		}
		k, _ := evt.Content.Raw["sender_key"].(string)
		d, _ := evt.Content.Raw["device_id"].(string)
		c.SenderKey, c.DeviceID = id.SenderKey(k), id.DeviceID(d)
	}
	raw := map[string]any{"algorithm": string(c.Algorithm), "session_id": string(session),
		"sender_key": string(c.SenderKey), "device_id": string(c.DeviceID)}
	return &event.Event{ID: evt.ID, RoomID: evt.RoomID, Sender: evt.Sender, Type: evt.Type, Timestamp: evt.Timestamp,
		Content: event.Content{Raw: raw, Parsed: c}}
}
