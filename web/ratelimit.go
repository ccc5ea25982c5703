package web

import (
	"sync"
	"time"
)

// maxKeys bounds the keys a limiter tracks: past it, keys with no hit in
// the window are forgotten, and if that is not enough, the key hit least
// recently.
const maxKeys = 10_000

// limiter allows each key (a token, a session, a client address) n hits
// per sliding window. It is used two ways: allow counts every request and
// refuses those over the limit; blocked and hit count only the hits the
// caller chooses (failed authentications) and refuse once there are n.
// Its memory is bounded: at most max keys, each with at most n times.
type limiter struct {
	n      int
	window time.Duration
	max    int

	mu   sync.Mutex
	hits map[string][]time.Time
}

func newLimiter(n int, window time.Duration) *limiter {
	return &limiter{n: n, window: window, max: maxKeys, hits: map[string][]time.Time{}}
}

// allow records a request of key at now and reports whether it is within
// the limit.
func (l *limiter) allow(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	hs := l.recent(key, now)
	if len(hs) >= l.n {
		l.hits[key] = hs
		return false
	}
	l.put(key, append(hs, now), now)
	return true
}

// blocked reports whether key already has n hits in the window at now,
// and if so how long until the oldest of them leaves it. It records
// nothing.
func (l *limiter) blocked(key string, now time.Time) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	hs := l.recent(key, now)
	if len(hs) < l.n {
		return 0, false
	}
	return hs[len(hs)-l.n].Add(l.window).Sub(now), true
}

// hit records a hit of key at now, keeping its last n; it reports whether
// the key has reached the limit with it.
func (l *limiter) hit(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	hs := append(l.recent(key, now), now)
	if len(hs) > l.n {
		hs = hs[len(hs)-l.n:]
	}
	l.put(key, hs, now)
	return len(hs) >= l.n
}

// recent returns the hits of key within the window at now (l.mu held).
func (l *limiter) recent(key string, now time.Time) []time.Time {
	cut := now.Add(-l.window)
	hs := l.hits[key]
	i := 0
	for i < len(hs) && !hs[i].After(cut) {
		i++
	}
	if i == len(hs) && hs != nil {
		delete(l.hits, key)
		return nil
	}
	return hs[i:]
}

// put stores the hits of key, making room first if key is new and the
// limiter is full (l.mu held).
func (l *limiter) put(key string, hs []time.Time, now time.Time) {
	if _, known := l.hits[key]; !known && len(l.hits) >= l.max {
		l.prune(now.Add(-l.window))
		if len(l.hits) >= l.max {
			l.evictOldest()
		}
	}
	l.hits[key] = hs
}

// prune forgets keys with no hit in the window.
func (l *limiter) prune(cut time.Time) {
	for k, hs := range l.hits {
		if len(hs) == 0 || !hs[len(hs)-1].After(cut) {
			delete(l.hits, k)
		}
	}
}

// evictOldest forgets the key whose last hit is the oldest.
func (l *limiter) evictOldest() {
	var oldest string
	var at time.Time
	first := true
	for k, hs := range l.hits {
		last := time.Time{}
		if len(hs) > 0 {
			last = hs[len(hs)-1]
		}
		if first || last.Before(at) {
			oldest, at, first = k, last, false
		}
	}
	if !first {
		delete(l.hits, oldest)
	}
}
