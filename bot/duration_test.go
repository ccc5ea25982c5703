package bot

import (
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

func TestDurationText(t *testing.T) {
	for _, c := range []struct {
		d      time.Duration
		en, ru string
	}{
		{20 * time.Second, "20 s", "20 с"},
		{4 * time.Second, "4 s", "4 с"},
		{5 * time.Minute, "5 min", "5 мин"},
		{90 * time.Minute, "1 h 30 min", "1 ч 30 мин"},
		{time.Hour + 5*time.Second, "1 h 5 s", "1 ч 5 с"},
		{300 * time.Millisecond, "1 s", "1 с"},
	} {
		if got := durationText(ledger.LangEN, c.d); got != c.en {
			t.Errorf("durationText(en, %v) = %q; want %q", c.d, got, c.en)
		}
		if got := durationText(ledger.LangRU, c.d); got != c.ru {
			t.Errorf("durationText(ru, %v) = %q; want %q", c.d, got, c.ru)
		}
	}
}
