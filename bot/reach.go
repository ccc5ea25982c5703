package bot

import (
	"strings"
	"unicode/utf8"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"
)

// Whom a message reaches. Every message the bot sends is of one of two
// kinds, chosen where it is built:
//
//   - quiet (message): an m.notice with an empty m.mentions. Clients' default
//     push rules (.m.rule.suppress_notices) never notify of a notice, and a
//     server with intentional mentions highlights nobody. Answers to a command
//     the member just typed, cards and their edits, and news that asks nothing
//     of its reader are quiet.
//   - asking (ask): an m.text that mentions the member it asks to act
//     (m.mentions.user_ids and a pill in formatted_body, and their user ID in
//     the plain body for servers without intentional mentions, whose legacy
//     rule .m.rule.contains_user_name reads the body). These are: the
//     invitation card (asks the invitee to accept), payment details after a
//     commitment ("reply sent"), "sent, please confirm", the requests to
//     convert an intention, the reminders to fulfil or to confirm, the
//     monthly renewal, the month's digest of what is left to do, a red
//     collection's deadline to a giver who still owes, an initiative that
//     reached its price (commit now), a kassa share to commit or decline,
//     another member's agreement to a clearing cycle (agree too), an SOS, and
//     the direct chat opened for a member whose messages the bot cannot read.
//
// Neither kind may highlight anyone it does not ask to act: a server
// without intentional mentions (Dendrite v0.15.2 is one) applies the legacy
// rules to every event, mentioning or not, and they match a member's
// localpart or display name as a word of the plain body. So every user ID in
// the plain body but the addressee's carries a WORD JOINER (U+2060, which
// shows as nothing) after the first character of its localpart, which then
// matches neither rule; formatted_body shows every name as it is. Member
// text shows "@room" with a full-width "＠" (literal.go), so no message
// matches .m.rule.roomnotif.

// wordJoiner is the invisible character that breaks a user ID in a plain
// body so that no push rule reads its localpart as a word.
const wordJoiner = "\u2060"

// ask builds a message that asks member to act: an m.text mentioning them,
// with their pill in front unless the text names them already. With no
// member (to == ""), it is an ordinary message of the room that highlights
// nobody (an SOS posted into a circle).
func ask(to id.UserID, md, kind string, data any) *event.Content {
	if to != "" && !strings.Contains(md, pill(to)) {
		md = pill(to) + ": " + md
	}
	return build(md, kind, data, event.MsgText, to, to != "")
}

// quietBody is a plain body in which no user ID but keep's can match a
// push rule: a word joiner follows the first character of every other
// localpart.
func quietBody(body string, keep id.UserID) string {
	if !strings.Contains(body, "@") {
		return body
	}
	var sb strings.Builder
	sb.Grow(len(body) + 3*strings.Count(body, "@"))
	for {
		i := strings.IndexByte(body, '@')
		if i < 0 {
			sb.WriteString(body)
			return sb.String()
		}
		sb.WriteString(body[:i+1])
		body = body[i+1:]
		if keep != "" && strings.HasPrefix("@"+body, string(keep)) && !idChar(body, len(keep)-1) {
			sb.WriteString(body[:len(keep)-1])
			body = body[len(keep)-1:]
			continue
		}
		if n := localpartLen(body); n > 0 {
			_, size := utf8.DecodeRuneInString(body)
			sb.WriteString(body[:size])
			body = body[size:]
			if !strings.HasPrefix(body, wordJoiner) { // broken already (an edit's fallback)
				sb.WriteString(wordJoiner)
			}
		}
	}
}

// localpartLen is the length of the localpart s starts with, when s starts
// with a user ID's localpart (letters, digits and ._=-/+) and its colon
// followed by more (0 otherwise).
func localpartLen(s string) int {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ':':
			if i == 0 || i+1 >= len(s) {
				return 0
			}
			return i
		case !wordByte(c) && strings.IndexByte("._=-/+", c) < 0:
			return 0
		}
	}
	return 0
}

// wordByte reports whether c is an ASCII letter or digit.
func wordByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// idChar reports whether s[i] continues a user ID (a server name's
// character), so that a user ID that merely starts with another is told
// from it.
func idChar(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	c := s[i]
	return wordByte(c) || c == '-' || c == '_' || c == '.' && i+1 < len(s) && wordByte(s[i+1])
}
