package web

import (
	"fmt"
	"html/template"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/locale"
)

// funcs are the template functions.
var funcs = template.FuncMap{
	"t":          func(l ledger.Lang, key string, args ...any) string { return trf(l, key, args...) },
	"money":      locale.Amount,
	"unit":       locale.Unit,
	"unitName":   locale.UnitName,
	"moneys":     locale.Amounts,
	"typed":      typedAmount,
	"date":       date,
	"who":        func(u ledger.UserID) string { return u.Localpart() },
	"needHref":   needHref,
	"circleHref": circleHref,
	"icon":       promiseIcon,
	"light":      lightIcon,
	"dict":       dict,
	"num":        num,
}

// dict makes a map of its arguments, key then value, for a shared
// template part that needs more than one.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("dict needs pairs, got %d arguments", len(kv))
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict key %v is no string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}

// Kept is a field's value of a refused form named form, to fill it again
// ("" for any other form).
func (d *pageData) Kept(form, field string) string {
	if d.Form == nil || d.Form.Get("form") != form {
		return ""
	}
	return d.Form.Get(field)
}

// Bad tells whether field of the refused form named form is the one the
// refusal is about: the page marks it aria-invalid, ties it to the message
// and puts the focus on it.
func (d *pageData) Bad(form, field string) bool {
	return d.Error && d.Invalid == field && d.Form != nil && d.Form.Get("form") == form
}

// localPath returns p if it is a path of this site, else fallback: a form's
// "back" field or the language switch's must not send the member
// elsewhere. Browsers read a backslash as a slash and drop tabs and line
// breaks ("/\t/evil" is "//evil"), so any of these is refused too.
func localPath(p, fallback string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") ||
		strings.IndexFunc(p, func(r rune) bool { return r == '\\' || unicode.IsControl(r) }) >= 0 {
		return fallback
	}
	return p
}

// date renders a day ("2006-01-02", as the pages keep it, or "2006-01-02
// 15:04" with a time) in the member's language: "December 2, 2026",
// "2 декабря 2026 г., 14:30"; anything else as it is.
func date(l ledger.Lang, day string) string {
	if t, err := time.Parse("2006-01-02 15:04", day); err == nil {
		return locale.DateYear(l, t) + ", " + locale.Clock(l, t)
	}
	t, err := time.Parse("2006-01-02", day)
	if err != nil {
		return day
	}
	return locale.DateYear(l, t)
}

// sum adds up the amounts of promises per currency, in order of
// appearance.
func sum(ps []*ledger.Promise) []ledger.Amount {
	var out []ledger.Amount
	for _, p := range ps {
		i := slices.IndexFunc(out, func(a ledger.Amount) bool { return a.Currency == p.Amount.Currency })
		if i < 0 {
			out = append(out, ledger.Amount{Currency: p.Amount.Currency})
			i = len(out) - 1
		}
		out[i].Minor += p.Amount.Minor
	}
	return out
}

// needHref is the page of a need (initiatives have their own).
func needHref(id ledger.NeedID, k ledger.NeedKind) string {
	if k == ledger.NeedInitiative {
		return "/initiatives/" + url.PathEscape(string(id))
	}
	return "/needs/" + url.PathEscape(string(id))
}

// circleHref is the page of a circle.
func circleHref(id ledger.CircleID) string {
	return "/circles/" + url.PathEscape(string(id))
}

// promiseIcon is the symbol of a promise state, as in chat.
func promiseIcon(s ledger.PromiseState) string {
	switch s {
	case ledger.PromiseIntention:
		return "❤️"
	case ledger.PromiseCommitment:
		return "🤝"
	case ledger.PromiseSent:
		return "📤"
	case ledger.PromiseFulfilled:
		return "👍"
	case ledger.PromiseForgiven:
		return "🕊"
	}
	return "·"
}

// lightIcon is the traffic light of a status or need kind.
func lightIcon(s string) string {
	switch s {
	case string(ledger.StatusOrange):
		return "🟠"
	case string(ledger.StatusRed):
		return "🔴"
	case string(ledger.NeedInitiative):
		return "💡"
	case string(ledger.NeedClaim):
		return "🏦"
	}
	return "🟢"
}

// step5 is a percentage rounded down to a multiple of 5, from 0 to 100:
// the width class of a bar.
func step5(pct int) int {
	return max(0, min(pct, 100)) / 5 * 5
}

