package bot

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"maunium.net/go/mautrix/id"
)

// FuzzInboxEvent feeds raw events, as any homeserver (or federated server
// behind it) may send them, to the intake's recording and to ParseEvent:
// neither panics; an event is recorded under the ID it carries; the bot's
// own messages are recorded without their content, so no secret the bot
// handed a member rests in the inbox.
func FuzzInboxEvent(f *testing.F) {
	for _, s := range []string{
		`{"event_id":"$a","room_id":"!r:x","sender":"@exodus:test","type":"m.room.message","content":{"body":"ext_SECRET"}}`,
		`{"event_id":"$b","room_id":"!r:x","sender":"@exodus:test","type":"org.exodus.circle","state_key":"","content":{"answering_bot":"@exodus:test"}}`,
		`{"event_id":"$c","room_id":"!r:x","sender":"@exodus:evil","type":"m.room.message","content":{"org.exodus":{"type":"web_action","data":{"member":"@a:x","cmd":{"Verb":"commit"}}}}}`,
		`{"event_id":"$d","room_id":"!r:x","sender":"@a:x","type":"m.reaction","content":{"m.relates_to":{"rel_type":"m.annotation","event_id":"$elsewhere","key":"❤️"}}}`,
		`{"event_id":"$e","sender":"@a:x","type":"m.room.message","content":{"body":"[bank](https://evil.example) @room \u202e"}}`,
		`{"event_id":"","type":"m.room.message"}`, `{"event_id":5}`, `[]`, `null`, ``, `{"event_id":"$f","content":"x"}`,
	} {
		f.Add([]byte(s))
	}
	for _, s := range HostileTexts(f) {
		for _, sender := range []string{"@exodus:test", "@a:x"} {
			raw, _ := json.Marshal(map[string]any{"event_id": "$h", "room_id": "!r:x", "sender": sender,
				"type": "m.room.message", "content": map[string]any{"msgtype": "m.text", "body": s}})
			f.Add(raw)
		}
	}
	const self id.UserID = "@exodus:test"
	f.Fuzz(func(t *testing.T, raw []byte) {
		_, _ = ParseEvent(raw)
		ie := InboxRecord(self, raw, time.Unix(0, 0))
		if ie.ID == "" {
			return
		}
		var head eventHead
		if err := json.Unmarshal(ie.Raw, &head); err != nil || head.ID != string(ie.ID) {
			t.Fatalf("recorded %q under %q: %v", ie.Raw, ie.ID, err)
		}
		if id.UserID(head.Sender) == self && head.StateKey == nil &&
			strings.TrimSpace(string(head.Content)) != "{}" {
			t.Fatalf("the bot's own message was recorded with its content: %s", ie.Raw)
		}
	})
}
