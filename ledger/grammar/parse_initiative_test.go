package grammar_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/ledger/grammar"
)

// day is midnight UTC of a calendar date.
func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestParseInitiativeValid(t *testing.T) {
	en, ru := ledger.LangEN, ledger.LangRU
	ini := func(lang ledger.Lang, rest, title string, a ledger.Amount, by time.Time) ledger.Command {
		return ledger.Command{Verb: ledger.VerbInitiative, Lang: lang, Rest: rest, Text: title, Amount: a, ByDate: by}
	}
	done := func(lang ledger.Lang, rest string) ledger.Command {
		return ledger.Command{Verb: ledger.VerbDone, Lang: lang, Rest: rest, Text: rest}
	}
	title200 := strings.Repeat("ж", ledger.MaxInitiativeTitleRunes)
	report1000 := strings.Repeat("r", ledger.MaxInitiativeReportRunes)
	cases := []struct {
		body string
		want ledger.Command
	}{
		{`!ex initiative "New roof" 300 by 2027-05-01`,
			ini(en, `"New roof" 300 by 2027-05-01`, "New roof", eur(300), day(2027, 5, 1))},
		{`!ex Initiative "Roof" 300 EUR BY 1.5.2027`,
			ini(en, `"Roof" 300 EUR BY 1.5.2027`, "Roof", eur(300), day(2027, 5, 1))},
		{`!ex initiative “Roof” €300 by 31/12/2027`,
			ini(en, `“Roof” €300 by 31/12/2027`, "Roof", eur(300), day(2027, 12, 31))},
		{`!ex initiative "  spaced  title " 12,50 by 2028-02-29`,
			ini(en, `"  spaced  title " 12,50 by 2028-02-29`, "spaced  title", ledger.Amount{Minor: 1250, Currency: "EUR"}, day(2028, 2, 29))},
		{`!ex initiative "Roof by May" 300 by 2027-05-01 at the latest`,
			ini(en, `"Roof by May" 300 by 2027-05-01 at the latest`, "Roof by May", eur(300), day(2027, 5, 1))},
		{`!ex initiative "Roof" 300 by 01.05`,
			ini(en, `"Roof" 300 by 01.05`, "Roof", eur(300), day(0, 5, 1))},
		{`!ex initiative "Roof" $5 by 2027-05-01.`,
			ini(en, `"Roof" $5 by 2027-05-01.`, "Roof", ledger.Amount{Minor: 500, Currency: "USD"}, day(2027, 5, 1))},
		{`!ex инициатива «Новая крыша» 30000 руб до 01.05.2027`,
			ini(ru, `«Новая крыша» 30000 руб до 01.05.2027`, "Новая крыша", rub(30000), day(2027, 5, 1))},
		{`!ex проект „Сад“ ₽500 к 9.3`,
			ini(ru, `„Сад“ ₽500 к 9.3`, "Сад", rub(500), day(0, 3, 9))},
		{`!ex ИНИЦИАТИВА "Сад" 500 ДО 29.02.`,
			ini(ru, `"Сад" 500 ДО 29.02.`, "Сад", eur(500), day(0, 2, 29))},
		{`!ex проект "x" 1 до 2027-1-2`,
			ini(ru, `"x" 1 до 2027-1-2`, "x", eur(1), day(2027, 1, 2))},
		{`!ex initiative "` + title200 + `" 300 by 2027-05-01`,
			ini(en, `"`+title200+`" 300 by 2027-05-01`, title200, eur(300), day(2027, 5, 1))},
		// done
		{"!ex done", ledger.Command{Verb: ledger.VerbDone, Lang: en}},
		{"!ex done Roof fixed,\nreceipts: https://x.y/z", done(en, "Roof fixed,\nreceipts: https://x.y/z")},
		{"!ex выполнено", ledger.Command{Verb: ledger.VerbDone, Lang: ru}},
		{"!ex Готово крыша\tпочинена", done(ru, "крыша\tпочинена")},
		{"!ex done " + report1000, done(en, report1000)},
	}
	for _, c := range cases {
		cmd, addressed, err := grammar.Parse(c.body, room)
		if err != nil || !addressed {
			t.Errorf("Parse(%.60q) = %v, %v", c.body, addressed, err)
			continue
		}
		if !reflect.DeepEqual(cmd, c.want) {
			t.Errorf("Parse(%.60q)\n got %+v\nwant %+v", c.body, cmd, c.want)
		}
	}
}

