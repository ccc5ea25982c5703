package ledger

import (
	"slices"
	"sort"
	"time"
)

// The health of the network: how reliably a circle's members, or one
// member, keep their commitments. The figures are about commitments, the
// promises that became binding at some point (Promise.CommittedAt):
//
//   - confirmed: the beneficiary confirmed receipt (fulfilled), the
//     honest figure, as Kickstarter's 85 % of the pledged collected;
//   - sent: the giver says it is sent, not confirmed yet;
//   - open: still owed, overdue ones among them (past their month or
//     their collection's days);
//   - forgiven: the beneficiary let the giver off, never received.
//
// A commitment partly fulfilled (20 of 50 confirmed) counts by value its
// confirmed part, by count only once whole: until then it is open (or
// sent).
//
// A commitment the ledger released (its need closed or its beneficiary
// left: nobody is owed it any more) counts in no share: it is only
// counted apart. The time to fulfil is from the commitment to the
// confirmation.

// HealthMonths is how many months the figures by month go back, the
// current month included.
const HealthMonths = 12

// Health are the figures of a set of commitments (a circle's, or those a
// member gave).
type Health struct {
	// Commitments counts the commitments the shares are of (released ones
	// excluded); Confirmed, Sent, Open (overdue ones included), Overdue and
	// Forgiven split them (Open = Overdue + the others still owed).
	Commitments, Confirmed, Sent, Open, Overdue, Forgiven int
	// Released counts the commitments the ledger let go, apart.
	Released int
	// Values are, by currency, what was committed and what confirmed.
	Values []HealthValue
	// Median is the median time from commitment to confirmation of the
	// confirmed ones (zero when none).
	Median time.Duration
	// Months are the figures by the month the commitments were made in,
	// the last HealthMonths months, oldest first, the current one last.
	Months []HealthMonth
	// Pledged is the pool the figures stand against (a circle's members'
	// pledges, or the member's own), by currency; Given is what was
	// confirmed received this month, by currency.
	Pledged []Amount
	Given   []Amount
}

// HealthValue is what was committed and what was confirmed in one
// currency.
type HealthValue struct {
	Committed, Confirmed Amount
}

// Percent is the share of the committed value confirmed, in whole
// percent rounded down (0 when nothing was committed).
func (v HealthValue) Percent() int { return Percent(v.Confirmed.Minor, v.Committed.Minor) }

// HealthMonth are the figures of the commitments made in one month.
type HealthMonth struct {
	Month                  string // "2026-11"
	Commitments, Confirmed int
	// Median is the median time to fulfil the month's confirmed ones.
	Median time.Duration
}

// Percent is the share of the month's commitments confirmed.
func (m HealthMonth) Percent() int { return Percent(int64(m.Confirmed), int64(m.Commitments)) }

// ConfirmedPercent is the share of the commitments confirmed, by count.
func (h *Health) ConfirmedPercent() int { return Percent(int64(h.Confirmed), int64(h.Commitments)) }

// OverduePercent is the share of the commitments still owed past their
// deadline, by count.
func (h *Health) OverduePercent() int { return Percent(int64(h.Overdue), int64(h.Commitments)) }

// Percent is part of whole in whole percent, rounded down, so that a share
// is never shown better than it is; 0 when whole is not positive.
func Percent(part, whole int64) int {
	if whole <= 0 || part <= 0 {
		return 0
	}
	if part >= whole {
		return 100
	}
	return int(part * 100 / whole) // amounts are bounded far below overflow
}

// HealthOf computes the figures of promises (those that never became
// commitments are ignored) at time now, months in loc; pledged is the
// pool they stand against.
func HealthOf(promises []*Promise, pledged []Amount, now time.Time, loc *time.Location) Health {
	t := healthTally{h: Health{Pledged: pledged}, loc: loc, thisMonth: monthStart(now, loc),
		values: map[Currency]*HealthValue{}, given: map[Currency]int64{}}
	t.h.Months = healthMonths(t.thisMonth, loc)
	t.byMonth = make([][]time.Duration, len(t.h.Months))
	for _, p := range promises {
		if !p.CommittedAt.IsZero() {
			t.add(p)
		}
	}
	t.h.Median = median(t.all)
	for i := range t.h.Months {
		t.h.Months[i].Median = median(t.byMonth[i])
	}
	t.h.Values = sortedValues(t.values)
	t.h.Given = sortedAmounts(t.given)
	return t.h
}

