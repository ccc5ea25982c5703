package web

import (
	"fmt"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/locale"
)

// catalogues hold the words of the pages and of the web's own errors.
var catalogues = map[ledger.Lang]map[string]string{ledger.LangEN: wordsEN, ledger.LangRU: wordsRU}

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
	return fmt.Sprintf(locale.Plurals(l, tr(l, key), args), args...)
}
