package web

import (
	"sync"
	"time"
)

// limiter allows each key (a token, a session) n requests per window.
type limiter struct {
	n      int
	window time.Duration

	mu   sync.Mutex
	hits map[string][]time.Time
}

func newLimiter(n int, window time.Duration) *limiter {
	return &limiter{n: n, window: window, hits: map[string][]time.Time{}}
}

// allow records a request of key at now and reports whether it is within
// the limit.
func (l *limiter) allow(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	cut := now.Add(-l.window)
	hs := l.hits[key]
	i := 0
	for i < len(hs) && !hs[i].After(cut) {
		i++
	}
	hs = hs[i:]
	if len(l.hits) > 10_000 {
		l.prune(cut)
	}
	if len(hs) >= l.n {
		l.hits[key] = hs
		return false
	}
	l.hits[key] = append(hs, now)
	return true
}

// prune forgets keys with no request in the window.
func (l *limiter) prune(cut time.Time) {
	for k, hs := range l.hits {
		if len(hs) == 0 || !hs[len(hs)-1].After(cut) {
			delete(l.hits, k)
		}
	}
}
