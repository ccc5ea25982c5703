// Package locale renders what members read in their language: plural forms
// by the CLDR rules, amounts and numbers by the CLDR number formats (both
// through golang.org/x/text), and dates and times. The bot and the web use
// it alike; machine formats (the API's JSON, exports, command parsing) do
// not, and stay locale-neutral.
package locale

import (
	"golang.org/x/text/language"

	"github.com/exodus-matrix/exodus/ledger"
)

// serbianLatin is Serbian in the Latin script, the script Exodus writes it in.
var serbianLatin = language.MustParse("sr-Latn")

// tag is the CLDR language of a member's language.
func tag(l ledger.Lang) language.Tag {
	switch l {
	case ledger.LangRU:
		return language.Russian
	case ledger.LangSR:
		return serbianLatin
	}
	return language.English
}
