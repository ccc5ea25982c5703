package replica

import "time"

// OneByOne returns opt replaying each event alone, in transactions of its
// services' own, as the rebuild did before it grouped the events at hand:
// the baseline of the benchmarks.
func OneByOne(opt Options) Options {
	opt.oneByOne = true
	return opt
}

// SetNow makes r tell the time by now (a test's clock).
func SetNow(r *Replica, now func() time.Time) { r.now = now }

// WakeAt is when r next wakes the intake for the keys its catch-ups
// await (zero: nothing waits), and whether its timer is set.
func WakeAt(r *Replica) (time.Time, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.wakeAt, r.timer != nil
}

// KeyBackoff is how long after each ask a missing room key is asked again.
func KeyBackoff() []time.Duration { return keyBackoff }

// KeysSettle is how long after a key came, the others not, the history
// is replayed again.
const KeysSettle = keysSettle
