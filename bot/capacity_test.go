package bot_test

import (
	"strings"
	"testing"
)

// TestCapacityThroughGuarantees: alice–bob–carol–dave vouch in a chain
// (the circle's pledge, €100 each); bob committed €60 to alice's need, so
// of the €100 bob's guarantee with alice carries, €40 is bob's own and
// €60 comes from further down the chain, passed on by bob. Asked in the
// room, `capacity` answers €100 with both paths; asked in Russian, the
// same in Russian.
func TestCapacityThroughGuarantees(t *testing.T) {
	w := newAidWorld(t)
	for _, pair := range [][2]string{{alice, bob}, {bob, carol}, {carol, dave}} {
		w.say(w.circle, pair[0], "!ex invite "+pair[1])
		w.say(w.circle, pair[1], "!ex accept")
	}
	_, cards := w.openNeed()
	w.reply(w.circle, bob, cards[w.circle], "commit 60")

	w.say(w.circle, alice, "!ex capacity")
	got := w.answer(w.circle)
	for _, want := range []string{"What can reach you through guarantees:** €100.", "* €60: @", "→ @bob:test → you", "* €40: @bob:test → you"} {
		if !strings.Contains(got, want) {
			t.Errorf("capacity lacks %q:\n%s", want, got)
		}
	}
	if typ, data := ns(w.lastIn(w.circle)); typ != "capacity" || data["capacity"] == nil {
		t.Errorf("machine-readable part: %q %v", typ, data)
	}

	w.say(w.circle, dave, "!ex поток")
	got = w.answer(w.circle)
	if !strings.Contains(got, "по поручительствам:** 100\u00a0€.") || !strings.Contains(got, "@carol:test → вы") {
		t.Errorf("dave's capacity in Russian:\n%s", got)
	}
}
