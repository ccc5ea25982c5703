package bot_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/bot"
	"github.com/exodus-matrix/exodus/ledger"
)

// escapeStep is one thing a member does whose answers show text the member
// typed: run does it with the text s; want is what of s must show, in
// every message of the types in must, unless the step was refused (nil:
// nothing in particular), or even then when the refusal is what echoes
// the text (echo).
type escapeStep struct {
	name string
	run  func(w *aidWorld, s string)
	want func(s string) string
	echo bool
	must []string
}

// whole is the member's whole text.
func whole(s string) string { return s }

// name is a text as a name: its words, one space apart.
func name(s string) string { return strings.Join(strings.Fields(s), " ") }

// clipEcho is what the ledger echoes of a word a member typed (64 runes).
func clipEcho(s string) string {
	if r := []rune(s); len(r) > 64 {
		return string(r[:64]) + "…"
	}
	return s
}

// escapeSteps show member text in every kind of message: views, notices
// in direct chats, cards and their edits, room messages, echoes of what
// was typed, and the record of an action taken on the web.
var escapeSteps = []escapeStep{
	{"about", func(w *aidWorld, s string) {
		w.say(dm(alice), alice, "!ex about "+s)
		w.say(dm(alice), alice, "!ex about")
	}, whole, false, []string{"profile"}},
	{"requisites, and sent to a giver", func(w *aidWorld, s string) {
		w.say(dm(alice), alice, "!ex requisites "+s)
		w.say(w.circle, alice, "!ex status orange 300")
		w.reply(w.circle, bob, w.lastOfType(w.circle, "need"), "commit 50")
	}, whole, false, []string{"requisites", "commitment"}},
	{"sos", func(w *aidWorld, s string) { w.say(w.circle, alice, "!ex sos "+s) }, whole, false, []string{"sos"}},
	{"circle name", func(w *aidWorld, s string) { w.say(dm(carol), carol, "!ex circle "+s) }, name, false, []string{"circle", "circle_created"}},
	{"kassa claim", func(w *aidWorld, s string) {
		w.say(w.circle, bob, "!ex kassa 100")
		w.say(w.circle, dave, "!ex kassa 100")
		w.say(w.circle, alice, "!ex claim 50 "+s)
		w.reply(w.circle, carol, w.lastOfType(w.circle, "claim"), "approve")
	}, whole, false, []string{"claim", "kassa_share"}},
	{"initiative", func(w *aidWorld, s string) {
		open, end := quotesFor(s)
		w.say(w.circle, carol, "!ex initiative "+open+s+end+" 100 by 2026-12-20")
		card := w.lastOfType(w.circle, "initiative")
		w.reply(w.circle, dave, card, "100")
		w.reply(w.circle, dave, card, "commit")
	}, whole, false, []string{"initiative.created", "initiative", "initiative_poll", "initiative_poll_end", "conversion", "notify.initiative_funded"}},
	{"initiative report", func(w *aidWorld, s string) { w.say(w.circle, carol, "!ex done "+s) }, whole, false, []string{"initiative", "notify.initiative_done"}},
	{"initiative on the web", func(w *aidWorld, s string) {
		by := time.Date(2026, 12, 20, 0, 0, 0, 0, time.UTC)
		cmd := ledger.Command{Verb: ledger.VerbInitiative, Text: s, Amount: ledger.Amount{Minor: 10000, Currency: "EUR"}, ByDate: by}
		_, _ = w.bot.WebActor().Act(w.ctx, ledger.Request{Member: dave, Circle: w.circle, Command: cmd})
	}, whole, false, []string{"web_action", "web_answer", "initiative"}},
	{"sos on the web", func(w *aidWorld, s string) {
		_, _ = w.bot.WebActor().Act(w.ctx, ledger.Request{Member: bob, Command: ledger.Command{Verb: ledger.VerbSOS, Rest: s, Text: s}})
	}, func(s string) string { return "sos " + s }, false, []string{"web_action"}}, // the line as typed
	{"unknown command", func(w *aidWorld, s string) { w.say(w.circle, bob, "!ex "+s) }, func(s string) string {
		if len([]rune(s)) > ledger.MaxCommandRunes-4 {
			return "" // too long to be read as a command
		}
		return clipEcho(strings.Fields(s)[0])
	}, true, []string{"error"}},
	{"not a user", func(w *aidWorld, s string) { w.say(w.circle, bob, "!ex invite "+s) }, func(s string) string {
		if len([]rune(s)) > ledger.MaxCommandRunes-11 {
			return ""
		}
		return clipEcho(strings.TrimSpace(s))
	}, true, []string{"error"}},
	{"not an amount", func(w *aidWorld, s string) { w.say(w.circle, bob, "!ex status orange "+s) }, nil, true, nil},
}

