package locale

import (
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/currency"
	"golang.org/x/text/message"
	"golang.org/x/text/number"

	"github.com/exodus-matrix/exodus/ledger"
)

// Number is a count shown to a member: grouped by the CLDR rules of their
// language ("1,234"; "1 234" with a no-break space).
type Number int64

// Int renders an integer with the digit grouping of language l. Below
// 1,000 no language groups digits, and a non-negative one shows as its
// ASCII digits in every language the bot speaks (TestIntBelowAThousand):
// those are written without building a printer, which the answers to most
// commands would otherwise pay for each number they show.
func Int(l ledger.Lang, n int64) string {
	if n >= 0 && n < 1000 {
		return strconv.FormatInt(n, 10)
	}
	return message.NewPrinter(tag(lang(l))).Sprint(number.Decimal(n))
}

// decimalSep is the CLDR decimal separator of each language, read once
// from x/text's number format ("." in English, "," in Russian).
var decimalSep = sync.OnceValue(func() map[ledger.Lang]string {
	out := map[ledger.Lang]string{}
	for l := range forms {
		// A constant, not an amount: only its separator is kept.
		s := message.NewPrinter(tag(l)).Sprint(number.Decimal(1.5, number.Scale(1)))
		out[l] = strings.TrimSuffix(strings.TrimPrefix(s, "1"), "5")
	}
	return out
})

// symbol is the CLDR symbol of a currency in language l ("€"; "₽" in
// Russian but "RUB" in English), or its code when CLDR has none.
func symbol(l ledger.Lang, c ledger.Currency) string {
	u, err := currency.ParseISO(string(c))
	if err != nil {
		return string(c)
	}
	return message.NewPrinter(tag(l)).Sprint(currency.Symbol(u))
}

// Amount renders an amount in language l by the CLDR currency formats:
// "€1,234.50" in English, "1 234,50 €" in Russian (grouped and spaced with
// no-break spaces). Whole amounts show no decimals ("€100"). The amount
// stays an integer throughout: its whole part is grouped by x/text, its
// minor units follow the language's decimal separator.
func Amount(l ledger.Lang, a ledger.Amount) string {
	l = lang(l)
	if a.Currency == "" {
		return "—"
	}
	neg, m := a.Minor < 0, a.Minor
	if neg {
		m = -m
	}
	num := amountNumber(l, m, a.Exponent())
	if !a.IsMoney() {
		if exp := a.Exponent(); exp > 0 && m%10 == 0 {
			num = amountNumber(l, m/10, exp-1) // hours: "1.5 h", not "1.50 h"
		}
		if neg {
			return "-" + inKind(l, a.Currency, m, num)
		}
		return inKind(l, a.Currency, m, num)
	}
	sym := symbol(l, a.Currency)
	var s string
	if l == ledger.LangRU {
		// CLDR ru: "#,##0.00 ¤", the symbol after a no-break space.
		s = num + "\u00a0" + sym
	} else {
		// CLDR en: "¤#,##0.00", a letter symbol spaced off the digits
		// (currencySpacing): "RSD 1,234".
		s = sym + num
		if r, _ := utf8.DecodeLastRuneInString(sym); unicode.IsLetter(r) {
			s = sym + "\u00a0" + num
		}
	}
	if neg {
		return "-" + s
	}
	return s
}

// inKind renders num (m minor units) of a unit of help in kind in language
// l: hours abbreviated ("4 h", "1,5 ч"), things counted with the plural
// form of their count ("2 items", "5 штук").
func inKind(l ledger.Lang, c ledger.Currency, m int64, num string) string {
	w := unitWords[lang(l)]
	if c == ledger.Hours {
		return num + "\u00a0" + w[0]
	}
	return num + "\u00a0" + Select(l, m, w[1:]...)
}

// Unit names currency or unit c in language l, as a form's label says what
// to type in: the code of a currency ("EUR"), the word of a unit in kind
// ("h", "items"; "ч", "штук").
func Unit(l ledger.Lang, c ledger.Currency) string {
	switch c {
	case ledger.Hours:
		return unitWords[lang(l)][0]
	case ledger.Items:
		w := unitWords[lang(l)]
		return w[len(w)-1]
	}
	return string(c)
}

// UnitName names currency or unit c in language l as a heading does: the
// code of a currency ("EUR"), else "hours", "items" ("часы", "штуки").
func UnitName(l ledger.Lang, c ledger.Currency) string {
	return unitNames(l, c, 0)
}

// UnitIn names currency or unit c in language l after "in" ("в"): the
// code of a currency, else "hours", "items" ("часах", "штуках").
func UnitIn(l ledger.Lang, c ledger.Currency) string {
	return unitNames(l, c, 1)
}

// unitNames is form i (0 nominative, 1 after "in") of the name of c.
func unitNames(l ledger.Lang, c ledger.Currency, i int) string {
	names := map[ledger.Lang]map[ledger.Currency][2]string{
		ledger.LangEN: {ledger.Hours: {"hours", "hours"}, ledger.Items: {"items", "items"}},
		ledger.LangRU: {ledger.Hours: {"часы", "часах"}, ledger.Items: {"штуки", "штуках"}},
	}
	if n, ok := names[lang(l)][c]; ok {
		return n[i]
	}
	return string(c)
}

// unitWords are the words of the units in kind, by language: the hour's
// abbreviation, then the plural forms (Forms) of "item".
var unitWords = map[ledger.Lang][]string{
	ledger.LangEN: {"h", "item", "items"},
	ledger.LangRU: {"ч", "штука", "штуки", "штук"},
}

// amountNumber renders m minor units of exp digits: the grouped whole part,
// and the fraction unless it is zero.
func amountNumber(l ledger.Lang, m int64, exp int) string {
	div := int64(1)
	for range exp {
		div *= 10
	}
	whole, frac := m/div, m%div
	s := Int(l, whole)
	if frac == 0 || exp == 0 {
		return s
	}
	f := []byte(strings.Repeat("0", exp))
	for i := exp - 1; i >= 0; i-- {
		f[i] = byte('0' + frac%10)
		frac /= 10
	}
	return s + decimalSep()[l] + string(f)
}

// Amounts renders amounts in several currencies: "€100 + $5".
func Amounts(l ledger.Lang, as []ledger.Amount) string {
	if len(as) == 0 {
		return "—"
	}
	parts := make([]string, len(as))
	for i, a := range as {
		parts[i] = Amount(l, a)
	}
	return strings.Join(parts, " + ")
}
