package bot

import (
	"sync"
	"time"

	"maunium.net/go/mautrix/id"
)

// limiter allows each key n actions per window (a fixed window, in memory:
// it guards the bot, while lasting limits such as sos live in the ledger).
// A key is a member in one room (limitKey), or on the web.
type limiter struct {
	n      int
	window time.Duration

	mu    sync.Mutex
	users map[string]*window
}

type window struct {
	start  time.Time
	count  int
	warned bool
}

func newLimiter(n int, w time.Duration) *limiter {
	return &limiter{n: n, window: w, users: map[string]*window{}}
}

// limitKey is the key of a member's events in a room. Every bot in a
// circle sees the same events of a member there, with the same times, so
// with the event's time it decides the same (the ledger must not depend on
// which bot dropped what): not the member's events in other rooms, nor
// when a bot happened to handle them.
func limitKey(u id.UserID, room id.RoomID) string { return string(u) + " " + string(room) }

// allow counts one action of u at now. It returns ok=false past the limit,
// and warn=true the first time in a window that happens.
func (l *limiter) allow(u string, now time.Time) (ok, warn bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.users[u]
	if w == nil || now.Sub(w.start) >= l.window {
		if len(l.users) > 100_000 {
			l.users = map[string]*window{}
		}
		w = &window{start: now}
		l.users[u] = w
	}
	w.count++
	if w.count <= l.n {
		return true, false
	}
	warn = !w.warned
	w.warned = true
	return false, warn
}