// quotesFor are quotes an initiative's title can be typed in: some the
// title does not hold.
func quotesFor(s string) (open, end string) {
	for _, q := range [][2]string{{`"`, `"`}, {"«", "»"}, {"“", "”"}, {"„", "“"}} {
		if !strings.Contains(s, q[0]) && !strings.Contains(s, q[1]) {
			return q[0], q[1]
		}
	}
	return `"`, `"`
}

// lastOfType is the latest message of the bot of that type in room.
func (w *aidWorld) lastOfType(room any, typ string) id.EventID {
	w.t.Helper()
	msgs := inRoom(w.cli.messages(), room)
	for i := len(msgs) - 1; i >= 0; i-- {
		if got, _ := ns(msgs[i]); got == typ {
			return msgs[i].ID
		}
	}
	return "$none"
}

// escapeRun is what each step sent, and the rooms the bot created.
type escapeRun struct {
	sent    [][]sentMessage
	topics  []string
	refused []bool // whether the step was refused, or any command in it
}

// runEscapeSteps does every step with the member text s in a fresh world.
func runEscapeSteps(t *testing.T, s string) escapeRun {
	w := newWebWorld(t, webURL)
	w.say(w.circle, alice, "!ex invite "+bob) // an sos needs someone to go to
	w.say(w.circle, bob, "!ex accept")
	var run escapeRun
	for _, st := range escapeSteps {
		k := w.sentCount()
		st.run(w, s)
		sent := w.sentSince(k)
		refused := len(sent) == 0 // the web posts nothing it refuses
		for _, m := range sent {
			if typ, _ := ns(m); typ == "error" {
				refused = true
			}
		}
		run.sent, run.refused = append(run.sent, sent), append(run.refused, refused)
	}
	for _, req := range w.cli.created {
		run.topics = append(run.topics, req.Topic)
	}
	return run
}

// shownText is a text of a sent event a member sees: a body and its
// formatted body (those of an edit's new content too), or a poll's question.
// shownText is a text of a message: its plain body as a member reads it
// (body) and as sent (sent, with the bot's word joiners), and its
// formatted body.
type shownText struct{ where, body, formatted, sent string }

func shownTexts(m sentMessage) []shownText {
	var out []shownText
	add := func(where string, c map[string]any) {
		body, _ := c["body"].(string)
		formatted, _ := c["formatted_body"].(string)
		if q, ok := c["org.matrix.msc1767.text"].(string); ok {
			body = q
		}
		out = append(out, shownText{where, botJoiners.ReplaceAllString(body, "$1"), formatted, body})
	}
	add("content", m.Content)
	if fresh, ok := m.Content["m.new_content"].(map[string]any); ok {
		add("m.new_content", fresh)
	}
	return out
}

// checkMentions fails unless content (and an edit's new content) carries
// m.mentions without room.
func checkMentions(t *testing.T, label string, m sentMessage) {
	t.Helper()
	for _, c := range []map[string]any{m.Content, mapAt(m.Content, "m.new_content")} {
		if c == nil {
			continue
		}
		mentions, ok := c["m.mentions"].(map[string]any)
		if !ok || mentions["room"] == true {
			t.Errorf("%s: m.mentions %v (in %v)", label, c["m.mentions"], clip(raw(m)))
		}
	}
}

func mapAt(m map[string]any, key string) map[string]any {
	v, _ := m[key].(map[string]any)
	return v
}

// clip shortens a text for an error message.
func clip(s string) string {
	if r := []rune(s); len(r) > 300 {
		return string(r[:300]) + "…"
	}
	return s
}

// botJoiners are the word joiners the bot writes into user IDs in plain
// bodies (after the first character of the localpart), so that push rules
// do not read them as mentions: the one invisible character it writes.
var botJoiners = regexp.MustCompile("(@[^@\\s])\u2060")

// checkSafeText fails if a text a member sees could ping the room or
// holds an invisible character. A formatted body is checked as HTML: its
// text, not the addresses of its links (a pill of @room:server links to
// that user, and shows as "＠room:server").
func checkSafeText(t *testing.T, label, s string, formatted bool) {
	t.Helper()
	seen := s
	if formatted {
		seen = bot.TextStream(s)
	}
	if strings.Contains(strings.ToLower(seen), "@room") {
		t.Errorf("%s: %q holds @room", label, clip(s))
	}
	for _, r := range botJoiners.ReplaceAllString(s, "$1") {
		if unicode.Is(unicode.Cf, r) || (unicode.Is(unicode.Cc, r) && r != '\n') {
			t.Errorf("%s: %q holds the invisible character %U", label, clip(s), r)
			return
		}
	}
}

// shows reports whether a shown text shows want whole: every line of it in
// the body, and all of it in the formatted body's text with no tag inside
// (line breaks as <br>, or as spaces in a code span).
func shows(txt shownText, want string) bool {
	for _, line := range strings.Split(want, "\n") {
		if !strings.Contains(txt.body, line) {
			return false
		}
	}
	if txt.formatted == "" {
		return true
	}
	stream := bot.TextStream(txt.formatted)
	return strings.Contains(stream, want) || strings.Contains(stream, strings.ReplaceAll(want, "\n", " "))
}

