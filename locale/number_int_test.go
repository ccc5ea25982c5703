package locale

import (
	"testing"

	"golang.org/x/text/message"
	"golang.org/x/text/number"

	"github.com/exodus-matrix/exodus/ledger"
)

// TestIntBelowAThousand: Int's shortcut for 0–999 writes what x/text's
// CLDR printer writes, in every language the bot speaks and for a language
// it does not; larger and negative numbers still go through the printer.
func TestIntBelowAThousand(t *testing.T) {
	langs := []ledger.Lang{"xx"}
	for l := range forms {
		langs = append(langs, l)
	}
	for _, l := range langs {
		for _, n := range []int64{0, 1, 7, 10, 99, 100, 999, 1000, 1234, 1000000, -1, -999, -1234} {
			want := message.NewPrinter(tag(lang(l))).Sprint(number.Decimal(n))
			if got := Int(l, n); got != want {
				t.Errorf("Int(%s, %d) = %q, want %q", l, n, got, want)
			}
		}
		for n := range int64(1000) {
			want := message.NewPrinter(tag(lang(l))).Sprint(number.Decimal(n))
			if got := Int(l, n); got != want {
				t.Fatalf("Int(%s, %d) = %q, want %q", l, n, got, want)
			}
		}
	}
}
