package ledger

import "time"

// Progress is how far a need has come and until when it takes promises:
// the one definition that the chat card, the web pages and the API all
// render, so a member reads the same figures and dates everywhere.
//
// What counts (the glossary of docs/product.md): an intention ❤️ is a
// soft offer that may change or go at any time, a commitment 🤝 cannot be
// withdrawn by its giver, and a fulfilment 👍 is a commitment whose
// receipt the beneficiary confirmed. So:
//
//   - Committed (commitments in any stage: committed, sent, fulfilled) is
//     the progress: Percent is Committed of Target, rounded down (above 100
//     when more was committed than asked).
//   - Intended (open intentions) is shown beside it, never mixed into the
//     progress or into Missing; PercentPromised is intentions and
//     commitments together of Target, rounded down: how far a vote on an
//     initiative has come (its "reached" mark), labelled as including
//     intentions wherever it is shown.
//   - Confirmed (fulfilled) is what arrived; a red collection closes when
//     it reaches Target.
//   - Missing is Target − Committed, never below zero: what still needs a
//     commitment (a default pledge is capped at it).
//
// The deadline (a red collection's days, an initiative's "by <date>") is
// an instant: promises are taken strictly before Deadline. What a member
// reads is LastDay, the last day on which promises are taken, in the time
// zone given to ProgressOf: the reader's (their own, else the cycle's; a
// circle's card and the API use the cycle's), in which the author's typed
// date was read too, so the author sees the day typed: "by 2026-12-20"
// takes promises through December 20 and shows 2026-12-20 everywhere,
// never the 21st. AtClock is set when Deadline is not at the start of a
// day (a time was typed, or a red collection's days run from the moment
// it opened): the time of Deadline is then shown after LastDay.
type Progress struct {
	Totals
	Percent, PercentPromised int
	Deadline                 time.Time // zero: none
	LastDay                  time.Time // midnight of the last day, in the zone given; zero: none
	AtClock                  bool
}

// ProgressOf computes the progress of need n from its totals t, its dates
// in time zone loc (UTC if nil).
func ProgressOf(n *Need, t Totals, loc *time.Location) Progress {
	if loc == nil {
		loc = time.UTC
	}
	p := Progress{Totals: t}
	if target := t.Target.Minor; target > 0 {
		p.Percent = int(t.Committed.Minor * 100 / target)
		p.PercentPromised = int((t.Committed.Minor + t.Intended.Minor) * 100 / target)
	}
	if n != nil && !n.Deadline.IsZero() {
		p.Deadline = n.Deadline.In(loc)
		last := p.Deadline.Add(-time.Nanosecond)
		p.LastDay = time.Date(last.Year(), last.Month(), last.Day(), 0, 0, 0, 0, loc)
		p.AtClock = !p.Deadline.Equal(p.LastDay.AddDate(0, 0, 1))
	}
	return p
}

// DaysLeft is how many days are left until the deadline at now, a part of
// a day counting as one; 0 without a deadline or once it passed.
func (p Progress) DaysLeft(now time.Time) int {
	if p.Deadline.IsZero() {
		return 0
	}
	left := p.Deadline.Sub(now)
	if left <= 0 {
		return 0
	}
	return int((left + 24*time.Hour - 1) / (24 * time.Hour))
}

// ProgressOf is the progress of need id in the book, its dates in time
// zone loc (zero if there is no such need).
func (b *Book) ProgressOf(id NeedID, loc *time.Location) Progress {
	n, ok := b.rec.needs[id]
	if !ok {
		return Progress{}
	}
	return ProgressOf(n, b.rec.totals(id), loc)
}

// ViewOf is need id with its progress and its promises, its dates in time
// zone loc; ok is false if there is no such need.
func (b *Book) ViewOf(id NeedID, loc *time.Location) (v *NeedView, ok bool) {
	n, ok := b.Need(id)
	if !ok {
		return nil, false
	}
	return &NeedView{Need: n, Progress: ProgressOf(n, b.rec.totals(id), loc), Promises: b.PromisesToward(id)}, true
}
