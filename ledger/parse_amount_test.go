package ledger_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
)

func TestParseAmountValid(t *testing.T) {
	cases := []struct {
		in       string
		def      ledger.Currency
		minor    int64
		currency ledger.Currency
	}{
		{"100", "EUR", 10000, "EUR"},
		{"100", "JPY", 100, "JPY"},
		{"100 EUR", "USD", 10000, "EUR"},
		{"100eur", "USD", 10000, "EUR"},
		{"100 eUr", "USD", 10000, "EUR"},
		{"EUR 100", "USD", 10000, "EUR"},
		{"eur100", "USD", 10000, "EUR"},
		{"€100", "USD", 10000, "EUR"},
		{"100€", "USD", 10000, "EUR"},
		{"100 €", "USD", 10000, "EUR"},
		{"€ 100", "USD", 10000, "EUR"},
		{"$5", "EUR", 500, "USD"},
		{"5$", "EUR", 500, "USD"},
		{"12.50", "EUR", 1250, "EUR"},
		{"12,50", "EUR", 1250, "EUR"},
		{"12.5", "EUR", 1250, "EUR"},
		{"12,5 €", "USD", 1250, "EUR"},
		{"0.01", "EUR", 1, "EUR"},
		{"0,5", "EUR", 50, "EUR"},
		{"007", "EUR", 700, "EUR"},
		{"₽500", "EUR", 50000, "RUB"},
		{"500₽", "EUR", 50000, "RUB"},
		{"500 руб", "EUR", 50000, "RUB"},
		{"500 руб.", "EUR", 50000, "RUB"},
		{"500 РУБ", "EUR", 50000, "RUB"},
		{"500 рублей", "EUR", 50000, "RUB"},
		{"1 рубль", "EUR", 100, "RUB"},
		{"500р", "EUR", 50000, "RUB"},
		{"500 евро", "RUB", 50000, "EUR"},
		{"100 долларов", "RUB", 10000, "USD"},
		{"100 долл.", "RUB", 10000, "USD"},
		{"100 dollars", "RUB", 10000, "USD"},
		{"100 Euro", "RUB", 10000, "EUR"},
		{"100 euros", "RUB", 10000, "EUR"},
		{"£20", "EUR", 2000, "GBP"},
		{"20 gbp", "EUR", 2000, "GBP"},
		{"1000 грн", "EUR", 100000, "UAH"},
		{"50 zł", "EUR", 5000, "PLN"},
		{"50 ZŁ", "EUR", 5000, "PLN"},
		{"50 Kč", "EUR", 5000, "CZK"},
		{"¥1000", "EUR", 1000, "JPY"},
		{"1000 jpy", "EUR", 1000, "JPY"},
		{"  42  ", "EUR", 4200, "EUR"},
		{"\u00a042\u00a0€", "USD", 4200, "EUR"},
		{"100\u202f€", "USD", 10000, "EUR"},
		{"10000000", "EUR", 1_000_000_000, "EUR"},
		{"10000000.00", "EUR", 1_000_000_000, "EUR"},
		{"10000000 JPY", "EUR", 10_000_000, "JPY"},
		{"9999999.99", "EUR", 999_999_999, "EUR"},
		// help in kind: hours to the hundredth, things counted
		{"4 h", "EUR", 400, ledger.Hours},
		{"4h", "EUR", 400, ledger.Hours},
		{"4 ч", "RUB", 400, ledger.Hours},
		{"4 ч.", "RUB", 400, ledger.Hours},
		{"2 hours", "EUR", 200, ledger.Hours},
		{"1 hour", "EUR", 100, ledger.Hours},
		{"1.5 h", "EUR", 150, ledger.Hours},
		{"1,5 часа", "RUB", 150, ledger.Hours},
		{"5 часов", "RUB", 500, ledger.Hours},
		{"4 HOUR", "EUR", 400, ledger.Hours},
		{"1000 h", "EUR", 100_000, ledger.Hours},
		{"2 items", "EUR", 2, ledger.Items},
		{"3 шт.", "RUB", 3, ledger.Items},
		{"1 ITEM", "EUR", 1, ledger.Items},
		{"2", ledger.Hours, 200, ledger.Hours},
	}
	for _, c := range cases {
		got, err := ledger.ParseAmount(c.in, c.def)
		if err != nil {
			t.Errorf("ParseAmount(%q, %s): %v", c.in, c.def, err)
			continue
		}
		want := ledger.Amount{Minor: c.minor, Currency: c.currency}
		if got != want {
			t.Errorf("ParseAmount(%q, %s) = %+v, want %+v", c.in, c.def, got, want)
		}
	}
}

