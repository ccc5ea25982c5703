package bot

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/exodus-matrix/exodus/ledger"
)

// Member text is shown literally. The bot writes its messages in Markdown
// (render.go), and anything a member typed (an about text, payment details,
// an sos, a claim's reason, an initiative's title or report, a circle's
// name, a command echoed back, a user ID) must show as the member typed it,
// never as markup: no link, image, quote, heading, list, code or emphasis
// made of it, nothing that could pass for the bot's own words. text() shows
// every argument of a string kind through literal (in running text) or
// normalise and codeSpan (inside a code span of the template); Markdown the
// bot writes itself is typed markdown. docs/security.md describes the rule.

// markdown is Markdown the bot wrote itself (a pill, a list of commands, a
// nested catalogue message): text() passes it through unchanged, where any
// other string argument is shown literally.
type markdown string

// maxLiteralRunes bounds one member string as the bot shows it: the longest
// command a member may type. The ledger's own bounds (an about text, a
// requisite, an sos...) are far lower; this one holds whatever the source.
const maxLiteralRunes = ledger.MaxCommandRunes

// roomAt replaces the "@" of "@room" in member text, so that the bot's
// message never matches the legacy .m.rule.roomnotif push rule (which pings
// everyone in the room when the sender may): the full-width commercial at
// reads the same and is no mention.
const roomAt = "＠"

// literal renders a member's text as Markdown that shows it as text:
// normalised (see normalise), then with every ASCII punctuation character
// backslash-escaped, which CommonMark renders as that character and never
// as the start of markup. Line breaks stay soft breaks inside the paragraph
// (rendered as <br>): as no line may start with a space or unescaped
// punctuation, none can start a block of its own, so the text stays in the
// quote, list item or paragraph the template put it in.
func literal(s string) string {
	return escapeMarkdown(normalise(s))
}

// literalCode renders a member's text as a code span that shows it as text.
func literalCode(s string) string {
	return codeSpan(normalise(s))
}

// escapeMarkdown backslash-escapes every ASCII punctuation character.
func escapeMarkdown(s string) string {
	var sb strings.Builder
	sb.Grow(len(s) + len(s)/4)
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < utf8.RuneSelf && isASCIIPunct(c) {
			sb.WriteByte('\\')
		}
		sb.WriteByte(s[i])
	}
	return sb.String()
}

// isASCIIPunct reports whether c is ASCII punctuation, every one of which
// CommonMark lets a backslash escape.
func isASCIIPunct(c byte) bool {
	return strings.IndexByte("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", c) >= 0
}

// codeSpan renders s as one code span, whose content CommonMark shows as
// is (no escapes, no entities, no markup): the fence is one backtick longer
// than the longest run of backticks in s, and s is padded with a space when
// it starts or ends with a backtick, or with a space at both ends (CommonMark
// strips one space from each side then). Line breaks become spaces.
func codeSpan(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if s == "" {
		return "` `"
	}
	fence := strings.Repeat("`", longestRun(s, '`')+1)
	if s[0] == '`' || s[len(s)-1] == '`' || (s[0] == ' ' && s[len(s)-1] == ' ') {
		s = " " + s + " "
	}
	return fence + s + fence
}

// longestRun is the length of the longest run of c in s.
func longestRun(s string, c byte) int {
	longest, n := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			n++
			longest = max(longest, n)
		} else {
			n = 0
		}
	}
	return longest
}

// normalise is a member's text as the bot shows it: invalid UTF-8 replaced
// by U+FFFD; control and format characters (Unicode Cc and Cf: bidi
// embeddings, overrides, isolates and marks, zero-width spaces and joiners,
// the BOM...) removed, so they can neither reorder nor hide the bot's text;
// white space of any kind collapsed to one space; each line trimmed, empty lines
// dropped, line breaks as "\n"; cut to maxLiteralRunes runes (then ending
// in "…"); and "@room" in any case written with a full-width "＠".
func normalise(s string) string {
	var out strings.Builder
	n, cut := 0, false
	var sep byte // the space or line break before the next character, if any
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		switch {
		case isLineBreak(r):
			if out.Len() > 0 {
				sep = '\n'
			}
		case unicode.IsSpace(r):
			if out.Len() > 0 && sep == 0 {
				sep = ' '
			}
		case unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r):
			// dropped
		default:
			if sep != 0 {
				out.WriteByte(sep)
				n, sep = n+1, 0
			}
			if n == maxLiteralRunes {
				cut = true
			} else {
				out.WriteRune(r)
				n++
			}
		}
		if cut {
			break
		}
	}
	t := strings.TrimRight(out.String(), " \n")
	if cut {
		t += "…"
	}
	return breakRoom(t)
}

// isLineBreak reports whether r ends a line.
func isLineBreak(r rune) bool {
	switch r {
	case '\n', '\r', '\v', '\f', 0x85, 0x2028, 0x2029:
		return true
	}
	return false
}

// breakRoom writes the "@" of every "@room" (in any case) as roomAt.
func breakRoom(s string) string {
	i := strings.IndexByte(s, '@')
	if i < 0 {
		return s
	}
	var sb strings.Builder
	for i >= 0 {
		sb.WriteString(s[:i])
		if len(s) >= i+5 && strings.EqualFold(s[i+1:i+5], "room") {
			sb.WriteString(roomAt)
		} else {
			sb.WriteByte('@')
		}
		s = s[i+1:]
		i = strings.IndexByte(s, '@')
	}
	sb.WriteString(s)
	return sb.String()
}

// segment is a part of a catalogue template: running text, or the content
// of a code span (without its fence).
type segment struct {
	text string
	code bool
}

// segments splits a template into running text and code spans, as
// CommonMark reads them: a run of n backticks opens a span that the next
// run of exactly n backticks closes; a run with no closer is text.
func segments(tmpl string) []segment {
	var out []segment
	start := 0
	for i := 0; i < len(tmpl); {
		if tmpl[i] != '`' {
			i++
			continue
		}
		n := runAt(tmpl, i)
		end := closingRun(tmpl, i+n, n)
		if end < 0 {
			i += n
			continue
		}
		if start < i {
			out = append(out, segment{text: tmpl[start:i]})
		}
		out = append(out, segment{text: tmpl[i+n : end], code: true})
		i = end + n
		start = i
	}
	if start < len(tmpl) {
		out = append(out, segment{text: tmpl[start:]})
	}
	return out
}

// runAt is the length of the run of backticks at s[i].
func runAt(s string, i int) int {
	n := 0
	for i+n < len(s) && s[i+n] == '`' {
		n++
	}
	return n
}

// closingRun is where the first run of exactly n backticks at or after
// from starts, or -1.
func closingRun(s string, from, n int) int {
	for i := from; i < len(s); {
		if s[i] != '`' {
			i++
			continue
		}
		m := runAt(s, i)
		if m == n {
			return i
		}
		i += m
	}
	return -1
}
