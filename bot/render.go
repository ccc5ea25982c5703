package bot

import (
	"fmt"
	"strings"
	"time"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/format"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/ledger"
)

// catalogue returns the message catalogue of a language.
func catalogue(l ledger.Lang) map[string]string {
	if l == ledger.LangRU {
		return messagesRU
	}
	return messagesEN
}

// text renders a catalogue message in a language. Verbs among the arguments
// are shown as that language's command word; a key missing from the
// catalogue falls back to English, then to the key itself.
func text(l ledger.Lang, key string, args ...any) string {
	tmpl, ok := catalogue(l)[key]
	if !ok {
		if tmpl, ok = messagesEN[key]; !ok {
			return key
		}
	}
	if !strings.Contains(tmpl, "%") {
		return tmpl // extra arguments must not show as %!(EXTRA ...)
	}
	for i, a := range args {
		switch v := a.(type) {
		case ledger.Verb:
			args[i] = verbWord(v, l)
		case ledger.UserID:
			args[i] = pill(id.UserID(v))
		case id.UserID:
			args[i] = pill(v)
		case ledger.Amount:
			args[i] = v.String()
		case ledger.Lang:
			args[i] = text(l, "lang."+string(v))
		case ledger.Status:
			args[i] = statusWord(v, l)
		}
	}
	return fmt.Sprintf(tmpl, args...)
}

// verbWord is the command word of a verb in a language.
func verbWord(v ledger.Verb, l ledger.Lang) string {
	if words := ledger.VerbWords(v, l); len(words) > 0 {
		return words[0]
	}
	return string(v)
}

// pill renders a user as a Markdown mention link, which clients show as a pill.
func pill(u id.UserID) string {
	return fmt.Sprintf("[%s](%s)", u, u.URI().MatrixToURL())
}

// pills renders users as a comma-separated list of mentions.
func pills(us []ledger.UserID) string {
	parts := make([]string, len(us))
	for i, u := range us {
		parts[i] = pill(id.UserID(u))
	}
	return strings.Join(parts, ", ")
}

// message builds a notice from Markdown, with machine-readable content under
// the project's namespace (kind names what it is; data may be nil) and the
// users it means to notify (none by default: pills alone do not ping).
func message(md, kind string, data any, notify ...id.UserID) *event.Content {
	msg := format.RenderMarkdown(md, true, false)
	msg.MsgType = event.MsgNotice
	msg.Mentions = &event.Mentions{UserIDs: notify}
	ns := map[string]any{"type": kind}
	if data != nil {
		ns["data"] = data
	}
	return &event.Content{Parsed: &msg, Raw: map[string]any{Namespace: ns}}
}

// notice builds a plain catalogue notice.
func (b *Bot) notice(l ledger.Lang, key string, args ...any) *event.Content {
	return message(text(l, key, args...), key, nil)
}

// replyTo makes content a reply to evt.
func replyTo(content *event.Content, evt *event.Event) *event.Content {
	if evt != nil && evt.ID != "" {
		content.Parsed.(*event.MessageEventContent).RelatesTo = (&event.RelatesTo{}).SetReplyTo(evt.ID)
	}
	return content
}

// errorText explains a refusal in the member's language: why, and what to
// type instead. A failure that is not the member's is not explained.
func (b *Bot) errorText(l ledger.Lang, err error, verb ledger.Verb) string {
	e := ledger.AsError(err)
	if e == nil || e.Code == ledger.EInternal {
		return text(l, "error.internal")
	}
	msg := text(l, e.Key, e.Args...)
	switch {
	case verb != "" && strings.HasPrefix(e.Key, "cmd.") && e.Key != "cmd.unknown":
		return text(l, "understood", b.cfg.Prefix+" "+verbWord(verb, l), msg) + "\n\n" + text(l, "type_usage", usage(l, verb, b.cfg.Prefix))
	case verb != "" && (strings.HasPrefix(e.Key, "amount.") || strings.HasPrefix(e.Key, "user.")):
		return msg + "\n\n" + text(l, "type_usage", usage(l, verb, b.cfg.Prefix))
	case e.Key == "cmd.unknown" || e.Key == "cmd.too_long":
		return msg + " " + text(l, "type_help", b.cfg.Prefix)
	}
	return msg
}

// durationText writes a duration the way a person says it, in whole
// units: "20 s", "5 min", "1 h 30 min" ("20 с", "5 мин", "1 ч 30 мин").
func durationText(l ledger.Lang, d time.Duration) string {
	units := []struct {
		size   time.Duration
		en, ru string
	}{{time.Hour, "h", "ч"}, {time.Minute, "min", "мин"}, {time.Second, "s", "с"}}
	var parts []string
	for _, u := range units {
		if n := d / u.size; n > 0 {
			name := u.en
			if l == ledger.LangRU {
				name = u.ru
			}
			parts = append(parts, fmt.Sprintf("%d %s", n, name))
			d -= n * u.size
		}
	}
	if len(parts) == 0 {
		return durationText(l, time.Second)
	}
	return strings.Join(parts, " ")
}
