package ledger

import (
	"sort"
	"unicode/utf8"
)

// The kassa is per circle: a member declares their monthly maximum in a
// circle (OpKassa carries the circle), and a claim posted in a circle is
// shared only among the maxima that apply there. A maximum is a maximum:
// what a member was asked this month on the circle's other claims comes
// off it (book_kassa_month.go).

// kassaRules apply the kassa: the monthly maxima members declare in a
// circle, and the claims on it, shared among those maxima once approved.
type kassaRules struct{ rec *records }

// applyKassa records the most the actor would give the kassa of op.Circle
// in a month. A maximum declared for a circle drops the circle-less one of
// old; an op without a circle (recorded before maxima were per circle)
// sets that circle-less one.
func (kr kassaRules) applyKassa(op Op, out *Outcome) error {
	if op.Amount.Minor <= 0 || op.Amount.Currency == "" {
		return Errorf(EInvalid, "amount.zero")
	}
	if !op.Amount.IsMoney() {
		return Errorf(EInvalid, "amount.money_only")
	}
	st := kr.rec.statusOf(op.Actor)
	if cur, ok := st.KassaDeclared(op.Circle); ok && cur == op.Amount {
		return Errorf(EConflict, "kassa.unchanged", op.Amount)
	}
	kept := make([]KassaMax, 0, len(st.Kassa)+1)
	for _, k := range st.Kassa {
		if k.Circle != op.Circle && (op.Circle == "" || k.Circle != "") {
			kept = append(kept, k)
		}
	}
	st.Kassa = sortedKassa(append(kept, KassaMax{Circle: op.Circle, Max: op.Amount}))
	kr.rec.putStatus(st)
	out.Status = copyStatus(&st)
	return nil
}

// sortedKassa sorts maxima by circle.
func sortedKassa(ks []KassaMax) []KassaMax {
	sort.Slice(ks, func(i, j int) bool { return ks[i].Circle < ks[j].Circle })
	return ks
}

// applyLeaveCircle follows the actor out of a circle's room: the maximum
// they declared there is dropped, and so is the circle-less one of old
// (it would apply to this circle's claims too); their shares of the
// circle's claims that are still intentions are declined (withdrawn) and
// shared again among the others. Their commitments stay owed. Leaving a
// room where they had none of these changes nothing (NoChange): the bot
// records the op for every leave, whatever its book holds, so that every
// replica records the same ops.
func (kr kassaRules) applyLeaveCircle(op Op, out *Outcome) error {
	if op.Circle == "" {
		return Errorf(EInvalid, "kassa.no_circle")
	}
	st := kr.rec.statusOf(op.Actor)
	kept := make([]KassaMax, 0, len(st.Kassa))
	for _, k := range st.Kassa {
		if k.Circle != op.Circle && k.Circle != "" {
			kept = append(kept, k)
		}
	}
	changed := len(kept) != len(st.Kassa)
	if changed {
		st.Kassa = kept
		if len(kept) == 0 {
			st.Kassa = nil
		}
		kr.rec.putStatus(st)
		out.Status = copyStatus(&st)
	}
	var claims []*Need
	for _, id := range kr.rec.byGiver[op.Actor] {
		p := kr.rec.promises[id]
		n := kr.rec.needs[p.Need]
		if n.Kind == NeedClaim && n.Circle == op.Circle && p.State == PromiseIntention {
			kr.rec.setState(p, PromiseWithdrawn, op, out)
			if n.State == NeedOpen {
				claims = append(claims, n)
			}
		}
	}
	for _, n := range claims { // their shares go to the others
		kr.redistribute(n, op, out)
	}
	out.NoChange = !changed && len(out.Affected) == 0
	return nil
}

// applyClaim opens a claim on the kassa; it waits for another member's
// approval before it is shared.
func (kr kassaRules) applyClaim(op Op, out *Outcome) error {
	if op.Amount.Minor <= 0 || op.Amount.Currency == "" {
		return Errorf(EInvalid, "kassa.claim_not_positive")
	}
	if !op.Amount.IsMoney() {
		return Errorf(EInvalid, "amount.money_only")
	}
	switch n := utf8.RuneCountInString(op.Text); {
	case n == 0:
		return Errorf(EInvalid, "cmd.usage", VerbClaim)
	case n > MaxClaimReasonRunes:
		return Errorf(EInvalid, "cmd.text_too_long", MaxClaimReasonRunes)
	}
	n := &Need{
		ID: NeedID(op.Event), Kind: NeedClaim, Owner: op.Actor, Target: op.Amount,
		State: NeedProposed, OpenedAt: op.At, Title: op.Text, Circle: op.Circle,
	}
	kr.rec.addNeed(n)
	out.Need = out.need(n)
	return nil
}

