package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

// kindCard is the card of a need in kind with one commitment toward it, as
// language l renders it.
func kindCard(l ledger.Lang, n *ledger.Need, promised ledger.Amount) string {
	b := ledger.NewBook()
	at := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	st := ledger.Op{Kind: ledger.OpStatus, Event: ledger.EventID(n.ID), Actor: n.Owner, At: at,
		Status: ledger.StatusOrange, Amount: n.Target, Text: n.Title}
	if n.Kind == ledger.NeedRed {
		st.Status, st.Days = ledger.StatusRed, 2
	}
	if _, err := b.Apply(st); err != nil {
		panic(err)
	}
	if _, err := b.Apply(ledger.Op{Kind: ledger.OpCommit, Event: "$c", Actor: "@bob:t", At: at.Add(time.Minute),
		Need: n.ID, Amount: promised}); err != nil {
		panic(err)
	}
	v, _ := b.ViewOf(n.ID, time.UTC)
	return needCardText(l, v, ledger.Amount{Minor: 2000, Currency: "EUR"}, "!ex")
}

func TestCardInHours(t *testing.T) {
	n := &ledger.Need{ID: "$n", Kind: ledger.NeedOrange, Owner: "@alice:t", Target: ledger.Amount{Minor: 400, Currency: ledger.Hours}}
	half := ledger.Amount{Minor: 150, Currency: ledger.Hours}
	for _, c := range []struct {
		l     ledger.Lang
		wants []string
	}{
		{ledger.LangEN, []string{"4\u00a0h a month", "committed 1.5\u00a0h", "missing 2.5\u00a0h", "intend 1\u00a0h", "1.5\u00a0h"}},
		{ledger.LangRU, []string{"4\u00a0ч в месяц", "обязательства 1,5\u00a0ч", "не хватает 2,5\u00a0ч", "намерение на 1\u00a0ч"}},
	} {
		got := kindCard(c.l, n, half)
		for _, w := range c.wants {
			if !strings.Contains(got, w) {
				t.Errorf("%s card lacks %q:\n%s", c.l, w, got)
			}
		}
		if strings.Contains(got, "HOUR") || strings.Contains(got, "€") {
			t.Errorf("%s card shows a code or money:\n%s", c.l, got)
		}
	}
}

func TestCardOfAThing(t *testing.T) {
	n := &ledger.Need{ID: "$n", Kind: ledger.NeedRed, Owner: "@carol:t", Target: ledger.Amount{Minor: 1, Currency: ledger.Items},
		Title: "a lift to the *hospital*"}
	one := ledger.Amount{Minor: 1, Currency: ledger.Items}
	for _, c := range []struct {
		l     ledger.Lang
		wants []string
	}{
		{ledger.LangEN, []string{`needs emergency help: a lift to the \*hospital\* by`, "committed 1\u00a0item", "missing 0\u00a0items"}},
		{ledger.LangRU, []string{`a lift to the \*hospital\* до`, "обязательства 1\u00a0штука", "не хватает 0\u00a0штук"}},
	} {
		got := kindCard(c.l, n, one)
		for _, w := range c.wants {
			if !strings.Contains(got, w) {
				t.Errorf("%s card lacks %q:\n%s", c.l, w, got)
			}
		}
	}
}