// healthTally adds commitments up into Health.
type healthTally struct {
	h         Health
	loc       *time.Location
	thisMonth time.Time
	values    map[Currency]*HealthValue
	given     map[Currency]int64
	all       []time.Duration   // the times to fulfil
	byMonth   [][]time.Duration // the same by the month of Health.Months
}

// add counts commitment p.
func (t *healthTally) add(p *Promise) {
	if p.State == PromiseReleased {
		t.h.Released++
		return
	}
	t.h.Commitments++
	v := t.values[p.Amount.Currency]
	if v == nil {
		v = &HealthValue{Committed: Amount{0, p.Amount.Currency}, Confirmed: Amount{0, p.Amount.Currency}}
		t.values[p.Amount.Currency] = v
	}
	v.Committed.Minor += p.Amount.Minor
	m := t.monthIndex(p.CommittedAt)
	if m >= 0 {
		t.h.Months[m].Commitments++
	}
	switch p.State {
	case PromiseFulfilled:
		t.h.Confirmed++
		v.Confirmed.Minor += p.Amount.Minor
		took := max(p.UpdatedAt.Sub(p.CommittedAt), 0)
		t.all = append(t.all, took)
		if m >= 0 {
			t.h.Months[m].Confirmed++
			t.byMonth[m] = append(t.byMonth[m], took)
		}
		if !p.UpdatedAt.Before(t.thisMonth) {
			t.given[p.Amount.Currency] += p.Amount.Minor
		}
	case PromiseSent:
		t.h.Sent++
		t.addPart(p, v)
	case PromiseCommitment:
		t.h.Open++
		t.addPart(p, v)
	case PromiseForgiven:
		t.h.Forgiven++
	}
	if p.State.Open() && p.Overdue {
		t.h.Overdue++
	}
}

// addPart counts by value the part of open commitment p already
// confirmed (a partial fulfilment): by count it is fulfilled only once
// whole.
func (t *healthTally) addPart(p *Promise, v *HealthValue) {
	v.Confirmed.Minor += p.GotMinor
	if p.GotMinor > 0 && !p.UpdatedAt.Before(t.thisMonth) {
		t.given[p.Amount.Currency] += p.GotMinor
	}
}

// monthIndex is the index in Health.Months of the month of t, -1 if it
// is not among them.
func (t *healthTally) monthIndex(at time.Time) int {
	y, m, _ := at.In(t.loc).Date()
	ty, tm, _ := t.thisMonth.Date()
	back := (ty-y)*12 + int(tm-m) // months before this one
	if back < 0 || back >= len(t.h.Months) {
		return -1
	}
	return len(t.h.Months) - 1 - back
}

// monthStart is the first instant of t's month in loc.
func monthStart(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, loc)
}

// healthMonths lists the HealthMonths months up to the one starting at
// this, oldest first, with no figures yet.
func healthMonths(this time.Time, loc *time.Location) []HealthMonth {
	ms := make([]HealthMonth, HealthMonths)
	for i := range ms {
		start := time.Date(this.Year(), this.Month()-time.Month(HealthMonths-1-i), 1, 0, 0, 0, 0, loc)
		ms[i].Month = start.Format("2006-01")
	}
	return ms
}

// median is the median of ds (the mean of the two middle ones when they
// are even in number), zero for none.
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	mid := len(s) / 2
	if len(s)%2 == 1 {
		return s[mid]
	}
	return s[mid-1] + (s[mid]-s[mid-1])/2
}

func sortedValues(m map[Currency]*HealthValue) []HealthValue {
	out := make([]HealthValue, 0, len(m))
	for _, v := range m {
		out = append(out, *v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Committed.Currency < out[j].Committed.Currency })
	return out
}

func sortedAmounts(m map[Currency]int64) []Amount {
	out := make([]Amount, 0, len(m))
	for c, v := range m {
		out = append(out, Amount{v, c})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Currency < out[j].Currency })
	return out
}
