package replica_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/bot/replica"
	"github.com/exodus-matrix/exodus/ledger"
)

// askingDecrypter is a fakeDecrypter that asks the trusted bots for the
// keys it lacks: the keys of held arrive when the test says so (arrive).
// While noBot, no trusted bot is in the circle to ask.
type askingDecrypter struct {
	*fakeDecrypter
	held  map[id.EventID]*event.Event
	noBot bool
	// asked are the sessions asked for, tries those tried with no bot to
	// ask.
	asked, tries []id.SessionID
}

func (a *askingDecrypter) RequestHistoryKey(_ context.Context, evt *event.Event) (bool, error) {
	s, _ := evt.Content.Raw["session_id"].(string)
	if a.noBot {
		a.tries = append(a.tries, id.SessionID(s))
		return false, nil
	}
	a.asked = append(a.asked, id.SessionID(s))
	return true, nil
}

// arrive makes the held keys readable.
func (a *askingDecrypter) arrive() {
	for e, p := range a.held {
		a.plain[e] = p
	}
}

// testNow is a clock a test moves by hand.
type testNow struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testNow) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testNow) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// keysWorld is the records world with ann's status and ben's commit
// encrypted in one session, "s", whose key the follower lacks (held).
func keysWorld(t *testing.T) (*rebuildWorld, *askingDecrypter) {
	t.Helper()
	w, _, _ := recordWorld(t)
	var secret []id.EventID // ann's status and ben's commit
	for _, e := range w.history[recordCircle] {
		if body := e.Content.Raw["body"]; body == "!ex status orange 300" || body == "!ex commit 20" {
			secret = append(secret, e.ID)
		}
	}
	d := &askingDecrypter{fakeDecrypter: &fakeDecrypter{plain: map[id.EventID]*event.Event{}, trust: map[id.EventID]id.TrustState{}},
		held: map[id.EventID]*event.Event{}}
	if len(secret) != 2 {
		t.Fatalf("ann's status and ben's commit: %v", secret)
	}
	for _, e := range secret {
		encrypt(w, d.fakeDecrypter, recordCircle, e, id.TrustStateCrossSignedTOFU)
		d.held[e] = d.plain[e]
		delete(d.plain, e)
	}
	return w, d
}

