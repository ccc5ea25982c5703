package ledger

import "time"

// Period returns the month the book is in: the Month of the last rollover
// ("" before the first).
func (b *Book) Period() string { return b.period }

// counts reports whether promise p counts toward need n now: an orange
// need (monthly support) counts its current month's promises only.
func (b *Book) counts(p *Promise, n *Need) bool {
	return n.Kind != NeedOrange || p.Period == b.period
}

// applyRollover ends a month: intentions expire, commitments not yet
// fulfilled become overdue (still owed, still fulfillable), and each open
// orange need is renewed as fresh intentions from the givers whose
// commitments of the month before were confirmed.
func (b *Book) applyRollover(op Op, out *Outcome) error {
	if op.Actor != ClockActor {
		return Errorf(EForbidden, "op.clock_only")
	}
	if op.Month == "" || op.Month <= b.period {
		return Errorf(EConflict, "cycle.month_done", op.Month)
	}
	ids := make([]PromiseID, 0, len(b.promises))
	for _, n := range b.sortedNeeds() {
		if n.Kind != NeedInitiative && n.Kind != NeedClaim { // they live by their own course
			ids = append(ids, b.byNeed[n.ID]...)
		}
	}
	for _, id := range ids {
		p := b.promises[id]
		switch {
		case p.State == PromiseIntention || p.State == PromiseSetAside:
			b.setState(p, PromiseExpired, op, out)
		case p.State.Open() && !p.Overdue:
			b.touchPromise(p)
			p.Overdue, p.UpdatedAt, p.UpdatedBy = true, op.At, op.Event
			out.Affected = append(out.Affected, copyPromise(p))
		}
	}
	prev := b.period
	b.setPeriod(op.Month)
	for _, n := range b.sortedNeeds() {
		if n.Kind == NeedOrange && n.State == NeedOpen {
			b.renew(n, prev, op, out)
		}
	}
	return nil
}

// renew makes this month's intentions toward orange need n from what each
// giver's commitments confirmed in month prev add up to.
func (b *Book) renew(n *Need, prev string, op Op, out *Outcome) {
	total := map[UserID]int64{}
	var givers []UserID
	for _, p := range b.promisesOf(n.ID) {
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
			Amount: Amount{total[g], n.Target.Currency}, State: PromiseIntention, Period: b.period, Renewed: true,
			CreatedAt: op.At, UpdatedAt: op.At, UpdatedBy: op.Event,
		}
		b.addPromise(p)
		out.Renewed = append(out.Renewed, copyPromise(p))
	}
	if len(givers) > 0 {
		b.touchNeed(n) // its figures changed: the card must show the new month
	}
}

// applyDeadline ends a red collection whose days passed: it expires, its
// commitments not yet fulfilled stay owed as overdue, and the owner returns
// to the previous status. A deadline op for a deadline since moved (the
// member changed the days) changes nothing.
func (b *Book) applyDeadline(op Op, out *Outcome) error {
	if op.Actor != ClockActor {
		return Errorf(EForbidden, "op.clock_only")
	}
	n, ok := b.needs[op.Need]
	if !ok || n.State != NeedOpen || !n.Deadline.Equal(op.At) {
		return Errorf(EConflict, "cycle.deadline_moot")
	}
	switch n.Kind {
	case NeedInitiative:
		return b.expireInitiative(n, op, out)
	case NeedRed:
	default:
		return Errorf(EConflict, "cycle.deadline_moot")
	}
	b.endNeed(n, NeedExpired, op, out)
	for _, p := range b.promisesOf(n.ID) {
		if p.State.Open() && !p.Overdue {
			b.touchPromise(p)
			p.Overdue, p.UpdatedAt, p.UpdatedBy = true, op.At, op.Event
			out.Affected = append(out.Affected, copyPromise(p))
		}
	}
	out.Need = copyNeed(n)
	out.Status = b.returnFromRed(n.Owner, op, out)
	return nil
}

// returnFromRed puts a member whose red collection ended back to the
// status they had before, resuming a suspended orange need.
func (b *Book) returnFromRed(owner UserID, op Op, out *Outcome) *MemberStatus {
	st := b.StatusOf(owner)
	prev := st.Previous
	if prev == "" || prev == StatusRed {
		prev = StatusGreen
	}
	st.Status, st.Previous, st.Need, st.ChangedAt = prev, "", "", op.At
	if prev == StatusOrange {
		for _, id := range b.byOwner[owner] {
			if o := b.needs[id]; o.State == NeedSuspended {
				b.resumeNeed(o, op, out)
				st.Need = o.ID
			}
		}
	}
	b.putStatus(st)
	return copyStatus(&st)
}

// sortedNeeds lists every need by ID.
func (b *Book) sortedNeeds() []*Need {
	ns := make([]*Need, 0, len(b.needs))
	for _, n := range b.needs {
		ns = append(ns, n)
	}
	sortNeeds(ns)
	return ns
}

// DueDeadlines lists the open red collections whose deadline is at or
// before now, by deadline.
func (b *Book) DueDeadlines(now time.Time) []*Need {
	var due []*Need
	for _, n := range b.needs {
		unfunded := n.Kind == NeedInitiative && n.FundedAt.IsZero()
		if (n.Kind == NeedRed || unfunded) && n.State == NeedOpen && !n.Deadline.After(now) {
			due = append(due, copyNeed(n))
		}
	}
	sortNeeds(due)
	return due
}
