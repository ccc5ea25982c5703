package ledger

// AidLockFree reports whether the mutual-aid lock (aidMu) is free now: a
// test of where a long replay runs, not of how long it takes.
func AidLockFree(s *Service) bool {
	if !s.Aid.aidMu.TryLock() {
		return false
	}
	s.Aid.aidMu.Unlock()
	return true
}
