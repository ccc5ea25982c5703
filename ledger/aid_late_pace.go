package ledger

import (
	"context"
	"sync/atomic"
	"time"
)

// A very late op's replay runs beside the other calls and gives way to
// them: between small steps (a page of ops read, a few hundred ops folded,
// a chunk of rows compared) it waits while any call is in progress. On two
// cores a call's SQLite statements are cgo calls, after each of which the
// call needs a processor back; a replay that never stops keeps one busy
// and allocates meanwhile, making the collector mark while the calls run.
// A wait ends when a call ends leaving none in progress, even if the next
// begins at once (calls made back to back: the replay then makes one step
// per call), or after paceWait (a call held for long, or calls that
// overlap without end: one step per paceWait), so the replay finishes.

// paceOps is how many ops the replay folds between two looks at the calls
// (a few hundred microseconds to a millisecond of work).
const paceOps = 128

// paceWait is the longest a replay's step waits for the calls in progress.
const paceWait = 50 * time.Millisecond

// pacer counts the calls in progress (waiting for aidMu or holding it) and
// lets the replay wait until there are none.
type pacer struct {
	calls atomic.Int32
	quiet chan struct{} // a call ended leaving none in progress (one kept)
	bound time.Duration // the longest one wait lasts (0: paceWait)
	// waited counts the waits that found a call in progress; onWait, if
	// set, runs at the start of each (tests set it).
	waited atomic.Int64
	onWait func()
}

func newPacer() *pacer { return &pacer{quiet: make(chan struct{}, 1)} }

// begin marks a call in progress.
func (p *pacer) begin() { p.calls.Add(1) }

// end marks a call done, waking a waiting replay if it was the last.
func (p *pacer) end() {
	if p.calls.Add(-1) == 0 {
		select {
		case p.quiet <- struct{}{}:
		default:
		}
	}
}

// yield waits, if a call is in progress, until a call ends leaving none
// in progress, at most the bound (or until ctx ends). It does not wait for
// none to be in progress: calls made back to back would leave it no
// moment, and the replay makes a step beside the next call.
func (p *pacer) yield(ctx context.Context) {
	if p.calls.Load() == 0 {
		return
	}
	select {
	case <-p.quiet: // a stale signal, from before this call began
	default:
	}
	if p.calls.Load() == 0 {
		return
	}
	p.waited.Add(1)
	if p.onWait != nil {
		p.onWait()
	}
	bound := p.bound
	if bound == 0 {
		bound = paceWait
	}
	t := time.NewTimer(bound)
	defer t.Stop()
	select {
	case <-p.quiet:
	case <-t.C:
	case <-ctx.Done():
	}
}

// lock takes aidMu for a call, counting it in progress until unlock.
func (s *Aid) lock() {
	s.pace.begin()
	s.aidMu.Lock()
}

// unlock lets aidMu go at the end of a call.
func (s *Aid) unlock() {
	s.aidMu.Unlock()
	s.pace.end()
}
