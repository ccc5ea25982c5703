package web

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/locale"
)

// calendarPage is a month of what is due.
type calendarPage struct {
	Month      string // "2026-11"
	MonthNum   int
	Year       int
	Prev, Next string
	Weeks      [][]calDay
	// Agenda lists the days with something due, in order.
	Agenda []calDay
}

// monthParam is the form of the calendar's month parameter.
var monthParam = regexp.MustCompile(`^[0-9]{4}-(0[1-9]|1[0-2])$`)

// calendarPage shows a month (Monday first) with the deadlines of red
// collections and initiatives in the member's network, the member's open
// commitments (due at their month's end) and the monthly reminder's day.
func (pg *pages) calendarPage(w http.ResponseWriter, r *http.Request, c *caller) {
	ctx := r.Context()
	cycle, loc := pg.cfg.Cycle, c.zone()
	now := pg.clock.Now()
	key := r.URL.Query().Get("month")
	if key == "" {
		key = cycle.MonthKey(now)
	}
	start, err := cycle.MonthStart(key)
	if !monthParam.MatchString(key) || err != nil {
		pg.view.pageError(w, r, c, ledger.Errorf(ledger.EInvalid, "calendar.bad_month", key))
		return
	}
	rc, err := pg.vis.viewerOf(ctx, c.Member)
	if err != nil {
		pg.view.pageError(w, r, c, err)
		return
	}
	p := &calendarPage{Month: key, Year: start.Year(), MonthNum: int(start.Month()),
		Prev: cycle.MonthKey(start.AddDate(0, 0, -1)), Next: cycle.MonthKey(start.AddDate(0, 1, 0))}
	events, err := pg.calendarEvents(ctx, rc, c.Lang, loc)
	if err != nil {
		pg.view.pageError(w, r, c, err)
		return
	}
	if at, err := cycle.RemindAt(key); err == nil {
		day := at.In(loc).Format("2006-01-02")
		events[day] = append(events[day], calEvent{Kind: "reminder"})
	}
	p.Weeks = monthGrid(start.Year(), start.Month(), now.In(loc).Format("2006-01-02"))
	for _, week := range p.Weeks {
		for i := range week {
			week[i].Events = events[week[i].Key]
			if week[i].InMonth && len(week[i].Events) > 0 {
				p.Agenda = append(p.Agenda, week[i])
			}
		}
	}
	sort.SliceStable(p.Agenda, func(i, j int) bool { return p.Agenda[i].Key < p.Agenda[j].Key })
	pg.render(w, r, "calendar", &pageData{Title: "calendar.title", Nav: "calendar", Page: p})
}

// calendarEvents are what is due, by day ("2006-01-02"): the deadlines of
// the red collections and initiatives the member sees, and the member's
// open commitments (due when their month ends).
func (pg *pages) calendarEvents(ctx context.Context, rc *viewer, lang ledger.Lang, loc *time.Location) (map[string][]calEvent, error) {
	cycle := pg.cfg.Cycle
	events := map[string][]calEvent{}
	add := func(day string, e calEvent) { events[day] = append(events[day], e) }
	err := pg.aid.View(ctx, func(b *ledger.Book) error {
		for _, n := range b.OpenNeeds() {
			if !rc.sees(n) || n.Deadline.IsZero() {
				continue
			}
			switch n.Kind {
			case ledger.NeedRed:
				add(b.ProgressOf(n.ID, loc).LastDay.Format("2006-01-02"), calEvent{Kind: "red", Href: needHref(n.ID, n.Kind),
					Text: fmt.Sprintf("%s · %s", n.Owner.Localpart(), locale.Amount(lang, n.Target))})
			case ledger.NeedInitiative:
				add(b.ProgressOf(n.ID, loc).LastDay.Format("2006-01-02"), calEvent{Kind: "initiative", Href: needHref(n.ID, n.Kind),
					Text: fmt.Sprintf("%s · %s", n.Title, locale.Amount(lang, n.Target))})
			}
		}
		for _, pr := range b.PromisesBy(rc.me) {
			if !pr.State.Open() {
				continue
			}
			month := pr.Period
			if month == "" {
				month = cycle.MonthKey(pr.CreatedAt)
			}
			ms, err := cycle.MonthStart(month)
			if err != nil {
				continue
			}
			href := ""
			if n, ok := b.Need(pr.Need); ok {
				href = needHref(n.ID, n.Kind)
			}
			add(dueDay(ms.AddDate(0, 1, 0), loc), calEvent{Kind: "commitment", Href: href,
				Text: fmt.Sprintf("%s → %s", locale.Amount(lang, pr.Amount), pr.Beneficiary.Localpart())})
		}
		return nil
	})
	return events, err
}
