package bot_test

import (
	"slices"
	"testing"
	"time"

	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/bot"
)

// askedFor is what d asked for, sorted.
func askedFor(d *fakeDecrypter) []id.SessionID {
	d.mu.Lock()
	defer d.mu.Unlock()
	asked := slices.Clone(d.asked)
	slices.Sort(asked)
	return asked
}

// TestMissingKeyIsAskedForAfterAMinute: an event parked for its key has it
// asked for when the intake's key request delay has passed since it was
// parked, with no other wake (no start, no hourly wake, no key); the events
// of one session ask once; a session is not asked again within
// KeyRequestEvery, only at a later wake past it.
func TestMissingKeyIsAskedForAfterAMinute(t *testing.T) {
	h, d := decryptingHarness(t, id.TrustStateCrossSignedTOFU)
	h.put(t, hsToken, "t1", encrypted("$e1", string(h.circle), "@alice:test", "s1", "!ex invite @bob:test"),
		encrypted("$e2", string(h.circle), "@alice:test", "s1", "!ex invite @carol:test"),
		encrypted("$e3", string(h.circle), "@alice:test", "s2", "!ex invite @dave:test"))
	h.drain(t)
	h.clock.Advance(bot.DefaultKeyRequestAfter - time.Second)
	h.drain(t)
	if asked := askedFor(d); len(asked) != 0 {
		t.Fatalf("asked for %v before the delay", asked)
	}
	h.clock.Advance(time.Second)
	h.drain(t)
	if asked := askedFor(d); !slices.Equal(asked, []id.SessionID{"s1", "s2"}) {
		t.Fatalf("asked for %v at the delay, want s1 and s2 once each", asked)
	}
	h.clock.Advance(bot.KeyRequestEvery)
	h.drain(t)
	if asked := askedFor(d); len(asked) != 2 {
		t.Fatalf("asked for %v with no wake: want no more requests", asked)
	}
	h.clock.Advance(time.Hour)
	h.intake.KeyArrived(h.ctx, "") // the hourly wake
	h.drain(t)
	if asked := askedFor(d); !slices.Equal(asked, []id.SessionID{"s1", "s1", "s2", "s2"}) {
		t.Fatalf("asked for %v at the hourly wake, want s1 and s2 once more", asked)
	}
	d.give("s1")
	h.intake.KeyArrived(h.ctx, "s1")
	h.drain(t)
	if invitations(t, h, "@bob:test") != 1 || invitations(t, h, "@carol:test") != 1 {
		t.Fatal("want both commands of s1 handled once its key came")
	}
}

// TestKeyRequestDelayIsTheIntakes: the delay before a key is asked for is
// the one the intake was given.
func TestKeyRequestDelayIsTheIntakes(t *testing.T) {
	h, d := decryptingHarness(t, id.TrustStateCrossSignedTOFU)
	h.intake.SetKeyRequestAfter(5 * time.Second)
	h.put(t, hsToken, "t1", encrypted("$e1", string(h.circle), "@alice:test", "s1", "!ex invite @bob:test"))
	h.drain(t)
	h.clock.Advance(4 * time.Second)
	h.drain(t)
	if asked := askedFor(d); len(asked) != 0 {
		t.Fatalf("asked for %v before 5s", asked)
	}
	h.clock.Advance(time.Second)
	h.drain(t)
	if asked := askedFor(d); !slices.Equal(asked, []id.SessionID{"s1"}) {
		t.Fatalf("asked for %v at 5s, want s1", asked)
	}
}

// TestKeyAskedLatelyIsNotAskedAgain: a later event of a session whose key
// was just asked for waits for that answer; it asks nothing more.
func TestKeyAskedLatelyIsNotAskedAgain(t *testing.T) {
	h, d := decryptingHarness(t, id.TrustStateCrossSignedTOFU)
	h.put(t, hsToken, "t1", encrypted("$e1", string(h.circle), "@alice:test", "s1", "!ex invite @bob:test"))
	h.drain(t)
	h.clock.Advance(bot.DefaultKeyRequestAfter)
	h.drain(t)
	h.clock.Advance(time.Minute)
	h.put(t, hsToken, "t2", encrypted("$e2", string(h.circle), "@alice:test", "s1", "!ex invite @carol:test"))
	h.drain(t)
	h.clock.Advance(2 * bot.DefaultKeyRequestAfter)
	h.drain(t)
	if asked := askedFor(d); !slices.Equal(asked, []id.SessionID{"s1"}) {
		t.Fatalf("asked for %v, want s1 once", asked)
	}
}

// TestKeyArrivedInTimeIsNotAskedFor: a key that comes before the delay is
// never asked for.
func TestKeyArrivedInTimeIsNotAskedFor(t *testing.T) {
	h, d := decryptingHarness(t, id.TrustStateCrossSignedTOFU)
	h.put(t, hsToken, "t1", encrypted("$e1", string(h.circle), "@alice:test", "s1", "!ex invite @bob:test"))
	h.drain(t)
	h.clock.Advance(10 * time.Second)
	d.give("s1")
	h.intake.KeyArrived(h.ctx, "s1")
	h.drain(t)
	h.clock.Advance(bot.DefaultKeyRequestAfter)
	h.drain(t)
	if asked := askedFor(d); len(asked) != 0 {
		t.Fatalf("asked for %v after the key came", asked)
	}
	if n := invitations(t, h, "@bob:test"); n != 1 {
		t.Fatalf("pending invitations = %d, want 1", n)
	}
}
