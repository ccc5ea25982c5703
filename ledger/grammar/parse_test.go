package grammar_test

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/ledger/grammar"
)

// room and direct are the Options of a circle room and a direct chat.
var (
	room   = grammar.Options{Prefix: "!ex", DefaultCurrency: "EUR"}
	direct = grammar.Options{Prefix: "!ex", Direct: true, DefaultCurrency: "EUR"}
)

// mention returns room options with the given mentions.
func mention(opt grammar.Options, users ...ledger.UserID) grammar.Options {
	opt.Mentions = users
	return opt
}

func TestParseAddressing(t *testing.T) {
	cases := []struct {
		body      string
		opt       grammar.Options
		addressed bool
		verb      ledger.Verb
	}{
		{"hello everyone", room, false, ""},
		{"help", room, false, ""},
		{"", room, false, ""},
		{"   ", direct, false, ""},
		{"!exhelp", room, false, ""},
		{"!ex-help", room, false, ""},
		{"please !ex help", room, false, ""},
		{"!ex", room, true, ledger.VerbHelp},
		{"  !ex  ", room, true, ledger.VerbHelp},
		{"!ex help", room, true, ledger.VerbHelp},
		{"!EX HELP", room, true, ledger.VerbHelp},
		{"!Ex\thelp", room, true, ledger.VerbHelp},
		{"!ex\nhelp", room, true, ledger.VerbHelp},
		{"help", direct, true, ledger.VerbHelp},
		{"!ex help", direct, true, ledger.VerbHelp},
		{"!ex", direct, true, ledger.VerbHelp},
		{"помощь", direct, true, ledger.VerbHelp},
		{"!ex help", grammar.Options{Prefix: " !ex "}, true, ledger.VerbHelp},
		{"!ex help", grammar.Options{}, false, ""},
		{"> <@bob:x.y> !ex help\n\nhello", room, false, ""},
		{"> <@bob:x.y> hi\n> there\n\n!ex list", room, true, ledger.VerbList},
		{"> * <@bob:x.y> waves\n\n!ex list", room, true, ledger.VerbList},
		{"> <@bob:x.y> only a quote", direct, false, ""},
	}
	for _, c := range cases {
		cmd, addressed, err := grammar.Parse(c.body, c.opt)
		if err != nil || addressed != c.addressed || cmd.Verb != c.verb {
			t.Errorf("Parse(%q, direct=%v) = %+v, %v, %v; want verb %q, addressed %v",
				c.body, c.opt.Direct, cmd, addressed, err, c.verb, c.addressed)
		}
		if !addressed && !reflect.DeepEqual(cmd, ledger.Command{}) {
			t.Errorf("Parse(%q): not addressed but %+v", c.body, cmd)
		}
	}
}

func TestParseVerbs(t *testing.T) {
	for _, v := range grammar.AllVerbs() {
		for _, l := range ledger.Langs {
			words := grammar.VerbWords(v, l)
			if len(words) == 0 {
				t.Errorf("VerbWords(%s, %s) is empty", v, l)
			}
			for _, w := range words {
				for _, typed := range []string{w, strings.ToUpper(w), " " + w + " "} {
					cmd, addressed, err := grammar.Parse("!ex "+typed, room)
					if !addressed || cmd.Verb != v || cmd.Lang != l {
						t.Errorf("%q: got %s/%s addressed=%v (err %v); want %s/%s", typed, cmd.Verb, cmd.Lang, addressed, err, v, l)
					}
				}
			}
		}
	}
	if got := grammar.AllVerbs(); len(got) < 39 || got[0] != ledger.VerbHelp || !slices.Contains(got, ledger.VerbWeb) {
		t.Errorf("AllVerbs() = %v", got)
	}
	if grammar.VerbWords("nope", ledger.LangEN) != nil || grammar.VerbWords(ledger.VerbHelp, "fr") != nil {
		t.Error("VerbWords of an unknown verb or language is not nil")
	}
	ws := grammar.VerbWords(ledger.VerbHelp, ledger.LangRU)
	ws[0] = "changed"
	if grammar.VerbWords(ledger.VerbHelp, ledger.LangRU)[0] != "помощь" {
		t.Error("VerbWords returns its own slice")
	}
}

