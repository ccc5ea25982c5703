package ledger

import "time"

// cycleRules apply what the clock brings: a month's rollover, and the
// deadlines of red collections and initiatives.
type cycleRules struct {
	rec        *records
	initiative initiativeRules // an initiative's deadline ends it
}

// Period returns the month the book is in: the Month of the last rollover
// ("" before the first).
func (b *Book) Period() string { return b.rec.period }

// applyRollover ends a month: intentions expire, commitments not yet
// fulfilled become overdue (still owed, still fulfillable), and each open
// orange need is renewed as fresh intentions from the givers whose
// commitments of the month before were confirmed.
func (cyc cycleRules) applyRollover(op Op, out *Outcome) error {
	if op.Actor != ClockActor {
		return Errorf(EForbidden, "op.clock_only")
	}
	if op.Month == "" || op.Month <= cyc.rec.period {
		return Errorf(EConflict, "cycle.month_done", op.Month)
	}
	ids := make([]PromiseID, 0, len(cyc.rec.promises))
	for _, n := range cyc.rec.sortedNeeds() {
		if n.Kind != NeedInitiative && n.Kind != NeedClaim { // they live by their own course
			ids = append(ids, cyc.rec.byNeed[n.ID]...)
		}
	}
	for _, id := range ids {
		p := cyc.rec.promises[id]
		switch {
		case p.State == PromiseIntention || p.State == PromiseSetAside:
			cyc.rec.setState(p, PromiseExpired, op, out)
		case p.State.Open() && !p.Overdue:
			cyc.rec.touchPromise(p)
			p.Overdue, p.UpdatedAt, p.UpdatedBy = true, op.At, op.Event
			out.Affected = append(out.Affected, out.promise(p))
		}
	}
	prev := cyc.rec.period
	cyc.rec.setPeriod(op.Month)
	for _, n := range cyc.rec.sortedNeeds() {
		if n.Kind == NeedOrange && n.State == NeedOpen {
			cyc.renew(n, prev, op, out)
		}
	}
	return nil
}

// renew makes this month's intentions toward orange need n from what each
// giver's commitments confirmed in month prev add up to.
func (cyc cycleRules) renew(n *Need, prev string, op Op, out *Outcome) {
	total := map[UserID]int64{}
	var givers []UserID
	for _, p := range cyc.rec.promisesOf(n.ID) {
		if p.Period != prev || p.State != PromiseFulfilled {
			continue
		}
		if _, seen := total[p.Giver]; !seen {
			givers = append(givers, p.Giver)
		}
		total[p.Giver] += p.Amount.Minor // parts cleared and paid add up
	}
	for _, g := range givers {
		p := &Promise{
			ID: PromiseID(string(op.Event) + "/" + string(n.ID) + "/" + string(g)), Need: n.ID, Giver: g, Beneficiary: n.Owner,
			Amount: Amount{total[g], n.Target.Currency}, State: PromiseIntention, Period: cyc.rec.period, Renewed: true,
			CreatedAt: op.At, UpdatedAt: op.At, UpdatedBy: op.Event,
		}
		cyc.rec.addPromise(p)
		out.Renewed = append(out.Renewed, out.promise(p))
	}
	if len(givers) > 0 {
		cyc.rec.touchNeed(n) // its figures changed: the card must show the new month
	}
}

// applyDeadline ends a red collection whose days passed: it expires, its
// commitments not yet fulfilled stay owed as overdue, and the owner returns
// to the previous status. A deadline op for a deadline since moved (the
// member changed the days) changes nothing.
func (cyc cycleRules) applyDeadline(op Op, out *Outcome) error {
	if op.Actor != ClockActor {
		return Errorf(EForbidden, "op.clock_only")
	}
	n, ok := cyc.rec.needs[op.Need]
	if !ok || n.State != NeedOpen || !n.Deadline.Equal(op.At) {
		return Errorf(EConflict, "cycle.deadline_moot")
	}
	switch n.Kind {
	case NeedInitiative:
		return cyc.initiative.expireInitiative(n, op, out)
	case NeedRed:
	default:
		return Errorf(EConflict, "cycle.deadline_moot")
	}
	cyc.rec.endNeed(n, NeedExpired, op, out)
	for _, p := range cyc.rec.promisesOf(n.ID) {
		if p.State.Open() && !p.Overdue {
			cyc.rec.touchPromise(p)
			p.Overdue, p.UpdatedAt, p.UpdatedBy = true, op.At, op.Event
			out.Affected = append(out.Affected, out.promise(p))
		}
	}
	out.Need = out.need(n)
	out.Status = cyc.rec.returnFromRed(n.Owner, op, out)
	return nil
}

// DueDeadlines lists the open red collections whose deadline is at or
// before now, by deadline.
func (b *Book) DueDeadlines(now time.Time) []*Need {
	var due []*Need
	for _, n := range b.rec.needs {
		unfunded := n.Kind == NeedInitiative && n.FundedAt.IsZero()
		if (n.Kind == NeedRed || unfunded) && n.State == NeedOpen && !n.Deadline.After(now) {
			due = append(due, copyNeed(n))
		}
	}
	sortNeeds(due)
	return due
}
