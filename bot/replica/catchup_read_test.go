package replica_test

import (
	"testing"
	"time"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/bot/replica"
)

// shortFollower is a follower of w's records circle, on a clock the test
// moves, whose homeserver shows only the newest event of the circle's
// history (it does not show the follower joined yet); it returns the
// whole history, newest first, for the test to show.
func shortFollower(t *testing.T, w *rebuildWorld) (*harness, *testNow, []*event.Event) {
	t.Helper()
	clock := &testNow{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	var full []*event.Event
	h := followerCatchesUpWith(t, w, nil, func(h *harness) {
		replica.SetNow(h.replica, clock.now)
		h.replica.SetNotify(func() {})
		full = h.cli.timeline[recordCircle]
		h.cli.timeline = map[id.RoomID][]*event.Event{recordCircle: full[:1]}
	})
	return h, clock, full
}

// The homeserver shows a circle joined only from the bot's join at first
// (Dendrite, before its sync API knows the join): the history, not read
// from the room's creation, is read again after the backoff, not before,
// and then replayed in full.
func TestCatchUpReadsAgainAShortHistory(t *testing.T) {
	w, _, _ := recordWorld(t)
	h, clock, full := shortFollower(t, w)
	sameLedgers(t, w, h, false)
	again := clock.now().Add(replica.KeyBackoff()[0])
	if at, armed := replica.WakeAt(h.replica); !at.Equal(again) || !armed {
		t.Fatalf("the history is read again at %v (timer set: %v), want %v", at, armed, again)
	}
	h.cli.mu.Lock()
	h.cli.timeline[recordCircle] = full
	h.cli.mu.Unlock()
	clock.add(replica.KeyBackoff()[0] - time.Second)
	h.drain(t)
	sameLedgers(t, w, h, false)
	clock.add(time.Second)
	h.drain(t)
	sameLedgers(t, w, h, true)
	if at, armed := replica.WakeAt(h.replica); !at.IsZero() || armed {
		t.Fatalf("still waiting once read in full: wake at %v, timer set: %v", at, armed)
	}
}

// A history the homeserver never shows from the room's creation (its
// visibility hides the beginning) is read again on the backoff, then
// given up: nothing waits, and it is not read again.
func TestCatchUpGivesUpReadingAShortHistory(t *testing.T) {
	w, _, _ := recordWorld(t)
	h, clock, _ := shortFollower(t, w)
	h.cli.mu.Lock()
	first := h.cli.pages
	h.cli.mu.Unlock()
	for _, wait := range replica.KeyBackoff() {
		clock.add(wait)
		h.drain(t)
	}
	if at, armed := replica.WakeAt(h.replica); !at.IsZero() || armed {
		t.Fatalf("still waiting after the last read: wake at %v, timer set: %v", at, armed)
	}
	h.cli.mu.Lock()
	reads := h.cli.pages - first
	h.cli.mu.Unlock()
	if reads != len(replica.KeyBackoff()) {
		t.Fatalf("read %d times again, want %d", reads, len(replica.KeyBackoff()))
	}
	clock.add(time.Hour)
	h.drain(t)
	h.cli.mu.Lock()
	defer h.cli.mu.Unlock()
	if h.cli.pages-first != reads {
		t.Fatal("read again after giving up")
	}
}
