package ledger

import (
	"time"
	"unicode/utf8"
)

// NeedSuspended is an orange need paused while its owner is red; its
// intentions are set aside and come back when the red collection ends.
const NeedSuspended NeedState = "suspended"

// statusRules apply a member's traffic light (OpStatus): green, orange
// (monthly support, an orange need) or red (a collection with a deadline,
// a red need).
type statusRules struct{ rec *records }

// applyStatus changes the actor's traffic light.
func (sr statusRules) applyStatus(op Op, out *Outcome) error {
	cur := sr.rec.statusOf(op.Actor)
	if err := sr.checkStatusOp(op, cur); err != nil {
		return err
	}
	switch op.Status {
	case StatusGreen:
		sr.archiveNeedsOf(op.Actor, op, out)
		cur.Previous, cur.Need = "", ""
	case StatusOrange:
		sr.closeRed(op.Actor, op, out, NeedArchived)
		cur.Need = sr.openOrange(op, out)
		cur.Previous = ""
	case StatusRed:
		if cur.Status == StatusRed {
			n := sr.rec.needs[cur.Need]
			if !sameUnit(n, op) {
				// Another currency (or thing) starts a new collection, as
				// orange does: the promises made cannot be counted in it.
				sr.rec.archiveNeed(n, op, out)
				cur.Need = sr.openNeed(op, NeedRed, out)
				break
			}
			sr.rec.touchNeed(n)
			n.Target, n.Deadline = op.Amount, op.At.Add(time.Duration(op.Days)*24*time.Hour)
			// A target lowered to what was confirmed is reached: the
			// collection closes and the member leaves red.
			sr.rec.closeIfConfirmed(n, op, out)
			out.Need = out.need(n)
			if n.State == NeedClosed {
				return nil
			}
			break
		}
		sr.suspendOrange(op.Actor, op, out)
		cur.Previous = cur.Status
		cur.Need = sr.openNeed(op, NeedRed, out)
	}
	cur.Member, cur.Status, cur.ChangedAt = op.Actor, op.Status, op.At
	sr.rec.putStatus(cur)
	out.Status = copyStatus(&cur)
	return nil
}

// checkStatusOp refuses a status op that is malformed or changes nothing.
func (sr statusRules) checkStatusOp(op Op, cur MemberStatus) error {
	if op.Status == StatusOrange && cur.Status == StatusOrange {
		if n, ok := sr.rec.needs[cur.Need]; ok && n.Target == op.Amount && n.Title == op.Text {
			if op.Text != "" {
				return Errorf(EConflict, "status.unchanged", op.Text) // the thing, as written
			}
			return Errorf(EConflict, "status.unchanged", op.Amount)
		}
	}
	if err := checkThing(op); err != nil {
		return err
	}
	switch op.Status {
	case StatusGreen:
		if cur.Status == StatusGreen {
			return Errorf(EConflict, "status.already_green")
		}
	case StatusOrange, StatusRed:
		if op.Amount.Minor <= 0 || op.Amount.Currency == "" {
			return Errorf(EInvalid, "status.amount_required", op.Status)
		}
		if op.Status == StatusRed && (op.Days < 1 || op.Days > MaxRedDays) {
			return Errorf(EInvalid, "cmd.bad_days", op.Days, MaxRedDays)
		}
	default:
		return Errorf(EInvalid, "cmd.bad_status", string(op.Status))
	}
	return nil
}

// sameUnit reports whether a status op changes only the target of need n:
// the same currency or unit, and for things the same thing.
func sameUnit(n *Need, op Op) bool {
	return n.Target.Currency == op.Amount.Currency && n.Title == op.Text
}

// checkThing refuses a status in kind that does not say what it is, a
// thing too long, or a thing named beside money or hours: the thing of a
// need in Items is its title (op.Text), and only those have one.
func checkThing(op Op) error {
	if op.Status == StatusGreen {
		return nil
	}
	switch {
	case op.Amount.Currency == Items && op.Text == "":
		return Errorf(EInvalid, "status.thing_needed")
	case op.Amount.Currency != Items && op.Text != "":
		return Errorf(EInvalid, "cmd.usage", VerbStatus)
	case utf8.RuneCountInString(op.Text) > MaxThingRunes:
		return Errorf(EInvalid, "cmd.text_too_long", MaxThingRunes)
	}
	return nil
}

// openOrange opens the actor's orange need, or resumes (with the new
// target) the one suspended while they were red, or changes the target of
// the open one.
func (sr statusRules) openOrange(op Op, out *Outcome) NeedID {
	for _, id := range sr.rec.byOwner[op.Actor] {
		n := sr.rec.needs[id]
		if n.Kind != NeedOrange || (n.State != NeedOpen && n.State != NeedSuspended) {
			continue
		}
		if !sameUnit(n, op) {
			sr.rec.archiveNeed(n, op, out)
			continue
		}
		sr.rec.touchNeed(n)
		n.Target = op.Amount
		if n.State == NeedSuspended {
			sr.rec.resumeNeed(n, op, out)
		}
		out.Need = out.need(n)
		return n.ID
	}
	return sr.openNeed(op, NeedOrange, out)
}

// openNeed opens a new need of kind k from a status op.
func (sr statusRules) openNeed(op Op, k NeedKind, out *Outcome) NeedID {
	n := &Need{
		ID: NeedID(op.Event), Kind: k, Owner: op.Actor, Target: op.Amount,
		State: NeedOpen, OpenedAt: op.At, Title: op.Text,
	}
	if k == NeedRed {
		n.Deadline = op.At.Add(time.Duration(op.Days) * 24 * time.Hour)
	}
	sr.rec.addNeed(n)
	out.Need = out.need(n)
	return n.ID
}

// suspendOrange pauses the actor's open orange need: its intentions are
// set aside.
func (sr statusRules) suspendOrange(u UserID, op Op, out *Outcome) {
	for _, id := range sr.rec.byOwner[u] {
		n := sr.rec.needs[id]
		if n.Kind != NeedOrange || n.State != NeedOpen {
			continue
		}
		sr.rec.touchNeed(n)
		n.State = NeedSuspended
		for _, p := range sr.rec.promisesOf(n.ID) {
			if p.State == PromiseIntention {
				sr.rec.setState(p, PromiseSetAside, op, out)
			}
		}
	}
}

// closeRed ends the actor's red collection, if any, as state st.
func (sr statusRules) closeRed(u UserID, op Op, out *Outcome, st NeedState) {
	for _, id := range sr.rec.byOwner[u] {
		if n := sr.rec.needs[id]; n.Kind == NeedRed && n.State == NeedOpen {
			sr.rec.endNeed(n, st, op, out)
		}
	}
}

// archiveNeedsOf archives every open or suspended need of u.
func (sr statusRules) archiveNeedsOf(u UserID, op Op, out *Outcome) {
	for _, id := range sr.rec.byOwner[u] {
		n := sr.rec.needs[id]
		statusNeed := n.Kind == NeedOrange || n.Kind == NeedRed // not initiatives or claims
		if statusNeed && (n.State == NeedOpen || n.State == NeedSuspended) {
			sr.rec.archiveNeed(n, op, out)
		}
	}
}