// applyApprove approves another member's claim and shares it among the
// maxima that apply in its circle and currency, in proportion to what is
// left of them this month: each share is an intention of that member, to
// commit or decline. What they cannot cover stays missing. A claim
// nobody declared a maximum for is refused ("kassa.empty"), and so is one
// whose circle's maxima are used up this month ("kassa.exhausted"): it
// can be approved again next month.
func (kr kassaRules) applyApprove(op Op, out *Outcome) error {
	n, ok := kr.rec.needs[op.Need]
	if !ok || n.Kind != NeedClaim {
		return Errorf(ENotFound, "kassa.not_claim")
	}
	if n.Owner == op.Actor {
		return Errorf(EForbidden, "kassa.self_approval")
	}
	if n.State != NeedProposed {
		return Errorf(EConflict, "kassa.not_proposed")
	}
	pledges, declared := kr.pledges(n, op.Members)
	shares, _, err := SplitClaim(n.Target, pledges)
	if err != nil {
		return err
	}
	switch {
	case declared == 0:
		return Errorf(EConflict, "kassa.empty", n.Target.Currency)
	case len(shares) == 0:
		return Errorf(EConflict, "kassa.exhausted", n.Target.Currency)
	}
	kr.rec.touchNeed(n)
	n.State, n.eligible = NeedOpen, op.Members
	for _, s := range shares {
		kr.addShare(n, s, op, out)
	}
	out.Need = out.need(n)
	return nil
}

// addShare records one member's share of a claim as their intention, asked
// this month.
func (kr kassaRules) addShare(n *Need, s Share, op Op, out *Outcome) {
	p := &Promise{
		ID: PromiseID(string(op.Event) + "/" + string(s.Member)), Need: n.ID, Giver: s.Member, Beneficiary: n.Owner,
		Amount: s.Amount, State: PromiseIntention, Period: kr.rec.period,
		CreatedAt: op.At, UpdatedAt: op.At, UpdatedBy: op.Event,
	}
	kr.rec.addPromise(p)
	out.Shares = append(out.Shares, out.promise(p))
}

// redistribute shares again what a declined share leaves open: members who
// committed keep their commitments, those who declined (withdrew) get
// nothing, and the others' shares are recomputed from what is left of
// their maxima this month. A share that changes is asked anew: it belongs
// to this month (its Period), whatever month it was first asked in.
func (kr kassaRules) redistribute(n *Need, op Op, out *Outcome) {
	committed, declined := map[UserID]Amount{}, map[UserID]bool{}
	pending := map[UserID]*Promise{}
	for _, p := range kr.rec.promisesOf(n.ID) {
		switch {
		case p.State.Binding():
			a := committed[p.Giver]
			committed[p.Giver] = Amount{a.Minor + p.Amount.Minor, p.Amount.Currency}
		case p.State == PromiseWithdrawn || p.State == PromiseReleased:
			declined[p.Giver] = true
		case p.State == PromiseIntention:
			pending[p.Giver] = p
		}
	}
	for u := range pending {
		delete(declined, u) // a member who declined and then intended again is in
	}
	pledges, _ := kr.pledges(n, n.eligible)
	shares, _, err := Redistribute(n.Target, pledges, committed, declined)
	if err != nil {
		return // commitments over the claim: nothing left to share
	}
	for _, s := range shares {
		if _, done := committed[s.Member]; done {
			continue
		}
		if p := pending[s.Member]; p != nil {
			delete(pending, s.Member)
			if p.Amount != s.Amount {
				kr.rec.changePromise(p, op, s.Amount, PromiseIntention, &Outcome{})
				p.Period = kr.rec.period
				out.Shares = append(out.Shares, out.promise(p))
			}
			continue
		}
		kr.addShare(n, s, op, out)
	}
	left := make([]*Promise, 0, len(pending))
	for _, p := range pending {
		left = append(left, p)
	}
	sort.Slice(left, func(i, j int) bool { return left[i].ID < left[j].ID })
	for _, p := range left { // no share left for them
		kr.rec.setState(p, PromiseReleased, op, out)
	}
}
