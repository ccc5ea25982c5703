package ledger

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
)

// A chain shortening (ChainCut) is agreed to and applied as a cycle is:
// each of its three members agrees (an agree op carrying the chain), and
// the last agreement applies it. From's debt to Via is then settled by
// From paying To instead: Amount of From→Via counts as fulfilled (marked
// Cleared, as a cycle's), Amount of Via→To passes to From, a new
// commitment From→To toward the same need (Via's part released, marked
// Cleared), and the rest of each debt stays. Every member's net position is
// unchanged, the total owed falls by Amount, and To's need is owed as much
// as before. Like every op it is taken back by the book's journal when an
// earlier op arrives late, and applied again after it.

// ID names a chain shortening of a clearing plan: a short hash of its
// members, debts and amount, the same on every bot that computes the same
// plan, and never the ID of a cycle.
func (c *ChainCut) ID() string {
	h := sha256.New()
	h.Write([]byte("chain\n" + c.From + "\n" + c.Via + "\n" + c.To + "\n"))
	for _, d := range c.Debts {
		h.Write([]byte(d + "\n"))
	}
	h.Write([]byte(strconv.FormatInt(c.Amount.Minor, 10) + string(c.Amount.Currency)))
	return strings.ToUpper(hex.EncodeToString(h.Sum(nil))[:10])
}

// Members are who must agree to the shortening: From, Via and To.
func (c *ChainCut) Members() []UserID {
	return []UserID{c.From, c.Via, c.To}
}

// applyChainAgree records the actor's agreement to shorten op.Chain and
// shortens it when the agreement is the last one needed.
func (cr clearingRules) applyChainAgree(op Op, out *Outcome) error {
	c := op.Chain
	if c.Amount.Minor <= 0 || c.From == c.Via || c.Via == c.To || c.From == c.To {
		return Errorf(EInvalid, "clearing.stale")
	}
	if !c.Amount.IsMoney() {
		return Errorf(EInvalid, "amount.money_only")
	}
	if op.Actor != c.From && op.Actor != c.Via && op.Actor != c.To {
		return Errorf(EForbidden, "clearing.not_member")
	}
	ab, okAB := cr.openPair(c.Debts, c.From, c.Via, c.Amount)
	bc, okBC := cr.openPair(c.Debts, c.Via, c.To, c.Amount)
	if !okAB || !okBC {
		return Errorf(EConflict, "clearing.stale")
	}
	if !cr.record(c.ID(), op.Actor, 3, out) {
		return Errorf(EConflict, "clearing.already_agreed", c.ID())
	}
	if out.Cleared {
		cr.clearPair(ab, c.Amount, op, out)
		cr.passOn(bc, c.From, c.Amount, op, out)
	}
	return nil
}

// passOn moves amount of the commitments ps (Via→To), oldest first, to the
// giver from: each part moved becomes a new commitment of from toward the
// same need; a commitment moved whole is released, one moved in part keeps
// the rest.
func (cr clearingRules) passOn(ps []*Promise, from UserID, amount Amount, op Op, out *Outcome) {
	left := amount.Minor
	for _, p := range ps {
		if left == 0 {
			break
		}
		take := min(left, p.Amount.Minor)
		left -= take
		cr.rec.touchPromise(p)
		if take == p.Amount.Minor {
			p.Cleared = true
			cr.rec.setState(p, PromiseReleased, op, out)
		} else {
			p.Amount.Minor -= take
			p.UpdatedAt, p.UpdatedBy = op.At, op.Event
			out.Affected = append(out.Affected, out.promise(p))
		}
		moved := &Promise{
			ID: PromiseID(string(op.Event) + "/" + string(p.ID)), Need: p.Need, Giver: from, Beneficiary: p.Beneficiary,
			Amount: Amount{take, p.Amount.Currency}, State: PromiseCommitment, Period: p.Period,
			CreatedAt: op.At, UpdatedAt: op.At, UpdatedBy: op.Event, CommittedAt: op.At,
		}
		cr.rec.addPromise(moved)
		out.Affected = append(out.Affected, out.promise(moved))
	}
}
