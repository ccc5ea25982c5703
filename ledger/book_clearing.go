package ledger

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
)

// ID names a cycle of a clearing plan: a short hash of its members, debts
// and amount, the same on every bot that computes the same plan.
func (c *Cycle) ID() string {
	h := sha256.New()
	for _, m := range c.Members {
		h.Write([]byte(m + "\n"))
	}
	for _, d := range c.Debts {
		h.Write([]byte(d + "\n"))
	}
	h.Write([]byte(strconv.FormatInt(c.Reduce.Minor, 10) + string(c.Reduce.Currency)))
	return strings.ToUpper(hex.EncodeToString(h.Sum(nil))[:10])
}

// clearingRules apply the agreements to clear a cycle of debts.
type clearingRules struct{ rec *records }

// Agreed returns who agreed to clear cycle id so far.
func (b *Book) Agreed(id string) []UserID {
	return sortedUsers(b.rec.agreements[id], "")
}

// applyAgree records the actor's agreement to clear a cycle (op.Cycle) or
// to shorten a chain (op.Chain); when everyone in it has agreed, it is
// applied: a cycle's Reduce of each debt counts as fulfilled (each member
// pays and receives the same amount, so no money needs to move), and the
// rest stays owed; a chain is shortened (applyChain).
func (cr clearingRules) applyAgree(op Op, out *Outcome) error {
	if op.Chain != nil {
		return cr.applyChainAgree(op, out)
	}
	c := op.Cycle
	if c == nil || len(c.Members) < 2 || c.Reduce.Minor <= 0 {
		return Errorf(EInvalid, "clearing.stale")
	}
	if !c.Reduce.IsMoney() {
		return Errorf(EInvalid, "amount.money_only")
	}
	if !slices.Contains(c.Members, op.Actor) {
		return Errorf(EForbidden, "clearing.not_member")
	}
	pairs, err := cr.cyclePairs(c)
	if err != nil {
		return err
	}
	if !cr.record(c.ID(), op.Actor, len(c.Members), out) {
		return Errorf(EConflict, "clearing.already_agreed", c.ID())
	}
	if !out.Cleared {
		return nil
	}
	for _, ps := range pairs {
		cr.clearPair(ps, c.Reduce, op, out)
	}
	return nil
}

// record notes u's agreement to id, of n members in all, in out, and
// reports false when u had agreed already. out.Cleared is set when the
// agreement was the last one needed.
func (cr clearingRules) record(id string, u UserID, n int, out *Outcome) bool {
	if cr.rec.agreements[id][u] {
		return false
	}
	cr.rec.agree(id, u)
	out.Clearing = id
	out.Cleared = len(cr.rec.agreements[id]) >= n
	return true
}

// cyclePairs checks a cycle against the book and returns, for each of its
// debts (member i owes member i+1), the open commitments that make it.
func (cr clearingRules) cyclePairs(c *Cycle) ([][]*Promise, error) {
	pairs := make([][]*Promise, len(c.Members))
	for i, from := range c.Members {
		ps, ok := cr.openPair(c.Debts, from, c.Members[(i+1)%len(c.Members)], c.Reduce)
		if !ok {
			return nil, Errorf(EConflict, "clearing.stale")
		}
		pairs[i] = ps
	}
	return pairs, nil
}

// openPair returns the open commitments among ids from from to to in the
// currency of amount, and whether they add up to amount at least.
func (cr clearingRules) openPair(ids []PromiseID, from, to UserID, amount Amount) ([]*Promise, bool) {
	var ps []*Promise
	var sum int64
	for _, id := range ids {
		p, ok := cr.rec.promises[id]
		if ok && p.Giver == from && p.Beneficiary == to && p.State == PromiseCommitment && p.Amount.Currency == amount.Currency {
			ps = append(ps, p)
			sum += p.Unsent().Minor // a part sent is not owed any more
		}
	}
	return ps, sum >= amount.Minor
}

// clearPair clears amount of one debt of a cycle, oldest commitment first:
// a commitment cleared whole is fulfilled; one cleared in part keeps the
// rest as a commitment, and the part cleared becomes a fulfilled promise.
func (cr clearingRules) clearPair(ps []*Promise, amount Amount, op Op, out *Outcome) {
	left := amount.Minor
	for _, p := range ps {
		if left == 0 {
			break
		}
		take := min(left, p.Unsent().Minor)
		left -= take
		if take == 0 {
			continue
		}
		if take == p.Amount.Minor {
			cr.rec.touchPromise(p)
			p.Cleared = true
			cr.rec.setState(p, PromiseFulfilled, op, out)
		} else {
			cr.rec.touchPromise(p)
			p.Amount.Minor -= take
			p.UpdatedAt, p.UpdatedBy = op.At, op.Event
			if p.SentSoFar().Minor >= p.Amount.Minor { // the rest was all sent: a part's state
				p.State = PromiseSent
				if p.GotMinor >= p.Amount.Minor {
					p.State = PromiseFulfilled
				}
			}
			out.Affected = append(out.Affected, out.promise(p))
			part := &Promise{
				ID: PromiseID(string(op.Event) + "/" + string(p.ID)), Need: p.Need, Giver: p.Giver, Beneficiary: p.Beneficiary,
				Amount: Amount{take, p.Amount.Currency}, State: PromiseFulfilled, Period: p.Period, Cleared: true,
				CreatedAt: op.At, UpdatedAt: op.At, UpdatedBy: op.Event, CommittedAt: p.CommittedAt,
			}
			cr.rec.addPromise(part)
			out.Affected = append(out.Affected, out.promise(part))
		}
		if n := cr.rec.needs[p.Need]; n != nil {
			cr.rec.closeIfConfirmed(n, op, out)
		}
	}
}

// agree records u's agreement to clear cycle (or chain) id (taken back with the op).
func (r *records) agree(id string, u UserID) {
	if r.agreements[id] == nil {
		r.agreements[id] = map[UserID]bool{}
	}
	r.agreements[id][u] = true
	if r.cur != nil {
		r.cur.agreed = append(r.cur.agreed, agreement{id, u})
	}
}

// agreement is one member's agreement to one cycle, for the journal.
type agreement struct {
	id string
	u  UserID
}
