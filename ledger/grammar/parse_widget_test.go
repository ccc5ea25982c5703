package grammar_test

import (
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/ledger/grammar"
)

func TestParseWidget(t *testing.T) {
	en, ru := ledger.LangEN, ledger.LangRU
	cases := []struct {
		body string
		lang ledger.Lang
		off  bool
		bad  bool // refused with the command's usage
	}{
		{"!ex widget", en, false, false},
		{"!ex WIDGET", en, false, false},
		{"!ex widget off", en, true, false},
		{"!ex widget remove", en, true, false},
		{"!ex widget OFF.", en, true, false},
		{"!ex виджет", ru, false, false},
		{"!ex виджет выкл", ru, true, false},
		{"!ex Виджет убрать", ru, true, false},
		{"!ex widget on", en, false, true},
		{"!ex widget off now", en, false, true},
		{"!ex виджет включить", ru, false, true},
	}
	for _, c := range cases {
		cmd, addressed, err := grammar.Parse(c.body, room)
		if !addressed || cmd.Verb != ledger.VerbWidget || cmd.Lang != c.lang {
			t.Errorf("Parse(%q) = %+v, addressed %v; want widget in %s", c.body, cmd, addressed, c.lang)
			continue
		}
		if c.bad {
			if e := ledger.AsError(err); e == nil || e.Key != "cmd.usage" || cmd.Off {
				t.Errorf("Parse(%q) = off %v, error %v; want cmd.usage", c.body, cmd.Off, err)
			}
			continue
		}
		if err != nil || cmd.Off != c.off {
			t.Errorf("Parse(%q) = off %v, error %v; want off %v", c.body, cmd.Off, err, c.off)
		}
	}
}