// loc is the time zone of the cycle: dates are shown in it.
func (pg *pages) loc() *time.Location {
	if l := pg.cfg.Cycle.Location; l != nil {
		return l
	}
	return time.UTC
}

// day renders a time's date in time zone loc, the member's ("" if zero).
func day(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format("2006-01-02")
}

// due renders the deadline of a need's Progress: its last day, and the
// time on that day when it ends within the day ("" if none), both in the
// zone the Progress was computed in (the member's), as the chat does.
func due(p ledger.Progress) string {
	if p.LastDay.IsZero() {
		return ""
	}
	if p.AtClock {
		return p.LastDay.Format("2006-01-02") + " " + p.Deadline.Format("15:04")
	}
	return p.LastDay.Format("2006-01-02")
}

// needCard is a need as a list shows it: its progress (the ledger's
// figures, percentages and deadline, as the chat card shows them) and a
// bar.
type needCard struct {
	ID     ledger.NeedID
	Href   string
	Kind   ledger.NeedKind
	State  ledger.NeedState
	Owner  ledger.UserID
	Mine   bool
	Title  string
	Circle ledger.CircleID
	ledger.Progress
	// Due is the deadline as shown: its last day (and time).
	Due string
	// DaysLeft is the whole days until the deadline (initiatives, red).
	DaysLeft int
	// CommittedW and IntendedW are the widths of the bar's parts, in
	// steps of 5%: commitments (the progress), then intentions.
	CommittedW, IntendedW int
}

// cardOf builds the card of need n from the book, its dates in time zone
// loc (the member's).
func (pg *pages) cardOf(b *ledger.Book, n *ledger.Need, me ledger.UserID, loc *time.Location) needCard {
	p := b.ProgressOf(n.ID, loc)
	nc := needCard{ID: n.ID, Href: needHref(n.ID, n.Kind), Kind: n.Kind, State: n.State, Owner: n.Owner,
		Mine: n.Owner == me, Title: n.Title, Circle: n.Circle, Progress: p, Due: due(p), DaysLeft: p.DaysLeft(pg.clock.Now())}
	nc.CommittedW = step5(p.Percent)
	nc.IntendedW = step5(p.PercentPromised) - nc.CommittedW
	return nc
}

// statusNow is what the status form shows: the member's current status,
// the amount of its need as one would type it, and the days left of a red
// collection, so that submitting the form unchanged keeps what is.
type statusNow struct {
	Status ledger.Status
	Amount string
	Thing  string // the thing or service asked for in kind, instead of Amount
	Days   string
}

// typedAmount is an amount as a member would type it in a form: "12.50
// EUR", and hours or things with the words the chat reads ("1.5 h", "2
// items").
func typedAmount(a ledger.Amount) string {
	switch a.Currency {
	case ledger.Hours:
		return a.Number() + " h"
	case ledger.Items:
		return a.Number() + " items"
	}
	return a.String()
}

// statusNowOf is the current state of a member's status st for the status
// form; typed is the currency an amount without one means.
func (pg *pages) statusNowOf(b *ledger.Book, st ledger.MemberStatus, typed ledger.Currency) statusNow {
	now := statusNow{Status: st.Status}
	if now.Status == "" {
		now.Status = ledger.StatusGreen
	}
	if st.Status == ledger.StatusGreen || st.Need == "" {
		return now
	}
	p := b.ProgressOf(st.Need, pg.loc())
	switch n, _ := b.Need(st.Need); {
	case n != nil && n.Target.Currency == ledger.Items && n.Title != "":
		now.Thing = n.Title
	case p.Target.Currency == typed:
		now.Amount = p.Target.Number()
	case p.Target.Currency == ledger.Hours:
		now.Amount = typedAmount(p.Target)
	default:
		now.Amount = p.Target.String()
	}
	if st.Status == ledger.StatusRed {
		if days := p.DaysLeft(pg.clock.Now()); days > 0 {
			now.Days = strconv.Itoa(days)
		}
	}
	return now
}

// StatusShown is what the status form shows: the refused status form's
// values to correct them, else now, the member's current status.
func (d *pageData) StatusShown(now statusNow) statusNow {
	if d.Form == nil || d.Form.Get("form") != "status" {
		return now
	}
	return statusNow{Status: ledger.Status(d.Form.Get("status")), Amount: d.Form.Get("amount"), Thing: d.Form.Get("thing"),
		Days: d.Form.Get("days")}
}
