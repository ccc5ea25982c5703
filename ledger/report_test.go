package ledger_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

// naiveFigures are a month's figures counted one promise at a time.
type naiveFigures struct {
	commitments, fulfilled, overdue int
	committed, confirmed            map[ledger.Currency]int64
}

// naiveReport counts, from every promise of a book, the commitments made
// in month (UTC) that pass keep and were not released by the ledger.
func naiveReport(all []*ledger.Promise, month string, keep func(*ledger.Promise) bool) naiveFigures {
	f := naiveFigures{committed: map[ledger.Currency]int64{}, confirmed: map[ledger.Currency]int64{}}
	for _, p := range all {
		if p.CommittedAt.IsZero() || p.CommittedAt.UTC().Format("2006-01") != month || !keep(p) || p.State == ledger.PromiseReleased {
			continue
		}
		f.commitments++
		f.committed[p.Amount.Currency] += p.Amount.Minor
		if p.State == ledger.PromiseFulfilled {
			f.fulfilled++
			f.confirmed[p.Amount.Currency] += p.Amount.Minor
		}
		if p.State == ledger.PromiseCommitment || p.State == ledger.PromiseSent {
			f.confirmed[p.Amount.Currency] += p.GotMinor // a part confirmed counts by value
		}
		if (p.State == ledger.PromiseCommitment || p.State == ledger.PromiseSent) && p.Overdue {
			f.overdue++
		}
	}
	return f
}

// sameFigures tells how h differs from the naive figures, "" if it does not.
func sameFigures(h ledger.Health, f naiveFigures) string {
	if h.Commitments != f.commitments || h.Confirmed != f.fulfilled || h.Overdue != f.overdue {
		return fmt.Sprintf("counts %d/%d/%d, naive %d/%d/%d", h.Commitments, h.Confirmed, h.Overdue, f.commitments, f.fulfilled, f.overdue)
	}
	if len(h.Values) != len(f.committed) {
		return fmt.Sprintf("values %+v, naive %v", h.Values, f.committed)
	}
	for _, v := range h.Values {
		c := v.Committed.Currency
		if v.Committed.Minor != f.committed[c] || v.Confirmed.Minor != f.confirmed[c] || v.Confirmed.Currency != c {
			return fmt.Sprintf("%s: %v of %v, naive %d of %d", c, v.Confirmed, v.Committed, f.confirmed[c], f.committed[c])
		}
	}
	return ""
}

// TestReportMatchesNaiveReference: on random histories spread over four
// months, each member's and each circle's monthly report gives, receives,
// fulfils and is overdue exactly what counting the book's promises one by
// one says.
func TestReportMatchesNaiveReference(t *testing.T) {
	months := []string{"2026-03", "2026-04", "2026-05", "2026-06"}
	seen := map[string]naiveFigures{} // by month, to know the histories are not empty
	for seed := range 30 {
		g := newOpGen(uint64(500+seed), 4+seed%3)
		m, b := newRefModel(), ledger.NewBook()
		for i := range 400 {
			if i%40 == 39 { // days pass: deadlines and month rollovers come
				before := g.at.Format("2006-01")
				g.at = g.at.Add(time.Duration(3+g.r.IntN(9)) * 24 * time.Hour)
				for _, n := range b.DueDeadlines(g.at) {
					clockOp(m, b, ledger.Op{Kind: ledger.OpDeadline, Event: ledger.EventID(fmt.Sprintf("tick:deadline:%s", n.ID)), Actor: ledger.ClockActor, At: n.Deadline, Need: n.ID})
				}
				if month := g.at.Format("2006-01"); month != before {
					start, _ := time.Parse("2006-01", month)
					clockOp(m, b, ledger.Op{Kind: ledger.OpRollover, Event: ledger.EventID("tick:rollover:" + month), Actor: ledger.ClockActor, At: start, Month: month})
				}
			}
			op := g.next(m)
			_, _, _ = m.apply(op)
			_, _ = b.Apply(op)
		}
		now := g.at
		all := b.AllPromises()
		for _, month := range months {
			for _, u := range g.members {
				r := ledger.ReportOf(u, month, b.PromisesBy(u), b.PromisesTo(u), now, time.UTC)
				if d := sameFigures(r.Given, naiveReport(all, month, func(p *ledger.Promise) bool { return p.Giver == u })); d != "" {
					t.Fatalf("seed %d, %s, %s gave: %s", seed, month, u, d)
				}
				if d := sameFigures(r.Received, naiveReport(all, month, func(p *ledger.Promise) bool { return p.Beneficiary == u })); d != "" {
					t.Fatalf("seed %d, %s, %s received: %s", seed, month, u, d)
				}
			}
			l := &ledger.CircleLedger{Circle: "!c:t", Members: g.members}
			for _, p := range all {
				l.Promises = append(l.Promises, *p)
			}
			cr := ledger.CircleReportOf(l, month, now, time.UTC)
			f := seen[month]
			f.commitments, f.fulfilled, f.overdue = f.commitments+cr.Given.Commitments, f.fulfilled+cr.Given.Confirmed, f.overdue+cr.Given.Overdue
			seen[month] = f
			if d := sameFigures(cr.Given, naiveReport(all, month, func(*ledger.Promise) bool { return true })); d != "" {
				t.Fatalf("seed %d, %s, the circle: %s", seed, month, d)
			}
			for _, row := range cr.Rows {
				if d := sameFigures(row.Given, naiveReport(all, month, func(p *ledger.Promise) bool { return p.Giver == row.Member })); d != "" {
					t.Fatalf("seed %d, %s, circle row %s gave: %s", seed, month, row.Member, d)
				}
				if d := sameFigures(row.Received, naiveReport(all, month, func(p *ledger.Promise) bool { return p.Beneficiary == row.Member })); d != "" {
					t.Fatalf("seed %d, %s, circle row %s received: %s", seed, month, row.Member, d)
				}
			}
		}
	}
	for _, month := range months[:3] {
		if f := seen[month]; f.commitments == 0 || f.fulfilled == 0 || f.overdue == 0 {
			t.Errorf("the histories of %s have %d commitments, %d fulfilled, %d overdue: too few to test", month, f.commitments, f.fulfilled, f.overdue)
		}
	}
}

// clockOp applies one of the clock's ops to the model and the book.
func clockOp(m *refModel, b *ledger.Book, op ledger.Op) {
	_, _, _ = m.apply(op)
	_, _ = b.Apply(op)
}

// TestReportMonth: an empty month is the current one, a month to come or a
// malformed one is refused.
func TestReportMonth(t *testing.T) {
	c := ledger.CycleConfig{}
	now := time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in, want, key string
	}{
		{"", "2026-11", ""},
		{"2026-11", "2026-11", ""},
		{"2025-01", "2025-01", ""},
		{"2026-12", "", "report.future"},
		{"2026-13", "", "report.bad_month"},
		{"26-1", "", "report.bad_month"},
	} {
		got, err := c.ReportMonth(tc.in, now)
		if got != tc.want || (tc.key == "") != (err == nil) || (err != nil && ledger.AsError(err).Key != tc.key) {
			t.Errorf("ReportMonth(%q) = %q, %v; want %q, %s", tc.in, got, err, tc.want, tc.key)
		}
	}
}
