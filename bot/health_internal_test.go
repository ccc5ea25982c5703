package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

// TestHealthDurationPlurals: a time to fulfil in days takes the plural
// form of the count in each language.
func TestHealthDurationPlurals(t *testing.T) {
	for _, c := range []struct {
		d      time.Duration
		en, ru string
	}{
		{90 * time.Minute, "1 h 30 min", "1 ч 30 мин"},
		{24 * time.Hour, "1 day", "1 день"},
		{50 * time.Hour, "2 days 2 h", "2 дня 2 ч"},
		{5 * 24 * time.Hour, "5 days", "5 дней"},
		{21 * 24 * time.Hour, "21 days", "21 день"},
	} {
		if got := healthDuration(ledger.LangEN, c.d); got != c.en {
			t.Errorf("healthDuration(en, %v) = %q; want %q", c.d, got, c.en)
		}
		if got := healthDuration(ledger.LangRU, c.d); got != c.ru {
			t.Errorf("healthDuration(ru, %v) = %q; want %q", c.d, got, c.ru)
		}
	}
}

// TestHealthTextReleasedPlurals: the commitments let go are counted apart,
// in the plural form of their count.
func TestHealthTextReleasedPlurals(t *testing.T) {
	for _, c := range []struct {
		n      int
		en, ru string
	}{
		{1, "1 commitment was let go", "1 обязательство снято реестром (сбор закрылся или участник вышел) и не учитывается"},
		{3, "3 commitments were let go", "3 обязательства сняты реестром (сбор закрылся или участник вышел) и не учитываются"},
		{5, "5 commitments were let go", "5 обязательств снято реестром (сбор закрылся или участник вышел) и не учитываются"},
	} {
		h := &ledger.Health{Released: c.n}
		if got := healthText(ledger.LangEN, "", h); !strings.Contains(got, c.en) || !strings.Contains(got, "No commitments yet.") {
			t.Errorf("en, %d released: %s", c.n, got)
		}
		if got := healthText(ledger.LangRU, "", h); !strings.Contains(got, c.ru) {
			t.Errorf("ru, %d released: %s", c.n, got)
		}
	}
}
