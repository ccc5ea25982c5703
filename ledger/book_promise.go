package ledger

// Totals are the figures of a need: intended (intentions), committed
// (commitments in any stage), confirmed (fulfilled), and missing (target −
// committed, never below zero).
type Totals struct {
	Target    Amount
	Intended  Amount
	Committed Amount
	Confirmed Amount
	Missing   Amount
	Givers    int // members with a live promise
}

// TotalsOf returns the figures of need n.
func (b *Book) TotalsOf(n NeedID) Totals { return b.rec.totals(n) }

// totals returns the figures of need n (zero if there is none).
func (r *records) totals(n NeedID) Totals {
	need, ok := r.needs[n]
	if !ok {
		return Totals{}
	}
	c := need.Target.Currency
	t := Totals{Target: need.Target, Intended: Amount{0, c}, Committed: Amount{0, c}, Confirmed: Amount{0, c}}
	for _, p := range r.promisesOf(n) {
		if !r.counts(p, need) {
			continue
		}
		switch {
		case p.State == PromiseIntention:
			t.Intended.Minor += p.Amount.Minor
		case p.State.Binding():
			t.Committed.Minor += p.Amount.Minor
			t.Confirmed.Minor += p.Delivered().Minor // a partial fulfilment's confirmed part
		}
		if p.State.Live() {
			t.Givers++
		}
	}
	t.Missing = Amount{max(0, need.Target.Minor-t.Committed.Minor), c}
	return t
}

// promiseRules apply what a member does toward another's need: intend,
// withdraw, commit, mark sent, confirm receipt, forgive, and leave.
type promiseRules struct {
	rec        *records
	initiative initiativeRules // an initiative reached by a promise is noted
	kassa      kassaRules      // a declined kassa share goes to the others
}

// openNeedFor returns need n if the actor may promise toward it.
func (pr promiseRules) openNeedFor(op Op) (*Need, error) {
	n, ok := pr.rec.needs[op.Need]
	if !ok {
		return nil, Errorf(ENotFound, "need.not_found")
	}
	if n.Owner == op.Actor {
		return nil, Errorf(EForbidden, "promise.self")
	}
	if !n.Deadline.IsZero() && !op.At.Before(n.Deadline) {
		return nil, Errorf(EConflict, "need.past_deadline", n.Owner)
	}
	switch n.State {
	case NeedOpen:
	case NeedSuspended:
		return nil, Errorf(EConflict, "need.suspended", n.Owner)
	default:
		return nil, Errorf(EConflict, "need.closed", n.Owner)
	}
	return n, nil
}

// amountFor resolves the amount of an intend or commit op toward n: the
// amount typed, else the fallback (the intention's amount), else the
// default pledge capped at what is missing.
func (pr promiseRules) amountFor(op Op, n *Need, fallback Amount) (Amount, error) {
	a := op.Amount
	if a.IsZero() {
		a = fallback
	}
	if a.IsZero() {
		def, err := defaultFor(op, n)
		if err != nil {
			return Amount{}, err
		}
		missing := pr.rec.totals(n.ID).Missing
		if missing.Minor <= 0 {
			return Amount{}, Errorf(EConflict, "need.covered", n.Owner)
		}
		a = Amount{min(def.Minor, missing.Minor), n.Target.Currency}
	}
	if a.Currency != n.Target.Currency {
		return Amount{}, unitMismatch(n)
	}
	if a.Minor <= 0 {
		return Amount{}, Errorf(EInvalid, "amount.zero")
	}
	if a.Minor > n.Target.Minor {
		return Amount{}, Errorf(EInvalid, "promise.over_target", n.Target)
	}
	return a, nil
}

// defaultFor is the amount a bare intend or commit (or a ❤️) means toward
// n, before it is capped at what is missing: the circle's pledge for money,
// one hour or one thing in kind.
func defaultFor(op Op, n *Need) (Amount, error) {
	switch c := n.Target.Currency; {
	case !c.IsMoney():
		return One(c), nil
	case op.Default.Currency != c || op.Default.Minor <= 0:
		return Amount{}, Errorf(EInvalid, "promise.amount_needed", c)
	}
	return op.Default, nil
}

// unitMismatch refuses an amount in another currency or unit than need n's:
// an hours need takes hours, a need of things takes things, money the
// need's currency.
func unitMismatch(n *Need) error {
	switch n.Target.Currency {
	case Hours:
		return Errorf(EInvalid, "promise.in_hours")
	case Items:
		return Errorf(EInvalid, "promise.in_items", n.Title)
	}
	return Errorf(EInvalid, "promise.currency", n.Target.Currency)
}