func TestParseAmountInvalid(t *testing.T) {
	long := strings.Repeat("1", 65)
	cases := []struct {
		in   string
		def  ledger.Currency
		key  string
		args []any
	}{
		{"", "EUR", "amount.malformed", []any{""}},
		{"   ", "EUR", "amount.malformed", []any{""}},
		{"abc", "EUR", "amount.malformed", []any{"abc"}},
		{"EUR", "EUR", "amount.malformed", []any{"EUR"}},
		{"€", "EUR", "amount.malformed", []any{"€"}},
		{"12.", "EUR", "amount.malformed", []any{"12."}},
		{".5", "EUR", "amount.malformed", []any{".5"}},
		{"1.2.3", "EUR", "amount.malformed", []any{"1.2.3"}},
		{"1,2,3", "EUR", "amount.malformed", []any{"1,2,3"}},
		{"1 000", "EUR", "amount.malformed", []any{"1 000"}},
		{"1e5", "EUR", "amount.malformed", []any{"1e5"}},
		{"0x10", "EUR", "amount.malformed", []any{"0x10"}},
		{"EUR 5 EUR", "EUR", "amount.malformed", []any{"EUR 5 EUR"}},
		{"5 EUR 5", "EUR", "amount.malformed", []any{"5 EUR 5"}},
		{"+5", "EUR", "amount.malformed", []any{"+5"}},
		{"5-", "EUR", "amount.malformed", []any{"5-"}},
		{"--5", "EUR", "amount.malformed", []any{"--5"}},
		{"5 euro please", "EUR", "amount.malformed", []any{"5 euro please"}},
		{"١٠٠", "EUR", "amount.malformed", []any{"١٠٠"}},
		{"\xff5", "EUR", "amount.malformed", []any{"\ufffd5"}},
		{long, "EUR", "amount.malformed", []any{strings.Repeat("1", 64) + "…"}},
		{"100 XYZ", "EUR", "amount.unknown_currency", []any{"XYZ"}},
		{"100 bitcoin", "EUR", "amount.unknown_currency", []any{"bitcoin"}},
		{"100 юаней", "EUR", "amount.unknown_currency", []any{"юаней"}},
		{"100", "", "amount.unknown_currency", []any{""}},
		{"100", "XYZ", "amount.unknown_currency", []any{"XYZ"}},
		{"-5", "EUR", "amount.negative", nil},
		{"−5", "EUR", "amount.negative", nil},
		{"- 5 EUR", "EUR", "amount.negative", nil},
		{"€-5", "EUR", "amount.negative", nil},
		{"-€5", "EUR", "amount.negative", nil},
		{"-0.5", "EUR", "amount.negative", nil},
		{"12.345 EUR", "EUR", "amount.too_precise", []any{"EUR", 2}},
		{"12.345", "USD", "amount.too_precise", []any{"USD", 2}},
		{"1.5 JPY", "EUR", "amount.too_precise", []any{"JPY", 0}},
		{"1.0", "JPY", "amount.too_precise", []any{"JPY", 0}},
		{"1,000", "EUR", "amount.too_precise", []any{"EUR", 2}},
		{"0", "EUR", "amount.zero", nil},
		{"0.00 EUR", "EUR", "amount.zero", nil},
		{"-0", "EUR", "amount.zero", nil},
		{"000,0", "EUR", "amount.zero", nil},
		{"10000000.01", "EUR", "amount.too_large", []any{ledger.MaxMajorUnits}},
		{"10000001 JPY", "EUR", "amount.too_large", []any{ledger.MaxMajorUnits}},
		{"99999999999999999999999", "EUR", "amount.too_large", []any{ledger.MaxMajorUnits}},
		{"9223372036854775807", "EUR", "amount.too_large", []any{ledger.MaxMajorUnits}},
		{"1001 h", "EUR", "amount.too_large", []any{ledger.Amount{Minor: 100_000, Currency: ledger.Hours}}},
		{"99999999999999 ч", "EUR", "amount.too_large", []any{ledger.Amount{Minor: 100_000, Currency: ledger.Hours}}},
		{"1000.01 h", "EUR", "amount.too_large", []any{ledger.Amount{Minor: 100_000, Currency: ledger.Hours}}},
		{"1001 items", "EUR", "amount.too_large", []any{ledger.Amount{Minor: 1000, Currency: ledger.Items}}},
		{"1.234 h", "EUR", "amount.hours_precision", nil},
		{"1.5 items", "EUR", "amount.items_whole", nil},
		{"0 h", "EUR", "amount.zero", nil},
		{"-2 h", "EUR", "amount.negative", nil},
	}
	for _, c := range cases {
		a, err := ledger.ParseAmount(c.in, c.def)
		e := ledger.AsError(err)
		if e == nil {
			t.Errorf("ParseAmount(%q, %s) = %+v, %v; want error %s", c.in, c.def, a, err, c.key)
			continue
		}
		if e.Code != ledger.EInvalid || e.Key != c.key || fmt.Sprint(e.Args) != fmt.Sprint(c.args) {
			t.Errorf("ParseAmount(%q, %s) error = %s %s %v; want %s %v",
				c.in, c.def, e.Code, e.Key, e.Args, c.key, c.args)
		}
	}
}

func TestParseAmountRoundTrip(t *testing.T) {
	for code, info := range ledger.Currencies {
		for _, minor := range []int64{1, 5, 10, 99, 100, 1234, 100000, ledger.MaxMinor(code)} {
			if minor > ledger.MaxMinor(code) {
				continue // beyond the bound of a unit in kind
			}
			a := ledger.Amount{Minor: minor, Currency: code}
			got, err := ledger.ParseAmount(a.String(), "EUR")
			if err != nil || got != a {
				t.Errorf("%s (exp %d): ParseAmount(%q) = %+v, %v", code, info.Exponent, a.String(), got, err)
			}
		}
	}
}

func TestMaxMinor(t *testing.T) {
	if got := ledger.MaxMinor("EUR"); got != 1_000_000_000 {
		t.Errorf("MaxMinor(EUR) = %d", got)
	}
	if got := ledger.MaxMinor("JPY"); got != 10_000_000 {
		t.Errorf("MaxMinor(JPY) = %d", got)
	}
}
