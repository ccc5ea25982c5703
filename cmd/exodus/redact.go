package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/url"
	"regexp"
)

// No secret reaches the log at any level. At debug, mautrix's HTTP client
// logs every request it makes with its URL and its JSON body (req_body):
// the bot's messages to members' direct chats, which carry one-time login
// links and new API tokens. Rather than trust every logger in the process
// (ours, mautrix's, the SQL layer's, future ones), the one writer all of
// them write to blanks what looks like a secret before a line is written.

// redacted stands for a secret taken out of a log line.
const redacted = "[REDACTED]"

// secretShapes are the secrets recognised by their shape, with what
// replaces each match. The patterns run on zerolog's JSON line (before the
// pretty printer, if any) and never take a quote or a backslash, so the
// line stays valid JSON.
var secretShapes = []struct {
	re   *regexp.Regexp
	repl string
}{
	// The ledger's secrets: API tokens, login links, web sessions.
	{regexp.MustCompile(`(ex[tls]_)[A-Za-z0-9_-]{16,}`), "${1}" + redacted},
	// A login link's secret, whatever it looks like: /login?t=... or
	// /login/..., also percent-encoded.
	{regexp.MustCompile(`(?i)(/login(?:\?|%3F)t(?:=|%3D)|/login/)[^\s"'&<>\\]+`), "${1}" + redacted},
	// Tokens in a query string or key=value, a JSON field (escaped too),
	// a quoted YAML value: not after "key: " unquoted, which is how the
	// operator's one-line errors name a config key ("bot.password: the
	// homeserver refuses ...").
	{regexp.MustCompile(`(?i)((?:access_token|as_token|hs_token|pickle_key|password)(?:\\?"\s*:\s*\\?"|\s*=\s*\\?"?|\s*:\s*\\?"))[^\s"'\\,;&}]+`), "${1}" + redacted},
	// An Authorization header, to the end of the JSON string holding its
	// value (over-redacting a header map printed with %v in one string).
	{regexp.MustCompile(`(?i)(authorization\\?"?\s*[:=]\s*\[?\s*\\?"?)[^"\\\n]+`), "${1}" + redacted},
	// Credentials after an auth scheme anywhere.
	{regexp.MustCompile(`(?i)(bearer\s+)[A-Za-z0-9._~+/=-]{8,}`), "${1}" + redacted},
	{regexp.MustCompile(`(Basic\s+)[A-Za-z0-9+/=]{8,}`), "${1}" + redacted},
	// The bot's recovery key (twelve groups of base58 characters, four
	// each, separated by spaces; a word before it may go too).
	{regexp.MustCompile(`\b(?:[1-9A-HJ-NP-Za-km-z]{4} ){11,12}[1-9A-HJ-NP-Za-km-z]{1,4}\b`), redacted},
	// The password in a database URI: postgres://user:password@host.
	{regexp.MustCompile(`(://[^:/\s"'@\\]+:)[^@\s"'/\\?#]+@`), "${1}" + redacted + "@"},
}

// redactor is the log's writer: it takes the secrets out of each line
// zerolog writes (one event a write) and passes the line on.
type redactor struct {
	next io.Writer
	// known are the configured secrets (the appservice tokens, the pickle key), as they
	// are and as JSON writes them.
	known [][]byte
}

// newRedactor returns a writer to next that blanks the secrets of known
// shapes and the given ones (empty and very short ones are ignored).
func newRedactor(next io.Writer, secrets ...string) *redactor {
	r := &redactor{next: next}
	for _, s := range secrets {
		if len(s) < 8 {
			continue
		}
		r.known = append(r.known, []byte(s))
		for _, html := range []bool{false, true} {
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(html)
			_ = enc.Encode(s)
			if q := bytes.TrimSpace(buf.Bytes()); len(q) > 2 && string(q[1:len(q)-1]) != s {
				r.known = append(r.known, q[1:len(q)-1])
			}
		}
	}
	return r
}

// Write writes p with its secrets blanked; it reports all of p written.
func (r *redactor) Write(p []byte) (int, error) {
	if _, err := r.next.Write(r.redact(p)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// redact returns a line with its secrets blanked.
func (r *redactor) redact(p []byte) []byte {
	out := p
	for _, k := range r.known {
		out = bytes.ReplaceAll(out, k, []byte(redacted))
	}
	for _, s := range secretShapes {
		out = s.re.ReplaceAll(out, []byte(s.repl))
	}
	return out
}

// dbPassword is the password in a database URI, if it has one.
func dbPassword(uri string) string {
	u, err := url.Parse(uri)
	if err != nil || u.User == nil {
		return ""
	}
	p, _ := u.User.Password()
	return p
}

// secretsRedacted wraps w (standard error, for the one-line errors main
// prints) so that the config's secrets and any URI password are blanked,
// as in the log.
func secretsRedacted(w io.Writer, cfg *Config) io.Writer {
	return newRedactor(w, cfg.AppService.ASToken, cfg.AppService.HSToken, cfg.Encryption.PickleKey,
		cfg.Bot.Password, cfg.Bot.AccessToken, dbPassword(cfg.Database.URI))
}
