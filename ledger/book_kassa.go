package ledger

import (
	"sort"
	"unicode/utf8"
)

// applyKassa records the most the actor would give the kassa in a month.
func (b *Book) applyKassa(op Op, out *Outcome) error {
	if op.Amount.Minor <= 0 || op.Amount.Currency == "" {
		return Errorf(EInvalid, "amount.zero")
	}
	st := b.StatusOf(op.Actor)
	if st.KassaMax == op.Amount {
		return Errorf(EConflict, "kassa.unchanged", op.Amount)
	}
	st.KassaMax = op.Amount
	b.putStatus(st)
	out.Status = copyStatus(&st)
	return nil
}

// applyClaim opens a claim on the kassa; it waits for another member's
// approval before it is shared.
func (b *Book) applyClaim(op Op, out *Outcome) error {
	if op.Amount.Minor <= 0 || op.Amount.Currency == "" {
		return Errorf(EInvalid, "kassa.claim_not_positive")
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
	b.addNeed(n)
	out.Need = copyNeed(n)
	return nil
}

// applyApprove approves another member's claim and shares it among the
// members who declared a maximum in its currency, in proportion to their
// maxima: each share is an intention of that member, to commit or decline.
func (b *Book) applyApprove(op Op, out *Outcome) error {
	n, ok := b.needs[op.Need]
	if !ok || n.Kind != NeedClaim {
		return Errorf(ENotFound, "kassa.not_claim")
	}
	if n.Owner == op.Actor {
		return Errorf(EForbidden, "kassa.self_approval")
	}
	if n.State != NeedProposed {
		return Errorf(EConflict, "kassa.not_proposed")
	}
	shares, _, err := SplitClaim(n.Target, b.kassaPledges(n))
	if err != nil {
		return err
	}
	if len(shares) == 0 {
		return Errorf(EConflict, "kassa.empty", n.Target.Currency)
	}
	b.touchNeed(n)
	n.State = NeedOpen
	for _, s := range shares {
		b.addShare(n, s, op, out)
	}
	out.Need = copyNeed(n)
	return nil
}

// kassaPledges are the declared maxima that a claim is shared among: every
// member's in its currency, the claimant's excepted.
func (b *Book) kassaPledges(n *Need) []KassaPledge {
	var ps []KassaPledge
	for u, st := range b.statuses {
		if u != n.Owner && st.KassaMax.Minor > 0 && st.KassaMax.Currency == n.Target.Currency {
			ps = append(ps, KassaPledge{Member: u, Max: st.KassaMax})
		}
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].Member < ps[j].Member })
	return ps
}

// addShare records one member's share of a claim as their intention.
func (b *Book) addShare(n *Need, s Share, op Op, out *Outcome) {
	p := &Promise{
		ID: PromiseID(string(op.Event) + "/" + string(s.Member)), Need: n.ID, Giver: s.Member, Beneficiary: n.Owner,
		Amount: s.Amount, State: PromiseIntention, Period: b.period,
		CreatedAt: op.At, UpdatedAt: op.At, UpdatedBy: op.Event,
	}
	b.addPromise(p)
	out.Shares = append(out.Shares, copyPromise(p))
}

// redistribute shares again what a declined share leaves open: members who
// committed keep their commitments, those who declined (withdrew) get
// nothing, and the others' shares are recomputed from their maxima.
func (b *Book) redistribute(n *Need, op Op, out *Outcome) {
	committed, declined := map[UserID]Amount{}, map[UserID]bool{}
	pending := map[UserID]*Promise{}
	for _, p := range b.promisesOf(n.ID) {
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
	shares, _, err := Redistribute(n.Target, b.kassaPledges(n), committed, declined)
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
				b.changePromise(p, op, s.Amount, PromiseIntention, &Outcome{})
				out.Shares = append(out.Shares, copyPromise(p))
			}
			continue
		}
		b.addShare(n, s, op, out)
	}
	left := make([]*Promise, 0, len(pending))
	for _, p := range pending {
		left = append(left, p)
	}
	sort.Slice(left, func(i, j int) bool { return left[i].ID < left[j].ID })
	for _, p := range left { // no share left for them
		b.setState(p, PromiseReleased, op, out)
	}
}

// KassaOf returns the declared monthly maxima in currency c, by member.
func (b *Book) KassaOf(c Currency) []KassaPledge {
	var ps []KassaPledge
	for u, st := range b.statuses {
		if st.KassaMax.Minor > 0 && st.KassaMax.Currency == c {
			ps = append(ps, KassaPledge{Member: u, Max: st.KassaMax})
		}
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].Member < ps[j].Member })
	return ps
}
