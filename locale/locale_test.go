package locale

import (
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

func TestPluralForms(t *testing.T) {
	en := []string{"member", "members"}
	ru := []string{"участник", "участника", "участников"}
	cases := []struct {
		n      int64
		en, ru string
	}{
		{0, "members", "участников"},
		{1, "member", "участник"},
		{2, "members", "участника"},
		{5, "members", "участников"},
		{11, "members", "участников"},
		{21, "members", "участник"},
		{22, "members", "участника"},
		{25, "members", "участников"},
		{101, "members", "участник"},
		{111, "members", "участников"},
		{-2, "members", "участника"},
	}
	for _, c := range cases {
		if got := Select(ledger.LangEN, c.n, en...); got != c.en {
			t.Errorf("EN %d: %q, want %q", c.n, got, c.en)
		}
		if got := Select(ledger.LangRU, c.n, ru...); got != c.ru {
			t.Errorf("RU %d: %q, want %q", c.n, got, c.ru)
		}
	}
}

func TestPluralsInTemplate(t *testing.T) {
	cases := []struct {
		l    ledger.Lang
		tmpl string
		args []any
		want string
	}{
		{ledger.LangEN, "%[1]v {1:member|members}", []any{1}, "%[1]v member"},
		{ledger.LangEN, "%[2]v {2:step|steps} to {1:x|y}", []any{"a", 3}, "%[2]v steps to %!(NOCOUNT a)"},
		{ledger.LangRU, "%[1]v {1:участник|участника|участников}", []any{21}, "%[1]v участник"},
		{ledger.LangRU, "%[1]v {1:участник|участника|участников}", []any{Number(1234)}, "%[1]v участника"},
		{ledger.LangRU, "{not a selector} {9:x}", []any{1}, "{not a selector} %!(NOARG 9)"},
	}
	for _, c := range cases {
		if got := Plurals(c.l, c.tmpl, c.args); got != c.want {
			t.Errorf("%s %q %v: %q, want %q", c.l, c.tmpl, c.args, got, c.want)
		}
	}
}

func TestAmount(t *testing.T) {
	cases := []struct {
		a      ledger.Amount
		en, ru string
	}{
		{ledger.Amount{Minor: 123450, Currency: "EUR"}, "€1,234.50", "1\u00a0234,50\u00a0€"},
		{ledger.Amount{Minor: 10000, Currency: "EUR"}, "€100", "100\u00a0€"},
		{ledger.Amount{Minor: 5, Currency: "USD"}, "$0.05", "0,05\u00a0$"},
		{ledger.Amount{Minor: -250, Currency: "EUR"}, "-€2.50", "-2,50\u00a0€"},
		{ledger.Amount{Minor: 123456700, Currency: "RUB"}, "RUB\u00a01,234,567", "1\u00a0234\u00a0567\u00a0₽"},
		{ledger.Amount{Minor: 1500, Currency: "JPY"}, "¥1,500", "1\u00a0500\u00a0¥"},
		{ledger.Amount{}, "—", "—"},
		{ledger.Amount{Minor: 400, Currency: ledger.Hours}, "4\u00a0h", "4\u00a0ч"},
		{ledger.Amount{Minor: 150, Currency: ledger.Hours}, "1.5\u00a0h", "1,5\u00a0ч"},
		{ledger.Amount{Minor: 100000, Currency: ledger.Hours}, "1,000\u00a0h", "1\u00a0000\u00a0ч"},
		{ledger.Amount{Minor: 1, Currency: ledger.Items}, "1\u00a0item", "1\u00a0штука"},
		{ledger.Amount{Minor: 3, Currency: ledger.Items}, "3\u00a0items", "3\u00a0штуки"},
		{ledger.Amount{Minor: 5, Currency: ledger.Items}, "5\u00a0items", "5\u00a0штук"},
	}
	for _, c := range cases {
		if got := Amount(ledger.LangEN, c.a); got != c.en {
			t.Errorf("EN %v: %q, want %q", c.a, got, c.en)
		}
		if got := Amount(ledger.LangRU, c.a); got != c.ru {
			t.Errorf("RU %v: %q, want %q", c.a, got, c.ru)
		}
	}
	if got := Int(ledger.LangRU, 1234); got != "1\u00a0234" {
		t.Errorf("RU 1234: %q", got)
	}
}

func TestDates(t *testing.T) {
	belgrade, err := time.LoadLocation("Europe/Belgrade")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 2, 13, 30, 0, 0, time.UTC)
	cases := []struct {
		got, want string
	}{
		{Date(ledger.LangEN, at), "December 2"},
		{Date(ledger.LangRU, at), "2 декабря"},
		{DateYear(ledger.LangEN, at), "December 2, 2026"},
		{DateYear(ledger.LangRU, at), "2 декабря 2026 г."},
		{DateTime(ledger.LangRU, at, belgrade), "2 декабря, 14:30"},
		{DateTime(ledger.LangEN, at, belgrade), "December 2, 2:30\u202fPM"},
		{DateTime(ledger.LangEN, at, nil), "December 2, 1:30\u202fPM"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%q, want %q", c.got, c.want)
		}
	}
}

func TestUnitNames(t *testing.T) {
	cases := []struct {
		l              ledger.Lang
		c              ledger.Currency
		unit, name, in string
	}{
		{ledger.LangEN, "EUR", "EUR", "EUR", "EUR"},
		{ledger.LangEN, ledger.Hours, "h", "hours", "hours"},
		{ledger.LangRU, ledger.Hours, "ч", "часы", "часах"},
		{ledger.LangEN, ledger.Items, "items", "items", "items"},
		{ledger.LangRU, ledger.Items, "штук", "штуки", "штуках"},
	}
	for _, c := range cases {
		if got := Unit(c.l, c.c); got != c.unit {
			t.Errorf("Unit(%s, %s) = %q; want %q", c.l, c.c, got, c.unit)
		}
		if got := UnitName(c.l, c.c); got != c.name {
			t.Errorf("UnitName(%s, %s) = %q; want %q", c.l, c.c, got, c.name)
		}
		if got := UnitIn(c.l, c.c); got != c.in {
			t.Errorf("UnitIn(%s, %s) = %q; want %q", c.l, c.c, got, c.in)
		}
	}
}
