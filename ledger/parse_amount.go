package ledger

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxAmountBytes bounds the text ParseAmount reads; anything longer is
// refused as malformed.
const MaxAmountBytes = 64

// maxEchoRunes bounds how much of a member's text an error message echoes.
const maxEchoRunes = 64

// currencyWords maps currency words members type (lower case, "ё" folded to
// "е", any trailing "." removed) to a currency code. ISO codes and the
// symbols in Currencies are recognised without being listed here.
var currencyWords = map[string]Currency{
	// euro
	"euro": "EUR", "euros": "EUR", "евро": "EUR",
	// US dollar
	"dollar": "USD", "dollars": "USD", "usd$": "USD", "us$": "USD",
	"долл": "USD", "доллар": "USD", "доллара": "USD", "долларов": "USD",
	"дол": "USD", "баксов": "USD",
	// rouble
	"руб": "RUB", "рубль": "RUB", "рубля": "RUB", "рублей": "RUB",
	"р": "RUB", "rub": "RUB", "rubles": "RUB", "roubles": "RUB",
	// pound sterling
	"pound": "GBP", "pounds": "GBP", "фунт": "GBP", "фунта": "GBP", "фунтов": "GBP",
	// hryvnia
	"грн": "UAH", "гривна": "UAH", "гривны": "UAH", "гривен": "UAH", "гривень": "UAH",
	// lari, tenge, dram, lira, zloty, shekel, franc, yen, koruna, dinar
	"лари": "GEL", "тенге": "KZT", "драм": "AMD", "драмов": "AMD",
	"лир": "TRY", "лира": "TRY", "лиры": "TRY",
	"злотых": "PLN", "злотый": "PLN", "злотого": "PLN",
	"шекель": "ILS", "шекеля": "ILS", "шекелей": "ILS", "шек": "ILS",
	"франк": "CHF", "франка": "CHF", "франков": "CHF",
	"иен": "JPY", "иена": "JPY", "иены": "JPY", "yen": "JPY",
	"крон": "CZK", "динар": "RSD", "динара": "RSD", "динаров": "RSD",
	// help in kind: hours, and things or services counted
	"h": Hours, "hr": Hours, "hrs": Hours, "hour": Hours, "hours": Hours,
	"ч": Hours, "час": Hours, "часа": Hours, "часов": Hours,
	"item": Items, "items": Items, "thing": Items, "things": Items,
	"шт": Items, "штука": Items, "штуки": Items, "штук": Items,
}

// ParseAmount reads a sum of money as a member types it: "100", "12.50",
// "12,50", "100 EUR", "100eur", "EUR 100", "€100", "100 €", "$5", "₽500",
// "500 руб", "100 долларов"... Currency codes are case-insensitive and must
// be in Currencies; text without a currency is in def. The result is exact:
// the digits are read by hand into integer minor units, never through a float.
//
// It refuses, with an *Error of code EInvalid:
//
//	amount.malformed        [text]            not an amount, or over MaxAmountBytes
//	amount.unknown_currency [currency text]   a currency not in Currencies (or def unknown)
//	amount.negative         []                "-5"
//	amount.too_precise      [code, exponent]  "12.345 EUR", "1.5 JPY", "1,000"
//	amount.zero             []                "0", "0.00"
//	amount.too_large        [MaxMajorUnits]   over MaxMajorUnits major units
//	                        [Amount]          (in kind) over MaxHours or MaxItems
//	amount.hours_precision  []                "1.234 h": hours to the hundredth
//	amount.items_whole      []                "1.5 items": things are whole
//
// A comma is always a decimal separator: there are no thousands separators,
// so "1,000" has three decimals and is refused as too precise.
func ParseAmount(s string, def Currency) (Amount, error) {
	if len(s) > MaxAmountBytes || !utf8.ValidString(s) {
		return Amount{}, Errorf(EInvalid, "amount.malformed", Clip(s))
	}
	text := strings.TrimSpace(s)
	malformed := Errorf(EInvalid, "amount.malformed", text)
	neg := false
	if rest, ok := cutSign(text); ok {
		neg, text = true, strings.TrimSpace(rest)
	}
	prefix, number, suffix := splitNumber(text)
	if number == "" {
		return Amount{}, malformed
	}
	prefix = strings.TrimSpace(prefix)
	if rest, ok := cutSignSuffix(prefix); ok {
		if neg {
			return Amount{}, malformed
		}
		neg, prefix = true, strings.TrimSpace(rest)
	}
	suffix = strings.TrimSpace(suffix)
	if prefix != "" && suffix != "" {
		return Amount{}, malformed
	}
	whole, frac, ok := splitDecimal(number)
	if !ok {
		return Amount{}, malformed
	}
	info, err := resolveCurrency(prefix+suffix, def, malformed)
	if err != nil {
		return Amount{}, err
	}
	return amountOf(whole, frac, neg, info)
}

// cutSign removes a leading minus sign (ASCII or U+2212).
func cutSign(s string) (string, bool) {
	for _, m := range []string{"-", "−"} {
		if rest, ok := strings.CutPrefix(s, m); ok {
			return rest, true
		}
	}
	return s, false
}

// cutSignSuffix removes a trailing minus sign, as in "€-5".
func cutSignSuffix(s string) (string, bool) {
	for _, m := range []string{"-", "−"} {
		if rest, ok := strings.CutSuffix(s, m); ok {
			return rest, true
		}
	}
	return s, false
}

