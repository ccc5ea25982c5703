package ledger

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"time"
)

// The monthly report: what a member, or each member of a circle, gave and
// received in one month, how much of it was fulfilled and how much is
// overdue. Its figures are the health figures (HealthOf) of the
// commitments made in that month (Promise.CommittedAt, in the cycle's time
// zone), as the health's figures by month count them: Commitments,
// Confirmed (fulfilled: receipt confirmed), Overdue (still owed past its
// deadline), and by currency what was committed and what was confirmed.

// Report is one month's report of a member or of a circle.
type Report struct {
	Month string // "2026-11"
	// Member is the member reported on (a member's report); Circle the
	// circle (a circle's report).
	Member UserID
	Circle CircleID
	// Given are the figures of the commitments the member gave (a circle:
	// every commitment toward the circle's needs); Received those toward
	// the member's needs (a circle: the same as Given).
	Given, Received Health
	// Rows are a circle's members, each with what they gave and received
	// within the circle (nil for a member's report).
	Rows []ReportRow
}

// ReportRow is one member's line of a circle's report.
type ReportRow struct {
	Member          UserID
	Given, Received Health
}

// ReportOf computes the figures of month (a key such as "2026-11" in loc)
// for member u from the promises they gave and those toward their needs,
// at time now.
func ReportOf(u UserID, month string, gave, got []*Promise, now time.Time, loc *time.Location) Report {
	return Report{Month: month, Member: u,
		Given:    HealthOf(inMonth(gave, month, loc), nil, now, loc),
		Received: HealthOf(inMonth(got, month, loc), nil, now, loc)}
}

// CircleReportOf computes the figures of month for circle c from its part
// of the ledger, at time now: the circle's, and each member's row.
func CircleReportOf(l *CircleLedger, month string, now time.Time, loc *time.Location) Report {
	ps := make([]*Promise, len(l.Promises))
	for i := range l.Promises {
		ps[i] = &l.Promises[i]
	}
	made := inMonth(ps, month, loc)
	all := HealthOf(made, nil, now, loc)
	r := Report{Month: month, Circle: l.Circle, Given: all, Received: all}
	for _, m := range l.Members {
		var gave, got []*Promise
		for _, p := range made {
			if p.Giver == m {
				gave = append(gave, p)
			}
			if p.Beneficiary == m {
				got = append(got, p)
			}
		}
		r.Rows = append(r.Rows, ReportRow{Member: m, Given: HealthOf(gave, nil, now, loc), Received: HealthOf(got, nil, now, loc)})
	}
	return r
}

// inMonth keeps the commitments of ps made in month, in loc.
func inMonth(ps []*Promise, month string, loc *time.Location) []*Promise {
	var out []*Promise
	for _, p := range ps {
		if !p.CommittedAt.IsZero() && p.CommittedAt.In(loc).Format("2006-01") == month {
			out = append(out, p)
		}
	}
	return out
}

// ReportMonth checks month (empty: the current one) for a report at now:
// a month that has begun, in the cycle's time zone. A month to come is
// refused with report.future.
func (c CycleConfig) ReportMonth(month string, now time.Time) (string, error) {
	this := c.MonthKey(now)
	if month == "" {
		return this, nil
	}
	start, err := c.MonthStart(month)
	if err != nil || c.MonthKey(start) != month {
		return "", Errorf(EInvalid, "report.bad_month", Clip(month))
	}
	if month > this {
		return "", Errorf(EInvalid, "report.future", month)
	}
	return month, nil
}

// MemberReport returns member u's report of month ("" for the current
// one) for asker, who must be u (EForbidden otherwise: what a member
// received is theirs to show).
func (s *Service) MemberReport(ctx context.Context, asker, u UserID, month string) (*Report, error) {
	if asker != u {
		return nil, Errorf(EForbidden, "report.not_yours")
	}
	now := s.clock.Now()
	month, err := s.cfg.Cycle.ReportMonth(month, now)
	if err != nil {
		return nil, err
	}
	var r Report
	err = s.Aid.View(ctx, func(b *Book) error {
		r = ReportOf(u, month, b.PromisesBy(u), b.PromisesTo(u), now, s.cfg.Cycle.loc())
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("failed to read the member's promises: %w", err)
	}
	return &r, nil
}

// CircleReport returns circle c's report of month ("" for the current
// one) for asker, who must be one of its members (EForbidden otherwise).
func (s *Service) CircleReport(ctx context.Context, asker UserID, c CircleID, month string) (*Report, error) {
	now := s.clock.Now()
	month, err := s.cfg.Cycle.ReportMonth(month, now)
	if err != nil {
		return nil, err
	}
	l, err := s.Aid.CircleLedger(ctx, c)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(l.Members, asker) {
		return nil, Errorf(EForbidden, "health.not_member")
	}
	r := CircleReportOf(l, month, now, s.cfg.Cycle.loc())
	sort.SliceStable(r.Rows, func(i, j int) bool { return r.Rows[i].Member < r.Rows[j].Member })
	return &r, nil
}
