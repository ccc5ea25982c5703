package bot

import (
	"testing"

	"maunium.net/go/mautrix/event"

	"github.com/exodus-matrix/exodus/ledger"
)

// TestAParsedEventIsTakenOnceAndOnlyForItsBytes: an event kept parsed at
// the PUT is handed out once, and only for the very bytes it was parsed
// from (a row holding other bytes under the same ID is parsed from the
// row); what is kept is bounded, and dropped events are forgotten.
func TestAParsedEventIsTakenOnceAndOnlyForItsBytes(t *testing.T) {
	var p parsedEvents
	evt := &event.Event{ID: "$a"}
	if !p.offer("$a", []byte(`{"a":1}`), evt) {
		t.Fatal("offer refused")
	}
	if p.offer("$a", []byte(`{"a":2}`), &event.Event{}) {
		t.Fatal("a second offer under the same ID was kept")
	}
	if got := p.take("$a", []byte(`{"a":1}`)); got != evt {
		t.Fatalf("take = %v, want the event offered", got)
	}
	if got := p.take("$a", []byte(`{"a":1}`)); got != nil {
		t.Fatal("an event was taken twice")
	}
	p.offer("$b", []byte(`{"b":1}`), &event.Event{})
	if got := p.take("$b", []byte(`{"b":2}`)); got != nil {
		t.Fatal("an event parsed from other bytes was handed out")
	}
	if p.len() != 0 {
		t.Fatalf("kept %d after the mismatch, want it forgotten", p.len())
	}
	for i := range maxParsed + 1 {
		p.offer(ledger.EventID(rune(i)+'0'), nil, &event.Event{})
	}
	if p.len() != maxParsed {
		t.Fatalf("kept %d, want the bound %d", p.len(), maxParsed)
	}
	p.drop([]ledger.EventID{"0", "1"})
	if p.len() != maxParsed-2 {
		t.Fatalf("kept %d after dropping two", p.len())
	}
}
