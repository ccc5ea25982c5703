package replica

import (
	"testing"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"
)

// TestMergerReadyOnlyWithoutWaiting checks that ready offers the next
// event only when taking it does not wait for a room's next page: the
// rebuild groups those in one transaction, and never holds one across the
// wait for a page.
func TestMergerReadyOnlyWithoutWaiting(t *testing.T) {
	ev := func(ts int64, eid string) *histEvent {
		return &histEvent{Event: &event.Event{ID: id.EventID(eid), Timestamp: ts}}
	}
	ch := make(chan page, 2)
	ch <- page{events: []*histEvent{ev(1, "$a"), ev(2, "$b"), ev(3, "$c")}}
	ch <- page{events: []*histEvent{ev(4, "$d")}}
	close(ch)
	m := &merger{done: func(*stream) {}}
	if err := m.start([]*stream{{room: "!r", pages: ch}}); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		ready string // what ready offers before next ("" for nothing)
		next  string
	}{
		{"$a", "$a"},
		{"$b", "$b"},
		{"", "$c"}, // the page's last: taking it receives the next page
		{"", "$d"}, // alone in its page
	}
	for i, s := range steps {
		got := ""
		if e := m.ready(); e != nil {
			got = string(e.ID)
		}
		if got != s.ready {
			t.Fatalf("step %d: ready offered %q, want %q", i, got, s.ready)
		}
		e, err := m.next()
		if err != nil || e == nil || string(e.ID) != s.next {
			t.Fatalf("step %d: next gave %v, %v; want %s", i, e, err, s.next)
		}
	}
	if e, err := m.next(); e != nil || err != nil {
		t.Fatalf("after the last event, next gave %v, %v", e, err)
	}
	if m.ready() != nil {
		t.Fatal("ready offered an event after the last")
	}
}
