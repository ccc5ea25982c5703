package bot

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/locale"
)

// TestCataloguePluralSelectors: every plural selector of a catalogue gives
// the forms of its language's CLDR categories (EN one|other, RU
// one|few|many, SR one|few|other), and the selectors of a translation are
// those of the English message (the same counts).
func TestCataloguePluralSelectors(t *testing.T) {
	for l, cat := range catalogues {
		for k, m := range cat {
			for _, sel := range locale.Selectors(m) {
				if len(sel) != locale.Forms(l) {
					t.Errorf("%s %q: selector %v has %d forms, want %d", l, k, sel, len(sel), locale.Forms(l))
				}
			}
		}
	}
}

// TestSelectorsMatchEnglish: a translation counts every argument the
// English message counts (it may count more: Russian "реквизиты" agree with
// a number English leaves alone).
func TestSelectorsMatchEnglish(t *testing.T) {
	sel := regexp.MustCompile(`\{(\d+):`)
	indexes := func(m string) []string {
		var out []string
		for _, x := range sel.FindAllStringSubmatch(m, -1) {
			if !slices.Contains(out, x[1]) {
				out = append(out, x[1])
			}
		}
		slices.Sort(out)
		return out
	}
	for l, cat := range catalogues {
		for k, en := range messagesEN {
			got, want := indexes(cat[k]), indexes(en)
			if missing := slices.DeleteFunc(slices.Clone(want), func(i string) bool { return slices.Contains(got, i) }); len(missing) > 0 {
				t.Errorf("%s %q: plural selectors of %v, English has %v", l, k, got, want)
			}
		}
	}
}

// TestPluralsInMessages renders counted messages for the counts whose
// forms differ in English and Russian.
func TestPluralsInMessages(t *testing.T) {
	cases := []struct {
		n      int
		en, ru string
	}{
		{0, "0 members", "0 участников"},
		{1, "1 member", "1 участник"},
		{2, "2 members", "2 участника"},
		{5, "5 members", "5 участников"},
		{11, "11 members", "11 участников"},
		{21, "21 members", "21 участник"},
		{22, "22 members", "22 участника"},
		{25, "25 members", "25 участников"},
		{101, "101 members", "101 участник"},
		{111, "111 members", "111 участников"},
		{1234, "1,234 members", "1\u00a0234 участника"},
	}
	for _, c := range cases {
		en := text(ledger.LangEN, "list.header", c.n, 1, 0)
		ru := text(ledger.LangRU, "list.header", c.n, 1, 0)
		want := map[string]string{"1 member": "1 member**", "21 members": "21 members**", "101 members": "101 members**"}
		if w, ok := want[c.en]; ok {
			c.en = w
		}
		if !strings.Contains(en, c.en) || !strings.Contains(ru, c.ru+"**") {
			t.Errorf("%d: %q / %q, want %q / %q", c.n, en, ru, c.en, c.ru)
		}
	}
	for _, c := range []struct {
		l     ledger.Lang
		key   string
		args  []any
		wants string
	}{
		{ledger.LangRU, "list.header", []any{3, 1, 2}, "1 прямой поручитель, 2 через них"},
		{ledger.LangRU, "list.header", []any{3, 2, 1}, "2 прямых поручителя"},
		{ledger.LangRU, "list.header", []any{9, 5, 4}, "5 прямых поручителей"},
		{ledger.LangEN, "list.header", []any{3, 1, 2}, "1 direct guarantor, 2 through them"},
		{ledger.LangRU, "sos.sent", []any{21, 1}, "отправлено 21 участнику трастового списка (1 комната)"},
		{ledger.LangRU, "sos.sent", []any{5, 3}, "отправлено 5 участникам трастового списка (3 комнаты)"},
		{ledger.LangEN, "sos.sent", []any{1, 2}, "went to 1 member of your trust list (2 rooms)"},
		{ledger.LangRU, "chain.result", []any{ledger.UserID("@c:x"), 2, "…"}, "(2 шага)"},
		{ledger.LangEN, "chain.result", []any{ledger.UserID("@c:x"), 1, "…"}, "(1 step)"},
		{ledger.LangRU, "card.initiative", []any{"T", ledger.UserID("@c:x"), ledger.Amount{Minor: 123450, Currency: "EUR"}, "2 декабря", 21},
			"1\u00a0234,50\u00a0€ до 2 декабря (остался 21 день)"},
		{ledger.LangRU, "card.initiative", []any{"T", ledger.UserID("@c:x"), ledger.Amount{Minor: 100, Currency: "EUR"}, "2 декабря", 5}, "(осталось 5 дней)"},
		{ledger.LangEN, "card.initiative", []any{"T", ledger.UserID("@c:x"), ledger.Amount{Minor: 123450, Currency: "EUR"}, "December 2", 1},
			"€1,234.50 by December 2 (1 day left)"},
		{ledger.LangRU, "status.red_done", []any{ledger.Amount{Minor: 100, Currency: "EUR"}, 1}, "в течение 1 дня"},
		{ledger.LangRU, "web.link", []any{"x", 10}, "действует 10 минут"},
		{ledger.LangRU, "cmd.text_too_long", []any{180}, "не больше 180 символов"},
		{ledger.LangRU, "cmd.text_too_long", []any{1}, "не больше 1 символа"},
		{ledger.LangRU, "forgive.done", []any{ledger.UserID("@c:x"), sums(ledger.LangRU, []*ledger.Promise{
			{Amount: ledger.Amount{Minor: 4000, Currency: "EUR"}}, {Amount: ledger.Amount{Minor: 123450, Currency: "EUR"}}})},
			"(1\u00a0274,50\u00a0€)"}, // the no-break spaces stay
	} {
		if got := text(c.l, c.key, c.args...); !strings.Contains(got, c.wants) {
			t.Errorf("%s %s %v: %q, want it to contain %q", c.l, c.key, c.args, got, c.wants)
		}
	}
}
