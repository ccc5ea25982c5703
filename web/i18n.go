package web

import (
	"fmt"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/locale"
)

// catalogues hold the words of the pages and of the web's own errors.
var catalogues = map[ledger.Lang]map[string]string{ledger.LangEN: wordsEN, ledger.LangRU: wordsRU, ledger.LangSR: wordsSR}

// lookup returns the message of key in a language, if it has one.
func lookup(l ledger.Lang, key string) (string, bool) {
	m, ok := catalogues[l][key]
	return m, ok
}

// tr returns the message of key in a language, else in English, else key.
func tr(l ledger.Lang, key string) string {
	if m, ok := lookup(l, key); ok {
		return m
	}
	if m, ok := lookup(ledger.LangEN, key); ok {
		return m
	}
	return key
}

// trf is tr with the placeholders filled.
func trf(l ledger.Lang, key string, args ...any) string {
	if len(args) == 0 {
		return tr(l, key)
	}
	shown := make([]any, len(args))
	for i, a := range args {
		shown[i] = a
		if n, ok := locale.Count(a); ok {
			shown[i] = count{l: l, n: n}
		}
	}
	return fmt.Sprintf(locale.Plurals(l, tr(l, key), args), shown...)
}

// count is an integer argument of a message: shown with the digit
// grouping of the member's language ("1,234"; "1 234"), as the chat
// shows counts.
type count struct {
	l ledger.Lang
	n int64
}

// Format writes the count grouped for %v and %d, else as a plain integer.
func (c count) Format(f fmt.State, verb rune) {
	if verb == 'v' || verb == 'd' {
		fmt.Fprint(f, locale.Int(c.l, c.n))
		return
	}
	fmt.Fprintf(f, fmt.FormatString(f, verb), c.n)
}

// num renders a count (a number of rows, members...) on a page with the
// digit grouping of language l.
func num(l ledger.Lang, n int) string {
	return locale.Int(l, int64(n))
}
