package ledger

import "time"

// AidLockFree reports whether the mutual-aid lock (aidMu) is free now: a
// test of where a long replay runs, not of how long it takes.
func AidLockFree(s *Service) bool {
	if !s.Aid.aidMu.TryLock() {
		return false
	}
	s.Aid.aidMu.Unlock()
	return true
}

// AidLockWait takes the mutual-aid lock and lets it go at once, and
// returns how long taking it took: what a call would have waited then.
func AidLockWait(s *Service) time.Duration {
	t := time.Now()
	s.Aid.aidMu.Lock()
	d := time.Since(t)
	s.Aid.aidMu.Unlock()
	return d
}

// SetAidOpsPage sets how many ops a replay of a very late op reads per
// query, so that a test's few ops span several pages.
func SetAidOpsPage(s *Service, n int) { s.Aid.page = n }

// SetAidCompare sets how many rows a replay of a very late op compares per
// hold of the mutual-aid lock, and a function run before each hold.
func SetAidCompare(s *Service, chunk int, before func()) {
	s.Aid.chunk, s.Aid.beforeCompare = chunk, before
}
