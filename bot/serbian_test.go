package bot_test

import (
	"strings"
	"testing"
)

// TestSerbianAnswers: a member who chooses Serbian (by its Serbian word or
// the English one) is answered in Serbian: the choice itself, a status with
// its amount in Serbian format, a refusal and the help.
func TestSerbianAnswers(t *testing.T) {
	w := newAidWorld(t)
	w.say(dm(alice), alice, "!ex jezik sr")
	if got := body(w.lastIn(dm(alice))); !strings.Contains(got, "Govoriću sa vama na srpskom.") {
		t.Fatalf("jezik sr answered %q", got)
	}
	k := w.sentCount()
	w.say(w.circle, alice, "!ex status orange 1234.50")
	var all []string
	for _, m := range w.sentSince(k) {
		all = append(all, body(m))
	}
	// The answer is Alice's (Serbian); the need card is the circle's (English).
	if got := strings.Join(all, "\n---\n"); !strings.Contains(got, "Vaš status je narandžasti: potrebno vam je 1.234,50\u00a0€ mesečno.") {
		t.Errorf("status in Serbian: %q", got)
	}
	w.say(dm(alice), alice, "!ex language klingon")
	if got := body(w.lastIn(dm(alice))); !strings.Contains(got, "Ne poznajem jezik") || !strings.Contains(got, "klingon") {
		t.Errorf("refusal in Serbian: %q", got)
	}
	w.say(dm(alice), alice, "!ex pomoć")
	if got := body(w.lastIn(dm(alice))); !strings.Contains(got, "Komande koje su vam najpotrebnije") || !strings.Contains(got, "jezik na kom vam se obraćam") && !strings.Contains(got, "lista poverenja") {
		t.Errorf("help in Serbian: %q", got)
	}
	w.say(dm(bob), bob, "!ex language srpski")
	if got := body(w.lastIn(dm(bob))); !strings.Contains(got, "Govoriću sa vama na srpskom.") {
		t.Errorf("language srpski answered %q", got)
	}
	w.say(dm(bob), bob, "!ex lang en")
	if got := body(w.lastIn(dm(bob))); !strings.Contains(got, "I will speak English with you.") {
		t.Errorf("back to English: %q", got)
	}
}

// TestCircleInSerbian: the owner sets a circle's language to Serbian with
// the Serbian setting word, and the circle's need cards are then in
// Serbian, with their amounts as Serbian writes them.
func TestCircleInSerbian(t *testing.T) {
	w := newAidWorld(t)
	w.say(w.circle, "@owner:test", "!ex circle jezik sr")
	if got := body(w.lastIn(w.circle)); !strings.Contains(got, "speaks Serbian") {
		t.Fatalf("circle jezik sr answered %q", got)
	}
	k := w.sentCount()
	w.say(w.circle, carol, "!ex status orange 1500")
	var all []string
	for _, m := range w.sentSince(k) {
		all = append(all, body(m))
	}
	if got := strings.Join(all, "\n---\n"); !strings.Contains(got, "treba redovnu podršku: 1.500\u00a0€ mesečno.") {
		t.Errorf("the card in a Serbian circle: %q", got)
	}
}