func TestParseValid(t *testing.T) {
	alice := ledger.UserID("@alice:example.org")
	bob := ledger.UserID("@bob:example.org")
	cases := []struct {
		body string
		opt  grammar.Options
		want ledger.Command
	}{
		{"!ex ?", room, ledger.Command{Verb: ledger.VerbHelp}},
		{"!ex sent 20", room, ledger.Command{Verb: ledger.VerbSent, Lang: ledger.LangEN, Rest: "20", Amount: ledger.Amount{Minor: 2000, Currency: "EUR"}}},
		{"!ex отправил 20 EUR", room, ledger.Command{Verb: ledger.VerbSent, Lang: ledger.LangRU, Rest: "20 EUR", Amount: ledger.Amount{Minor: 2000, Currency: "EUR"}}},
		{"!ex got 20", room, ledger.Command{Verb: ledger.VerbGot, Lang: ledger.LangEN, Rest: "20", Amount: ledger.Amount{Minor: 2000, Currency: "EUR"}}},
		{"!ex got 20 EUR @bob:example.org", room, ledger.Command{Verb: ledger.VerbGot, Lang: ledger.LangEN, Rest: "20 EUR @bob:example.org", Amount: ledger.Amount{Minor: 2000, Currency: "EUR"}, User: bob}},
		{"!ex получил @bob:example.org", room, ledger.Command{Verb: ledger.VerbGot, Lang: ledger.LangRU, Rest: "@bob:example.org", User: bob}},
		{"!ex help invite", room, ledger.Command{Verb: ledger.VerbHelp, Lang: ledger.LangEN, Rest: "invite", Topic: ledger.VerbInvite}},
		{"!ex помощь Круг", room, ledger.Command{Verb: ledger.VerbHelp, Lang: ledger.LangRU, Rest: "Круг", Topic: ledger.VerbCircle}},
		{"!ex справка язык", room, ledger.Command{Verb: ledger.VerbHelp, Lang: ledger.LangRU, Rest: "язык", Topic: ledger.VerbLang}},
		{"!ex help ?", room, ledger.Command{Verb: ledger.VerbHelp, Lang: ledger.LangEN, Rest: "?", Topic: ledger.VerbHelp}},
		{"!ex помощь мне", room, ledger.Command{Verb: ledger.VerbHelp, Lang: ledger.LangRU, Rest: "мне", Topic: ledger.VerbToMe}},
		{"!ex help STATUS", room, ledger.Command{Verb: ledger.VerbHelp, Lang: ledger.LangEN, Rest: "STATUS", Topic: ledger.VerbStatus}},
		{"!ex circle here", room, ledger.Command{Verb: ledger.VerbCircle, Lang: ledger.LangEN, Rest: "here", Here: true}},
		{"!ex круг здесь", room, ledger.Command{Verb: ledger.VerbCircle, Lang: ledger.LangRU, Rest: "здесь", Here: true}},
		{"!ex КРУГ ЗДЕСЬ", room, ledger.Command{Verb: ledger.VerbCircle, Lang: ledger.LangRU, Rest: "ЗДЕСЬ", Here: true}},
		{"!ex circle pledge 50", room, ledger.Command{Verb: ledger.VerbCircle, Lang: ledger.LangEN, Rest: "pledge 50",
			Setting: ledger.SettingPledge, Amount: ledger.Amount{Minor: 5000, Currency: "EUR"}}},
		{"!ex круг сумма 500 руб", room, ledger.Command{Verb: ledger.VerbCircle, Lang: ledger.LangRU, Rest: "сумма 500 руб",
			Setting: ledger.SettingPledge, Amount: ledger.Amount{Minor: 50000, Currency: "RUB"}}},
		{"!ex circle pledge $12.50", room, ledger.Command{Verb: ledger.VerbCircle, Lang: ledger.LangEN, Rest: "pledge $12.50",
			Setting: ledger.SettingPledge, Amount: ledger.Amount{Minor: 1250, Currency: "USD"}}},
		{"!ex circle lang ru", room, ledger.Command{Verb: ledger.VerbCircle, Lang: ledger.LangEN, Rest: "lang ru",
			Setting: ledger.SettingLang, Target: ledger.LangRU}},
		{"!ex круг язык английский", room, ledger.Command{Verb: ledger.VerbCircle, Lang: ledger.LangRU, Rest: "язык английский",
			Setting: ledger.SettingLang, Target: ledger.LangEN}},
		{"!ex circle Friends of Lisbon", room, ledger.Command{Verb: ledger.VerbCircle, Lang: ledger.LangEN,
			Rest: "Friends of Lisbon", Name: "Friends of Lisbon"}},
		{"!ex circle   Friends \t of\n Lisbon ", room, ledger.Command{Verb: ledger.VerbCircle, Lang: ledger.LangEN,
			Rest: "Friends \t of\n Lisbon", Name: "Friends of Lisbon"}},
		{`!ex circle "Here"`, room, ledger.Command{Verb: ledger.VerbCircle, Lang: ledger.LangEN, Rest: `"Here"`, Name: "Here"}},
		{`!ex circle " Lang  club "`, room, ledger.Command{Verb: ledger.VerbCircle, Lang: ledger.LangEN, Rest: `" Lang  club "`, Name: "Lang club"}},
		{"!ex круг «Друзья Тбилиси»", room, ledger.Command{Verb: ledger.VerbCircle, Lang: ledger.LangRU, Rest: "«Друзья Тбилиси»", Name: "Друзья Тбилиси"}},
		{"!ex круг “Друзья”", room, ledger.Command{Verb: ledger.VerbCircle, Lang: ledger.LangRU, Rest: "“Друзья”", Name: "Друзья"}},
		{"!ex круг „Друзья“", room, ledger.Command{Verb: ledger.VerbCircle, Lang: ledger.LangRU, Rest: "„Друзья“", Name: "Друзья"}},
		{`!ex circle "A" and "B"`, room, ledger.Command{Verb: ledger.VerbCircle, Lang: ledger.LangEN, Rest: `"A" and "B"`, Name: `"A" and "B"`}},
		{`!ex circle "Unclosed`, room, ledger.Command{Verb: ledger.VerbCircle, Lang: ledger.LangEN, Rest: `"Unclosed`, Name: `"Unclosed`}},
		{"!ex circle here we are", room, ledger.Command{Verb: ledger.VerbCircle, Lang: ledger.LangEN, Rest: "here we are", Name: "here we are"}},
		{"!ex circle 👨‍👩‍👧 family", room, ledger.Command{Verb: ledger.VerbCircle, Lang: ledger.LangEN, Rest: "👨‍👩‍👧 family", Name: "👨‍👩‍👧 family"}},
		{"!ex circle " + strings.Repeat("я", 80), room, ledger.Command{Verb: ledger.VerbCircle, Lang: ledger.LangEN,
			Rest: strings.Repeat("я", 80), Name: strings.Repeat("я", 80)}},
		{"!ex owner @alice:example.org", room, ledger.Command{Verb: ledger.VerbOwner, Lang: ledger.LangEN, Rest: "@alice:example.org", User: alice}},
		{"!ex владелец", mention(room, bob), ledger.Command{Verb: ledger.VerbOwner, Lang: ledger.LangRU, User: bob}},
		{"!ex co-owner @bob:example.org", room, ledger.Command{Verb: ledger.VerbCoOwner, Lang: ledger.LangEN, Rest: "@bob:example.org", User: bob}},
		{"!ex совладелец @bob:example.org", room, ledger.Command{Verb: ledger.VerbCoOwner, Lang: ledger.LangRU, Rest: "@bob:example.org", User: bob}},
		{"!ex demote @bob:example.org", room, ledger.Command{Verb: ledger.VerbDemote, Lang: ledger.LangEN, Rest: "@bob:example.org", User: bob}},
		{"!ex разжаловать @bob:example.org", room, ledger.Command{Verb: ledger.VerbDemote, Lang: ledger.LangRU, Rest: "@bob:example.org", User: bob}},
		{"!ex kick @bob:example.org", room, ledger.Command{Verb: ledger.VerbRemove, Lang: ledger.LangEN, Rest: "@bob:example.org", User: bob}},
		{"!ex исключить @bob:example.org", room, ledger.Command{Verb: ledger.VerbRemove, Lang: ledger.LangRU, Rest: "@bob:example.org", User: bob}},
		{"!ex invite", room, ledger.Command{Verb: ledger.VerbInvite, Lang: ledger.LangEN}},
		{"!ex invite", mention(room, bob), ledger.Command{Verb: ledger.VerbInvite, Lang: ledger.LangEN, User: bob}},
		{"!ex invite", mention(room, alice, bob), ledger.Command{Verb: ledger.VerbInvite, Lang: ledger.LangEN}},
		{"!ex invite @alice:example.org", room, ledger.Command{Verb: ledger.VerbInvite, Lang: ledger.LangEN, Rest: "@alice:example.org", User: alice}},
		{"!ex invite @alice:example.org, please", room, ledger.Command{Verb: ledger.VerbInvite, Lang: ledger.LangEN,
			Rest: "@alice:example.org, please", User: alice}},
		{"!ex invite @alice:example.org.", room, ledger.Command{Verb: ledger.VerbInvite, Lang: ledger.LangEN, Rest: "@alice:example.org.", User: alice}},
		{"!ex пригласить https://matrix.to/#/%40alice%3Aexample.org?via=example.org", room, ledger.Command{Verb: ledger.VerbInvite,
			Lang: ledger.LangRU, Rest: "https://matrix.to/#/%40alice%3Aexample.org?via=example.org", User: alice}},
		{"!ex invite Alice Liddell", mention(room, alice), ledger.Command{Verb: ledger.VerbInvite, Lang: ledger.LangEN, Rest: "Alice Liddell", User: alice}},
		{"!ex invite @alice:example.org", mention(room, bob), ledger.Command{Verb: ledger.VerbInvite, Lang: ledger.LangEN, Rest: "@alice:example.org", User: alice}},
		{"!ex chain @alice:example.org", room, ledger.Command{Verb: ledger.VerbChain, Lang: ledger.LangEN, Rest: "@alice:example.org", User: alice}},
		{"!ex chain @a\u2060lice:example.org", room, ledger.Command{Verb: ledger.VerbChain, Lang: ledger.LangEN, Rest: "@a\u2060lice:example.org", User: alice}},
		{"!ex цепочка Боб", mention(room, bob), ledger.Command{Verb: ledger.VerbChain, Lang: ledger.LangRU, Rest: "Боб", User: bob}},
		{"!ex health", room, ledger.Command{Verb: ledger.VerbHealth, Lang: ledger.LangEN}},
		{"!ex health @alice:example.org", room, ledger.Command{Verb: ledger.VerbHealth, Lang: ledger.LangEN, Rest: "@alice:example.org", User: alice}},
		{"!ex здоровье Боб", mention(room, bob), ledger.Command{Verb: ledger.VerbHealth, Lang: ledger.LangRU, Rest: "Боб", User: bob}},
		{"!ex report", room, ledger.Command{Verb: ledger.VerbReport, Lang: ledger.LangEN}},
		{"!ex report 2026-11", room, ledger.Command{Verb: ledger.VerbReport, Lang: ledger.LangEN, Rest: "2026-11", Month: "2026-11"}},
		{"!ex Отчёт 2025-01", room, ledger.Command{Verb: ledger.VerbReport, Lang: ledger.LangRU, Rest: "2025-01", Month: "2025-01"}},
		{"отчет 2026-12 please", direct, ledger.Command{Verb: ledger.VerbReport, Lang: ledger.LangRU, Rest: "2026-12 please", Month: "2026-12"}},
		{"!ex block", mention(room, bob), ledger.Command{Verb: ledger.VerbBlock, Lang: ledger.LangEN, User: bob}},
		{"!ex блок @bob:example.org", room, ledger.Command{Verb: ledger.VerbBlock, Lang: ledger.LangRU, Rest: "@bob:example.org", User: bob}},
		{"!ex unblock <@bob:example.org>", room, ledger.Command{Verb: ledger.VerbUnblock, Lang: ledger.LangEN, Rest: "<@bob:example.org>", User: bob}},
		{`!ex разблок "@bob:example.org"`, room, ledger.Command{Verb: ledger.VerbUnblock, Lang: ledger.LangRU, Rest: `"@bob:example.org"`, User: bob}},
		{"!ex accept", room, ledger.Command{Verb: ledger.VerbAccept, Lang: ledger.LangEN}},
		{"!ex accept abcd-1234", room, ledger.Command{Verb: ledger.VerbAccept, Lang: ledger.LangEN, Rest: "abcd-1234", Code: "ABCD-1234"}},
		{"!ex принять K7QX thanks", room, ledger.Command{Verb: ledger.VerbAccept, Lang: ledger.LangRU, Rest: "K7QX thanks", Code: "K7QX"}},
		{"!ex accept " + strings.Repeat("z", 32), room, ledger.Command{Verb: ledger.VerbAccept, Lang: ledger.LangEN,
			Rest: strings.Repeat("z", 32), Code: strings.Repeat("Z", 32)}},
		{"!ex decline", room, ledger.Command{Verb: ledger.VerbDecline, Lang: ledger.LangEN}},
		{"!ex отклонить спасибо", room, ledger.Command{Verb: ledger.VerbDecline, Lang: ledger.LangRU, Rest: "спасибо"}},
		{"!ex list", room, ledger.Command{Verb: ledger.VerbList, Lang: ledger.LangEN}},
		{"!ex список всех", room, ledger.Command{Verb: ledger.VerbList, Lang: ledger.LangRU, Rest: "всех"}},
		{"!ex pool", room, ledger.Command{Verb: ledger.VerbPool, Lang: ledger.LangEN}},
		{"!ex пул", room, ledger.Command{Verb: ledger.VerbPool, Lang: ledger.LangRU}},
		{"!ex capacity", room, ledger.Command{Verb: ledger.VerbCapacity, Lang: ledger.LangEN}},
		{"!ex ёмкость", room, ledger.Command{Verb: ledger.VerbCapacity, Lang: ledger.LangRU}},
		{"!ex поток", room, ledger.Command{Verb: ledger.VerbCapacity, Lang: ledger.LangRU}},
		{"!ex sos my flat flooded", room, ledger.Command{Verb: ledger.VerbSOS, Lang: ledger.LangEN,
			Rest: "my flat flooded", Text: "my flat flooded"}},
		{"!ex сос нужна помощь\nсрочно", room, ledger.Command{Verb: ledger.VerbSOS, Lang: ledger.LangRU,
			Rest: "нужна помощь\nсрочно", Text: "нужна помощь\nсрочно"}},
		{"sos " + strings.Repeat("x", 2000), direct, ledger.Command{Verb: ledger.VerbSOS, Lang: ledger.LangEN,
			Rest: strings.Repeat("x", 2000), Text: strings.Repeat("x", 2000)}},
		{"!ex help all", room, ledger.Command{Verb: ledger.VerbHelp, Lang: ledger.LangEN, Rest: "all", All: true}},
		{"!ex помощь всё", room, ledger.Command{Verb: ledger.VerbHelp, Lang: ledger.LangRU, Rest: "всё", All: true}},
		{"!ex timezone Europe/Belgrade", room, ledger.Command{Verb: ledger.VerbZone, Lang: ledger.LangEN, Rest: "Europe/Belgrade", Zone: "Europe/Belgrade"}},
		{"!ex пояс сброс", room, ledger.Command{Verb: ledger.VerbZone, Lang: ledger.LangRU, Rest: "сброс", ZoneReset: true}},
		{"!ex tz", room, ledger.Command{Verb: ledger.VerbZone, Lang: ledger.LangEN}},
		{"!ex lang ru", room, ledger.Command{Verb: ledger.VerbLang, Lang: ledger.LangEN, Rest: "ru", Target: ledger.LangRU}},
		{"!ex language English", room, ledger.Command{Verb: ledger.VerbLang, Lang: ledger.LangEN, Rest: "English", Target: ledger.LangEN}},
		{"язык en", direct, ledger.Command{Verb: ledger.VerbLang, Lang: ledger.LangRU, Rest: "en", Target: ledger.LangEN}},
		{"!ex язык русский", room, ledger.Command{Verb: ledger.VerbLang, Lang: ledger.LangRU, Rest: "русский", Target: ledger.LangRU}},
	}
	for _, c := range cases {
		cmd, addressed, err := grammar.Parse(c.body, c.opt)
		if err != nil || !addressed {
			t.Errorf("Parse(%.60q) = %v, %v", c.body, addressed, err)
			continue
		}
		if !reflect.DeepEqual(cmd, c.want) {
			t.Errorf("Parse(%.60q)\n got %+v\nwant %+v", c.body, cmd, c.want)
		}
	}
}

