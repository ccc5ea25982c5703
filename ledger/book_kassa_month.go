package ledger

import (
	"slices"
	"sort"
)

// A maximum is a maximum: a member who declared 50 a month in a circle is
// never asked for more than 50 in one month on that circle's claims
// together. What a member was asked in a month is the sum of their shares
// of the circle's claims that belong to the month (Promise.Period: the
// book's month when the share was made or last changed) and still count:
// intentions and commitments, sent or fulfilled; not those withdrawn,
// declined or released. A month's rollover changes no share (a claim has
// no month: a share asked stays asked, to commit or decline), but the new
// month starts with nothing asked, so every maximum is whole again.

// pledges are what claim n is shared among: for every member but the
// claimant whose maximum that applies in the claim's circle is in its
// currency, what is left of it this month once their shares of the
// circle's other claims are counted. Members with nothing left are left
// out; declared counts every member whose maximum applies, left or not.
// A maximum declared for no circle (of old) counts only for the eligible,
// the members of the claim's circle when it was approved, when known.
// The book knows no memberships: a maximum is declared in a circle's room
// by its member, and dropped when they leave it (OpLeaveCircle).
func (kr kassaRules) pledges(n *Need, eligible []UserID) (ps []KassaPledge, declared int) {
	for u, st := range kr.rec.statuses {
		if u == n.Owner {
			continue
		}
		limit, legacy := st.KassaIn(n.Circle)
		if limit.Minor <= 0 || limit.Currency != n.Target.Currency || legacy && eligible != nil && !slices.Contains(eligible, u) {
			continue
		}
		declared++
		if left := limit.Minor - kr.asked(st, n.Circle, legacy, limit.Currency, n.ID); left > 0 {
			ps = append(ps, KassaPledge{Member: u, Max: Amount{left, limit.Currency}})
		}
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].Member < ps[j].Member })
	return ps, declared
}

// asked is what member st was asked this month, in currency cur, on
// the claims their maximum for circle c covers, claim except excepted:
// the claims of c, or, for the circle-less maximum of old (legacy), the
// claims of every circle they declared no maximum of their own for.
func (kr kassaRules) asked(st *MemberStatus, c CircleID, legacy bool, cur Currency, except NeedID) int64 {
	var sum int64
	for _, id := range kr.rec.byGiver[st.Member] {
		p := kr.rec.promises[id]
		if p.Need == except || p.Period != kr.rec.period || p.Amount.Currency != cur || !p.State.Live() {
			continue
		}
		n := kr.rec.needs[p.Need]
		if n == nil || n.Kind != NeedClaim {
			continue
		}
		if legacy {
			if _, own := st.KassaDeclared(n.Circle); own && n.Circle != "" {
				continue
			}
		} else if n.Circle != c {
			continue
		}
		sum += p.Amount.Minor
	}
	return sum
}

// KassaAsked returns what member u was asked this month on the claims of
// circle c that their maximum there covers (zero, in no currency, when no
// maximum applies there).
func (b *Book) KassaAsked(u UserID, c CircleID) Amount {
	st, ok := b.rec.statuses[u]
	if !ok {
		return Amount{}
	}
	limit, legacy := st.KassaIn(c)
	if limit.Minor <= 0 {
		return Amount{}
	}
	return Amount{b.kassa.asked(st, c, legacy, limit.Currency, ""), limit.Currency}
}
