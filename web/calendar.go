package web

import "time"

// calDay is one day of a month's grid.
type calDay struct {
	// Key is the day's date, "2006-01-02".
	Key     string
	Day     int
	InMonth bool
	Today   bool
	Events  []calEvent
}

// calEvent is something due on a day.
type calEvent struct {
	// Kind is red, initiative, commitment or reminder.
	Kind string
	Text string
	Href string
}

// monthGrid lays out a month as weeks of seven days, Monday first: the
// first week starts on the Monday on or before the 1st, the last ends on
// the Sunday on or after the month's last day. Days outside the month are
// marked so; today ("2006-01-02") is marked if it is on the grid.
func monthGrid(year int, month time.Month, today string) [][]calDay {
	first := time.Date(year, month, 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1)
	start := first.AddDate(0, 0, -((int(first.Weekday()) + 6) % 7))
	end := last.AddDate(0, 0, (7-int(last.Weekday()))%7)
	var weeks [][]calDay
	for d := start; !d.After(end); d = d.AddDate(0, 0, 7) {
		week := make([]calDay, 7)
		for i := range week {
			day := d.AddDate(0, 0, i)
			key := day.Format("2006-01-02")
			week[i] = calDay{Key: key, Day: day.Day(), InMonth: day.Month() == month, Today: key == today}
		}
		weeks = append(weeks, week)
	}
	return weeks
}

// dueDay is the date something due at t falls on, in loc: a deadline at
// midnight is the end of the day before.
func dueDay(t time.Time, loc *time.Location) string {
	d := t.In(loc)
	if d.Hour() == 0 && d.Minute() == 0 && d.Second() == 0 && d.Nanosecond() == 0 {
		d = d.Add(-time.Nanosecond)
	}
	return d.Format("2006-01-02")
}
