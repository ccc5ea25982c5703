package bot

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"time"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/format"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/ledger/grammar"
	"github.com/exodus-matrix/exodus/locale"
)

// catalogue returns the message catalogue of a language.
func catalogue(l ledger.Lang) map[string]string {
	switch l {
	case ledger.LangRU:
		return messagesRU
	case ledger.LangSR:
		return messagesSR
	}
	return messagesEN
}

// text renders a catalogue message in a language, as Markdown. A key
// missing from the catalogue falls back to English, then to the key itself.
//
// Every argument of a string kind (a string, or a named string type not
// listed below) may be a member's text, so it is shown literally (literal.go):
// escaped in running text, and inside a code span of the template
// normalised, with the span's fence made longer than any backticks in it.
// Markdown the bot wrote itself goes in as a markdown value. Verbs are shown
// as that language's command word, users as pills, amounts, languages and
// statuses as their words, amounts and integers in the member's language
// (locale: "1 234,50 €" in Russian; inside a code span, as typed); other
// values as fmt's %v. A plural selector "{N:form|…}" takes the form of the
// count N in the language (locale.Plurals): "{1:member|members}".
func text(l ledger.Lang, key string, args ...any) string {
	tmpl, ok := catalogue(l)[key]
	if !ok {
		if tmpl, ok = messagesEN[key]; !ok {
			return key
		}
	}
	tmpl = locale.Plurals(l, tmpl, args)
	if !strings.Contains(tmpl, "%") {
		return tmpl // extra arguments must not show as %!(EXTRA ...)
	}
	prose, code := make([]any, len(args)), make([]any, len(args))
	for i, a := range args {
		prose[i], code[i] = argument(l, a)
	}
	var sb strings.Builder
	for _, seg := range segments(tmpl) {
		if seg.code {
			sb.WriteString(codeSpan(fill(seg.text, code)))
		} else {
			sb.WriteString(fill(seg.text, prose))
		}
	}
	return sb.String()
}

// fill formats one segment of a template (its placeholders name their
// arguments, so a segment may use some of them only).
func fill(tmpl string, args []any) string {
	if !strings.Contains(tmpl, "%") {
		return tmpl
	}
	return fmt.Sprintf(tmpl, args...)
}

// argument is how a value of a catalogue message shows in running text
// and inside a code span.
func argument(l ledger.Lang, a any) (prose, code any) {
	switch v := a.(type) {
	case markdown:
		return string(v), string(v)
	case ledger.Verb:
		w := verbWord(v, l)
		return w, w
	case ledger.UserID:
		return pill(id.UserID(v)), normalise(string(v))
	case id.UserID:
		return pill(v), normalise(string(v))
	case ledger.Amount:
		return locale.Amount(l, v), v.String()
	case int:
		return locale.Int(l, int64(v)), v
	case int64:
		return locale.Int(l, v), v
	case locale.Number:
		return locale.Int(l, int64(v)), int64(v)
	case ledger.Lang:
		s := text(l, "lang."+string(v))
		return s, s
	case ledger.Status:
		s := statusWord(v, l)
		return s, s
	}
	if rv := reflect.ValueOf(a); rv.Kind() == reflect.String {
		return literal(rv.String()), normalise(rv.String())
	}
	return a, a
}

// verbWord is the command word of a verb in a language.
func verbWord(v ledger.Verb, l ledger.Lang) string {
	if words := grammar.VerbWords(v, l); len(words) > 0 {
		return words[0]
	}
	return string(v)
}

// pill renders a user as a Markdown mention link, which clients show as a
// pill; the user ID in it is shown literally (a historical ID may hold
// punctuation, and "@room:server" must not ping the room).
func pill(u id.UserID) string {
	if u == "" {
		return ""
	}
	return fmt.Sprintf("[%s](%s)", literal(string(u)), u.URI().MatrixToURL())
}

// pills renders users as a comma-separated list of mentions.
func pills(us []ledger.UserID) string {
	parts := make([]string, len(us))
	for i, u := range us {
		parts[i] = pill(id.UserID(u))
	}
	return strings.Join(parts, ", ")
}

// message builds a quiet message from Markdown: an m.notice mentioning
// nobody (an empty m.mentions), whose plain body highlights nobody either
// (see reach.go), with machine-readable content under the project's
// namespace (kind names what it is; data may be nil). Answers to what a
// member typed, cards and their edits, and news that asks nothing of its
// reader are quiet; a message that asks a member to act is built with ask.
func message(md, kind string, data any) *event.Content {
	return build(md, kind, data, event.MsgNotice, "", false)
}

// build makes a message of msgtype t from Markdown; to is the member it
// asks to act ("" for none), mentioned when mention is set. It is a draft,
// rendered when it is sent (draft.go).
func build(md, kind string, data any, t event.MessageType, to id.UserID, mention bool) *event.Content {
	return &event.Content{Parsed: &draft{md: md, kind: kind, data: data, msgtype: t, to: to, mention: mention}}
}

// notice builds a plain catalogue notice.
func notice(l ledger.Lang, key string, args ...any) *event.Content {
	return message(text(l, key, args...), key, nil)
}

// plain is the plain text of a message rendered from Markdown (its body),
// for what shows no formatting: a poll's question, a room's topic, the web.
func plain(md string) string {
	return format.RenderMarkdown(md, true, false).Body
}

// replyTo makes content a reply to evt.
func replyTo(content *event.Content, evt *event.Event) *event.Content {
	if evt == nil || evt.ID == "" {
		return content
	}
	switch p := content.Parsed.(type) {
	case *draft:
		p.replyTo = evt.ID
	case *event.MessageEventContent:
		p.RelatesTo = (&event.RelatesTo{}).SetReplyTo(evt.ID)
	}
	return content
}

// durationText writes a duration the way a person says it, in whole
// units: "20 s", "5 min", "1 h 30 min" ("20 с", "5 мин", "1 ч 30 мин").
func durationText(l ledger.Lang, d time.Duration) string {
	units := []struct {
		size       time.Duration
		en, ru, sr string
	}{{time.Hour, "h", "ч", "h"}, {time.Minute, "min", "мин", "min"}, {time.Second, "s", "с", "s"}}
	var parts []string
	for _, u := range units {
		if n := d / u.size; n > 0 {
			name := u.en
			switch l {
			case ledger.LangRU:
				name = u.ru
			case ledger.LangSR:
				name = u.sr
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

// needFor is need id as member u reads it: its dates (last day and time of
// its deadline) in u's time zone, as the web pages show it to u; nil if
// there is no such need.
func (b *Bot) needFor(ctx context.Context, id ledger.NeedID, u ledger.UserID) *ledger.NeedView {
	loc := b.zoneOf(ctx, u)
	var v *ledger.NeedView
	_ = b.ledger.Aid.View(ctx, func(bk *ledger.Book) error {
		v, _ = bk.ViewOf(id, loc)
		return nil
	})
	return v
}

// zoneOf is the time zone member u reads times in: their own (the
// `timezone` setting), else the cycle's.
func (b *Bot) zoneOf(ctx context.Context, u ledger.UserID) *time.Location {
	def := b.ledger.Config().Cycle.Location
	p, err := b.ledger.Members.Profile(ctx, u)
	if err != nil {
		p = nil // the cycle's
	}
	return p.Zone(def)
}