// splitNumber cuts s around its first run of ASCII digits and decimal
// separators. number is empty when s has no digit.
func splitNumber(s string) (prefix, number, suffix string) {
	start := strings.IndexFunc(s, func(r rune) bool { return r >= '0' && r <= '9' })
	if start < 0 {
		return s, "", ""
	}
	end := start
	for end < len(s) && (isDigit(s[end]) || s[end] == '.' || s[end] == ',') {
		end++
	}
	return s[:start], s[start:end], s[end:]
}

// splitDecimal splits "12.50" or "12,50" into "12" and "50". ok is false
// unless number is digits, optionally followed by one separator and digits.
func splitDecimal(number string) (whole, frac string, ok bool) {
	i := strings.IndexAny(number, ".,")
	if i < 0 {
		return number, "", allDigits(number)
	}
	whole, frac = number[:i], number[i+1:]
	return whole, frac, allDigits(whole) && allDigits(frac)
}

// resolveCurrency finds the currency named by text, or def if text is empty.
func resolveCurrency(text string, def Currency, malformed error) (CurrencyInfo, error) {
	if text == "" {
		if info, ok := Currencies[def]; ok {
			return info, nil
		}
		return CurrencyInfo{}, Errorf(EInvalid, "amount.unknown_currency", string(def))
	}
	word := strings.TrimSuffix(text, ".")
	if word == "" || strings.IndexFunc(word, notCurrencyRune) >= 0 {
		return CurrencyInfo{}, malformed
	}
	if info, ok := lookupCurrency(word); ok {
		return info, nil
	}
	return CurrencyInfo{}, Errorf(EInvalid, "amount.unknown_currency", text)
}

// notCurrencyRune reports whether r cannot be part of a currency word or symbol.
func notCurrencyRune(r rune) bool {
	return !unicode.IsLetter(r) && !unicode.Is(unicode.Sc, r)
}

// lookupCurrency matches an ISO code, a symbol or a currency word.
func lookupCurrency(word string) (CurrencyInfo, bool) {
	lower := foldYo(strings.ToLower(word))
	if len(lower) == 3 {
		if info, ok := Currencies[Currency(strings.ToUpper(lower))]; ok {
			return info, true
		}
	}
	for _, info := range Currencies {
		if info.Symbol != "" && strings.ToLower(info.Symbol) == lower {
			return info, true
		}
	}
	if code, ok := currencyWords[lower]; ok {
		info, ok := Currencies[code]
		return info, ok
	}
	return CurrencyInfo{}, false
}

// amountOf checks the digits of an amount against its currency and bounds.
func amountOf(whole, frac string, neg bool, info CurrencyInfo) (Amount, error) {
	whole = strings.TrimLeft(whole, "0")
	nonZero := whole != "" || strings.Trim(frac, "0") != ""
	if neg && nonZero {
		return Amount{}, Errorf(EInvalid, "amount.negative")
	}
	if len(frac) > info.Exponent {
		return Amount{}, tooPrecise(info)
	}
	if !nonZero {
		return Amount{}, Errorf(EInvalid, "amount.zero")
	}
	if len(whole) > 12 { // far beyond MaxMajorUnits, and safe from overflow below
		return Amount{}, tooLargeFor(info.Code)
	}
	frac += strings.Repeat("0", info.Exponent-len(frac))
	minor := int64(0)
	for _, d := range []byte(whole + frac) {
		minor = minor*10 + int64(d-'0')
	}
	if minor > MaxMinor(info.Code) {
		return Amount{}, tooLargeFor(info.Code)
	}
	return Amount{Minor: minor, Currency: info.Code}, nil
}

// MaxMinor returns the largest amount of currency c ParseAmount accepts, in
// minor units: MaxMajorUnits major units, MaxHours hours or MaxItems things.
func MaxMinor(c Currency) int64 {
	return maxMajor(c) * pow10(Amount{Currency: c}.Exponent())
}

// maxMajor is the bound of currency or unit c in whole units.
func maxMajor(c Currency) int64 {
	switch c {
	case Hours:
		return MaxHours
	case Items:
		return MaxItems
	}
	return MaxMajorUnits
}

// tooPrecise refuses an amount with more decimals than its currency has:
// hours are counted to the hundredth, things whole.
func tooPrecise(info CurrencyInfo) error {
	switch info.Code {
	case Hours:
		return Errorf(EInvalid, "amount.hours_precision")
	case Items:
		return Errorf(EInvalid, "amount.items_whole")
	}
	return Errorf(EInvalid, "amount.too_precise", string(info.Code), info.Exponent)
}

// tooLargeFor refuses an amount of c over its bound, naming the bound.
func tooLargeFor(c Currency) error {
	if c.IsMoney() {
		return Errorf(EInvalid, "amount.too_large", MaxMajorUnits)
	}
	return Errorf(EInvalid, "amount.too_large", Amount{MaxMinor(c), c})
}

// pow10 returns 10 to the power n, for small n.
func pow10(n int) int64 {
	p := int64(1)
	for i := 0; i < n; i++ {
		p *= 10
	}
	return p
}

// isDigit reports whether b is an ASCII digit.
func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// allDigits reports whether s is one or more ASCII digits.
func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// foldYo replaces the Russian "ё" with "е", as members use them interchangeably.
func foldYo(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "ё", "е"), "Ё", "Е")
}

// normWord lower-cases a word and folds "ё" into "е".
func normWord(s string) string {
	return foldYo(strings.ToLower(s))
}

// Clip shortens text echoed back in an error message to maxEchoRunes runes.
func Clip(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	n := 0
	for i := range s {
		if n == maxEchoRunes {
			return s[:i] + "…"
		}
		n++
	}
	return s
}
