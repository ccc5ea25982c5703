package grammar_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/ledger/grammar"
)

// checkError fails t unless err is an *ledger.Error with a key.
func checkError(t *testing.T, in string, err error) {
	t.Helper()
	e := ledger.AsError(err)
	if e == nil {
		t.Fatalf("%q: error %v (%T) is not a *ledger.Error", in, err, err)
	}
	if e.Key == "" || e.Code != ledger.EInvalid {
		t.Fatalf("%q: error %+v has no key or code %q", in, e, e.Code)
	}
}

// hostileTexts is the corpus of hostile member texts (Markdown, HTML,
// @room, bidi and zero-width characters, a 10,000-character word...) the
// bot's tests show literally; here they seed the parsers' fuzzers.
func hostileTexts(f *testing.F) []string {
	f.Helper()
	data, err := os.ReadFile("../testdata/hostile.json")
	if err != nil {
		f.Fatal(err)
	}
	var texts []string
	if err := json.Unmarshal(data, &texts); err != nil {
		f.Fatal(err)
	}
	return texts
}

// FuzzParse: any message parses without a panic, to a keyed refusal or
// to a command within its bounds.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"!ex", "!ex help", "!ex помощь круг", "!ex circle here", "!ex circle pledge 50 EUR",
		"!ex круг сумма 500 руб", "!ex circle lang ru", `!ex circle "Friends"`, "!ex круг «Друзья»",
		"!ex invite @alice:example.org", "!ex invite Alice", "!ex accept abcd-1234", "!ex decline",
		"!ex list", "!ex chain @b:c", "!ex pool", "!ex block @b:c", "!ex unblock", "!ex sos help me",
		"!ex lang en", "язык ру", "hello", "> <@a:b> x\n\n!ex list", "!ex „x“", "!ex circle «",
		"!ex status green", "!ex status orange 300", "!ex status red 300 EUR 7 days", "!ex статус красный ₽500 3д",
		"!ex intend 30", "!ex намерен", "!ex commit €12,50", "!ex forgive @b:c", "!ex напомнить", "!ex got",
		"!ex about кот\tи\nсобака", "!ex requisites default 2", "!ex реквизиты по умолчанию 9",
		"!ex requisites IBAN PT50", "!ex leave yes", "!ex mute reminder", "!ex включить все", "мне",
		`!ex initiative "Roof" 300 EUR by 2027-05-01`, "!ex проект «Сад» ₽500 до 29.02", "!ex готово всё\nкуплено",
		`!ex инициатива „x“ 1 к 31/12/2027 .`, `!ex initiative "a" 5 by 31.02.2027`,
	} {
		f.Add(s, false, true)
	}
	for _, s := range hostileTexts(f) {
		for _, cmd := range []string{"!ex ", "!ex about ", "!ex requisites ", "!ex sos ", "!ex circle ", "!ex claim 5 ",
			"!ex done ", "!ex invite ", "!ex status orange "} {
			f.Add(cmd+s, false, false)
		}
		f.Add(`!ex initiative "`+s+`" 5 by 2027-01-01`, false, false)
		f.Add(s, true, false)
	}
	f.Add("help", true, false)
	f.Add("сос", true, true)
	f.Fuzz(func(t *testing.T, body string, direct, oneMention bool) {
		opt := grammar.Options{Prefix: "!ex", Direct: direct, DefaultCurrency: "EUR"}
		if oneMention {
			opt.Mentions = []ledger.UserID{"@m:example.org"}
		}
		cmd, addressed, err := grammar.Parse(body, opt)
		if !addressed {
			if err != nil || cmd != (ledger.Command{}) {
				t.Fatalf("%q: not addressed but %+v, %v", body, cmd, err)
			}
			return
		}
		if err != nil {
			checkError(t, body, err)
			return
		}
		checkCommand(t, body, cmd)
	})
}

// checkCommand checks the invariants of a successfully parsed command.
func checkCommand(t *testing.T, body string, cmd ledger.Command) {
	t.Helper()
	if cmd.Verb == "" {
		t.Fatalf("%q: no verb", body)
	}
	if cmd.Rest != strings.TrimSpace(cmd.Rest) {
		t.Fatalf("%q: Rest %q is not trimmed", body, cmd.Rest)
	}
	if cmd.User != "" && (!strings.HasPrefix(string(cmd.User), "@") || len(cmd.User) > ledger.MaxUserIDBytes) {
		t.Fatalf("%q: bad user %q", body, cmd.User)
	}
	if n := utf8.RuneCountInString(cmd.Name); cmd.Name != "" && (n > ledger.MaxCircleNameRunes || !utf8.ValidString(cmd.Name)) {
		t.Fatalf("%q: bad name %q", body, cmd.Name)
	}
	if cmd.Verb == ledger.VerbCircle && cmd.Name == "" && !cmd.Here && cmd.Setting == "" {
		t.Fatalf("%q: circle without an argument", body)
	}
	if cmd.Verb == ledger.VerbSOS && (cmd.Text == "" || utf8.RuneCountInString(cmd.Text) > ledger.MaxSOSRunes) {
		t.Fatalf("%q: bad sos text", body)
	}
	if cmd.Setting == ledger.SettingPledge && cmd.Amount.Minor <= 0 {
		t.Fatalf("%q: pledge %+v", body, cmd.Amount)
	}
	if cmd.Code != "" && cmd.Code != strings.ToUpper(cmd.Code) {
		t.Fatalf("%q: code %q not upper case", body, cmd.Code)
	}
}
