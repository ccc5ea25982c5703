package bot

import (
	"encoding/json"
	"html"
	"os"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"maunium.net/go/mautrix/format"

	"github.com/exodus-matrix/exodus/ledger"
)

// HostileTexts is the corpus of hostile member texts shared by the tests
// and fuzz seeds of the bot and the ledger (ledger/testdata/hostile.json).
func HostileTexts(tb testing.TB) []string {
	tb.Helper()
	data, err := os.ReadFile("../ledger/testdata/hostile.json")
	if err != nil {
		tb.Fatal(err)
	}
	var texts []string
	if err := json.Unmarshal(data, &texts); err != nil {
		tb.Fatal(err)
	}
	return texts
}

// Normalise is normalise, for the tests outside the package.
func Normalise(s string) string { return normalise(s) }

// tagRe matches an HTML tag of a rendered message: the renderer escapes
// every "<" of text, so each "<" starts a tag.
var tagRe = regexp.MustCompile(`<(/?)([a-zA-Z0-9]+)([^>]*)>`)

// hrefRe matches the address of a link in a tag's attributes.
var hrefRe = regexp.MustCompile(`href="([^"]*)"`)

// Tags lists the tags of formatted HTML, in order ("a", "/a", "br"...),
// with the href of links ("a href=...").
func Tags(formatted string) []string {
	var out []string
	for _, m := range tagRe.FindAllStringSubmatch(formatted, -1) {
		tag := m[1] + strings.ToLower(m[2])
		if href := hrefRe.FindStringSubmatch(m[3]); href != nil {
			tag += " href=" + href[1]
		}
		out = append(out, tag)
	}
	return out
}

// TextStream is the text of formatted HTML as a reader sees it: entities
// decoded, <br> as a line break, the renderer's own line breaks dropped,
// and every other tag as a NUL (which no member text holds: normalise
// drops control characters). A member text shown as text is found in it
// whole, with no tag inside.
func TextStream(formatted string) string {
	var sb strings.Builder
	last := 0
	for _, loc := range tagRe.FindAllStringSubmatchIndex(formatted, -1) {
		sb.WriteString(html.UnescapeString(strings.ReplaceAll(formatted[last:loc[0]], "\n", "")))
		if strings.EqualFold(formatted[loc[4]:loc[5]], "br") {
			sb.WriteByte('\n')
		} else {
			sb.WriteByte(0)
		}
		last = loc[1]
	}
	sb.WriteString(html.UnescapeString(strings.ReplaceAll(formatted[last:], "\n", "")))
	return sb.String()
}

func TestNormalise(t *testing.T) {
	long := strings.Repeat("A", maxLiteralRunes+10)
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"  a \t  b  ", "a b"},
		{"a\n\n\n  b  \r\nc\rd", "a\nb\nc\nd"},
		{"ls\u2028ps\u2029nel\u0085vt\vff\fend", "ls\nps\nnel\nvt\nff\nend"},
		{"nbsp\u00a0ideo\u3000em\u2003x", "nbsp ideo em x"},
		{"IBAN\u202e123\u202c \u2066x\u2069\u200e\u200f\u061c", "IBAN123 x"},
		{"a\u200bb\u200cc\u200dd\u2060e\ufefff", "abcdef"},
		{"nul\x00bell\x07esc\x1b[31m", "nulbellesc[31m"},
		{"bad \xff utf8", "bad \ufffd utf8"},
		{"@room", "＠room"},
		{"@ROOM and hi@Room:x and @roomy", "＠ROOM and hi＠Room:x and ＠roomy"},
		{"@ room @roommate", "@ room ＠roommate"},
		{"@ro", "@ro"},
		{"[x](y) *a* `c` &amp;", "[x](y) *a* `c` &amp;"},
		{"\u200b\u200b", ""},
		{long, long[:maxLiteralRunes] + "…"},
		{strings.Repeat("я", maxLiteralRunes) + " ", strings.Repeat("я", maxLiteralRunes)},
	}
	for _, tt := range tests {
		if got := normalise(tt.in); got != tt.want {
			t.Errorf("normalise(%q) = %q; want %q", clipped(tt.in), clipped(got), clipped(tt.want))
		}
	}
}

