package ledger_test

import (
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
)

func TestParseLang(t *testing.T) {
	cases := []struct {
		in   string
		want ledger.Lang
		ok   bool
	}{
		{"en", ledger.LangEN, true},
		{"English", ledger.LangEN, true},
		{"RU", ledger.LangRU, true},
		{"русский", ledger.LangRU, true},
		{"sr", ledger.LangSR, true},
		{" SR ", ledger.LangSR, true},
		{"srpski", ledger.LangSR, true},
		{"Srpski", ledger.LangSR, true},
		{"српски", ledger.LangSR, true},
		{"serbian", ledger.LangSR, true},
		{"de", "", false},
		{"", "", false},
	}
	for _, c := range cases {
		if got, ok := ledger.ParseLang(c.in); got != c.want || ok != c.ok {
			t.Errorf("ParseLang(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}
