package bot

import (
	"context"
	"testing"
	"time"
)

// waiters is how many settles wait now.
func (f *postsInFlight) waiters() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.waiting
}

// untilWaiting polls until n settles wait (the test's deadline bounds it).
func untilWaiting(t *testing.T, f *postsInFlight, n int) {
	t.Helper()
	for f.waiters() != n {
		time.Sleep(time.Millisecond)
	}
}

// A settle waits for the posts in flight when it began, not for those
// begun after: a reaction waits for the card it may point at, and a busy
// sender cannot hold it up for ever.
func TestSettleWaitsForThePostsInFlight(t *testing.T) {
	var f postsInFlight
	f.settle(context.Background()) // nothing in flight: at once
	first := f.begin()
	done := make(chan struct{})
	go func() { f.settle(context.Background()); close(done) }()
	untilWaiting(t, &f, 1)
	later := f.begin() // begun after the settle
	f.end(first)
	<-done // returns though `later` is in flight
	f.end(later)
}

// A settle gives up when its context ends (the bot stopping).
func TestSettleEndsWithItsContext(t *testing.T) {
	var f postsInFlight
	f.begin()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { f.settle(ctx); close(done) }()
	untilWaiting(t, &f, 1)
	cancel()
	<-done
	if f.waiters() != 0 {
		t.Fatal("a settle that gave up is still counted")
	}
}

// The intake waits for the cards in flight before an event that may
// point at one, and not before one that cannot.
func TestPointsAtAnEvent(t *testing.T) {
	for raw, want := range map[string]bool{
		`{"type":"m.reaction","content":{"m.relates_to":{"rel_type":"m.annotation"}}}`:                  true,
		`{"type":"m.room.message","content":{"body":"!ex commit","m.relates_to":{"m.in_reply_to":{}}}}`: true,
		`{"type":"m.room.redaction","redacts":"$x"}`:                                                    true,
		`{"type":"m.room.encrypted","content":{}}`:                                                      true,
		`{"type":"m.room.message","content":{"body":"!ex accept"}}`:                                     false,
	} {
		if got := pointsAtAnEvent([]byte(raw)); got != want {
			t.Errorf("pointsAtAnEvent(%s) = %v, want %v", raw, got, want)
		}
	}
}
