package ledger

// Partial fulfilment: a commitment of 50 may be sent 20 at a time. `sent
// 20` records 20 sent and leaves the commitment open for the rest, overdue
// and reminded as before; the beneficiary confirms what arrived (`got 20`,
// or a bare `got`: what was sent and not confirmed yet). The commitment is
// marked sent once all of it is sent, and fulfilled once all of it is
// confirmed. A need's progress counts the confirmed part.

// sendable is the amount a `sent` means on p toward n: typed, at most what
// is left to send; else all that is left.
func sendable(p *Promise, typed Amount, n *Need) (Amount, error) {
	rest := p.Unsent()
	if typed.IsZero() {
		return rest, nil
	}
	if err := partOf(typed, n); err != nil {
		return Amount{}, err
	}
	if typed.Minor > rest.Minor {
		return Amount{}, Errorf(EConflict, "promise.over_sent", rest, p.Amount)
	}
	return typed, nil
}

// confirmable is the amount a `got` confirms of p toward n: what was sent
// and not confirmed yet, or, when nothing waits, all that is left (a
// receipt confirmed without a `sent`, as before); a typed amount may not
// exceed it.
func confirmable(p *Promise, typed Amount, n *Need) (Amount, error) {
	limit := Amount{p.SentSoFar().Minor - p.Delivered().Minor, p.Amount.Currency}
	waiting := limit.Minor > 0
	if !waiting {
		limit = Amount{p.Amount.Minor - p.Delivered().Minor, p.Amount.Currency}
	}
	if typed.IsZero() {
		return limit, nil
	}
	if err := partOf(typed, n); err != nil {
		return Amount{}, err
	}
	switch {
	case typed.Minor <= limit.Minor:
		return typed, nil
	case waiting:
		return Amount{}, Errorf(EConflict, "promise.over_got", limit, p.Giver)
	}
	return Amount{}, Errorf(EConflict, "promise.over_owed", limit, p.Giver)
}

// partOf refuses an amount that cannot be a part of a promise toward n: in
// another unit, or not positive.
func partOf(a Amount, n *Need) error {
	if a.Currency != n.Target.Currency {
		return unitMismatch(n)
	}
	if a.Minor <= 0 {
		return Errorf(EInvalid, "amount.zero")
	}
	return nil
}

// awaitsConfirmation reports whether p has a part sent and not confirmed.
func awaitsConfirmation(p *Promise) bool { return p.AwaitsConfirmation() }

// AwaitsConfirmation reports whether the beneficiary has something of the
// promise to confirm: it is marked sent, or a part of it is.
func (p *Promise) AwaitsConfirmation() bool {
	return p.State == PromiseSent || (p.State == PromiseCommitment && p.SentMinor > p.GotMinor)
}

// fulfilPart sets what was sent and confirmed of p, and its state: fulfilled
// once all is confirmed, sent once all is sent, else still a commitment.
func (r *records) fulfilPart(p *Promise, op Op, sent, got int64, out *Outcome) {
	st := PromiseCommitment
	switch {
	case got >= p.Amount.Minor:
		st = PromiseFulfilled
	case sent >= p.Amount.Minor:
		st = PromiseSent
	}
	r.changePromise(p, op, p.Amount, st, out)
	p.SentMinor, p.GotMinor = sent, got
	out.Promise = out.promise(p)
}