func TestParseYo(t *testing.T) {
	// "ё" and "е" are the same letter to the parser; no command word has one
	// today, so check the folding on a circle name left alone and a verb.
	cmd, _, err := grammar.Parse("!ex круг Ёлки", room)
	if err != nil || cmd.Name != "Ёлки" {
		t.Errorf("circle name with ё: %+v, %v", cmd, err)
	}
	if v, l, ok := grammar.LookupVerb("ПОМОЩЬ"); !ok || v != ledger.VerbHelp || l != ledger.LangRU {
		t.Errorf("LookupVerb(ПОМОЩЬ) = %s %s %v", v, l, ok)
	}
}

func TestParseErrors(t *testing.T) {
	alice := ledger.UserID("@alice:example.org")
	bob := ledger.UserID("@bob:example.org")
	cases := []struct {
		body string
		opt  grammar.Options
		verb ledger.Verb
		lang ledger.Lang
		key  string
		args []any
	}{
		{"!ex " + strings.Repeat("x", 4000), room, "", "", "cmd.too_long", []any{ledger.MaxCommandRunes}},
		{strings.Repeat("ж", 4001), direct, "", "", "cmd.too_long", []any{ledger.MaxCommandRunes}},
		{"!ex frobnicate", room, "", "", "cmd.unknown", []any{"frobnicate"}},
		{"!ex Фигня", room, "", ledger.LangRU, "cmd.unknown", []any{"Фигня"}},
		{"!ex 123", room, "", "", "cmd.unknown", []any{"123"}},
		{"hello bot", direct, "", "", "cmd.unknown", []any{"hello"}},
		{"!ex help me", room, ledger.VerbHelp, ledger.LangEN, "cmd.unknown", []any{"me"}},
		{"!ex помощь нам", room, ledger.VerbHelp, ledger.LangRU, "cmd.unknown", []any{"нам"}},
		{"!ex circle", room, ledger.VerbCircle, ledger.LangEN, "cmd.usage", []any{ledger.VerbCircle}},
		{"!ex круг", room, ledger.VerbCircle, ledger.LangRU, "cmd.usage", []any{ledger.VerbCircle}},
		{`!ex circle ""`, room, ledger.VerbCircle, ledger.LangEN, "cmd.usage", []any{ledger.VerbCircle}},
		{"!ex circle «  »", room, ledger.VerbCircle, ledger.LangEN, "cmd.usage", []any{ledger.VerbCircle}},
		{"!ex circle pledge", room, ledger.VerbCircle, ledger.LangEN, "cmd.usage", []any{ledger.VerbCircle}},
		{"!ex circle lang", room, ledger.VerbCircle, ledger.LangEN, "cmd.usage", []any{ledger.VerbCircle}},
		{"!ex circle pledge -5", room, ledger.VerbCircle, ledger.LangEN, "amount.negative", nil},
		{"!ex круг сумма 0", room, ledger.VerbCircle, ledger.LangRU, "amount.zero", nil},
		{"!ex circle pledge 5 XYZ", room, ledger.VerbCircle, ledger.LangEN, "amount.unknown_currency", []any{"XYZ"}},
		{"!ex circle pledge lots", room, ledger.VerbCircle, ledger.LangEN, "amount.malformed", []any{"lots"}},
		{"!ex circle pledge 1.555", room, ledger.VerbCircle, ledger.LangEN, "amount.too_precise", []any{"EUR", 2}},
		{"!ex circle pledge 20000000", room, ledger.VerbCircle, ledger.LangEN, "amount.too_large", []any{ledger.MaxMajorUnits}},
		{"!ex circle lang fr", room, ledger.VerbCircle, ledger.LangEN, "cmd.bad_lang", []any{"fr"}},
		{"!ex круг язык клингонский", room, ledger.VerbCircle, ledger.LangRU, "cmd.bad_lang", []any{"клингонский"}},
		{"!ex circle " + strings.Repeat("я", 81), room, ledger.VerbCircle, ledger.LangEN, "cmd.name_too_long", []any{ledger.MaxCircleNameRunes}},
		{"!ex circle bad\x00name", room, ledger.VerbCircle, ledger.LangEN, "cmd.bad_name", []any{"bad\x00name"}},
		{"!ex circle evil\u202Eeman", room, ledger.VerbCircle, ledger.LangEN, "cmd.bad_name", []any{"evil\u202Eeman"}},
		{"!ex circle bad\xffname", room, ledger.VerbCircle, ledger.LangEN, "cmd.bad_name", []any{"bad\ufffdname"}},
		{"!ex invite Alice", room, ledger.VerbInvite, ledger.LangEN, "cmd.bad_user", []any{"Alice", ledger.VerbInvite}},
		{"!ex invite Alice", mention(room, alice, bob), ledger.VerbInvite, ledger.LangEN, "cmd.bad_user", []any{"Alice", ledger.VerbInvite}},
		{"!ex пригласить @алиса:пример.рф", room, ledger.VerbInvite, ledger.LangRU, "cmd.bad_user",
			[]any{"@алиса:пример.рф", ledger.VerbInvite}},
		{"!ex chain", room, ledger.VerbChain, ledger.LangEN, "cmd.usage", []any{ledger.VerbChain}},
		{"!ex chain", mention(room, alice, bob), ledger.VerbChain, ledger.LangEN, "cmd.usage", []any{ledger.VerbChain}},
		{"!ex цепочка Боб", room, ledger.VerbChain, ledger.LangRU, "cmd.bad_user", []any{"Боб", ledger.VerbChain}},
		{"!ex здоровье Боб", room, ledger.VerbHealth, ledger.LangRU, "cmd.bad_user", []any{"Боб", ledger.VerbHealth}},
		{"!ex report november", room, ledger.VerbReport, ledger.LangEN, "report.bad_month", []any{"november"}},
		{"!ex report 2026-13", room, ledger.VerbReport, ledger.LangEN, "report.bad_month", []any{"2026-13"}},
		{"!ex отчет 2026-1", room, ledger.VerbReport, ledger.LangRU, "report.bad_month", []any{"2026-1"}},
		{"!ex report 2026/11", room, ledger.VerbReport, ledger.LangEN, "report.bad_month", []any{"2026/11"}},
		{"!ex report ２０２６-11", room, ledger.VerbReport, ledger.LangEN, "report.bad_month", []any{"２０２６-11"}},
		{"!ex block", room, ledger.VerbBlock, ledger.LangEN, "cmd.usage", []any{ledger.VerbBlock}},
		{"!ex remove", room, ledger.VerbRemove, ledger.LangEN, "cmd.usage", []any{ledger.VerbRemove}},
		{"!ex исключить", mention(room, alice, bob), ledger.VerbRemove, ledger.LangRU, "cmd.usage", []any{ledger.VerbRemove}},
		{"!ex owner", room, ledger.VerbOwner, ledger.LangEN, "cmd.usage", []any{ledger.VerbOwner}},
		{"!ex block bob", room, ledger.VerbBlock, ledger.LangEN, "cmd.bad_user", []any{"bob", ledger.VerbBlock}},
		{"!ex разблок", room, ledger.VerbUnblock, ledger.LangRU, "cmd.usage", []any{ledger.VerbUnblock}},
		{"!ex accept abc", room, ledger.VerbAccept, ledger.LangEN, "cmd.bad_code", []any{"abc"}},
		{"!ex accept " + strings.Repeat("z", 33), room, ledger.VerbAccept, ledger.LangEN, "cmd.bad_code", []any{strings.Repeat("z", 33)}},
		{"!ex принять код_1234", room, ledger.VerbAccept, ledger.LangRU, "cmd.bad_code", []any{"код_1234"}},
		{"!ex accept ABCD!", room, ledger.VerbAccept, ledger.LangEN, "cmd.bad_code", []any{"ABCD!"}},
		{"!ex sos", room, ledger.VerbSOS, ledger.LangEN, "cmd.usage", []any{ledger.VerbSOS}},
		{"сос", direct, ledger.VerbSOS, ledger.LangRU, "cmd.usage", []any{ledger.VerbSOS}},
		{"!ex sos " + strings.Repeat("x", 2001), room, ledger.VerbSOS, ledger.LangEN, "cmd.text_too_long", []any{ledger.MaxSOSRunes}},
		{"!ex lang", room, ledger.VerbLang, ledger.LangEN, "cmd.usage", []any{ledger.VerbLang}},
		{"!ex язык", room, ledger.VerbLang, ledger.LangRU, "cmd.usage", []any{ledger.VerbLang}},
		{"!ex lang de", room, ledger.VerbLang, ledger.LangEN, "cmd.bad_lang", []any{"de"}},
		{"!ex язык немецкий", room, ledger.VerbLang, ledger.LangRU, "cmd.bad_lang", []any{"немецкий"}},
	}
	for _, c := range cases {
		cmd, addressed, err := grammar.Parse(c.body, c.opt)
		e := ledger.AsError(err)
		if !addressed || e == nil {
			t.Errorf("Parse(%.60q) = %+v, %v, %v; want error %s", c.body, cmd, addressed, err, c.key)
			continue
		}
		if e.Code != ledger.EInvalid || e.Key != c.key || fmt.Sprint(e.Args) != fmt.Sprint(c.args) {
			t.Errorf("Parse(%.60q) error = %s %s %v; want %s %v", c.body, e.Code, e.Key, e.Args, c.key, c.args)
		}
		if cmd.Verb != c.verb || cmd.Lang != c.lang {
			t.Errorf("Parse(%.60q) verb/lang = %q/%q; want %q/%q", c.body, cmd.Verb, cmd.Lang, c.verb, c.lang)
		}
		if cmd.User != "" || cmd.Name != "" || cmd.Here || cmd.Code != "" || cmd.Text != "" || cmd.Target != "" || !cmd.Amount.IsZero() {
			t.Errorf("Parse(%.60q) failed but set argument fields: %+v", c.body, cmd)
		}
	}
}

