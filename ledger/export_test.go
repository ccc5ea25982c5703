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

// SetAidPace sets the longest a late op's replay waits, per step, for the
// calls in progress, and a function run at the start of each such wait.
func SetAidPace(s *Service, bound time.Duration, onWait func()) {
	s.Aid.pace.bound, s.Aid.pace.onWait = bound, onWait
}

// AidPaceWaits returns how many times a late op's replay waited for calls
// in progress.
func AidPaceWaits(s *Service) int64 { return s.Aid.pace.waited.Load() }

// HoldAidCall counts a call in progress, as a call through the mutual-aid
// lock does from the moment it asks for it, until done is called.
func HoldAidCall(s *Service) (done func()) {
	s.Aid.pace.begin()
	return s.Aid.pace.end
}

// AidCallsInProgress returns how many calls a late op's replay counts in
// progress now.
func AidCallsInProgress(s *Service) int32 { return s.Aid.pace.calls.Load() }
