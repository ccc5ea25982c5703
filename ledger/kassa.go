package ledger

import (
	"cmp"
	"math/big"
	"math/bits"
	"slices"
	"strings"
)

// The kassa is a circle's mutual-aid fund: each member declares the most they
// would give in a month, and a claim is split among the members in proportion
// to those maxima (what is left of them this month: book_kassa_month.go).
// This file holds the pure computation of that split.

// KassaPledge is a member's declared monthly maximum.
type KassaPledge struct {
	Member UserID
	Max    Amount
}

// Share is one member's part of a claim.
type Share struct {
	Member UserID
	Amount Amount
}

// SplitClaim splits claim among pledges in proportion to their maxima:
// member i owes claim × max_i / Σmax, rounded to minor units by the
// largest-remainder (Hamilton) method. Every member gets the floor of the
// exact value; the minor units still missing from the claim go, one each, to
// the members with the largest fractional remainders, ties broken by the
// smaller Member ID. The shares therefore sum exactly to the claim, each
// differs from its exact proportional value by less than one minor unit, and
// none exceeds its maximum.
//
// When the claim is at least Σmax, every member gives their maximum and the
// rest of the claim is returned as missing; otherwise missing is zero.
//
// Pledges in a currency other than the claim's, and pledges whose maximum is
// zero or negative, are skipped. SplitClaim does not know the claimant: a
// caller that excludes the claimant's own pledge must leave it out of
// pledges. Two pledges of the same member (among those not skipped) are
// refused with EInvalid "kassa.duplicate_pledge"; a claim that is not
// positive is refused with EInvalid "kassa.claim_not_positive".
//
// The result does not depend on the order of pledges: shares are sorted by
// Member, and members whose share is zero are omitted. Arithmetic is exact
// for any int64 amounts and any number of pledges.
func SplitClaim(claim Amount, pledges []KassaPledge) (shares []Share, missing Amount, err error) {
	missing = Amount{Currency: claim.Currency}
	if claim.Minor <= 0 {
		return nil, missing, Errorf(EInvalid, "kassa.claim_not_positive", claim)
	}
	ps, err := kassaEligible(claim.Currency, pledges, nil, nil)
	if err != nil {
		return nil, missing, err
	}
	shares, missing.Minor = kassaSplit(claim, ps)
	return shares, missing, nil
}

// Redistribute recomputes a claim after some members have answered it.
//
// Members in committed keep exactly their committed amounts, which count
// toward the claim (even a member absent from pledges, or one who committed
// more than their maximum, or one also marked declined). Members marked in
// declined, and not committed, get nothing. The remainder, claim minus
// Σcommitted, is split as SplitClaim would among the remaining pledges (those
// of members neither committed nor declined), each capped at their full
// declared maximum: what committed members gave reduces nobody else's
// maximum. What those members cannot cover is missing.
//
// A committed entry of zero counts as no commitment. A committed amount that
// is negative or in another currency is refused with EInvalid
// "kassa.bad_commitment"; commitments summing to more than the claim are
// refused with EInvalid "kassa.overcommitted". Other errors, the skipping of
// pledges and the order of the result are as for SplitClaim; the returned
// shares include the committed ones.
func Redistribute(claim Amount, pledges []KassaPledge, committed map[UserID]Amount, declined map[UserID]bool) (shares []Share, missing Amount, err error) {
	missing = Amount{Currency: claim.Currency}
	if claim.Minor <= 0 {
		return nil, missing, Errorf(EInvalid, "kassa.claim_not_positive", claim)
	}
	members := make([]UserID, 0, len(committed))
	for m := range committed {
		members = append(members, m)
	}
	slices.Sort(members)
	var kept []Share
	rest := claim.Minor
	for _, m := range members {
		a := committed[m]
		switch {
		case a.Minor == 0:
			continue
		case a.Minor < 0 || a.Currency != claim.Currency:
			return nil, missing, Errorf(EInvalid, "kassa.bad_commitment", m, a)
		case a.Minor > rest:
			return nil, missing, Errorf(EInvalid, "kassa.overcommitted", claim)
		}
		rest -= a.Minor
		kept = append(kept, Share{Member: m, Amount: a})
	}
	ps, err := kassaEligible(claim.Currency, pledges, committed, declined)
	if err != nil {
		return nil, missing, err
	}
	if rest > 0 {
		shares, missing.Minor = kassaSplit(Amount{Minor: rest, Currency: claim.Currency}, ps)
	}
	shares = append(shares, kept...)
	slices.SortFunc(shares, func(a, b Share) int { return strings.Compare(string(a.Member), string(b.Member)) })
	return shares, missing, nil
}

