package bot

import (
	"bytes"
	"context"
	"sync"
)

// postsInFlight counts the sender's posts that record something once sent
// (a need card, an invitation card) from the request to the homeserver
// until the record of its answer is committed. Meanwhile the post is in
// the room, and a member may react or reply to it at once: an event
// pointing at it handled before the record would find no card, and be
// dropped. The intake waits for the posts in flight (settle) before it
// handles such an event.
type postsInFlight struct {
	mu     sync.Mutex
	next   uint64
	active map[uint64]struct{}
	ended  chan struct{} // closed, and replaced, at every end
	// waiting counts the settles waiting now.
	waiting int
}

// begin marks a post in flight and returns its number for end.
func (f *postsInFlight) begin() uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.active == nil {
		f.active = map[uint64]struct{}{}
	}
	f.next++
	f.active[f.next] = struct{}{}
	return f.next
}

// end marks post n sent and recorded, or failed.
func (f *postsInFlight) end(n uint64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.active, n)
	if f.ended != nil {
		close(f.ended)
		f.ended = nil
	}
}

// settle waits until every post in flight when it was called has ended,
// or ctx ends. Posts begun later are not waited for: no member can have
// seen them before the event being handled.
func (f *postsInFlight) settle(ctx context.Context) {
	f.mu.Lock()
	upto := f.next
	for f.before(upto) {
		if f.ended == nil {
			f.ended = make(chan struct{})
		}
		ended := f.ended
		f.waiting++
		f.mu.Unlock()
		select {
		case <-ctx.Done():
		case <-ended:
		}
		f.mu.Lock()
		f.waiting--
		if ctx.Err() != nil {
			break
		}
	}
	f.mu.Unlock()
}

// before reports whether a post numbered up to upto is in flight (f.mu
// held).
func (f *postsInFlight) before(upto uint64) bool {
	for n := range f.active {
		if n <= upto {
			return true
		}
	}
	return false
}

// pointsAtAnEvent reports whether a raw event may point at another one (a
// reaction, a reply, an edit, a poll answer, a redaction) or hide that it
// does (an encrypted event): the events that must wait for the posts in
// flight.
func pointsAtAnEvent(raw []byte) bool {
	return bytes.Contains(raw, []byte(`"m.relates_to"`)) || bytes.Contains(raw, []byte(`"redacts"`)) ||
		bytes.Contains(raw, []byte(`"m.room.encrypted"`))
}
