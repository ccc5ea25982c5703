package ledger

import "strings"

// Lang is a language a member reads and types in.
type Lang string

// The supported languages.
const (
	LangEN Lang = "en"
	LangRU Lang = "ru"
	// LangSR is Serbian, written in the Latin script (the script most
	// Serbian text online uses; Cyrillic names of it are accepted too).
	LangSR Lang = "sr"
)

// Langs lists the supported languages.
var Langs = []Lang{LangEN, LangRU, LangSR}

// ParseLang reads a language name as a member would type it ("ru", "RU",
// "русский", "english", "srpski", "српски"...). ok is false for anything else.
func ParseLang(s string) (l Lang, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "en", "eng", "english", "англ", "английский", "anglais":
		return LangEN, true
	case "ru", "rus", "russian", "рус", "русский", "ру":
		return LangRU, true
	case "sr", "srp", "serbian", "srpski", "српски", "срп", "сербский", "sr-latn":
		return LangSR, true
	}
	return "", false
}