func TestParseReplyToBot(t *testing.T) {
	reply := room
	reply.ReplyToBot = true
	directReply := direct
	directReply.ReplyToBot = true
	cases := []struct {
		body      string
		opt       grammar.Options
		addressed bool
		want      ledger.Command
		key       string // error key, if any
	}{
		// Discussion in the thread of a bot's card: not for the bot.
		{"hello everyone", reply, false, ledger.Command{}, ""},
		{"I can help next week", reply, false, ledger.Command{}, ""},
		{"давайте скинемся", reply, false, ledger.Command{}, ""},
		{"50 euros would be nice", reply, false, ledger.Command{}, ""},
		{"50 bananas", reply, false, ledger.Command{}, ""},
		{"-5", reply, false, ledger.Command{}, ""},
		{"0", reply, false, ledger.Command{}, ""},
		{"1,000", reply, false, ledger.Command{}, ""},
		{"> <@bot:x.y> Alice needs help\n\ngood luck Alice", reply, false, ledger.Command{}, ""},
		{"please !ex intend", reply, false, ledger.Command{}, ""},
		{strings.Repeat("ж ", 3000), reply, false, ledger.Command{}, ""},
		// A bare amount means intend.
		{"50", reply, true, ledger.Command{Verb: ledger.VerbIntend, Rest: "50", Amount: ledger.Amount{Minor: 5000, Currency: "EUR"}}, ""},
		{" €12,50 ", reply, true, ledger.Command{Verb: ledger.VerbIntend, Rest: "€12,50", Amount: ledger.Amount{Minor: 1250, Currency: "EUR"}}, ""},
		{"500 руб", reply, true, ledger.Command{Verb: ledger.VerbIntend, Rest: "500 руб", Amount: ledger.Amount{Minor: 50000, Currency: "RUB"}}, ""},
		{"> <@bot:x.y> Alice needs help\n\n$20", reply, true,
			ledger.Command{Verb: ledger.VerbIntend, Rest: "$20", Amount: ledger.Amount{Minor: 2000, Currency: "USD"}}, ""},
		// A command word without the prefix.
		{"intend 30", reply, true, ledger.Command{Verb: ledger.VerbIntend, Lang: ledger.LangEN, Rest: "30",
			Amount: ledger.Amount{Minor: 3000, Currency: "EUR"}}, ""},
		{"Намерен 30", reply, true, ledger.Command{Verb: ledger.VerbIntend, Lang: ledger.LangRU, Rest: "30",
			Amount: ledger.Amount{Minor: 3000, Currency: "EUR"}}, ""},
		{"commit", reply, true, ledger.Command{Verb: ledger.VerbCommit, Lang: ledger.LangEN}, ""},
		{"обязуюсь", reply, true, ledger.Command{Verb: ledger.VerbCommit, Lang: ledger.LangRU}, ""},
		{"отправила", reply, true, ledger.Command{Verb: ledger.VerbSent, Lang: ledger.LangRU}, ""},
		{"?", reply, true, ledger.Command{Verb: ledger.VerbHelp}, ""},
		{"intend lots", reply, true, ledger.Command{Verb: ledger.VerbIntend, Lang: ledger.LangEN, Rest: "lots"}, "amount.malformed"},
		// With the prefix, as usual.
		{"!ex commit", reply, true, ledger.Command{Verb: ledger.VerbCommit, Lang: ledger.LangEN}, ""},
		{"!ex обязательство 20", reply, true, ledger.Command{Verb: ledger.VerbCommit, Lang: ledger.LangRU, Rest: "20",
			Amount: ledger.Amount{Minor: 2000, Currency: "EUR"}}, ""},
		{"!ex", reply, true, ledger.Command{Verb: ledger.VerbHelp}, ""},
		{"!ex 50", reply, true, ledger.Command{}, "cmd.unknown"},
		{"!ex hello", reply, true, ledger.Command{}, "cmd.unknown"},
		// Without ReplyToBot, a bare amount is not for the bot.
		{"50", room, false, ledger.Command{}, ""},
		{"intend 30", room, false, ledger.Command{}, ""},
		// In a direct chat, everything is addressed; a bare amount means
		// intend only in a reply to the bot.
		{"hello bot", directReply, true, ledger.Command{}, "cmd.unknown"},
		{"50", directReply, true, ledger.Command{Verb: ledger.VerbIntend, Rest: "50", Amount: ledger.Amount{Minor: 5000, Currency: "EUR"}}, ""},
		{"50", direct, true, ledger.Command{}, "cmd.unknown"},
		{"!ex 50", directReply, true, ledger.Command{}, "cmd.unknown"},
		{"intend 30", direct, true, ledger.Command{Verb: ledger.VerbIntend, Lang: ledger.LangEN, Rest: "30",
			Amount: ledger.Amount{Minor: 3000, Currency: "EUR"}}, ""},
	}
	for _, c := range cases {
		cmd, addressed, err := grammar.Parse(c.body, c.opt)
		key := ""
		if e := ledger.AsError(err); e != nil {
			key = e.Key
		} else if err != nil {
			key = err.Error()
		}
		if addressed != c.addressed || key != c.key || !reflect.DeepEqual(cmd, c.want) {
			t.Errorf("Parse(%.60q, direct=%v reply=%v) = %+v, %v, %v\nwant %+v, %v, %q",
				c.body, c.opt.Direct, c.opt.ReplyToBot, cmd, addressed, err, c.want, c.addressed, c.key)
		}
	}
}

