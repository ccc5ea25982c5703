package bot

import (
	"encoding/json"
	"reflect"
	"testing"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"
)

// TestMarshalContentIsMautrixs: the outbox's content is, field for field,
// what mautrix's Content.MarshalJSON gives, for the bot's messages and
// for content whose Raw and Parsed share a key.
func TestMarshalContentIsMautrixs(t *testing.T) {
	if f, ok := jsonFields(reflect.TypeOf(&event.MessageEventContent{})); !ok || !f["body"] || !f["m.relates_to"] {
		t.Fatalf("the keys of a message's content are not known: %v", f)
	}
	rendered := func(c *event.Content) *event.Content { return c.Parsed.(*draft).content() }
	reply := message("**Pool**: €100 <b>&</b> \"x\"", "pool", map[string]any{"count": 3, "ids": []string{"@a:test"}})
	replyTo(reply, &event.Event{ID: "$cause"})
	clash := rendered(message("hello", "x", nil))
	clash.Raw["body"] = "from raw"
	clash.Raw["m.relates_to"] = map[string]any{"rel_type": "m.thread", "event_id": "$t"}
	for name, v := range map[string]any{
		"notice":     rendered(notice("en", "help.pool")),
		"reply":      rendered(reply),
		"mentioning": rendered(build("hi", "ask", nil, event.MsgText, id.UserID("@bob:test"), true)),
		"parsed":     &event.Content{Parsed: &event.MessageEventContent{MsgType: event.MsgText, Body: "b"}},
		"raw":        &event.Content{Raw: map[string]any{"a": 1}},
		"clash":      clash,
		"map":        map[string]any{"body": "b"},
	} {
		got, err := marshalContent(v)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var g, w any
		if err := json.Unmarshal(got, &g); err != nil {
			t.Fatalf("%s: %s is not JSON: %v", name, got, err)
		}
		_ = json.Unmarshal(want, &w)
		if !reflect.DeepEqual(g, w) {
			t.Fatalf("%s:\n got %s\nwant %s", name, got, want)
		}
	}
}
