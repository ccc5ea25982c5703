package bot

import (
	"context"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/ledger"
)

// KeyRequester is a Decrypter that can ask again for a missing room key
// (an m.room_key_request to the sender's devices): a key lost on its way
// is sent again by the sender's client.
type KeyRequester interface {
	RequestKey(ctx context.Context, evt *event.Event) error
}

// DefaultKeyRequestAfter is how long an event parked for its room key
// waits before the key is asked for (SetKeyRequestAfter): long enough
// for a key merely slower than its message to come.
const DefaultKeyRequestAfter = time.Minute

// KeyRequestEvery bounds the key requests of one megolm session: it is
// asked for at most once in this while, however many of its events wait.
const KeyRequestEvery = 10 * time.Minute

// keyRequests schedules the key requests of the parked events: the
// intake wakes a parked event's session when it is due (one timer, for
// the earliest), and asks for the key when the woken event still has none.
type keyRequests struct {
	after time.Duration
	mu    sync.Mutex
	// due is when each session's parked events are to be woken to ask.
	due map[id.SessionID]time.Time
	// asked is when each session's key was last asked for.
	asked map[id.SessionID]time.Time
}

func newKeyRequests() *keyRequests {
	return &keyRequests{after: DefaultKeyRequestAfter, due: map[id.SessionID]time.Time{}, asked: map[id.SessionID]time.Time{}}
}

// SetKeyRequestAfter sets how long an event parked for its room key
// waits before the key is asked for from the sender's devices
// (DefaultKeyRequestAfter unless set). Call it before Run.
func (in *Intake) SetKeyRequestAfter(d time.Duration) { in.keyReqs.after = d }

// schedule schedules the wake of a session's events parked at parkedAt
// (their first park), at which the key is asked for, unless it is due
// already or the session's key was asked for lately (its answer wakes
// every event of the session).
func (k *keyRequests) schedule(session id.SessionID, parkedAt, now time.Time) {
	at := parkedAt.Add(k.after)
	k.mu.Lock()
	defer k.mu.Unlock()
	if !at.After(now) || now.Sub(k.asked[session]) < KeyRequestEvery {
		return
	}
	if cur, ok := k.due[session]; !ok || at.Before(cur) {
		k.due[session] = at
	}
}

// takeDue returns the sessions whose wake is due at now, and forgets them.
func (k *keyRequests) takeDue(now time.Time) []id.SessionID {
	k.mu.Lock()
	defer k.mu.Unlock()
	var due []id.SessionID
	for s, at := range k.due {
		if !at.After(now) {
			due = append(due, s)
			delete(k.due, s)
		}
	}
	return due
}

// next is the earliest wake scheduled (zero: none).
func (k *keyRequests) next() time.Time {
	k.mu.Lock()
	defer k.mu.Unlock()
	var first time.Time
	for _, at := range k.due {
		if first.IsZero() || at.Before(first) {
			first = at
		}
	}
	return first
}

// ask reports whether session's key is to be asked for at now (not asked
// within KeyRequestEvery), and notes it asked if so.
func (k *keyRequests) ask(session id.SessionID, now time.Time) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	if last, ok := k.asked[session]; ok && now.Sub(last) < KeyRequestEvery {
		return false
	}
	k.asked[session] = now
	return true
}

// forget drops what is kept of the sessions asked for before KeyRequestEvery
// ago, and of a session whose key arrived.
func (k *keyRequests) forget(now time.Time, arrived id.SessionID) {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.due, arrived)
	delete(k.asked, arrived)
	for s, at := range k.asked {
		if now.Sub(at) >= KeyRequestEvery {
			delete(k.asked, s)
		}
	}
}

// wakeDue wakes the parked events whose key request is due.
func (in *Intake) wakeDue(ctx context.Context) {
	for _, session := range in.keyReqs.takeDue(in.clock.Now()) {
		if _, err := in.inbox.Unpark(ctx, string(session)); err != nil {
			zerolog.Ctx(ctx).Error().Err(err).Str("session_id", string(session)).Msg("Failed to wake the events waiting for a room key to ask for it")
		}
	}
}

// keyRequestTimer is a timer for the earliest key request due, and its
// channel (nil, never ready, when none is due).
func (in *Intake) keyRequestTimer() (*time.Timer, <-chan time.Time) {
	next := in.keyReqs.next()
	if next.IsZero() {
		return nil, nil
	}
	t := time.NewTimer(max(next.Sub(in.clock.Now()), 0))
	return t, t.C
}

// requestKey asks the sender's devices for the key of an event parked
// for it, if the decrypter can: now if the event has waited the intake's
// key request delay since it was first parked (once per session in
// KeyRequestEvery), else at a wake scheduled for then.
func (in *Intake) requestKey(ctx context.Context, ie ledger.InboxEvent, evt *event.Event) {
	r, ok := in.decrypter.(KeyRequester)
	if !ok {
		return
	}
	now, session := in.clock.Now(), evt.Content.AsEncrypted().SessionID
	parkedAt := ie.WaitingSince
	if parkedAt.IsZero() {
		parkedAt = now // parked for the first time
	}
	if now.Sub(parkedAt) < in.keyReqs.after {
		in.keyReqs.schedule(session, parkedAt, now)
		return
	}
	if !in.keyReqs.ask(session, now) {
		return
	}
	if err := r.RequestKey(ctx, evt); err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Str("event_id", string(ie.ID)).Msg("Failed to ask for a missing room key")
		return
	}
	zerolog.Ctx(ctx).Debug().Str("event_id", string(ie.ID)).Stringer("sender", evt.Sender).
		Msg("Asked the sender's devices for a missing room key")
}
