package ledger

import (
	"slices"
	"sort"
)

// Book is the mutual-aid ledger: statuses, needs and promises. It is the
// pure state machine of the lifecycle: Apply changes it by one op, or
// refuses the op with an *Error and changes nothing. It knows no store and
// no clock; applying the same ops in canonical order always gives the same
// book.
//
// The Book answers the questions (book_query.go) and applies the ops; the
// rules of each kind of op are a small type of their own, all working on
// the same records (book_records.go), which note every change in the
// journal entry of the op being applied (book_journal.go).
type Book struct {
	rec     *records
	journal journal
	last    Op // the last op applied
	// quiet is set while a replay nobody reads the outcomes of runs: Apply
	// then reuses one Outcome and lists no touched needs in it.
	quiet   bool
	scratch Outcome

	status     statusRules     // the traffic lights (book_status.go)
	promise    promiseRules    // intentions and commitments (book_promise.go)
	initiative initiativeRules // initiatives (book_initiative.go)
	kassa      kassaRules      // the kassa of each circle (book_kassa.go)
	clearing   clearingRules   // clearing debt cycles (book_clearing.go)
	cycle      cycleRules      // months and deadlines (book_cycle.go)
}

// NewBook returns an empty book.
func NewBook() *Book {
	rec := newRecords()
	initiative, kassa := initiativeRules{rec}, kassaRules{rec}
	return &Book{
		rec:        rec,
		journal:    journal{limit: DefaultJournalOps},
		status:     statusRules{rec},
		promise:    promiseRules{rec: rec, initiative: initiative, kassa: kassa},
		initiative: initiative,
		kassa:      kassa,
		clearing:   clearingRules{rec},
		cycle:      cycleRules{rec: rec, initiative: initiative},
	}
}

// Last returns the last op applied (zero if none): an op that comes before
// it in canonical order cannot be applied incrementally.
func (b *Book) Last() Op { return b.last }

// Outcome tells what an op did, for the answers and notifications.
type Outcome struct {
	Op Op
	// Need is the need acted on (after the op), if any.
	Need *Need
	// Promise is the promise created or changed (after the op), and Before
	// the same promise before it (nil if it is new).
	Promise *Promise
	Before  *Promise
	// Affected are the other promises the op changed (released, set aside,
	// restored, forgiven), after the change.
	Affected []*Promise
	// Needs are the needs whose state or figures changed, the acted-on one
	// included: their cards must be refreshed.
	Needs []*Need
	// Closed are the needs the op closed or archived.
	Closed []*Need
	// Status is the actor's status after a status op or a red collection
	// closing.
	Status *MemberStatus
	// NoChange is set when the op was allowed but changed nothing (a second
	// ❤️ from the same member).
	NoChange bool
	// Reapplied are the later ops whose fate this (late) op changed.
	Reapplied []Reapplied
	// Renewed are the intentions a month's rollover made from last month's
	// commitments toward orange needs.
	Renewed []*Promise
	// Shares are the kassa shares an approval or a redistribution made or
	// changed.
	Shares []*Promise
	// Clearing is the cycle (or chain) an agreement was to; Cleared is set when the
	// agreement was the last one needed and the cycle was cleared.
	Clearing string
	Cleared  bool
	// Reached is set when an initiative's intentions and commitments first
	// reached its price (backers are asked to commit); Funded when its
	// commitments did.
	Reached, Funded bool

	// quiet is set on the one Outcome a replay nobody reads reuses: the
	// rules then put the book's own needs and promises in it, not copies.
	quiet bool
}

// need returns n as the outcome holds it: a copy, or n itself when
// nobody reads the outcome (quiet).
func (o *Outcome) need(n *Need) *Need {
	if o.quiet {
		return n
	}
	return copyNeed(n)
}

// promise returns p as the outcome holds it: a copy, or p itself when
// nobody reads the outcome (quiet).
func (o *Outcome) promise(p *Promise) *Promise {
	if o.quiet {
		return p
	}
	return copyPromise(p)
}

