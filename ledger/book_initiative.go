package ledger

import (
	"time"
	"unicode/utf8"
)

// Bounds of an initiative.
const (
	MaxInitiativeTitleRunes  = 200
	MaxInitiativeReportRunes = 1000
	MaxInitiativeDays        = 366 // how far ahead its deadline may be
)

// initiativeRules apply initiatives: a member's project with a price and a
// deadline, funded all or nothing.
type initiativeRules struct{ rec *records }

// applyInitiative opens an initiative: a project of the actor with a price
// and a deadline, posted in one circle, funded by intentions.
func (ir initiativeRules) applyInitiative(op Op, out *Outcome) error {
	switch n := utf8.RuneCountInString(op.Text); {
	case n == 0:
		return Errorf(EInvalid, "cmd.usage", VerbInitiative)
	case n > MaxInitiativeTitleRunes:
		return Errorf(EInvalid, "cmd.text_too_long", MaxInitiativeTitleRunes)
	}
	if op.Amount.Minor <= 0 || op.Amount.Currency == "" {
		return Errorf(EInvalid, "amount.zero")
	}
	if !op.Amount.IsMoney() {
		return Errorf(EInvalid, "amount.money_only")
	}
	// In milliseconds, as op times are: the deadline op must fall on it.
	until := op.Until.Truncate(time.Millisecond).UTC()
	if !until.After(op.At) {
		return Errorf(EInvalid, "initiative.past")
	}
	if until.After(op.At.Add(MaxInitiativeDays * 24 * time.Hour)) {
		return Errorf(EInvalid, "initiative.too_far", MaxInitiativeDays)
	}
	n := &Need{
		ID: NeedID(op.Event), Kind: NeedInitiative, Owner: op.Actor, Target: op.Amount, Deadline: until,
		State: NeedOpen, OpenedAt: op.At, Title: op.Text, Circle: op.Circle,
	}
	ir.rec.addNeed(n)
	out.Need = out.need(n)
	return nil
}

// reachInitiative notes, once each, when an initiative's intentions and
// commitments together first reach its price (backers are asked to
// commit), and when its commitments do (it is funded).
func (ir initiativeRules) reachInitiative(n *Need, op Op, out *Outcome) {
	if n.Kind != NeedInitiative || n.State != NeedOpen {
		return
	}
	t := ir.rec.totals(n.ID)
	if n.ReachedAt.IsZero() && t.Intended.Minor+t.Committed.Minor >= n.Target.Minor {
		ir.rec.touchNeed(n)
		n.ReachedAt = op.At
		out.Reached = true
	}
	if n.FundedAt.IsZero() && t.Committed.Minor >= n.Target.Minor {
		ir.rec.touchNeed(n)
		n.FundedAt = op.At
		out.Funded = true
	}
	out.Need = out.need(n)
}

// applyDone closes an initiative as done, with the initiator's report:
// intentions left are released, commitments stay owed.
func (ir initiativeRules) applyDone(op Op, out *Outcome) error {
	n, ok := ir.rec.needs[op.Need]
	if !ok || n.Kind != NeedInitiative {
		return Errorf(ENotFound, "initiative.not_found")
	}
	if n.Owner != op.Actor {
		return Errorf(EForbidden, "initiative.not_initiator", n.Owner)
	}
	if n.State != NeedOpen {
		return Errorf(EConflict, "need.closed", n.Owner)
	}
	if utf8.RuneCountInString(op.Text) > MaxInitiativeReportRunes {
		return Errorf(EInvalid, "cmd.text_too_long", MaxInitiativeReportRunes)
	}
	ir.rec.endNeed(n, NeedDone, op, out)
	n.Report = op.Text // touched by endNeed
	out.Need = out.need(n)
	return nil
}

// expireInitiative ends an initiative whose deadline passed before it was
// funded: every promise toward it is released (all or nothing), but for
// help already marked sent, which its initiator can still confirm.
func (ir initiativeRules) expireInitiative(n *Need, op Op, out *Outcome) error {
	if !n.FundedAt.IsZero() {
		return Errorf(EConflict, "cycle.deadline_moot")
	}
	ir.rec.endNeed(n, NeedExpired, op, out)
	for _, p := range ir.rec.promisesOf(n.ID) {
		if p.State == PromiseCommitment {
			ir.rec.setState(p, PromiseReleased, op, out)
		}
	}
	out.Need = out.need(n)
	return nil
}

// pollOpen refuses an answer to an initiative's poll (op.Poll) made after
// the poll ended: once the initiative was funded (when the bot ends its
// poll), or closed. By the op's time, so every bot decides alike.
func pollOpen(n *Need, op Op) error {
	if !op.Poll || n == nil || n.Kind != NeedInitiative {
		return nil
	}
	if n.State != NeedOpen || !n.FundedAt.IsZero() && !op.At.Before(n.FundedAt) {
		return Errorf(EConflict, "poll.ended", n.Title)
	}
	return nil
}
