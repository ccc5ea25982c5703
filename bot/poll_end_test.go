package bot

import (
	"reflect"
	"testing"

	"maunium.net/go/mautrix/event"
)

// A poll's end has the form of its start: the unstable end (with its empty
// end block and the MSC1767 text) for an unstable start, the stable end
// (with m.text) for a stable one; both reference the start.
func TestPollEndTakesTheFormOfItsStart(t *testing.T) {
	ref := map[string]any{"rel_type": "m.reference", "event_id": "$poll"}
	typ, c := pollEnd(event.EventUnstablePollStart, "$poll", "The poll has ended.", "$need")
	if typ != event.EventUnstablePollEnd || !reflect.DeepEqual(c["m.relates_to"], ref) ||
		!reflect.DeepEqual(c["org.matrix.msc3381.poll.end"], map[string]any{}) || c["org.matrix.msc1767.text"] != "The poll has ended." ||
		c["m.text"] != nil {
		t.Errorf("end of an unstable poll: %s %v", typ.Type, c)
	}
	typ, c = pollEnd(EventPollStart, "$poll", "The poll has ended.", "$need")
	if typ.Type != "m.poll.end" || !reflect.DeepEqual(c["m.relates_to"], ref) ||
		!reflect.DeepEqual(c["m.text"], []any{map[string]any{"body": "The poll has ended."}}) ||
		c["org.matrix.msc3381.poll.end"] != nil || c["org.matrix.msc1767.text"] != nil {
		t.Errorf("end of a stable poll: %s %v", typ.Type, c)
	}
}