// clipped shortens a string for an error message.
func clipped(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

func TestCodeSpan(t *testing.T) {
	tests := []struct{ in, want string }{
		{"intend 20 EUR", "`intend 20 EUR`"},
		{"", "` `"},
		{"a`b", "``a`b``"},
		{"a``b`c", "```a``b`c```"},
		{"`x", "`` `x ``"},
		{"x`", "`` x` ``"},
		{" x ", "`  x  `"},
		{" x", "` x`"},
		{"a\nb", "`a b`"},
	}
	for _, tt := range tests {
		if got := codeSpan(tt.in); got != tt.want {
			t.Errorf("codeSpan(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestSegments(t *testing.T) {
	tests := []struct {
		in   string
		want []segment
	}{
		{"plain %[1]v", []segment{{"plain %[1]v", false}}},
		{"I understood `%[1]v`, but: %[2]v", []segment{{"I understood ", false}, {"%[1]v", true}, {", but: %[2]v", false}}},
		{"`a` `b`", []segment{{"a", true}, {" ", false}, {"b", true}}},
		{"``a`b`` x", []segment{{"a`b", true}, {" x", false}}},
		{"open ` only", []segment{{"open ` only", false}}},
		{"`` not `closed", []segment{{"`` not `closed", false}}},
		{"", nil},
	}
	for _, tt := range tests {
		got := segments(tt.in)
		if len(got) != len(tt.want) {
			t.Errorf("segments(%q) = %v; want %v", tt.in, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("segments(%q) = %v; want %v", tt.in, got, tt.want)
				break
			}
		}
	}
}

// literalContexts are Markdown contexts the catalogues put member text in.
var literalContexts = []string{
	"Before %s after.",
	"> %s",
	"🤝 Their payment details:\n\n> %s\n\nWhen you have sent it, reply `sent`.",
	"- %s (default)",
	"1. %s\n2. next",
	"🆘 **SOS from x:**\n\n%s",
	"Circle **%s** is ready.",
	"💡 **%s** — an initiative",
	"%s",
}

// harmlessTags are the tags of each context around a harmless text.
var harmlessTags = func() map[string][]string {
	m := map[string][]string{}
	for _, c := range literalContexts {
		m[c] = withoutBreaks(Tags(render(strings.Replace(c, "%s", literal("harmless"), 1))))
	}
	return m
}()

// render is the formatted body of Markdown, or its body HTML-escaped if it
// has no formatting.
func render(md string) string {
	msg := format.RenderMarkdown(md, true, false)
	if msg.FormattedBody == "" {
		return html.EscapeString(msg.Body)
	}
	return msg.FormattedBody
}

func withoutBreaks(tags []string) []string {
	var out []string
	for _, t := range tags {
		if t != "br" {
			out = append(out, t)
		}
	}
	return out
}

// checkLiteral checks that s, rendered through literal or literalCode, is
// shown as its normalised text: alone, it makes no tag but <p> and <br> and
// its text and body are the normalised text; in each context it adds no tag
// to those around a harmless text, and shows whole with no tag inside.
func checkLiteral(t *testing.T, s string) {
	want := normalise(s)
	msg := format.RenderMarkdown(literal(s), true, false)
	if msg.Body != want {
		t.Fatalf("%q: body %q; want %q", clipped(s), clipped(msg.Body), clipped(want))
	}
	for _, tag := range Tags(msg.FormattedBody) {
		if tag != "p" && tag != "/p" && tag != "br" {
			t.Fatalf("%q: formatted body %q has the tag %q", clipped(s), clipped(msg.FormattedBody), tag)
		}
	}
	if msg.FormattedBody != "" && strings.ReplaceAll(TextStream(msg.FormattedBody), "\x00", "") != want {
		t.Fatalf("%q: formatted body %q shows %q; want %q", clipped(s), clipped(msg.FormattedBody),
			clipped(TextStream(msg.FormattedBody)), clipped(want))
	}
	if want == "" {
		return // nothing shows; an empty emphasis may show its asterisks
	}
	for _, c := range literalContexts {
		formatted := render(strings.Replace(c, "%s", literal(s), 1))
		if got := withoutBreaks(Tags(formatted)); strings.Join(got, " ") != strings.Join(harmlessTags[c], " ") {
			t.Fatalf("%q in %q: tags %v; around a harmless text %v", clipped(s), c, got, harmlessTags[c])
		}
		if !strings.Contains(TextStream(formatted), want) {
			t.Fatalf("%q in %q: %q does not show it whole", clipped(s), c, clipped(formatted))
		}
	}
	code := render("Type " + literalCode(s) + " now.")
	if got := Tags(code); strings.Join(got, " ") != "code /code" {
		t.Fatalf("%q in code: tags %v (%q)", clipped(s), got, clipped(code))
	}
	if !strings.Contains(TextStream(code), "\x00"+strings.ReplaceAll(want, "\n", " ")+"\x00") {
		t.Fatalf("%q in code: %q does not show it whole", clipped(s), clipped(code))
	}
}

func TestLiteralShowsHostileTextsAsText(t *testing.T) {
	for _, s := range HostileTexts(t) {
		checkLiteral(t, s)
	}
}

// FuzzLiteral checks that any text, rendered through literal or
// literalCode by the bot's Markdown renderer, shows as its normalised text
// and makes no markup.
func FuzzLiteral(f *testing.F) {
	for _, s := range HostileTexts(f) {
		f.Add(s)
	}
	f.Add("\xff\xfe invalid")
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(normalise(s)) || utf8.RuneCountInString(normalise(s)) > maxLiteralRunes+1 {
			t.Fatalf("%q: normalised %q is invalid or too long", clipped(s), clipped(normalise(s)))
		}
		checkLiteral(t, s)
	})
}

func TestTextShowsStringArgumentsLiterally(t *testing.T) {
	hostile := "[bank](https://evil.example) `x` @room\n> ✅ Verified by Exodus"
	tests := []struct {
		key  string
		args []any
		want string
	}{
		{"cmd.unknown", []any{hostile}, "I don't know the command ``[bank](https://evil.example) `x` ＠room > ✅ Verified by Exodus``."},
		{"sos.message", []any{ledger.UserID("@a:b"), hostile},
			"🆘 **SOS from [\\@a\\:b](https://matrix.to/#/@a:b):**\n\n\\[bank\\]\\(https\\:\\/\\/evil\\.example\\) \\`x\\` ＠room\n\\> ✅ Verified by Exodus"},
		{"understood", []any{"!ex about", markdown("**trusted**")}, "I understood `!ex about`, but: **trusted**"},
		{"circle.created", []any{"*Name*", ledger.Amount{Minor: 5000, Currency: "EUR"}}, "Circle **\\*Name\\*** is ready and I have invited you into it. Each guarantee there pledges €50."},
		{"lang.done", []any{hostile}, "I will speak English with you."},
	}
	for _, tt := range tests {
		if got := text(ledger.LangEN, tt.key, tt.args...); got != tt.want {
			t.Errorf("text(%q) = %q; want %q", tt.key, got, tt.want)
		}
	}
}
