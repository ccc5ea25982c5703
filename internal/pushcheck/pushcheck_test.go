package pushcheck_test

import (
	"testing"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/internal/pushcheck"
)

// The evaluator reads the spec's rules as clients do: a notice notifies
// nobody, an intentional mention highlights, and the legacy rules read the
// plain body only where the server has no intentional mentions.
func TestEvaluate(t *testing.T) {
	const bob id.UserID = "@bob:example.org"
	room := pushcheck.Room{Members: 3, OwnName: "bob"}
	msg := func(msgtype string, content map[string]any) *event.Event {
		content["msgtype"] = msgtype
		return &event.Event{Type: event.EventMessage, Sender: "@bot:example.org", Content: event.Content{Raw: content}}
	}
	named := map[string]any{"body": "hello @bob:example.org", "m.mentions": map[string]any{}}
	for _, c := range []struct {
		name        string
		evt         *event.Event
		intentional bool
		want        pushcheck.Verdict
	}{
		{"notice naming bob", msg("m.notice", map[string]any{"body": "bob"}), false, pushcheck.Verdict{Rule: ".m.rule.suppress_notices"}},
		{"text mentioning bob", msg("m.text", map[string]any{"body": "hi", "m.mentions": map[string]any{"user_ids": []any{string(bob)}}}), true,
			pushcheck.Verdict{Notify: true, Highlight: true, Rule: ".m.rule.is_user_mention"}},
		{"text naming bob, legacy", msg("m.text", named), false,
			pushcheck.Verdict{Notify: true, Highlight: true, Rule: ".m.rule.contains_display_name"}},
		{"text naming bob, intentional", msg("m.text", map[string]any{"body": "hello @bob:example.org", "m.mentions": map[string]any{}}), true,
			pushcheck.Verdict{Notify: true, Rule: ".m.rule.message"}},
		{"text naming b\u2060ob, legacy", msg("m.text", map[string]any{"body": "hello @b\u2060ob:example.org"}), false,
			pushcheck.Verdict{Notify: true, Rule: ".m.rule.message"}},
	} {
		rules := pushcheck.SpecDefaults(bob)
		if !c.intentional {
			rules = pushcheck.WithoutIntentionalMentions(bob)
		}
		if got := pushcheck.Evaluate(rules, c.intentional, room, c.evt); got != c.want {
			t.Errorf("%s: %v; want %v", c.name, got, c.want)
		}
	}
}
