package ledger

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// CycleConfig says when months begin and when the monthly reminder goes
// out.
type CycleConfig struct {
	// Location is the time zone months begin in (UTC if nil).
	Location *time.Location
	// RemindDays is how many days before a month ends the reminder goes
	// to members who still owe something.
	RemindDays int
	// WarnBefore is how long before its deadline a red collection's owner
	// and givers are warned that it ends (DefaultWarnBefore if zero).
	WarnBefore time.Duration
}

// warnBefore is WarnBefore, or its default.
func (c CycleConfig) warnBefore() time.Duration {
	if c.WarnBefore <= 0 {
		return DefaultWarnBefore
	}
	return c.WarnBefore
}

func (c CycleConfig) loc() *time.Location {
	if c.Location == nil {
		return time.UTC
	}
	return c.Location
}

// MonthKey names the month t falls in, in the cycle's time zone: "2026-11".
func (c CycleConfig) MonthKey(t time.Time) string {
	return t.In(c.loc()).Format("2006-01")
}

// MonthStart returns when the month named key ("2026-11") begins.
func (c CycleConfig) MonthStart(key string) (time.Time, error) {
	t, err := time.ParseInLocation("2006-01", key, c.loc())
	if err != nil {
		return time.Time{}, fmt.Errorf("failed to parse month %q: %w", key, err)
	}
	return t, nil
}

// nextMonth returns the month after key.
func (c CycleConfig) nextMonth(key string) (string, time.Time, error) {
	t, err := c.MonthStart(key)
	if err != nil {
		return "", time.Time{}, err
	}
	next := t.AddDate(0, 1, 0)
	return c.MonthKey(next), next, nil
}

// RemindAt returns when the reminder of month key goes out: RemindDays
// before the next month begins.
func (c CycleConfig) RemindAt(key string) (time.Time, error) {
	_, next, err := c.nextMonth(key)
	if err != nil {
		return time.Time{}, err
	}
	return next.AddDate(0, 0, -c.RemindDays), nil
}

// DueClockOps returns the clock's ops due at now: a rollover for every month
// that began since the book's month (or since the first need opened), and a
// deadline for every red collection whose days passed; in time order. Each
// has a synthetic event ID, so applying it twice changes nothing: a tick
// missed while the bot was down happens once when it is back, never twice.
func (s *Aid) DueClockOps(ctx context.Context, now time.Time) ([]Op, error) {
	var period string
	var first time.Time
	var due []*Need
	err := s.View(ctx, func(b *Book) error {
		period, due = b.Period(), b.DueDeadlines(now)
		if period == "" {
			for _, n := range b.rec.needs {
				if first.IsZero() || n.OpenedAt.Before(first) {
					first = n.OpenedAt
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	c := s.cfg.Cycle
	var ops []Op
	if period == "" && !first.IsZero() {
		period = c.MonthKey(first)
	}
	for period != "" {
		month, start, err := c.nextMonth(period)
		if err != nil {
			return nil, err
		}
		if start.After(now) {
			break
		}
		ops = append(ops, Op{Kind: OpRollover, Event: EventID("tick:rollover:" + month), Actor: ClockActor, At: start, Month: month})
		period = month
	}
	for _, n := range due {
		ops = append(ops, Op{Kind: OpDeadline, Event: EventID(fmt.Sprintf("tick:deadline:%s:%d", n.ID, n.Deadline.UnixMilli())),
			Actor: ClockActor, At: n.Deadline, Need: n.ID})
	}
	sortOps(ops)
	return ops, nil
}

// sortOps sorts ops in canonical order.
func sortOps(ops []Op) {
	sort.SliceStable(ops, func(i, j int) bool { return ops[i].Before(&ops[j]) })
}

// Digest is what one member still owes at the monthly reminder.
type Digest struct {
	Member UserID
	// Convert are their intentions (to turn into commitments), Fulfil their
	// commitments not yet sent, Confirm the commitments to them marked sent.
	Convert, Fulfil, Confirm []*Promise
}

// MonthlyDigests returns, once per month when its reminder time has come,
// a digest for every member who still owes something; members with nothing
// pending get none. A second call for the same month returns nothing.
func (s *Aid) MonthlyDigests(ctx context.Context, now time.Time) ([]Digest, error) {
	month := s.cfg.Cycle.MonthKey(now)
	at, err := s.cfg.Cycle.RemindAt(month)
	if err != nil || now.Before(at) {
		return nil, err
	}
	var digests []Digest
	err = s.View(ctx, func(b *Book) error {
		digests = b.digests()
		return nil
	})
	if err != nil {
		return nil, err
	}
	act := Action{Event: EventID("tick:remind:" + month), Actor: ClockActor, At: at}
	if err := s.ap.Apply(ctx, act, func(context.Context) error { return nil }); err != nil {
		if IsDuplicate(err) {
			return nil, nil
		}
		return nil, err
	}
	return digests, nil
}

// digests lists, by member, what each still owes.
func (b *Book) digests() []Digest {
	by := map[UserID]*Digest{}
	get := func(u UserID) *Digest {
		if by[u] == nil {
			by[u] = &Digest{Member: u}
		}
		return by[u]
	}
	for _, n := range b.rec.sortedNeeds() {
		for _, p := range b.rec.promisesOf(n.ID) {
			switch {
			case p.State == PromiseIntention && b.rec.counts(p, n) && n.State == NeedOpen:
				get(p.Giver).Convert = append(get(p.Giver).Convert, copyPromise(p))
			case p.State == PromiseCommitment:
				get(p.Giver).Fulfil = append(get(p.Giver).Fulfil, copyPromise(p))
			}
			if p.AwaitsConfirmation() { // a part sent waits too
				get(p.Beneficiary).Confirm = append(get(p.Beneficiary).Confirm, copyPromise(p))
			}
		}
	}
	out := make([]Digest, 0, len(by))
	for _, d := range by {
		out = append(out, *d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Member < out[j].Member })
	return out
}
