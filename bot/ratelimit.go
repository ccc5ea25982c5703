package bot

import (
	"sync"
	"time"

	"maunium.net/go/mautrix/id"
)

// limiter allows each user n actions per window (a fixed window, in memory:
// it guards the bot, while lasting limits such as sos live in the ledger).
type limiter struct {
	n      int
	window time.Duration

	mu    sync.Mutex
	users map[id.UserID]*window
}

type window struct {
	start  time.Time
	count  int
	warned bool
}

func newLimiter(n int, w time.Duration) *limiter {
	return &limiter{n: n, window: w, users: map[id.UserID]*window{}}
}

// allow counts one action of u at now. It returns ok=false past the limit,
// and warn=true the first time in a window that happens.
func (l *limiter) allow(u id.UserID, now time.Time) (ok, warn bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.users[u]
	if w == nil || now.Sub(w.start) >= l.window {
		if len(l.users) > 100_000 {
			l.users = map[id.UserID]*window{}
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
