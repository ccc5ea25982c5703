package ledger

// The moves the rules of every kind of op share: ending a need, moving a
// promise, finding a giver's promise, taking a member out of red.

// resumeNeed reopens a suspended need and restores its set-aside intentions.
func (r *records) resumeNeed(n *Need, op Op, out *Outcome) {
	r.touchNeed(n)
	n.State = NeedOpen
	for _, p := range r.promisesOf(n.ID) {
		if p.State == PromiseSetAside {
			r.setState(p, PromiseIntention, op, out)
		}
	}
}

// archiveNeed archives a need (see endNeed).
func (r *records) archiveNeed(n *Need, op Op, out *Outcome) {
	r.endNeed(n, NeedArchived, op, out)
}

// endNeed closes or archives a need: intentions toward it are released,
// and so are commitments not yet sent when a red collection reached its
// target. Other commitments stay owed.
func (r *records) endNeed(n *Need, st NeedState, op Op, out *Outcome) {
	r.touchNeed(n)
	n.State, n.ClosedAt, n.ClosedBy = st, op.At, op.Event
	for _, p := range r.promisesOf(n.ID) {
		switch {
		case p.State == PromiseIntention || p.State == PromiseSetAside:
			r.setState(p, PromiseReleased, op, out)
		case p.State == PromiseCommitment && st == NeedClosed:
			r.setState(p, PromiseReleased, op, out)
		}
	}
	out.Closed = append(out.Closed, out.need(n))
}

// setState moves another promise to state st as a side effect of op.
func (r *records) setState(p *Promise, st PromiseState, op Op, out *Outcome) {
	r.touchPromise(p)
	p.State, p.UpdatedAt, p.UpdatedBy = st, op.At, op.Event
	noteCommitted(p, op)
	out.Affected = append(out.Affected, out.promise(p))
}

// pendingPromise returns giver's promise toward need n that is not yet
// fulfilled (an intention, set aside or not, or a commitment, sent or not).
// A giver has at most one; once it is fulfilled they may promise again.
func (r *records) pendingPromise(n NeedID, giver UserID) *Promise {
	need := r.needs[n]
	for _, p := range r.promisesOf(n) {
		if need != nil && !r.counts(p, need) {
			continue // another month's promise toward monthly support
		}
		if p.Giver == giver && p.State != PromiseFulfilled && (p.State.Live() || p.State == PromiseSetAside) {
			return p
		}
	}
	return nil
}

// livePromise returns giver's pending promise toward need n, else their
// last fulfilled one (so a refusal can say it is fulfilled).
func (r *records) livePromise(n NeedID, giver UserID) *Promise {
	if p := r.pendingPromise(n, giver); p != nil {
		return p
	}
	var last *Promise
	need := r.needs[n]
	for _, p := range r.promisesOf(n) {
		if p.Giver == giver && p.State == PromiseFulfilled && (need == nil || r.counts(p, need)) {
			last = p
		}
	}
	return last
}

// closeIfConfirmed closes a red collection whose confirmed sum reached its
// target: the owner returns to the previous status, surplus commitments not
// yet sent are released.
func (r *records) closeIfConfirmed(n *Need, op Op, out *Outcome) {
	if n.Kind != NeedRed || n.State != NeedOpen {
		return
	}
	if r.totals(n.ID).Confirmed.Minor < n.Target.Minor {
		return
	}
	r.endNeed(n, NeedClosed, op, out)
	out.Status = r.returnFromRed(n.Owner, op, out)
}

// changePromise moves the op's own promise to amount a and state st.
func (r *records) changePromise(p *Promise, op Op, a Amount, st PromiseState, out *Outcome) {
	out.Before = out.promise(p)
	r.touchPromise(p)
	p.Amount, p.State, p.UpdatedAt, p.UpdatedBy = a, st, op.At, op.Event
	noteCommitted(p, op)
	if op.Kind == OpIntend || op.Kind == OpCommit {
		p.Reaction = op.Reaction
		r.setReaction(op.Reaction, p.ID)
	}
	out.Promise = out.promise(p)
}

// returnFromRed puts a member whose red collection ended back to the
// status they had before, resuming a suspended orange need.
func (r *records) returnFromRed(owner UserID, op Op, out *Outcome) *MemberStatus {
	st := r.statusOf(owner)
	prev := st.Previous
	if prev == "" || prev == StatusRed {
		prev = StatusGreen
	}
	st.Status, st.Previous, st.Need, st.ChangedAt = prev, "", "", op.At
	if prev == StatusOrange {
		for _, id := range r.byOwner[owner] {
			if o := r.needs[id]; o.State == NeedSuspended {
				r.resumeNeed(o, op, out)
				st.Need = o.ID
			}
		}
	}
	r.putStatus(st)
	return copyStatus(&st)
}

// noteCommitted records when p first became a commitment: the time of the
// op that made it binding (canonical order makes it the same whatever
// order the events arrived in).
func noteCommitted(p *Promise, op Op) {
	if p.CommittedAt.IsZero() && p.State.Binding() {
		p.CommittedAt = op.At
	}
}