func TestParseErrorKeepsSetting(t *testing.T) {
	cmd, _, err := grammar.Parse("!ex circle pledge nope", room)
	if err == nil || cmd.Setting != ledger.SettingPledge || cmd.Rest != "pledge nope" {
		t.Errorf("got %+v, %v", cmd, err)
	}
}

// TestAddressThenParse: a message is addressed once and parsed once, with
// the default currency known only then; the result is Parse's.
func TestAddressThenParse(t *testing.T) {
	reply := grammar.Options{Prefix: "!ex", ReplyToBot: true, DefaultCurrency: "EUR"}
	if _, ok := grammar.Address("thanks, got it", reply); ok {
		t.Error("discussion in a reply to the bot is addressed")
	}
	a, ok := grammar.Address("20", reply)
	if !ok || a.Prefixed() {
		t.Fatalf("a bare amount replying to the bot: addressed %v, prefixed %v", ok, a.Prefixed())
	}
	cmd, err := a.Parse("RUB")
	if err != nil || cmd.Verb != ledger.VerbIntend || cmd.Amount != (ledger.Amount{Minor: 2000, Currency: "RUB"}) {
		t.Errorf("Parse(RUB) = %+v, %v; want intend 20 RUB", cmd, err)
	}
	a, ok = grammar.Address("!EX commit 5", reply)
	if !ok || !a.Prefixed() {
		t.Fatalf("a prefixed command: addressed %v, prefixed %v", ok, a.Prefixed())
	}
	want, _, wantErr := grammar.Parse("!EX commit 5", reply)
	if got, err := a.Parse("EUR"); !reflect.DeepEqual(got, want) || (err == nil) != (wantErr == nil) {
		t.Errorf("Parse = %+v, %v; Parse = %+v, %v", got, err, want, wantErr)
	}
}
