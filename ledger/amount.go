package ledger

import (
	"fmt"
	"strconv"
)

// Currency is the unit of an amount: an ISO 4217 currency code in upper
// case, such as "EUR", or a unit of help in kind (Hours, Items).
type Currency string

// The units of help in kind. Their codes have four letters, so no ISO
// currency code is ever one of them.
const (
	// Hours are hours of help ("2 h of childcare"), to the hundredth.
	Hours Currency = "HOUR"
	// Items count things and services ("a bed", "a lift to the
	// hospital"): what they are is the need's title.
	Items Currency = "ITEM"
)

// IsMoney reports whether c is a currency (not a unit of help in kind).
func (c Currency) IsMoney() bool { return c != Hours && c != Items }

// MaxThingRunes bounds the text of a thing or service asked for in kind
// (a need's title): "a lift to the hospital".
const MaxThingRunes = 120

// MaxHours and MaxItems bound amounts in kind, as MaxMajorUnits bounds
// money: more than a thousand hours or things at once is absurd.
const (
	MaxHours = 1000
	MaxItems = 1000
)

// CurrencyInfo describes a currency the ledger accepts.
type CurrencyInfo struct {
	Code     Currency
	Exponent int    // number of minor-unit digits: 2 for EUR (cents)
	Symbol   string // "€"; empty when the currency has no common symbol
}

// Currencies lists the currencies the ledger accepts, by code.
var Currencies = map[Currency]CurrencyInfo{
	"EUR": {"EUR", 2, "€"},
	"USD": {"USD", 2, "$"},
	"GBP": {"GBP", 2, "£"},
	"RUB": {"RUB", 2, "₽"},
	"UAH": {"UAH", 2, "₴"},
	"ILS": {"ILS", 2, "₪"},
	"RSD": {"RSD", 2, ""},
	"CHF": {"CHF", 2, ""},
	"PLN": {"PLN", 2, "zł"},
	"GEL": {"GEL", 2, "₾"},
	"KZT": {"KZT", 2, "₸"},
	"TRY": {"TRY", 2, "₺"},
	"AMD": {"AMD", 2, "֏"},
	"CZK": {"CZK", 2, "Kč"},
	"JPY": {"JPY", 0, "¥"},
	Hours: {Hours, 2, ""},
	Items: {Items, 0, ""},
}

// MaxMajorUnits bounds every amount: anything above this many major units
// (ten million euros, say) is refused as absurd.
const MaxMajorUnits = 10_000_000

// Amount is an exact sum of money, or of help in kind: an integer count of
// minor units (cents, hundredths of an hour, things) of one currency or
// unit. Amounts are never floats.
type Amount struct {
	Minor    int64
	Currency Currency
}

// Exponent returns the number of minor-unit digits of the amount's currency.
func (a Amount) Exponent() int {
	if c, ok := Currencies[a.Currency]; ok {
		return c.Exponent
	}
	return 2
}

// String renders the amount as "12.50 EUR" (no trailing ".00" for whole amounts).
func (a Amount) String() string {
	return a.Number() + " " + string(a.Currency)
}

// Number renders the numeric part only: "12.50", or "100" for whole amounts.
func (a Amount) Number() string {
	exp := a.Exponent()
	if exp == 0 {
		return strconv.FormatInt(a.Minor, 10)
	}
	div := int64(1)
	for i := 0; i < exp; i++ {
		div *= 10
	}
	sign := ""
	m := a.Minor
	if m < 0 {
		sign, m = "-", -m
	}
	whole, frac := m/div, m%div
	if frac == 0 {
		return sign + strconv.FormatInt(whole, 10)
	}
	return fmt.Sprintf("%s%d.%0*d", sign, whole, exp, frac)
}

// IsMoney reports whether the amount is money, not help in kind: the kassa,
// clearing, pledges and initiatives take money only.
func (a Amount) IsMoney() bool { return a.Currency.IsMoney() }

// One is one whole unit of c: one euro, one hour, one thing.
func One(c Currency) Amount { return Amount{pow10(Amount{Currency: c}.Exponent()), c} }

// IsZero reports whether the amount is zero.
func (a Amount) IsZero() bool { return a.Minor == 0 }

// Minus is a less b, in a's currency (b is taken to be in the same).
func (a Amount) Minus(b Amount) Amount { return Amount{a.Minor - b.Minor, a.Currency} }
