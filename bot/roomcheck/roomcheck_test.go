package roomcheck

import "testing"

// TestRooms: a room is checked once learnt under the current ticket, not
// when the bot's membership changed anywhere while the answer was asked
// for, and no more once the bot's membership there changes.
func TestRooms(t *testing.T) {
	var r Rooms
	if ok, _ := r.Lookup("!a"); ok {
		t.Fatal("a room never checked is checked")
	}
	_, t1 := r.Lookup("!a")
	r.Learn("!a", t1)
	if ok, _ := r.Lookup("!a"); !ok {
		t.Fatal("a room learnt is not checked")
	}
	_, t2 := r.Lookup("!b")
	r.Forget("!c") // the bot joined another room while !b was asked about
	r.Learn("!b", t2)
	if ok, _ := r.Lookup("!b"); ok {
		t.Error("an answer asked for before a membership change was kept")
	}
	r.Forget("!a")
	if ok, _ := r.Lookup("!a"); ok {
		t.Error("a room is still checked after the bot's membership there changed")
	}
}