// followerOnClock is followerCatchesUp on a clock the test moves, with a
// wake the test counts instead of an intake's.
func followerOnClock(t *testing.T, w *rebuildWorld, d *askingDecrypter) (*harness, *testNow) {
	t.Helper()
	clock := &testNow{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	h := followerCatchesUpWith(t, w, d, func(h *harness) {
		replica.SetNow(h.replica, clock.now)
		h.replica.SetNotify(func() {})
	})
	return h, clock
}

// sameLedgers fails unless the follower holds the live bot's ledger of the
// circle (want: true) or another (false).
func sameLedgers(t *testing.T, w *rebuildWorld, h *harness, want bool) {
	t.Helper()
	live, err := w.svc.Aid.CircleLedger(w.ctx, ledger.CircleID(recordCircle))
	if err != nil {
		t.Fatal(err)
	}
	caught, err := h.svc.Aid.CircleLedger(h.ctx, ledger.CircleID(recordCircle))
	same := err == nil && caught.Digest() == live.Digest()
	switch {
	case want && !same:
		t.Fatalf("the ledgers differ (%v):\nlive:\n%s\ncaught up:\n%v", err, live.Canonical(), caught)
	case !want && same:
		t.Fatal("the ledgers are the same without the need's keys")
	}
}

// A bot that joins an encrypted circle later finds its history's keys
// missing: its catch-up asks the trusted bots for them, each session once,
// and when they arrive replays the history again: both bots then hold the
// same ledger of the circle.
func TestCatchUpAsksTrustedBotsForKeys(t *testing.T) {
	w, d := keysWorld(t)
	h, _ := followerOnClock(t, w, d)
	if len(d.asked) != 1 || d.asked[0] != "s" {
		t.Fatalf("the catch-up asked for %v, want the one session s", d.asked)
	}
	sameLedgers(t, w, h, false)
	h.drain(t) // nothing arrived, no time passed: nothing is asked again
	if len(d.asked) != 1 {
		t.Fatalf("asked again before any key came or the backoff passed: %v", d.asked)
	}

	// The keys arrive (forwarded by the trusted bot): the history is
	// replayed again, and the ledgers are the same.
	d.arrive()
	h.replica.KeyArrived(h.ctx, "s")
	h.drain(t)
	sameLedgers(t, w, h, true)
	if len(d.asked) != 1 {
		t.Errorf("asked %v, want the one session once", d.asked)
	}
}

// A key the trusted bot did not forward (it had not received it yet, or
// did not see the follower's device yet) is asked again after the
// backoff, not before, and the intake is woken then.
func TestCatchUpAsksAgainAfterBackoff(t *testing.T) {
	w, d := keysWorld(t)
	h, clock := followerOnClock(t, w, d)
	first := clock.now()
	backoff := replica.KeyBackoff()
	if at, armed := replica.WakeAt(h.replica); !at.Equal(first.Add(backoff[0])) || !armed {
		t.Fatalf("the intake is woken at %v (timer set: %v), want %v", at, armed, first.Add(backoff[0]))
	}
	clock.add(backoff[0] - time.Second)
	h.drain(t)
	if len(d.asked) != 1 {
		t.Fatalf("asked again before the backoff: %v", d.asked)
	}
	clock.add(time.Second)
	h.drain(t)
	if len(d.asked) != 2 {
		t.Fatalf("not asked again after the backoff: %v", d.asked)
	}
	if at, _ := replica.WakeAt(h.replica); !at.Equal(clock.now().Add(backoff[1])) {
		t.Fatalf("the next ask is at %v, want %v", at, clock.now().Add(backoff[1]))
	}
	clock.add(backoff[1])
	h.drain(t)
	if len(d.asked) != 3 {
		t.Fatalf("not asked a third time after the second backoff: %v", d.asked)
	}

	// Asked again, the trusted bot forwards the key: the history reads.
	d.arrive()
	h.replica.KeyArrived(h.ctx, "s")
	h.drain(t)
	sameLedgers(t, w, h, true)
}

// A key never forwarded is asked len(keyBackoff) times, then given up:
// nothing waits any more, no timer wakes the intake, and it is not asked
// again.
func TestCatchUpGivesUpAfterLastTry(t *testing.T) {
	w, d := keysWorld(t)
	h, clock := followerOnClock(t, w, d)
	backoff := replica.KeyBackoff()
	for _, wait := range backoff {
		clock.add(wait)
		h.drain(t)
	}
	if len(d.asked) != len(backoff) {
		t.Fatalf("asked %d times (%v), want %d", len(d.asked), d.asked, len(backoff))
	}
	if at, armed := replica.WakeAt(h.replica); !at.IsZero() || armed {
		t.Fatalf("still waiting after the last try: wake at %v, timer set: %v", at, armed)
	}
	clock.add(time.Hour)
	h.drain(t)
	if len(d.asked) != len(backoff) {
		t.Fatalf("asked again after giving up: %v", d.asked)
	}
	sameLedgers(t, w, h, false)
}

// No trusted bot is in the circle when the follower catches up (it does
// not see bot one joined yet): the key is tried again after the backoff,
// when the trusted bot is there, and the history then reads.
func TestCatchUpAsksWhenTrustedBotAppears(t *testing.T) {
	w, d := keysWorld(t)
	d.noBot = true
	h, clock := followerOnClock(t, w, d)
	if len(d.asked) != 0 || len(d.tries) != 1 {
		t.Fatalf("with no trusted bot: asked %v, tried %v; want one try", d.asked, d.tries)
	}
	if at, armed := replica.WakeAt(h.replica); at.IsZero() || !armed {
		t.Fatal("nothing waits with no trusted bot to ask")
	}
	d.noBot = false
	clock.add(replica.KeyBackoff()[0])
	h.drain(t)
	if len(d.asked) != 1 || d.asked[0] != "s" {
		t.Fatalf("once the trusted bot is there, asked %v; want s", d.asked)
	}
	d.arrive()
	h.replica.KeyArrived(h.ctx, "s")
	h.drain(t)
	sameLedgers(t, w, h, true)
}

// Once the keys came and the history was replayed, nothing is asked
// again and nothing waits.
func TestCatchUpStopsAskingWhenKeysCame(t *testing.T) {
	w, d := keysWorld(t)
	h, clock := followerOnClock(t, w, d)
	d.arrive()
	h.replica.KeyArrived(h.ctx, "s")
	h.drain(t)
	sameLedgers(t, w, h, true)
	if at, armed := replica.WakeAt(h.replica); !at.IsZero() || armed {
		t.Fatalf("still waiting once the keys came: wake at %v, timer set: %v", at, armed)
	}
	for _, wait := range replica.KeyBackoff() {
		clock.add(wait)
		h.drain(t)
	}
	if len(d.asked) != 1 {
		t.Fatalf("asked again after the keys came: %v", d.asked)
	}
}

// The keys came, but the history cannot be read when it is to be
// replayed: it is read again after the backoff (not before), and reads
// once the homeserver answers.
func TestCatchUpReplaysAgainAfterAFailedRead(t *testing.T) {
	w, d := keysWorld(t)
	h, clock := followerOnClock(t, w, d)
	d.arrive()
	h.cli.mu.Lock()
	h.cli.down = true
	h.cli.mu.Unlock()
	h.replica.KeyArrived(h.ctx, "s")
	h.drain(t) // the replay fails
	h.cli.mu.Lock()
	h.cli.down = false
	h.cli.mu.Unlock()
	h.drain(t)
	sameLedgers(t, w, h, false)
	again := clock.now().Add(replica.KeyBackoff()[0])
	if at, armed := replica.WakeAt(h.replica); !at.Equal(again) || !armed {
		t.Fatalf("the replay is tried again at %v (timer set: %v), want %v", at, armed, again)
	}
	clock.add(replica.KeyBackoff()[0])
	h.drain(t)
	sameLedgers(t, w, h, true)
}
