package bot

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/format"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/ledger"
)

// renderedAtBuild is how the bot built a message before drafts: rendered
// at once (the former build, kept here to compare with).
func renderedAtBuild(md, kind string, data any, t event.MessageType, to id.UserID, mention bool, reply id.EventID) *event.Content {
	msg := format.RenderMarkdown(md, true, false)
	msg.MsgType = t
	msg.Mentions = &event.Mentions{}
	if mention {
		msg.Mentions.UserIDs = []id.UserID{to}
	}
	msg.Body = quietBody(msg.Body, to)
	ns := map[string]any{"type": kind}
	if data != nil {
		ns["data"] = data
	}
	if reply != "" {
		msg.RelatesTo = (&event.RelatesTo{}).SetReplyTo(reply)
	}
	return &event.Content{Parsed: &msg, Raw: map[string]any{Namespace: ns}}
}

// TestDraftSentIsWhatWasRenderedAtBuild: a message kept in the outbox as a
// draft and rendered by the sender is, byte for byte, the content the bot
// wrote to the outbox when it rendered messages as it built them: notices,
// replies, asking messages (mentioning or not), data of every shape (none,
// null, maps of ledger types, slices), member text with Markdown, HTML,
// code spans and "@room", in English and Russian.
func TestDraftSentIsWhatWasRenderedAtBuild(t *testing.T) {
	var nilMap map[string]any
	alice, bob := id.UserID("@alice:test"), id.UserID("@bob:test")
	member := "**bold** <b>&</b> `tick` [link](https://x) @room \"q\" \u2028 ✓"
	cases := []struct {
		name, md, kind string
		data           any
		t              event.MessageType
		to             id.UserID
		mention        bool
		reply          id.EventID
	}{
		{"notice", text(ledger.LangEN, "help.pool"), "help.pool", nil, event.MsgNotice, "", false, ""},
		{"pool reply", text(ledger.LangRU, "pool.result", ledger.Amount{Minor: 123450, Currency: "EUR"}, 3), "pool",
			map[string]any{"count": 3, "amount": amountData(ledger.Amount{Minor: 123450, Currency: "EUR"}), "member": ledger.UserID(alice)},
			event.MsgNotice, "", false, "$cause"},
		{"null data", "x", "k", nilMap, event.MsgNotice, "", false, ""},
		{"asking", pill(bob) + ": " + text(ledger.LangEN, "notify.sent", ledger.UserID(alice), ledger.Amount{Minor: 500, Currency: "RUB"}, "!ex"),
			"sent", map[string]any{"ids": []string{"a", "b"}, "at": time.UnixMilli(1700000000000).UTC()},
			event.MsgText, bob, true, ""},
		{"sos", text(ledger.LangEN, "sos.message", ledger.UserID(alice), member), "sos", []int{1, 2}, event.MsgText, "", false, ""},
		{"member text", text(ledger.LangEN, "sos.message", ledger.UserID(bob), member) + "\n\n`" + member + "`", "error",
			map[string]any{"key": member, "verb": ledger.Verb("pool")}, event.MsgNotice, "", false, "$e"},
	}
	for _, c := range cases {
		want, err := marshalContent(renderedAtBuild(c.md, c.kind, c.data, c.t, c.to, c.mention, c.reply))
		if err != nil {
			t.Fatal(err)
		}
		content := build(c.md, c.kind, c.data, c.t, c.to, c.mention)
		if c.reply != "" {
			replyTo(content, &event.Event{ID: c.reply})
		}
		kept, err := outboxContent(content)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(kept, []byte(draftPrefix)) || bytes.Contains(kept, []byte("formatted_body")) {
			t.Errorf("%s: the outbox keeps %s, want a draft not rendered", c.name, kept)
		}
		got, err := sendable(kept)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: sent\n%s\nwant\n%s", c.name, got, want)
		}
		if direct, err := content.MarshalJSON(); err != nil || !bytes.Equal(direct, want) {
			t.Errorf("%s: marshalled at once (a web action's post)\n%s\nwant\n%s (%v)", c.name, direct, want, err)
		}
	}
}

// TestOutboxRowRenderedBeforeDraftsIsSentAsItIs: content an older version
// wrote to the outbox (rendered already) is sent unchanged; a draft of a
// version this code does not know is not sent (it waits, retried).
func TestOutboxRowRenderedBeforeDraftsIsSentAsItIs(t *testing.T) {
	old, err := marshalContent(renderedAtBuild("**hi** @bob:test", "pool", map[string]any{"n": 1}, event.MsgNotice, "", false, "$c"))
	if err != nil {
		t.Fatal(err)
	}
	for _, raw := range [][]byte{old, []byte(`{"body":"x","msgtype":"m.text"}`), []byte(`{"ops":[1]}`)} {
		got, err := sendable(raw)
		if err != nil || !bytes.Equal(got, raw) {
			t.Errorf("sent %s (%v), want %s unchanged", got, err, raw)
		}
	}
	future := []byte(strings.Replace(draftPrefix, ":", ":2,", 1) + `"md":"x"}`)
	if got, err := sendable(future); err == nil {
		t.Errorf("a draft of version 2 sent as %s, want an error", got)
	}
}