// Apply applies op to the book. A refused op returns an *Error and leaves
// the book unchanged. The op becomes Last either way.
func (b *Book) Apply(op Op) (*Outcome, error) {
	var out *Outcome
	if b.quiet {
		out = &b.scratch
		*out = Outcome{Op: op, quiet: true, Affected: out.Affected[:0], Closed: out.Closed[:0],
			Renewed: out.Renewed[:0], Shares: out.Shares[:0]}
	} else {
		out = &Outcome{Op: op}
	}
	b.rec.cur = b.journal.begin(op, b.last, b.rec.period)
	defer func() {
		b.journal.file(b.rec.cur)
		b.rec.cur = nil
	}()
	var err error
	switch op.Kind {
	case OpStatus:
		err = b.status.applyStatus(op, out)
	case OpIntend:
		err = b.promise.applyIntend(op, out)
	case OpWithdraw, OpUnreact:
		err = b.promise.applyWithdraw(op, out)
	case OpCommit:
		err = b.promise.applyCommit(op, out)
	case OpSent:
		err = b.promise.applySent(op, out)
	case OpGot:
		err = b.promise.applyGot(op, out)
	case OpForgive:
		err = b.promise.applyForgive(op, out)
	case OpLeave:
		err = b.promise.applyLeave(op, out)
	case OpInitiative:
		err = b.initiative.applyInitiative(op, out)
	case OpDone:
		err = b.initiative.applyDone(op, out)
	case OpKassa:
		err = b.kassa.applyKassa(op, out)
	case OpLeaveCircle:
		err = b.kassa.applyLeaveCircle(op, out)
	case OpClaim:
		err = b.kassa.applyClaim(op, out)
	case OpApprove:
		err = b.kassa.applyApprove(op, out)
	case OpAgree:
		err = b.clearing.applyAgree(op, out)
	case OpRollover:
		err = b.cycle.applyRollover(op, out)
	case OpDeadline:
		err = b.cycle.applyDeadline(op, out)
	default:
		err = Errorf(EInvalid, "op.unknown", string(op.Kind))
	}
	b.last = op
	if b.rec.cur != nil {
		b.rec.cur.refused = err != nil
	}
	if err != nil {
		return nil, err
	}
	if !b.quiet {
		out.Needs = b.rec.touchedNeeds(out)
	}
	return out, nil
}

// StatusOf returns a member's status (green if never set).
func (b *Book) StatusOf(u UserID) MemberStatus { return b.rec.statusOf(u) }

// Changes are the needs, promises and statuses an op (or a rewind)
// changed, and the IDs of those it removed (only taking an op back removes).
type Changes struct {
	Needs        []*Need
	Promises     []*Promise
	Statuses     []*MemberStatus
	GoneNeeds    []NeedID
	GonePromises []PromiseID
	GoneStatuses []UserID
}

// Changed returns what changed since the last call, each list sorted by ID,
// and forgets it.
func (b *Book) Changed() Changes {
	var c Changes
	for id := range b.rec.dirty.needs {
		if n, ok := b.rec.needs[id]; ok {
			c.Needs = append(c.Needs, copyNeed(n))
		} else {
			c.GoneNeeds = append(c.GoneNeeds, id)
		}
	}
	for id := range b.rec.dirty.promises {
		if p, ok := b.rec.promises[id]; ok {
			c.Promises = append(c.Promises, copyPromise(p))
		} else {
			c.GonePromises = append(c.GonePromises, id)
		}
	}
	for id := range b.rec.dirty.statuses {
		if s, ok := b.rec.statuses[id]; ok {
			c.Statuses = append(c.Statuses, copyStatus(s))
		} else {
			c.GoneStatuses = append(c.GoneStatuses, id)
		}
	}
	sortChanges(&c)
	b.rec.resetDirty()
	return c
}

// sortChanges sorts each list of c by ID.
func sortChanges(c *Changes) {
	sort.Slice(c.Needs, func(i, j int) bool { return c.Needs[i].ID < c.Needs[j].ID })
	sort.Slice(c.Promises, func(i, j int) bool { return c.Promises[i].ID < c.Promises[j].ID })
	sort.Slice(c.Statuses, func(i, j int) bool { return c.Statuses[i].Member < c.Statuses[j].Member })
	slices.Sort(c.GoneNeeds)
	slices.Sort(c.GonePromises)
	slices.Sort(c.GoneStatuses)
}

// sortNeeds sorts needs by ID.
func sortNeeds(ns []*Need) {
	sort.Slice(ns, func(i, j int) bool { return ns[i].ID < ns[j].ID })
}

func copyNeed(n *Need) *Need          { c := *n; return &c }
func copyPromise(p *Promise) *Promise { c := *p; return &c }

// copyStatus copies a status, its kassa maxima too: the book never changes
// a slice it handed out, nor one it keeps.
func copyStatus(s *MemberStatus) *MemberStatus {
	c := *s
	c.Kassa = slices.Clone(s.Kassa)
	return &c
}