// applyIntend creates or changes the actor's intention toward a need.
func (pr promiseRules) applyIntend(op Op, out *Outcome) error {
	if err := pollOpen(pr.rec.needs[op.Need], op); err != nil {
		return err
	}
	n, err := pr.openNeedFor(op)
	if err != nil {
		return err
	}
	if n.Kind == NeedRed {
		return Errorf(EConflict, "need.red_commit_only", n.Owner)
	}
	p := pr.rec.pendingPromise(n.ID, op.Actor)
	if p != nil && p.State.Binding() {
		return Errorf(EConflict, "promise.irrevocable", p.Amount)
	}
	out.Need = out.need(n)
	if p != nil && op.Amount.IsZero() {
		out.Promise, out.NoChange = out.promise(p), true // a second ❤️
		return nil
	}
	a, err := pr.amountFor(op, n, Amount{})
	if err != nil {
		return err
	}
	if p == nil {
		pr.newPromise(op, n, a, PromiseIntention, out)
	} else {
		pr.rec.changePromise(p, op, a, PromiseIntention, out)
	}
	pr.initiative.reachInitiative(n, op, out)
	return nil
}

// applyWithdraw withdraws the actor's intention (OpWithdraw), or the one
// the removed reaction set (OpUnreact).
func (pr promiseRules) applyWithdraw(op Op, out *Outcome) error {
	if err := pollOpen(pr.rec.needs[op.Need], op); err != nil {
		return err
	}
	p := pr.rec.livePromise(op.Need, op.Actor)
	if p == nil || (op.Kind == OpUnreact && p.Reaction != op.Target) {
		return Errorf(ENotFound, "promise.none")
	}
	if p.State.Binding() {
		return Errorf(EConflict, "promise.irrevocable", p.Amount)
	}
	n := pr.rec.needs[p.Need]
	out.Need = out.need(n)
	pr.rec.changePromise(p, op, p.Amount, PromiseWithdrawn, out)
	if n.Kind == NeedClaim && n.State == NeedOpen {
		pr.kassa.redistribute(n, op, out) // a declined share goes to the others
	}
	return nil
}

// applyCommit turns the actor's intention into a commitment, or makes one.
func (pr promiseRules) applyCommit(op Op, out *Outcome) error {
	n, err := pr.openNeedFor(op)
	if err != nil {
		return err
	}
	p := pr.rec.pendingPromise(n.ID, op.Actor)
	if p != nil && p.State.Binding() {
		return Errorf(EConflict, "promise.already_committed", p.Amount)
	}
	var fallback Amount
	if p != nil {
		fallback = p.Amount
	}
	a, err := pr.amountFor(op, n, fallback)
	if err != nil {
		return err
	}
	out.Need = out.need(n)
	if p == nil {
		pr.newPromise(op, n, a, PromiseCommitment, out)
	} else {
		pr.rec.changePromise(p, op, a, PromiseCommitment, out)
	}
	pr.initiative.reachInitiative(n, op, out)
	return nil
}

// applySent marks the actor's commitment toward a need as sent: all that
// is left to send, or op.Amount of it (a partial fulfilment, which leaves
// the commitment open for the rest: book_partial.go).
func (pr promiseRules) applySent(op Op, out *Outcome) error {
	p := pr.givenPromise(op.Need, op.Actor)
	if p == nil {
		return Errorf(ENotFound, "promise.none_open")
	}
	switch p.State {
	case PromiseIntention, PromiseSetAside:
		return Errorf(EConflict, "promise.not_committed")
	case PromiseSent:
		return Errorf(EConflict, "promise.already_sent")
	case PromiseFulfilled:
		return Errorf(EConflict, "promise.already_fulfilled")
	}
	n := pr.rec.needs[p.Need]
	a, err := sendable(p, op.Amount, n)
	if err != nil {
		return err
	}
	out.Need = out.need(n)
	pr.rec.fulfilPart(p, op, p.SentSoFar().Minor+a.Minor, p.GotMinor, out)
	return nil
}

// givenPromise returns the promise a giver's `sent` means: their oldest
// commitment toward the need not yet sent, of any month (an overdue one
// first); else their current promise, for the answer.
func (pr promiseRules) givenPromise(n NeedID, giver UserID) *Promise {
	for _, p := range pr.rec.promisesOf(n) {
		if p.Giver == giver && p.State == PromiseCommitment {
			return p
		}
	}
	return pr.rec.livePromise(n, giver)
}