func TestParseInitiativeErrors(t *testing.T) {
	en, ru := ledger.LangEN, ledger.LangRU
	vi, vd := ledger.VerbInitiative, ledger.VerbDone
	usage := []any{vi}
	long := strings.Repeat("ж", ledger.MaxInitiativeTitleRunes+1)
	cases := []struct {
		body string
		verb ledger.Verb
		lang ledger.Lang
		key  string
		args []any
	}{
		// missing or misplaced parts
		{"!ex initiative", vi, en, "cmd.usage", usage},
		{"!ex инициатива", vi, ru, "cmd.usage", usage},
		{`!ex initiative "Roof"`, vi, en, "cmd.usage", usage},
		{`!ex initiative Roof 300 by 2027-05-01`, vi, en, "cmd.usage", usage},
		{`!ex initiative "Roof 300 by 2027-05-01`, vi, en, "cmd.usage", usage},
		{`!ex initiative "" 300 by 2027-05-01`, vi, en, "cmd.usage", usage},
		{`!ex initiative "   " 300 by 2027-05-01`, vi, en, "cmd.usage", usage},
		{`!ex initiative "Roof" 300`, vi, en, "cmd.usage", usage},
		{`!ex initiative "Roof" 300 2027-05-01`, vi, en, "cmd.usage", usage},
		{`!ex initiative "Roof" by 2027-05-01`, vi, en, "cmd.usage", usage},
		{`!ex initiative "Roof" 300 by`, vi, en, "cmd.usage", usage},
		{`!ex проект «Сад» 500 руб до`, vi, ru, "cmd.usage", usage},
		{`!ex проект «Сад» до 01.05.2027`, vi, ru, "cmd.usage", usage},
		// the title
		{`!ex initiative "` + long + `" 300 by 2027-05-01`, vi, en, "cmd.text_too_long", []any{ledger.MaxInitiativeTitleRunes}},
		{`!ex инициатива «` + long + `» 300 до 01.05.2027`, vi, ru, "cmd.text_too_long", []any{ledger.MaxInitiativeTitleRunes}},
		{"!ex initiative \"Ro\x07of\" 300 by 2027-05-01", vi, en, "cmd.bad_text", nil},
		{"!ex initiative \"Roof\nnow\" 300 by 2027-05-01", vi, en, "cmd.bad_text", nil},
		{"!ex initiative \"Roof \u202epay\" 300 by 2027-05-01", vi, en, "cmd.bad_text", nil},
		{"!ex initiative \"Roof\xff\" 300 by 2027-05-01", vi, en, "cmd.bad_text", nil},
		// the amount
		{`!ex initiative "Roof" lots by 2027-05-01`, vi, en, "amount.malformed", []any{"lots"}},
		{`!ex initiative "Roof" 0 by 2027-05-01`, vi, en, "amount.zero", nil},
		{`!ex initiative "Roof" -5 by 2027-05-01`, vi, en, "amount.negative", nil},
		{`!ex initiative "Roof" 5 XYZ by 2027-05-01`, vi, en, "amount.unknown_currency", []any{"XYZ"}},
		{`!ex инициатива "Сад" 20000000 до 01.05.2027`, vi, ru, "amount.too_large", []any{ledger.MaxMajorUnits}},
		// the date
		{`!ex initiative "Roof" 300 by May`, vi, en, "cmd.bad_date", []any{"May"}},
		{`!ex initiative "Roof" 300 by 31.02.2027`, vi, en, "cmd.bad_date", []any{"31.02.2027"}},
		{`!ex initiative "Roof" 300 by 2027-02-29`, vi, en, "cmd.bad_date", []any{"2027-02-29"}},
		{`!ex initiative "Roof" 300 by 2027-13-01`, vi, en, "cmd.bad_date", []any{"2027-13-01"}},
		{`!ex initiative "Roof" 300 by 2027-00-10`, vi, en, "cmd.bad_date", []any{"2027-00-10"}},
		{`!ex initiative "Roof" 300 by 0000-05-01`, vi, en, "cmd.bad_date", []any{"0000-05-01"}},
		{`!ex initiative "Roof" 300 by 0001-01-01`, vi, en, "cmd.bad_date", []any{"0001-01-01"}},
		{`!ex initiative "Roof" 300 by 27-05-01`, vi, en, "cmd.bad_date", []any{"27-05-01"}},
		{`!ex initiative "Roof" 300 by 01.05.27`, vi, en, "cmd.bad_date", []any{"01.05.27"}},
		{`!ex initiative "Roof" 300 by 05/01`, vi, en, "cmd.bad_date", []any{"05/01"}},
		{`!ex initiative "Roof" 300 by 001.05.2027`, vi, en, "cmd.bad_date", []any{"001.05.2027"}},
		{`!ex initiative "Roof" 300 by ١.٥.٢٠٢٧`, vi, en, "cmd.bad_date", []any{"١.٥.٢٠٢٧"}},
		{`!ex проект «Сад» 500 до 32.01`, vi, ru, "cmd.bad_date", []any{"32.01"}},
		{`!ex проект «Сад» 500 до 30.02`, vi, ru, "cmd.bad_date", []any{"30.02"}},
		{`!ex проект «Сад» 500 к мае`, vi, ru, "cmd.bad_date", []any{"мае"}},
		{`!ex проект «Сад» 500 до 1.5.2027.2`, vi, ru, "cmd.bad_date", []any{"1.5.2027.2"}},
		// done
		{"!ex done " + strings.Repeat("r", ledger.MaxInitiativeReportRunes+1), vd, en, "cmd.text_too_long",
			[]any{ledger.MaxInitiativeReportRunes}},
		{"!ex выполнено " + strings.Repeat("ы", ledger.MaxInitiativeReportRunes+1), vd, ru, "cmd.text_too_long",
			[]any{ledger.MaxInitiativeReportRunes}},
		{"!ex done bell\x07", vd, en, "cmd.bad_text", nil},
		{"!ex готово \u2066скрыто\u2069", vd, ru, "cmd.bad_text", nil},
	}
	for _, c := range cases {
		cmd, addressed, err := grammar.Parse(c.body, room)
		e := ledger.AsError(err)
		if !addressed || e == nil {
			t.Errorf("Parse(%.60q) = %+v, %v, %v; want error %s", c.body, cmd, addressed, err, c.key)
			continue
		}
		if e.Code != ledger.EInvalid || e.Key != c.key || fmt.Sprint(e.Args) != fmt.Sprint(c.args) {
			t.Errorf("Parse(%.60q) error = %s %s %v; want %s %v", c.body, e.Code, e.Key, e.Args, c.key, c.args)
		}
		want := ledger.Command{Verb: c.verb, Lang: c.lang, Rest: cmd.Rest}
		if !reflect.DeepEqual(cmd, want) {
			t.Errorf("Parse(%.60q) failed with %+v; want only verb %q, lang %q and rest", c.body, cmd, c.verb, c.lang)
		}
	}
}

