package bot

import (
	"strings"
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
)

// TestCapacityText renders a capacity in English and in Russian: the
// figure in the language's format, each path as mentions ending at
// "you", how many paths are not shown, and names shown literally.
func TestCapacityText(t *testing.T) {
	evil := ledger.UserID("@_x*y_[z](http://e.vil):test")
	cs := []ledger.Capacity{{
		Member: "@me:test", Value: ledger.Amount{Minor: 123450, Currency: "EUR"}, PathCount: 7,
		Paths: []ledger.FlowPath{
			{Members: []ledger.UserID{evil, "@bob:test", "@me:test"}, Amount: ledger.Amount{Minor: 100000, Currency: "EUR"}},
			{Members: []ledger.UserID{"@bob:test", "@me:test"}, Amount: ledger.Amount{Minor: 23450, Currency: "EUR"}},
		},
	}}
	for _, tc := range []struct {
		lang ledger.Lang
		want []string
	}{
		{ledger.LangEN, []string{"What can reach you through guarantees:** €1,234.50.", "€1,000: ", " → you",
			"…and 5 more paths.", "what is left of their pledge"}},
		{ledger.LangRU, []string{"по поручительствам:** 1\u00a0234,50\u00a0€.", "1\u00a0000\u00a0€: ", " → вы",
			"…и ещё 5 путей.", "что осталось от его поручительства"}},
	} {
		md := capacityText(tc.lang, cs)
		for _, w := range tc.want {
			if !strings.Contains(md, w) {
				t.Errorf("%s: %q lacks %q", tc.lang, md, w)
			}
		}
		msg := message(md, "capacity", nil).Parsed.(*draft).rendered()
		if !strings.Contains(msg.Body, "@_x*y_[z](http://e.vil):test") {
			t.Errorf("%s: the name is not shown literally in the body: %q", tc.lang, msg.Body)
		}
		if strings.Contains(msg.FormattedBody, "<em>") || strings.Contains(msg.FormattedBody, `href="http://e.vil"`) {
			t.Errorf("%s: the name became markup: %q", tc.lang, msg.FormattedBody)
		}
	}
}

// TestCapacityTextNone: with nothing that can reach the member, the answer
// says so and why, in both languages.
func TestCapacityTextNone(t *testing.T) {
	zero := []ledger.Capacity{{Member: "@me:test", Value: ledger.Amount{Currency: "EUR"}}}
	for lang, want := range map[ledger.Lang]string{ledger.LangEN: "No help can reach you", ledger.LangRU: "помощь не может дойти до вас"} {
		for _, cs := range [][]ledger.Capacity{nil, zero} {
			if md := capacityText(lang, cs); !strings.Contains(md, want) {
				t.Errorf("%s %v: %q", lang, cs, md)
			}
		}
	}
}
