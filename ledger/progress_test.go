package ledger_test

import (
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

func TestProgressCountsCommitmentsAndShowsIntentionsBeside(t *testing.T) {
	eur := func(m int64) ledger.Amount { return ledger.Amount{Minor: m, Currency: "EUR"} }
	n := &ledger.Need{Target: eur(15000)}
	cases := []struct {
		name                          string
		intended, committed           int64
		percent, promised, missingMin int64
	}{
		{"intentions only", 10000, 0, 0, 66, 15000},
		{"some of each", 5000, 5000, 33, 66, 10000},
		{"all committed", 0, 15000, 100, 100, 0},
		{"more committed than asked", 0, 20000, 133, 133, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tot := ledger.Totals{Target: eur(15000), Intended: eur(c.intended), Committed: eur(c.committed),
				Missing: eur(max(0, 15000-c.committed))}
			p := ledger.ProgressOf(n, tot, nil)
			if int64(p.Percent) != c.percent || int64(p.PercentPromised) != c.promised || p.Missing.Minor != c.missingMin {
				t.Errorf("percent %d, with intentions %d, missing %d; want %d, %d, %d",
					p.Percent, p.PercentPromised, p.Missing.Minor, c.percent, c.promised, c.missingMin)
			}
			if !p.Deadline.IsZero() || !p.LastDay.IsZero() || p.DaysLeft(time.Now()) != 0 {
				t.Errorf("a need without deadline has one: %+v", p)
			}
		})
	}
	if p := ledger.ProgressOf(&ledger.Need{}, ledger.Totals{}, nil); p.Percent != 0 || p.PercentPromised != 0 {
		t.Errorf("no target: %+v", p)
	}
}

func TestProgressLastDayIsTheDayTyped(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	cases := []struct {
		name     string
		deadline time.Time
		loc      *time.Location
		lastDay  string
		atClock  bool
	}{
		// "by 2026-12-20": promises are taken until the 20th ends.
		{"a date", time.Date(2026, 12, 21, 0, 0, 0, 0, time.UTC), time.UTC, "2026-12-20", false},
		{"a date in the cycle's zone", time.Date(2026, 12, 21, 0, 0, 0, 0, berlin), berlin, "2026-12-20", false},
		// the same instant read in UTC is still the 20th (23:00 UTC).
		{"a zone's midnight in UTC", time.Date(2026, 12, 21, 0, 0, 0, 0, berlin), time.UTC, "2026-12-20", true},
		// "by 2026-12-20 18:00", or a red collection's days from 14:30.
		{"a time", time.Date(2026, 12, 20, 18, 0, 0, 0, time.UTC), time.UTC, "2026-12-20", true},
		{"a minute after midnight", time.Date(2026, 12, 21, 0, 1, 0, 0, time.UTC), time.UTC, "2026-12-21", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := ledger.ProgressOf(&ledger.Need{Deadline: c.deadline}, ledger.Totals{}, c.loc)
			if got := p.LastDay.Format("2006-01-02"); got != c.lastDay || p.AtClock != c.atClock {
				t.Errorf("last day %s (at clock %v), want %s (%v)", got, p.AtClock, c.lastDay, c.atClock)
			}
			if p.LastDay.Location() != c.loc || !p.Deadline.Equal(c.deadline) {
				t.Errorf("last day %s, deadline %s", p.LastDay, p.Deadline)
			}
		})
	}
}

func TestProgressDaysLeft(t *testing.T) {
	end := time.Date(2026, 12, 21, 0, 0, 0, 0, time.UTC)
	p := ledger.ProgressOf(&ledger.Need{Deadline: end}, ledger.Totals{}, time.UTC)
	for _, c := range []struct {
		now  time.Time
		want int
	}{
		{end.Add(-10 * 24 * time.Hour), 10},
		{end.Add(-10*24*time.Hour + time.Minute), 10},
		{end.Add(-time.Minute), 1},
		{end, 0},
		{end.Add(time.Hour), 0},
	} {
		if got := p.DaysLeft(c.now); got != c.want {
			t.Errorf("days left at %s: %d, want %d", c.now, got, c.want)
		}
	}
}
