package ledger_test

import (
	"fmt"
	"sort"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

// This file checks the Book against refModel, a naive model of the
// lifecycle of a promise written from the rules of docs/product.md ("The
// lifecycle of a promise", "Who may do what"), over random sequences of ops.

// refModel is the reference model: lists searched linearly, no indexes.
type refModel struct {
	needs    []*ledger.Need    // in opening order
	promises []*ledger.Promise // in creation order
	statuses map[ledger.UserID]*ledger.MemberStatus
}

func newRefModel() *refModel {
	return &refModel{statuses: map[ledger.UserID]*ledger.MemberStatus{}}
}

// clone returns a deep copy: an op is applied to a clone, kept only if the
// rules allow it, so a refused op changes nothing.
func (m *refModel) clone() *refModel {
	c := newRefModel()
	for _, n := range m.needs {
		cp := *n
		c.needs = append(c.needs, &cp)
	}
	for _, p := range m.promises {
		cp := *p
		c.promises = append(c.promises, &cp)
	}
	for u, s := range m.statuses {
		cp := *s
		c.statuses[u] = &cp
	}
	return c
}

func (m *refModel) need(id ledger.NeedID) *ledger.Need {
	for _, n := range m.needs {
		if n.ID == id {
			return n
		}
	}
	return nil
}

func (m *refModel) status(u ledger.UserID) ledger.MemberStatus {
	if s, ok := m.statuses[u]; ok {
		return *s
	}
	return ledger.MemberStatus{Member: u, Status: ledger.StatusGreen}
}

// pending returns the giver's promise toward a need that is not fulfilled
// yet (intention, set aside, commitment or sent). The rules allow at most
// one; more is a broken invariant, reported as an error.
func (m *refModel) pending(n ledger.NeedID, giver ledger.UserID) (*ledger.Promise, error) {
	var found []*ledger.Promise
	for _, p := range m.promises {
		if p.Need != n || p.Giver != giver {
			continue
		}
		switch p.State {
		case ledger.PromiseIntention, ledger.PromiseSetAside, ledger.PromiseCommitment, ledger.PromiseSent:
			found = append(found, p)
		}
	}
	if len(found) > 1 {
		return nil, fmt.Errorf("%s has %d pending promises toward %s", giver, len(found), n)
	}
	if len(found) == 0 {
		return nil, nil
	}
	return found[0], nil
}

// current returns the giver's pending promise toward a need, else their
// last fulfilled one, else nil.
func (m *refModel) current(n ledger.NeedID, giver ledger.UserID) (*ledger.Promise, error) {
	p, err := m.pending(n, giver)
	if p != nil || err != nil {
		return p, err
	}
	for _, q := range m.promises {
		if q.Need == n && q.Giver == giver && q.State == ledger.PromiseFulfilled {
			p = q
		}
	}
	return p, nil
}

// totals computes a need's figures from its promises.
func (m *refModel) totals(n *ledger.Need) ledger.Totals {
	c := n.Target.Currency
	t := ledger.Totals{Target: n.Target, Intended: ledger.Amount{Currency: c},
		Committed: ledger.Amount{Currency: c}, Confirmed: ledger.Amount{Currency: c}}
	givers := map[ledger.PromiseID]bool{}
	for _, p := range m.promises {
		if p.Need != n.ID {
			continue
		}
		switch p.State {
		case ledger.PromiseIntention:
			t.Intended.Minor += p.Amount.Minor
			givers[p.ID] = true
		case ledger.PromiseCommitment, ledger.PromiseSent:
			t.Committed.Minor += p.Amount.Minor
			t.Confirmed.Minor += p.GotMinor // the confirmed part of a partial fulfilment
			givers[p.ID] = true
		case ledger.PromiseFulfilled:
			t.Committed.Minor += p.Amount.Minor
			t.Confirmed.Minor += p.Amount.Minor
			givers[p.ID] = true
		}
	}
	t.Givers = len(givers)
	t.Missing = ledger.Amount{Currency: c}
	if t.Committed.Minor < n.Target.Minor {
		t.Missing.Minor = n.Target.Minor - t.Committed.Minor
	}
	return t
}

// touch moves promise p to state st as a consequence of op.
func touch(p *ledger.Promise, st ledger.PromiseState, op ledger.Op) {
	p.State, p.UpdatedAt, p.UpdatedBy = st, op.At, op.Event
	if p.CommittedAt.IsZero() && (st == ledger.PromiseCommitment || st == ledger.PromiseSent || st == ledger.PromiseFulfilled) {
		p.CommittedAt = op.At // when it first became a commitment
	}
}

// end closes or archives need n: intentions toward it (set aside ones too)
// are released; commitments stay owed, except that a red collection
// reaching its target releases those not yet sent.
func (m *refModel) end(n *ledger.Need, st ledger.NeedState, op ledger.Op) {
	n.State, n.ClosedAt, n.ClosedBy = st, op.At, op.Event
	for _, p := range m.promises {
		if p.Need != n.ID {
			continue
		}
		if p.State == ledger.PromiseIntention || p.State == ledger.PromiseSetAside ||
			(st == ledger.NeedClosed && p.State == ledger.PromiseCommitment) {
			touch(p, ledger.PromiseReleased, op)
		}
	}
}

// resume reopens a suspended orange need: its set-aside intentions return.
func (m *refModel) resume(n *ledger.Need, op ledger.Op) {
	n.State = ledger.NeedOpen
	for _, p := range m.promises {
		if p.Need == n.ID && p.State == ledger.PromiseSetAside {
			touch(p, ledger.PromiseIntention, op)
		}
	}
}

func (m *refModel) open(op ledger.Op, k ledger.NeedKind) *ledger.Need {
	n := &ledger.Need{ID: ledger.NeedID(op.Event), Kind: k, Owner: op.Actor, Target: op.Amount,
		State: ledger.NeedOpen, OpenedAt: op.At}
	if k == ledger.NeedRed {
		n.Deadline = op.At.Add(time.Duration(op.Days) * 24 * time.Hour)
	}
	m.needs = append(m.needs, n)
	return n
}

// apply applies op to m and returns the key of the refusal ("" if allowed)
// and whether an allowed op changed nothing. A refused op leaves m as it
// was. err reports a broken invariant of the model itself.
func (m *refModel) apply(op ledger.Op) (refusal string, noChange bool, err error) {
	c := m.clone()
	refusal, noChange, err = c.do(op)
	if err == nil && refusal == "" {
		*m = *c
	}
	return refusal, noChange, err
}

func (m *refModel) do(op ledger.Op) (string, bool, error) {
	switch op.Kind {
	case ledger.OpStatus:
		return m.doStatus(op), false, nil
	case ledger.OpIntend:
		return m.doIntend(op)
	case ledger.OpWithdraw, ledger.OpUnreact:
		p, err := m.current(op.Need, op.Actor)
		if err != nil {
			return "", false, err
		}
		switch {
		case p == nil, op.Kind == ledger.OpUnreact && p.Reaction != op.Target:
			return "promise.none", false, nil
		case p.State != ledger.PromiseIntention && p.State != ledger.PromiseSetAside:
			return "promise.irrevocable", false, nil
		}
		touch(p, ledger.PromiseWithdrawn, op)
		return "", false, nil
	case ledger.OpCommit:
		return m.doCommit(op)
	case ledger.OpSent:
		p, err := m.current(op.Need, op.Actor)
		if err != nil {
			return "", false, err
		}
		switch {
		case p == nil:
			return "promise.none_open", false, nil
		case p.State == ledger.PromiseIntention || p.State == ledger.PromiseSetAside:
			return "promise.not_committed", false, nil
		case p.State == ledger.PromiseSent:
			return "promise.already_sent", false, nil
		case p.State == ledger.PromiseFulfilled:
			return "promise.already_fulfilled", false, nil
		}
		return m.doSent(p, op), false, nil
	case ledger.OpGot:
		return m.doGot(op), false, nil
	case ledger.OpForgive:
		if op.Giver == op.Actor {
			return "promise.self", false, nil
		}
		found := false
		for _, p := range m.promises {
			if p.Giver == op.Giver && p.Beneficiary == op.Actor &&
				(p.State == ledger.PromiseCommitment || p.State == ledger.PromiseSent) {
				touch(p, ledger.PromiseForgiven, op)
				found = true
			}
		}
		if !found {
			return "promise.none_from", false, nil
		}
		return "", false, nil
	case ledger.OpLeave:
		m.doLeave(op)
		return "", false, nil
	}
	return "op.unknown", false, nil
}

func (m *refModel) doStatus(op ledger.Op) string {
	cur := m.status(op.Actor)
	if op.Status == ledger.StatusOrange && cur.Status == ledger.StatusOrange {
		if n := m.need(cur.Need); n != nil && n.Target == op.Amount {
			return "status.unchanged" // the same support again changes nothing
		}
	}
	switch op.Status {
	case ledger.StatusGreen:
		if cur.Status == ledger.StatusGreen {
			return "status.already_green"
		}
	case ledger.StatusOrange, ledger.StatusRed:
		if op.Amount.Minor <= 0 || op.Amount.Currency == "" {
			return "status.amount_required"
		}
		if op.Status == ledger.StatusRed && (op.Days < 1 || op.Days > ledger.MaxRedDays) {
			return "cmd.bad_days"
		}
	default:
		return "cmd.bad_status"
	}
	next := ledger.MemberStatus{Member: op.Actor, Status: op.Status, ChangedAt: op.At}
	switch op.Status {
	case ledger.StatusGreen:
		// Every need of the member ends; commitments stay owed.
		for _, n := range m.needs {
			if n.Owner == op.Actor && (n.State == ledger.NeedOpen || n.State == ledger.NeedSuspended) {
				m.end(n, ledger.NeedArchived, op)
			}
		}
	case ledger.StatusOrange:
		// Orange ends a red collection, and resumes (or retargets) the
		// orange need; a need in another currency is archived.
		for _, n := range m.needs {
			if n.Owner == op.Actor && n.Kind == ledger.NeedRed && n.State == ledger.NeedOpen {
				m.end(n, ledger.NeedArchived, op)
			}
		}
		for _, n := range m.needs {
			if n.Owner != op.Actor || n.Kind != ledger.NeedOrange ||
				(n.State != ledger.NeedOpen && n.State != ledger.NeedSuspended) {
				continue
			}
			if n.Target.Currency != op.Amount.Currency {
				m.end(n, ledger.NeedArchived, op)
				continue
			}
			n.Target = op.Amount
			if n.State == ledger.NeedSuspended {
				m.resume(n, op)
			}
			next.Need = n.ID
			break
		}
		if next.Need == "" {
			next.Need = m.open(op, ledger.NeedOrange).ID
		}
	case ledger.StatusRed:
		if cur.Status == ledger.StatusRed {
			// A new red amount or deadline changes the collection; in
			// another currency it starts a new one, as orange does.
			n := m.need(cur.Need)
			next.Previous = cur.Previous
			if n.Target.Currency == op.Amount.Currency {
				n.Target, n.Deadline = op.Amount, op.At.Add(time.Duration(op.Days)*24*time.Hour)
				next.Need = n.ID
				m.statuses[op.Actor] = &next
				// A target lowered to what was confirmed is reached.
				m.closeIfConfirmed(n, op)
				return ""
			}
			m.end(n, ledger.NeedArchived, op)
			next.Need = m.open(op, ledger.NeedRed).ID
			break
		}
		// Going red sets the orange need aside and remembers the status.
		for _, n := range m.needs {
			if n.Owner == op.Actor && n.Kind == ledger.NeedOrange && n.State == ledger.NeedOpen {
				n.State = ledger.NeedSuspended
				for _, p := range m.promises {
					if p.Need == n.ID && p.State == ledger.PromiseIntention {
						touch(p, ledger.PromiseSetAside, op)
					}
				}
			}
		}
		next.Previous = cur.Status
		next.Need = m.open(op, ledger.NeedRed).ID
	}
	m.statuses[op.Actor] = &next
	return ""
}

// promiseToward checks that the actor may promise toward need id.
func (m *refModel) promiseToward(op ledger.Op) (*ledger.Need, string) {
	n := m.need(op.Need)
	switch {
	case n == nil:
		return nil, "need.not_found"
	case n.Owner == op.Actor:
		return nil, "promise.self"
	case !n.Deadline.IsZero() && !op.At.Before(n.Deadline):
		return nil, "need.past_deadline" // a collection's days are over
	case n.State == ledger.NeedSuspended:
		return nil, "need.suspended"
	case n.State != ledger.NeedOpen:
		return nil, "need.closed"
	}
	return n, ""
}

// amount resolves the amount of an intend or commit: typed, else the
// intention's, else the default pledge capped at what is missing.
func (m *refModel) amount(op ledger.Op, n *ledger.Need, fallback ledger.Amount) (ledger.Amount, string) {
	a := op.Amount
	if a.Minor == 0 {
		a = fallback
	}
	if a.Minor == 0 {
		if op.Default.Minor <= 0 || op.Default.Currency != n.Target.Currency {
			return a, "promise.amount_needed"
		}
		missing := m.totals(n).Missing
		if missing.Minor == 0 {
			return a, "need.covered"
		}
		a = ledger.Amount{Minor: min(op.Default.Minor, missing.Minor), Currency: n.Target.Currency}
	}
	switch {
	case a.Currency != n.Target.Currency:
		return a, "promise.currency"
	case a.Minor <= 0:
		return a, "amount.zero"
	case a.Minor > n.Target.Minor:
		return a, "promise.over_target"
	}
	return a, ""
}

func (m *refModel) newPromise(op ledger.Op, n *ledger.Need, a ledger.Amount, st ledger.PromiseState) {
	p := &ledger.Promise{
		ID: ledger.PromiseID(op.Event), Need: n.ID, Giver: op.Actor, Beneficiary: n.Owner,
		Amount: a, State: st, Reaction: op.Reaction, CreatedAt: op.At, UpdatedAt: op.At, UpdatedBy: op.Event,
	}
	if st == ledger.PromiseCommitment {
		p.CommittedAt = op.At
	}
	m.promises = append(m.promises, p)
}

func (m *refModel) doIntend(op ledger.Op) (string, bool, error) {
	n, why := m.promiseToward(op)
	if why != "" {
		return why, false, nil
	}
	if n.Kind == ledger.NeedRed {
		return "need.red_commit_only", false, nil
	}
	p, err := m.pending(n.ID, op.Actor)
	if err != nil {
		return "", false, err
	}
	if p != nil && p.State != ledger.PromiseIntention {
		return "promise.irrevocable", false, nil
	}
	if p != nil && op.Amount.Minor == 0 {
		return "", true, nil // a second ❤️ changes nothing
	}
	a, why := m.amount(op, n, ledger.Amount{})
	if why != "" {
		return why, false, nil
	}
	if p == nil {
		m.newPromise(op, n, a, ledger.PromiseIntention)
		return "", false, nil
	}
	p.Amount, p.Reaction = a, op.Reaction
	touch(p, ledger.PromiseIntention, op)
	return "", false, nil
}

func (m *refModel) doCommit(op ledger.Op) (string, bool, error) {
	n, why := m.promiseToward(op)
	if why != "" {
		return why, false, nil
	}
	p, err := m.pending(n.ID, op.Actor)
	if err != nil {
		return "", false, err
	}
	var fallback ledger.Amount
	if p != nil {
		if p.State != ledger.PromiseIntention {
			return "promise.already_committed", false, nil
		}
		fallback = p.Amount
	}
	a, why := m.amount(op, n, fallback)
	if why != "" {
		return why, false, nil
	}
	if p == nil {
		m.newPromise(op, n, a, ledger.PromiseCommitment)
		return "", false, nil
	}
	p.Amount, p.Reaction = a, op.Reaction
	touch(p, ledger.PromiseCommitment, op)
	return "", false, nil
}

func (m *refModel) doGot(op ledger.Op) string {
	n := m.need(op.Need)
	if n == nil {
		return "need.not_found"
	}
	if n.Owner != op.Actor {
		return "promise.not_beneficiary"
	}
	var sent, open []*ledger.Promise
	for _, p := range m.promises {
		if p.Need != n.ID || (op.Giver != "" && p.Giver != op.Giver) {
			continue
		}
		switch {
		case p.State == ledger.PromiseSent || (p.State == ledger.PromiseCommitment && p.SentMinor > p.GotMinor):
			sent = append(sent, p)
		case p.State == ledger.PromiseCommitment:
			open = append(open, p)
		}
	}
	var p *ledger.Promise
	switch {
	case len(sent) == 1:
		p = sent[0]
	case len(sent) == 0 && len(open) == 1:
		p = open[0]
	case len(sent)+len(open) == 0 && op.Giver != "":
		return "promise.none_from"
	case len(sent)+len(open) == 0:
		return "promise.nothing_to_confirm"
	default:
		return "promise.which_giver"
	}
	// A partial fulfilment: what waits confirmation (else the rest) or
	// the amount typed, never more.
	limit, waiting := p.SentMinor-p.GotMinor, p.SentMinor > p.GotMinor
	if !waiting {
		limit = p.Amount.Minor - p.GotMinor
	}
	a := limit
	if !op.Amount.IsZero() {
		switch {
		case op.Amount.Currency != p.Amount.Currency:
			return "promise.currency"
		case op.Amount.Minor <= 0:
			return "amount.zero"
		case op.Amount.Minor > limit && waiting:
			return "promise.over_got"
		case op.Amount.Minor > limit:
			return "promise.over_owed"
		}
		a = op.Amount.Minor
	}
	p.GotMinor += a
	p.SentMinor = max(p.SentMinor, p.GotMinor)
	touch(p, partState(p), op)
	m.closeIfConfirmed(n, op)
	return ""
}

// closeIfConfirmed closes a red collection whose confirmed sum reached its
// target: the owner returns to the status before red.
func (m *refModel) closeIfConfirmed(n *ledger.Need, op ledger.Op) {
	if n.Kind == ledger.NeedRed && n.State == ledger.NeedOpen && m.totals(n).Confirmed.Minor >= n.Target.Minor {
		m.end(n, ledger.NeedClosed, op)
		st := m.status(n.Owner)
		back := st.Previous
		if back != ledger.StatusOrange {
			back = ledger.StatusGreen
		}
		next := ledger.MemberStatus{Member: n.Owner, Status: back, ChangedAt: op.At}
		if back == ledger.StatusOrange {
			for _, o := range m.needs {
				if o.Owner == n.Owner && o.State == ledger.NeedSuspended {
					m.resume(o, op)
					next.Need = o.ID
				}
			}
		}
		m.statuses[n.Owner] = &next
	}
}

// doLeave cancels intentions both ways, archives the leaver's needs,
// releases commitments toward them (nobody is left to confirm), and makes
// the leaver green. The leaver's own commitments stay owed.
func (m *refModel) doLeave(op ledger.Op) {
	for _, p := range m.promises {
		if p.Giver == op.Actor && (p.State == ledger.PromiseIntention || p.State == ledger.PromiseSetAside) {
			touch(p, ledger.PromiseWithdrawn, op)
		}
	}
	for _, n := range m.needs {
		if n.Owner != op.Actor {
			continue
		}
		if n.State == ledger.NeedOpen || n.State == ledger.NeedSuspended {
			m.end(n, ledger.NeedArchived, op)
		}
		for _, p := range m.promises {
			if p.Need == n.ID && (p.State == ledger.PromiseCommitment || p.State == ledger.PromiseSent) {
				touch(p, ledger.PromiseReleased, op)
			}
		}
	}
	if st := m.status(op.Actor); st.Status != ledger.StatusGreen || st.Need != "" {
		m.statuses[op.Actor] = &ledger.MemberStatus{Member: op.Actor, Status: ledger.StatusGreen, ChangedAt: op.At}
	}
}

// snapshot returns the model's contents sorted by ID, as Book.Snapshot.
func (m *refModel) snapshot() (needs []*ledger.Need, promises []*ledger.Promise, statuses []*ledger.MemberStatus) {
	c := m.clone()
	needs, promises = c.needs, c.promises
	for _, s := range c.statuses {
		statuses = append(statuses, s)
	}
	sort.Slice(needs, func(i, j int) bool { return needs[i].ID < needs[j].ID })
	sort.Slice(promises, func(i, j int) bool { return promises[i].ID < promises[j].ID })
	sort.Slice(statuses, func(i, j int) bool { return statuses[i].Member < statuses[j].Member })
	return needs, promises, statuses
}
