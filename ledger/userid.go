package ledger

import (
	"net/netip"
	"strconv"
	"strings"
)

// matrixToPrefixes are the forms of a matrix.to link to a user, in lower case.
var matrixToPrefixes = []string{"https://matrix.to/#/", "http://matrix.to/#/", "matrix.to/#/"}

// ParseUserID validates a Matrix user ID typed by a member: "@alice:example.org",
// "@alice:example.org:8448", "@alice:127.0.0.1:8448", "@alice:[::1]:8448". It
// also reads a link to a user: "https://matrix.to/#/@alice:example.org" (the
// "@" and ":" may be percent-encoded, and a "?via=..." query is dropped),
// "matrix:u/alice:example.org", and either wrapped in "<...>".
//
// The localpart follows the historical grammar of the Matrix specification
// (one or more printable ASCII characters other than ":"; upper case is
// allowed); the server name is a host name of letters, digits, "." and "-",
// an IPv4 address, or an IPv6 address in brackets, optionally followed by
// ":port" (1-65535). Neither part is changed.
//
// It refuses, with an *Error of code EInvalid:
//
//	user.malformed [text]            not a user ID
//	user.too_long  [MaxUserIDBytes]  longer than MaxUserIDBytes bytes
func ParseUserID(s string) (UserID, error) {
	text := strings.TrimSpace(s)
	malformed := Errorf(EInvalid, "user.malformed", Clip(text))
	id, ok := unlinkUserID(text)
	if !ok || !strings.HasPrefix(id, "@") {
		return "", malformed
	}
	if len(id) > MaxUserIDBytes {
		return "", Errorf(EInvalid, "user.too_long", MaxUserIDBytes)
	}
	colon := strings.IndexByte(id, ':')
	if colon < 2 || !validLocalpart(id[1:colon]) || !validServerName(id[colon+1:]) {
		return "", malformed
	}
	return UserID(id), nil
}

// unlinkUserID returns the user ID inside a matrix.to or matrix: link, or
// text itself if it is not a link. ok is false for a malformed link.
func unlinkUserID(text string) (id string, ok bool) {
	if len(text) >= 2 && text[0] == '<' && text[len(text)-1] == '>' {
		text = text[1 : len(text)-1]
	}
	lower := strings.ToLower(text)
	for _, p := range matrixToPrefixes {
		if strings.HasPrefix(lower, p) {
			return percentDecode(cutQuery(text[len(p):]))
		}
	}
	if strings.HasPrefix(lower, "matrix:u/") {
		id, ok := percentDecode(cutQuery(text[len("matrix:u/"):]))
		return "@" + id, ok
	}
	return text, true
}

// cutQuery drops a "?query" from a link.
func cutQuery(s string) string {
	before, _, _ := strings.Cut(s, "?")
	return before
}

// percentDecode decodes %XX escapes. ok is false for a broken escape.
func percentDecode(s string) (string, bool) {
	if !strings.Contains(s, "%") {
		return s, true
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		if i+2 >= len(s) {
			return "", false
		}
		v, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
		if err != nil {
			return "", false
		}
		b.WriteByte(byte(v))
		i += 2
	}
	return b.String(), true
}

// validLocalpart reports whether s is a localpart under the historical
// grammar: one or more of U+0021..U+0039 and U+003B..U+007E.
func validLocalpart(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7E || s[i] == ':' {
			return false
		}
	}
	return true
}

// validServerName reports whether s is host[:port], where host is a DNS
// name, an IPv4 address or a bracketed IPv6 address.
func validServerName(s string) bool {
	var host, port string
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 || !validIPv6(s[1:end]) {
			return false
		}
		host, port = s[:end+1], s[end+1:]
	} else {
		i := strings.IndexByte(s, ':')
		if i < 0 {
			i = len(s)
		}
		host, port = s[:i], s[i:]
		if !validHostName(host) {
			return false
		}
	}
	if port == "" {
		return host != ""
	}
	return strings.HasPrefix(port, ":") && validPort(port[1:])
}

// validIPv6 reports whether s is an IPv6 address literal without a zone.
func validIPv6(s string) bool {
	if len(s) < 2 || len(s) > 45 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isDigit(c) && !(c >= 'a' && c <= 'f') && !(c >= 'A' && c <= 'F') && c != ':' && c != '.' {
			return false
		}
	}
	a, err := netip.ParseAddr(s)
	return err == nil && a.Is6()
}

// validHostName reports whether s is a DNS name of letters, digits, "." and
// "-" with no empty label, or, if it is all digits and dots, an IPv4 address.
func validHostName(s string) bool {
	if s == "" || len(s) > 255 {
		return false
	}
	numeric := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isDigit(c), c == '.':
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '-':
			numeric = false
		default:
			return false
		}
	}
	if numeric {
		a, err := netip.ParseAddr(s)
		return err == nil && a.Is4()
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" {
			return false
		}
	}
	return true
}

// validPort reports whether s is a port number, 1 to 65535, of 1 to 5 digits.
func validPort(s string) bool {
	if len(s) > 5 || !allDigits(s) {
		return false
	}
	n, err := strconv.Atoi(s)
	return err == nil && n >= 1 && n <= 65535
}
