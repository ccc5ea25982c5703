package ledger

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// DefaultWarnBefore is how long before a red collection's deadline its
// givers and its owner are warned that it ends, unless the cycle's
// configuration says otherwise (CycleConfig.WarnBefore).
const DefaultWarnBefore = 24 * time.Hour

// DeadlineWarning is the warning, a day before its deadline, that a red
// collection still lacks commitments: sent once to its owner and to each
// of its givers (members with a live promise toward it).
type DeadlineWarning struct {
	Need   *Need
	Totals Totals
	Givers []UserID // sorted, the owner not among them
}

// DeadlineWarnings returns the warnings due at now, each once: for every
// red collection still open, not complete (something is missing), whose
// deadline is less than the cycle's WarnBefore away and which was opened
// before that time began (a collection of one day is not warned of at
// once). Each warning is marked given under a synthetic event ID, in the caller's
// transaction, so a second call, a restart or a tick repeated returns it
// no more. Which bot tells whom is the bot's rule, as for the monthly
// reminder.
func (s *Aid) DeadlineWarnings(ctx context.Context, now time.Time) ([]DeadlineWarning, error) {
	var due []DeadlineWarning
	err := s.View(ctx, func(b *Book) error {
		due = b.deadlineWarnings(now, s.cfg.Cycle.warnBefore())
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := due[:0]
	for _, w := range due {
		act := Action{Event: warnEvent(w.Need), Actor: ClockActor, At: now}
		err := s.ap.Apply(ctx, act, func(context.Context) error { return nil })
		switch {
		case IsDuplicate(err):
			continue
		case err != nil:
			return nil, fmt.Errorf("failed to mark the deadline warning of %s: %w", w.Need.ID, err)
		}
		out = append(out, w)
	}
	return out, nil
}

// warnEvent is the synthetic event ID that marks the warning of need n's
// deadline given: a deadline moved would be warned of again.
func warnEvent(n *Need) EventID {
	return EventID(fmt.Sprintf("tick:warn:%s:%d", n.ID, n.Deadline.UnixMilli()))
}

// deadlineWarnings lists the warnings due at now, before the deadlines,
// by need ID.
func (b *Book) deadlineWarnings(now time.Time, before time.Duration) []DeadlineWarning {
	var out []DeadlineWarning
	for _, n := range b.rec.needs { // sorted below: only the few due
		if n.Kind != NeedRed || n.State != NeedOpen || n.Deadline.IsZero() {
			continue
		}
		warnAt := n.Deadline.Add(-before)
		if now.Before(warnAt) || !now.Before(n.Deadline) || !n.OpenedAt.Before(warnAt) {
			continue
		}
		t := b.rec.totals(n.ID)
		if t.Missing.Minor <= 0 {
			continue
		}
		w := DeadlineWarning{Need: copyNeed(n), Totals: t}
		givers := map[UserID]bool{}
		for _, p := range b.rec.promisesOf(n.ID) {
			if p.State.Live() {
				givers[p.Giver] = true
			}
		}
		w.Givers = sortedUsers(givers, n.Owner)
		out = append(out, w)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Need.ID < out[j].Need.ID })
	return out
}
