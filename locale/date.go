package locale

import (
	"fmt"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

// months are CLDR's wide month names (x/text has no date formatting, so
// this small table stands in for it): English's, and Russian's in the
// genitive ("format" context), as a date reads: "2 декабря".
var months = map[ledger.Lang][12]string{
	ledger.LangEN: {"January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December"},
	ledger.LangRU: {"января", "февраля", "марта", "апреля", "мая", "июня", "июля",
		"августа", "сентября", "октября", "ноября", "декабря"},
	ledger.LangSR: {"januar", "februar", "mart", "april", "maj", "jun", "jul",
		"avgust", "septembar", "oktobar", "novembar", "decembar"},
}

// Date renders the day of t, in t's time zone, as CLDR's long date without
// the year: "December 2" in English, "2 декабря" in Russian.
func Date(l ledger.Lang, t time.Time) string {
	l = lang(l)
	m := months[l][t.Month()-1]
	switch l {
	case ledger.LangRU:
		return fmt.Sprintf("%d %s", t.Day(), m)
	case ledger.LangSR:
		return fmt.Sprintf("%d. %s", t.Day(), m)
	}
	return fmt.Sprintf("%s %d", m, t.Day())
}

// DateYear is Date with the year: "December 2, 2026", "2 декабря 2026 г.".
func DateYear(l ledger.Lang, t time.Time) string {
	switch lang(l) {
	case ledger.LangRU:
		return fmt.Sprintf("%s %d г.", Date(l, t), t.Year())
	case ledger.LangSR:
		return fmt.Sprintf("%s %d.", Date(l, t), t.Year())
	}
	return fmt.Sprintf("%s, %d", Date(l, t), t.Year())
}

// Clock renders the time of day of t as CLDR's short time: "2:30 PM" in
// English, "14:30" in Russian.
func Clock(l ledger.Lang, t time.Time) string {
	if l := lang(l); l == ledger.LangRU || l == ledger.LangSR {
		return t.Format("15:04")
	}
	return t.Format("3:04\u202fPM")
}

// DateTime renders the day and time of t in the time zone loc (UTC if
// nil): "December 2, 2:30 PM", "2 декабря, 14:30".
func DateTime(l ledger.Lang, t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	t = t.In(loc)
	return Date(l, t) + ", " + Clock(l, t)
}