// sameTags reports whether a hostile and a harmless event have the same
// tags (line breaks aside): the member's text made none.
func sameTags(hostile, harmless sentMessage) (string, bool) {
	h, g := shownTexts(hostile), shownTexts(harmless)
	if len(h) != len(g) {
		return "", false
	}
	for i := range h {
		a, b := noBreaks(bot.Tags(h[i].formatted)), noBreaks(bot.Tags(g[i].formatted))
		if strings.Join(a, " ") != strings.Join(b, " ") {
			return fmt.Sprintf("%s tags %v; with a harmless text %v", h[i].where, a, b), false
		}
	}
	return "", true
}

func noBreaks(tags []string) []string {
	var out []string
	for _, t := range tags {
		if t != "br" {
			out = append(out, t)
		}
	}
	return out
}

// checkStep checks what one step sent with the member text s, against
// what it sent with a harmless text.
func checkStep(t *testing.T, st escapeStep, s string, got, harmless []sentMessage, refused bool) {
	t.Helper()
	want := ""
	if st.want != nil && (!refused || st.echo) {
		want = bot.Normalise(st.want(s))
	}
	found := want == ""
	for i, m := range got {
		label := fmt.Sprintf("%s, message %d (%s, %s)", st.name, i, m.Room, typeOf(m))
		checkMentions(t, label, m)
		if data, _ := json.Marshal(m.Content); len(data) > 65536 {
			t.Errorf("%s: %d bytes, over the 64 KiB of a Matrix event", label, len(data))
		}
		for _, txt := range shownTexts(m) {
			checkSafeText(t, label+" "+txt.where+" body", txt.sent, false)
			checkSafeText(t, label+" "+txt.where+" formatted body", txt.formatted, true)
			switch {
			case want == "":
			case shows(txt, want):
				found = true
			case slices.Contains(st.must, typeOf(m)):
				t.Errorf("%s: %s does not show %q literally: %q, %q", label, txt.where, clip(want), clip(txt.body), clip(txt.formatted))
			}
		}
		if (!refused || st.echo) && len(got) == len(harmless) && sameKind(m, harmless[i]) {
			if diff, ok := sameTags(m, harmless[i]); !ok {
				t.Errorf("%s: %s\n%s", label, diff, clip(raw(m)))
			}
		}
	}
	if !found {
		t.Errorf("%s: no message shows %q literally; sent:\n%s", st.name, clip(want), clip(fmt.Sprint(got)))
	}
}

func typeOf(m sentMessage) string { typ, _ := ns(m); return typ }

// sameKind reports whether two messages are the same catalogue message:
// the same type and, for refusals, the same key.
func sameKind(a, b sentMessage) bool {
	ta, da := ns(a)
	tb, db := ns(b)
	return ta == tb && da["key"] == db["key"]
}

// Every member text, however hostile, shows literally in every message
// that carries it: no link, image, quote, heading, list, code or emphasis
// made of it, no @room, no invisible character, nothing unbounded.
func TestMemberTextIsShownLiterally(t *testing.T) {
	harmless := runEscapeSteps(t, "harmless text")
	for i, st := range escapeSteps {
		if st.want != nil && harmless.refused[i] && !st.echo {
			t.Fatalf("step %s refused a harmless text: %v", st.name, harmless.sent[i])
		}
	}
	for n, s := range bot.HostileTexts(t) {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			t.Parallel() // each text in its own world; harmless is only read
			got := runEscapeSteps(t, s)
			for i, st := range escapeSteps {
				checkStep(t, st, s, got.sent[i], harmless.sent[i], got.refused[i])
			}
			for _, topic := range got.topics {
				checkSafeText(t, "topic", topic, false)
				if !strings.Contains(topic, bot.Normalise(name(s))) {
					t.Errorf("topic %q does not show %q", clip(topic), clip(s))
				}
			}
		})
	}
}

// A user ID that reads "@room" pings nobody either.
func TestRoomUserIDPingsNobody(t *testing.T) {
	w := newAidWorld(t)
	const room = "@room:test"
	if err := w.svc.Circles.SetMembership(w.ctx, w.circle, room, true); err != nil {
		t.Fatal(err)
	}
	k := w.sentCount()
	w.say(w.circle, room, "!ex status orange 300")
	w.say(w.circle, bob, "!ex chain "+room)
	sent := w.sentSince(k)
	if len(sent) == 0 {
		t.Fatal("nothing sent")
	}
	for i, m := range sent {
		checkMentions(t, fmt.Sprint(i), m)
		for _, txt := range shownTexts(m) {
			checkSafeText(t, fmt.Sprint(i, " ", txt.where, " body"), txt.sent, false)
			checkSafeText(t, fmt.Sprint(i, " ", txt.where, " formatted body"), txt.formatted, true)
		}
	}
}