// applyGot confirms receipt of a commitment toward the actor's need: what
// was sent and not confirmed yet (else all that is left), or op.Amount.
func (pr promiseRules) applyGot(op Op, out *Outcome) error {
	n, ok := pr.rec.needs[op.Need]
	if !ok {
		return Errorf(ENotFound, "need.not_found")
	}
	if n.Owner != op.Actor {
		return Errorf(EForbidden, "promise.not_beneficiary", n.Owner)
	}
	p, err := pr.receivable(n, op.Giver)
	if err != nil {
		return err
	}
	a, err := confirmable(p, op.Amount, n)
	if err != nil {
		return err
	}
	out.Need = out.need(n)
	got := p.GotMinor + a.Minor
	pr.rec.fulfilPart(p, op, max(p.SentSoFar().Minor, got), got, out)
	pr.rec.closeIfConfirmed(n, op, out)
	return nil
}

// receivable picks the commitment a `got` confirms: the giver's, or the one
// marked sent (or, failing that, the one open) when the giver is not named.
func (pr promiseRules) receivable(n *Need, giver UserID) (*Promise, error) {
	var sent, open []*Promise
	for _, p := range pr.rec.promisesOf(n.ID) {
		if giver != "" && p.Giver != giver {
			continue
		}
		switch {
		case awaitsConfirmation(p):
			sent = append(sent, p)
		case p.State == PromiseCommitment:
			open = append(open, p)
		}
	}
	switch {
	case len(sent) == 1 || (len(sent) == 0 && len(open) == 1):
		return append(sent, open...)[0], nil
	case giver != "" && len(sent)+len(open) > 1:
		return append(sent, open...)[0], nil // the giver is named: their oldest first
	case len(sent)+len(open) == 0 && giver != "":
		return nil, Errorf(ENotFound, "promise.none_from", giver)
	case len(sent)+len(open) == 0:
		return nil, Errorf(ENotFound, "promise.nothing_to_confirm")
	}
	return nil, Errorf(EConflict, "promise.which_giver")
}

// applyForgive releases every open commitment of op.Giver to the actor.
func (pr promiseRules) applyForgive(op Op, out *Outcome) error {
	if op.Giver == op.Actor {
		return Errorf(EForbidden, "promise.self")
	}
	found := false
	for _, id := range pr.rec.byGiver[op.Giver] {
		p := pr.rec.promises[id]
		if p.Beneficiary == op.Actor && p.State.Open() {
			pr.rec.setState(p, PromiseForgiven, op, out)
			found = true
		}
	}
	if !found {
		return Errorf(ENotFound, "promise.none_from", op.Giver)
	}
	return nil
}

// applyLeave cancels intentions both ways: the actor's own, and those
// toward the actor's needs, which are archived; open commitments toward
// the actor are released (nobody is left to confirm them). The actor's own
// commitments stay owed. The reasons of the actor's kassa claims are
// erased.
func (pr promiseRules) applyLeave(op Op, out *Outcome) error {
	var claims []*Need
	for _, id := range pr.rec.byGiver[op.Actor] {
		if p := pr.rec.promises[id]; p.State == PromiseIntention || p.State == PromiseSetAside {
			pr.rec.setState(p, PromiseWithdrawn, op, out)
			if n := pr.rec.needs[p.Need]; n.Kind == NeedClaim && n.State == NeedOpen {
				claims = append(claims, n)
			}
		}
	}
	for _, n := range claims { // their kassa shares go to the others
		pr.kassa.redistribute(n, op, out)
	}
	for _, nid := range pr.rec.byOwner[op.Actor] {
		n := pr.rec.needs[nid]
		if n.State == NeedOpen || n.State == NeedSuspended || n.State == NeedProposed {
			pr.rec.archiveNeed(n, op, out)
		}
		if n.Kind == NeedClaim && n.Title != "" { // a claim's reason is personal: erased
			pr.rec.touchNeed(n)
			n.Title = ""
		}
		for _, p := range pr.rec.promisesOf(nid) {
			if p.State.Open() {
				pr.rec.setState(p, PromiseReleased, op, out)
			}
		}
	}
	st := pr.rec.statusOf(op.Actor)
	if st.Status != StatusGreen || st.Need != "" || len(st.Kassa) != 0 {
		st.Status, st.Previous, st.Need, st.ChangedAt = StatusGreen, "", "", op.At
		st.Kassa = nil // leaving the kassa of every circle too
		pr.rec.putStatus(st)
		out.Status = copyStatus(&st)
	}
	return nil
}

// newPromise records a new promise of the actor toward n.
func (pr promiseRules) newPromise(op Op, n *Need, a Amount, st PromiseState, out *Outcome) {
	p := &Promise{
		ID: PromiseID(op.Event), Need: n.ID, Giver: op.Actor, Beneficiary: n.Owner,
		Amount: a, State: st, Reaction: op.Reaction, Period: pr.rec.period,
		CreatedAt: op.At, UpdatedAt: op.At, UpdatedBy: op.Event,
	}
	noteCommitted(p, op)
	pr.rec.addPromise(p)
	out.Promise = out.promise(p)
}
