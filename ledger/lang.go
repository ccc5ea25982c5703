package ledger

import "strings"

// Lang is a language a member reads and types in.
type Lang string

// The supported languages.
const (
	LangEN Lang = "en"
	LangRU Lang = "ru"
)

// Langs lists the supported languages.
var Langs = []Lang{LangEN, LangRU}

// ParseLang reads a language name as a member would type it ("ru", "RU",
// "русский", "english"...). ok is false for anything else.
func ParseLang(s string) (l Lang, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "en", "eng", "english", "англ", "английский", "anglais":
		return LangEN, true
	case "ru", "rus", "russian", "рус", "русский", "ру":
		return LangRU, true
	}
	return "", false
}