func TestParseInitiativeWords(t *testing.T) {
	words := map[string]ledger.Verb{
		"initiative": ledger.VerbInitiative, "инициатива": ledger.VerbInitiative, "ПРОЕКТ": ledger.VerbInitiative,
		"done": ledger.VerbDone, "выполнено": ledger.VerbDone, "Готово": ledger.VerbDone,
	}
	for w, want := range words {
		if v, _, ok := grammar.LookupVerb(w); v != want || !ok {
			t.Errorf("LookupVerb(%q) = %q, %v; want %q", w, v, ok, want)
		}
	}
	if got := grammar.VerbWords(ledger.VerbDone, ledger.LangRU); len(got) != 2 || got[0] != "выполнено" {
		t.Errorf("VerbWords(done, ru) = %v", got)
	}
}

func TestParseInitiativeTimeOfDay(t *testing.T) {
	cases := []struct {
		body  string
		want  time.Time
		clock bool
	}{
		{`!ex initiative "Roof" 300 by 2027-03-31 18:30`, time.Date(2027, 3, 31, 18, 30, 0, 0, time.UTC), true},
		{`!ex инициатива «Крыша» 300 до 31.03.2027 9:05`, time.Date(2027, 3, 31, 9, 5, 0, 0, time.UTC), true},
		{`!ex initiative "Roof" 300 by 2027-03-31 25:00`, time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC), false},
		{`!ex initiative "Roof" 300 by 2027-03-31 please`, time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC), false},
	}
	for _, c := range cases {
		cmd, _, err := grammar.Parse(c.body, room)
		if err != nil || !cmd.ByDate.Equal(c.want) || cmd.ByClock != c.clock {
			t.Errorf("%q: ByDate %v ByClock %v err %v; want %v %v", c.body, cmd.ByDate, cmd.ByClock, err, c.want, c.clock)
		}
	}
}

func TestParseKassaAndClaim(t *testing.T) {
	cases := []struct {
		body   string
		verb   ledger.Verb
		amount ledger.Amount
		text   string
		key    string
	}{
		{"!ex kassa 50", ledger.VerbKassa, ledger.Amount{Minor: 5000, Currency: "EUR"}, "", ""},
		{"!ex касса", ledger.VerbKassa, ledger.Amount{}, "", ""},
		{"!ex claim 300 EUR dentist bill", ledger.VerbClaim, ledger.Amount{Minor: 30000, Currency: "EUR"}, "dentist bill", ""},
		{"!ex заявка 120,50 лекарства", ledger.VerbClaim, ledger.Amount{Minor: 12050, Currency: "EUR"}, "лекарства", ""},
		{"!ex claim €80 rent", ledger.VerbClaim, ledger.Amount{Minor: 8000, Currency: "EUR"}, "rent", ""},
		{"!ex claim 300", ledger.VerbClaim, ledger.Amount{}, "", "cmd.usage"},
		{"!ex claim lots of money", ledger.VerbClaim, ledger.Amount{}, "", "amount.malformed"},
		{"!ex claim 300 " + strings.Repeat("x", ledger.MaxClaimReasonRunes+1), ledger.VerbClaim, ledger.Amount{}, "", "cmd.text_too_long"},
		{"!ex approve", ledger.VerbApprove, ledger.Amount{}, "", ""},
		{"!ex клиринг", ledger.VerbClearing, ledger.Amount{}, "", ""},
	}
	for _, c := range cases {
		cmd, _, err := grammar.Parse(c.body, room)
		if key(err) != c.key || cmd.Verb != c.verb || (c.key == "" && (cmd.Amount != c.amount || cmd.Text != c.text)) {
			t.Errorf("%q: %+v %v; want %s %v %q %q", c.body, cmd, err, c.verb, c.amount, c.text, c.key)
		}
	}
}

// key is the key of a refusal, the text of another error, or "".
func key(err error) string {
	if e := ledger.AsError(err); e != nil {
		return e.Key
	}
	if err != nil {
		return err.Error()
	}
	return ""
}