// kassaEligible returns the pledges in currency c with a positive maximum,
// sorted by Member, without the members with a non-zero committed amount or
// marked declined. It refuses duplicate members.
func kassaEligible(c Currency, pledges []KassaPledge, committed map[UserID]Amount, declined map[UserID]bool) ([]KassaPledge, error) {
	ps := make([]KassaPledge, 0, len(pledges))
	for _, p := range pledges {
		if p.Max.Currency == c && p.Max.Minor > 0 {
			ps = append(ps, p)
		}
	}
	slices.SortFunc(ps, func(a, b KassaPledge) int { return strings.Compare(string(a.Member), string(b.Member)) })
	out := ps[:0]
	for i, p := range ps {
		if i > 0 && ps[i-1].Member == p.Member {
			return nil, Errorf(EInvalid, "kassa.duplicate_pledge", p.Member)
		}
		if committed[p.Member].Minor != 0 || declined[p.Member] {
			continue
		}
		out = append(out, p)
	}
	return out, nil
}

// u128 is an unsigned 128-bit integer.
type u128 struct{ hi, lo uint64 }

func (a u128) cmp(b u128) int {
	if a.hi != b.hi {
		return cmp.Compare(a.hi, b.hi)
	}
	return cmp.Compare(a.lo, b.lo)
}

// kassaSplit splits the positive claim among ps, which are sorted by Member,
// unique and have positive maxima. It returns the non-zero shares, sorted by
// Member, and the missing minor units.
func kassaSplit(claim Amount, ps []KassaPledge) ([]Share, int64) {
	c := uint64(claim.Minor)
	var sum u128 // Σmax: n·(2⁶³−1) fits for any n < 2⁶⁵
	for _, p := range ps {
		var carry uint64
		sum.lo, carry = bits.Add64(sum.lo, uint64(p.Max.Minor), 0)
		sum.hi += carry
	}
	if sum.hi == 0 && c >= sum.lo {
		shares := make([]Share, len(ps))
		for i, p := range ps {
			shares[i] = Share{Member: p.Member, Amount: p.Max}
		}
		return shares, int64(c - sum.lo)
	}

	// claim < Σmax: floor(claim·max_i/Σmax) < max_i, so the floor plus one
	// never exceeds max_i and no cap binds.
	quot := make([]int64, len(ps))
	rem := make([]u128, len(ps)) // claim·max_i mod Σmax: the fraction, scaled by Σmax
	given := uint64(0)
	if sum.hi == 0 {
		for i, p := range ps {
			hi, lo := bits.Mul64(c, uint64(p.Max.Minor))
			q, r := bits.Div64(hi, lo, sum.lo) // hi < Σmax since claim < Σmax
			quot[i], rem[i] = int64(q), u128{0, r}
			given += q
		}
	} else {
		s := new(big.Int).Lsh(new(big.Int).SetUint64(sum.hi), 64)
		s.Or(s, new(big.Int).SetUint64(sum.lo))
		bc := new(big.Int).SetUint64(c)
		num, q, r := new(big.Int), new(big.Int), new(big.Int)
		mask := new(big.Int).SetUint64(^uint64(0))
		for i, p := range ps {
			num.Mul(bc, big.NewInt(p.Max.Minor))
			q.QuoRem(num, s, r)
			quot[i] = q.Int64()
			lo := new(big.Int).And(r, mask).Uint64()
			rem[i] = u128{new(big.Int).Rsh(r, 64).Uint64(), lo}
			given += q.Uint64()
		}
	}

	// The leftover is Σ fractions, an integer below the number of members
	// with a non-zero fraction: hand out one unit each, largest first.
	left := int64(c - given)
	if left > 0 {
		order := make([]int, 0, len(ps))
		for i := range ps {
			if rem[i] != (u128{}) {
				order = append(order, i)
			}
		}
		slices.SortFunc(order, func(a, b int) int {
			if x := rem[b].cmp(rem[a]); x != 0 {
				return x
			}
			return cmp.Compare(a, b) // ps is sorted by Member
		})
		for _, i := range order {
			if left == 0 {
				break
			}
			if quot[i] < ps[i].Max.Minor {
				quot[i]++
				left--
			}
		}
	}

	shares := make([]Share, 0, len(ps))
	for i, p := range ps {
		if quot[i] > 0 {
			shares = append(shares, Share{Member: p.Member, Amount: Amount{Minor: quot[i], Currency: claim.Currency}})
		}
	}
	return shares, left // left is zero unless the reasoning above is wrong
}
