package web

import (
	"testing"
	"time"
)

func TestMonthGrid(t *testing.T) {
	for _, c := range []struct {
		name        string
		year        int
		month       time.Month
		weeks       int
		first, last string
		inMonth     int
	}{
		{"starts on a Sunday, ends on a Monday", 2026, time.November, 6, "2026-10-26", "2026-12-06", 30},
		{"a February of exactly four weeks", 2021, time.February, 4, "2021-02-01", "2021-02-28", 28},
		{"a leap February", 2024, time.February, 5, "2024-01-29", "2024-03-03", 29},
		{"March after February", 2026, time.March, 6, "2026-02-23", "2026-04-05", 31},
		{"December into the next year", 2026, time.December, 5, "2026-11-30", "2027-01-03", 31},
	} {
		t.Run(c.name, func(t *testing.T) {
			g := monthGrid(c.year, c.month, "")
			if len(g) != c.weeks {
				t.Fatalf("%d weeks, want %d", len(g), c.weeks)
			}
			in := 0
			for _, week := range g {
				if len(week) != 7 {
					t.Fatalf("a week of %d days", len(week))
				}
				if d, _ := time.Parse("2006-01-02", week[0].Key); d.Weekday() != time.Monday {
					t.Errorf("week starts on %s (%s)", d.Weekday(), week[0].Key)
				}
				for _, d := range week {
					if d.InMonth {
						in++
					}
					if d.Today {
						t.Errorf("%s marked today", d.Key)
					}
				}
			}
			if g[0][0].Key != c.first || g[len(g)-1][6].Key != c.last {
				t.Errorf("grid from %s to %s, want %s to %s", g[0][0].Key, g[len(g)-1][6].Key, c.first, c.last)
			}
			if in != c.inMonth {
				t.Errorf("%d days in the month, want %d", in, c.inMonth)
			}
			if first := g[0]; first[0].InMonth && first[0].Day != 1 {
				t.Errorf("first day %+v", first[0])
			}
		})
	}
	g := monthGrid(2026, time.November, "2026-11-24")
	if !g[4][1].Today || g[4][1].Day != 24 {
		t.Errorf("today not marked: %+v", g[4][1])
	}
}

func TestDueDay(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no time zone data")
	}
	for _, c := range []struct {
		at   time.Time
		loc  *time.Location
		want string
	}{
		{time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), time.UTC, "2026-11-30"}, // midnight: the end of the day before
		{time.Date(2026, 12, 1, 0, 0, 1, 0, time.UTC), time.UTC, "2026-12-01"},
		{time.Date(2026, 11, 30, 23, 0, 0, 0, time.UTC), berlin, "2026-11-30"}, // midnight in Berlin
		{time.Date(2026, 11, 30, 23, 30, 0, 0, time.UTC), berlin, "2026-12-01"},
	} {
		if got := dueDay(c.at, c.loc); got != c.want {
			t.Errorf("dueDay(%s, %s) = %s, want %s", c.at, c.loc, got, c.want)
		}
	}
}
