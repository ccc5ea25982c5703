package ledger

import (
	"slices"
	"sort"
	"time"
)

// NeedSuspended is an orange need paused while its owner is red; its
// intentions are set aside and come back when the red collection ends.
const NeedSuspended NeedState = "suspended"

// Book is the mutual-aid ledger: statuses, needs and promises. It is the
// pure state machine of the lifecycle: Apply changes it by one op, or
// refuses the op with an *Error and changes nothing. It knows no store and
// no clock; applying the same ops in canonical order always gives the same
// book.
type Book struct {
	needs    map[NeedID]*Need
	promises map[PromiseID]*Promise
	statuses map[UserID]*MemberStatus

	byNeed  map[NeedID][]PromiseID // in creation order
	byGiver map[UserID][]PromiseID // in creation order
	byOwner map[UserID][]NeedID    // in opening order
	// byReaction maps a reaction event to the promise it set last.
	byReaction map[EventID]PromiseID

	period string // the month of the last rollover
	// agreements are who agreed to clear each cycle, by cycle ID.
	agreements map[string]map[UserID]bool

	// journal holds what the most recent ops changed, oldest first, so a
	// late op can be applied in its place (book_journal.go); cur is the
	// entry of the op being applied.
	journal      []*undo
	journalLimit int
	cur          *undo

	last  Op // the last op applied
	dirty dirtySet
}

// dirtySet names what changed since the last TakeChanged.
type dirtySet struct {
	needs    map[NeedID]bool
	promises map[PromiseID]bool
	statuses map[UserID]bool
}

// NewBook returns an empty book.
func NewBook() *Book {
	b := &Book{
		needs:    make(map[NeedID]*Need),
		promises: make(map[PromiseID]*Promise),
		statuses: make(map[UserID]*MemberStatus),
		byNeed:   make(map[NeedID][]PromiseID),
		byGiver:  make(map[UserID][]PromiseID),
		byOwner:  make(map[UserID][]NeedID),

		byReaction: make(map[EventID]PromiseID),

		journalLimit: DefaultJournalOps,
		agreements:   make(map[string]map[UserID]bool),
	}
	b.resetDirty()
	return b
}

func (b *Book) resetDirty() {
	b.dirty = dirtySet{
		needs:    make(map[NeedID]bool),
		promises: make(map[PromiseID]bool),
		statuses: make(map[UserID]bool),
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
	// Clearing is the cycle an agreement was to; Cleared is set when the
	// agreement was the last one needed and the cycle was cleared.
	Clearing string
	Cleared  bool
	// Reached is set when an initiative's intentions and commitments first
	// reached its price (backers are asked to commit); Funded when its
	// commitments did.
	Reached, Funded bool
}

// Apply applies op to the book. A refused op returns an *Error and leaves
// the book unchanged. The op becomes Last either way.
func (b *Book) Apply(op Op) (*Outcome, error) {
	out := &Outcome{Op: op}
	b.begin(op)
	defer b.commit()
	var err error
	switch op.Kind {
	case OpStatus:
		err = b.applyStatus(op, out)
	case OpIntend:
		err = b.applyIntend(op, out)
	case OpWithdraw, OpUnreact:
		err = b.applyWithdraw(op, out)
	case OpCommit:
		err = b.applyCommit(op, out)
	case OpSent:
		err = b.applySent(op, out)
	case OpGot:
		err = b.applyGot(op, out)
	case OpForgive:
		err = b.applyForgive(op, out)
	case OpLeave:
		err = b.applyLeave(op, out)
	case OpInitiative:
		err = b.applyInitiative(op, out)
	case OpDone:
		err = b.applyDone(op, out)
	case OpKassa:
		err = b.applyKassa(op, out)
	case OpLeaveCircle:
		err = b.applyLeaveCircle(op, out)
	case OpClaim:
		err = b.applyClaim(op, out)
	case OpApprove:
		err = b.applyApprove(op, out)
	case OpAgree:
		err = b.applyAgree(op, out)
	case OpRollover:
		err = b.applyRollover(op, out)
	case OpDeadline:
		err = b.applyDeadline(op, out)
	default:
		err = Errorf(EInvalid, "op.unknown", string(op.Kind))
	}
	b.last = op
	if b.cur != nil {
		b.cur.refused = err != nil
	}
	if err != nil {
		return nil, err
	}
	out.Needs = b.touchedNeeds(out)
	return out, nil
}

// StatusOf returns a member's status (green if never set).
func (b *Book) StatusOf(u UserID) MemberStatus {
	if s, ok := b.statuses[u]; ok {
		return *copyStatus(s)
	}
	return MemberStatus{Member: u, Status: StatusGreen}
}

// applyStatus changes the actor's traffic light.
func (b *Book) applyStatus(op Op, out *Outcome) error {
	cur := b.StatusOf(op.Actor)
	if err := b.checkStatusOp(op, cur); err != nil {
		return err
	}
	switch op.Status {
	case StatusGreen:
		b.archiveNeedsOf(op.Actor, op, out)
		cur.Previous, cur.Need = "", ""
	case StatusOrange:
		b.closeRed(op.Actor, op, out, NeedArchived)
		cur.Need = b.openOrange(op, out)
		cur.Previous = ""
	case StatusRed:
		if cur.Status == StatusRed {
			n := b.needs[cur.Need]
			if n.Target.Currency != op.Amount.Currency {
				// Another currency starts a new collection, as orange does:
				// the promises made cannot be counted in it.
				b.archiveNeed(n, op, out)
				cur.Need = b.openNeed(op, NeedRed, out)
				break
			}
			b.touchNeed(n)
			n.Target, n.Deadline = op.Amount, op.At.Add(time.Duration(op.Days)*24*time.Hour)
			// A target lowered to what was confirmed is reached: the
			// collection closes and the member leaves red.
			b.closeIfConfirmed(n, op, out)
			out.Need = copyNeed(n)
			if n.State == NeedClosed {
				return nil
			}
			break
		}
		b.suspendOrange(op.Actor, op, out)
		cur.Previous = cur.Status
		cur.Need = b.openNeed(op, NeedRed, out)
	}
	cur.Member, cur.Status, cur.ChangedAt = op.Actor, op.Status, op.At
	b.putStatus(cur)
	out.Status = copyStatus(&cur)
	return nil
}

// checkStatusOp refuses a status op that is malformed or changes nothing.
func (b *Book) checkStatusOp(op Op, cur MemberStatus) error {
	if op.Status == StatusOrange && cur.Status == StatusOrange {
		if n, ok := b.needs[cur.Need]; ok && n.Target == op.Amount {
			return Errorf(EConflict, "status.unchanged", op.Amount)
		}
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

func (b *Book) putStatus(s MemberStatus) {
	b.touchStatus(s.Member)
	b.statuses[s.Member] = &s
}

// openOrange opens the actor's orange need, or resumes (with the new
// target) the one suspended while they were red, or changes the target of
// the open one.
func (b *Book) openOrange(op Op, out *Outcome) NeedID {
	for _, id := range b.byOwner[op.Actor] {
		n := b.needs[id]
		if n.Kind != NeedOrange || (n.State != NeedOpen && n.State != NeedSuspended) {
			continue
		}
		if n.Target.Currency != op.Amount.Currency {
			b.archiveNeed(n, op, out)
			continue
		}
		b.touchNeed(n)
		n.Target = op.Amount
		if n.State == NeedSuspended {
			b.resumeNeed(n, op, out)
		}
		out.Need = copyNeed(n)
		return n.ID
	}
	return b.openNeed(op, NeedOrange, out)
}

// openNeed opens a new need of kind k from a status op.
func (b *Book) openNeed(op Op, k NeedKind, out *Outcome) NeedID {
	n := &Need{
		ID: NeedID(op.Event), Kind: k, Owner: op.Actor, Target: op.Amount,
		State: NeedOpen, OpenedAt: op.At,
	}
	if k == NeedRed {
		n.Deadline = op.At.Add(time.Duration(op.Days) * 24 * time.Hour)
	}
	b.addNeed(n)
	out.Need = copyNeed(n)
	return n.ID
}

// suspendOrange pauses the actor's open orange need: its intentions are
// set aside.
func (b *Book) suspendOrange(u UserID, op Op, out *Outcome) {
	for _, id := range b.byOwner[u] {
		n := b.needs[id]
		if n.Kind != NeedOrange || n.State != NeedOpen {
			continue
		}
		b.touchNeed(n)
		n.State = NeedSuspended
		for _, p := range b.promisesOf(n.ID) {
			if p.State == PromiseIntention {
				b.setState(p, PromiseSetAside, op, out)
			}
		}
	}
}

// resumeNeed reopens a suspended need and restores its set-aside intentions.
func (b *Book) resumeNeed(n *Need, op Op, out *Outcome) {
	b.touchNeed(n)
	n.State = NeedOpen
	for _, p := range b.promisesOf(n.ID) {
		if p.State == PromiseSetAside {
			b.setState(p, PromiseIntention, op, out)
		}
	}
}

// closeRed ends the actor's red collection, if any, as state st.
func (b *Book) closeRed(u UserID, op Op, out *Outcome, st NeedState) {
	for _, id := range b.byOwner[u] {
		if n := b.needs[id]; n.Kind == NeedRed && n.State == NeedOpen {
			b.endNeed(n, st, op, out)
		}
	}
}

// archiveNeedsOf archives every open or suspended need of u.
func (b *Book) archiveNeedsOf(u UserID, op Op, out *Outcome) {
	for _, id := range b.byOwner[u] {
		n := b.needs[id]
		statusNeed := n.Kind == NeedOrange || n.Kind == NeedRed // not initiatives or claims
		if statusNeed && (n.State == NeedOpen || n.State == NeedSuspended) {
			b.archiveNeed(n, op, out)
		}
	}
}

func (b *Book) archiveNeed(n *Need, op Op, out *Outcome) {
	b.endNeed(n, NeedArchived, op, out)
}

// endNeed closes or archives a need: intentions toward it are released,
// and so are commitments not yet sent when a red collection reached its
// target. Other commitments stay owed.
func (b *Book) endNeed(n *Need, st NeedState, op Op, out *Outcome) {
	b.touchNeed(n)
	n.State, n.ClosedAt, n.ClosedBy = st, op.At, op.Event
	for _, p := range b.promisesOf(n.ID) {
		switch {
		case p.State == PromiseIntention || p.State == PromiseSetAside:
			b.setState(p, PromiseReleased, op, out)
		case p.State == PromiseCommitment && st == NeedClosed:
			b.setState(p, PromiseReleased, op, out)
		}
	}
	out.Closed = append(out.Closed, copyNeed(n))
}

// setState moves another promise to state st as a side effect of op.
func (b *Book) setState(p *Promise, st PromiseState, op Op, out *Outcome) {
	b.touchPromise(p)
	p.State, p.UpdatedAt, p.UpdatedBy = st, op.At, op.Event
	out.Affected = append(out.Affected, copyPromise(p))
}

// promisesOf returns the promises toward a need, in creation order.
func (b *Book) promisesOf(n NeedID) []*Promise {
	ids := b.byNeed[n]
	ps := make([]*Promise, len(ids))
	for i, id := range ids {
		ps[i] = b.promises[id]
	}
	return ps
}

// pendingPromise returns giver's promise toward need n that is not yet
// fulfilled (an intention, set aside or not, or a commitment, sent or not).
// A giver has at most one; once it is fulfilled they may promise again.
func (b *Book) pendingPromise(n NeedID, giver UserID) *Promise {
	need := b.needs[n]
	for _, p := range b.promisesOf(n) {
		if need != nil && !b.counts(p, need) {
			continue // another month's promise toward monthly support
		}
		if p.Giver == giver && p.State != PromiseFulfilled && (p.State.Live() || p.State == PromiseSetAside) {
			return p
		}
	}
	return nil
}

// livePromise returns giver's pending promise toward need n, else their
// last fulfilled one (so a refusal can say it is fulfilled).
func (b *Book) livePromise(n NeedID, giver UserID) *Promise {
	if p := b.pendingPromise(n, giver); p != nil {
		return p
	}
	var last *Promise
	need := b.needs[n]
	for _, p := range b.promisesOf(n) {
		if p.Giver == giver && p.State == PromiseFulfilled && (need == nil || b.counts(p, need)) {
			last = p
		}
	}
	return last
}

// touchedNeeds lists the needs the op changed, by ID.
func (b *Book) touchedNeeds(out *Outcome) []*Need {
	ids := make(map[NeedID]bool)
	if out.Need != nil {
		ids[out.Need.ID] = true
	}
	for _, p := range out.Affected {
		ids[p.Need] = true
	}
	for _, n := range out.Closed {
		ids[n.ID] = true
	}
	if out.Promise != nil {
		ids[out.Promise.Need] = true
	}
	ns := make([]*Need, 0, len(ids))
	for id := range ids {
		if n, ok := b.needs[id]; ok {
			ns = append(ns, copyNeed(n))
		}
	}
	sort.Slice(ns, func(i, j int) bool { return ns[i].ID < ns[j].ID })
	return ns
}

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
	for id := range b.dirty.needs {
		if n, ok := b.needs[id]; ok {
			c.Needs = append(c.Needs, copyNeed(n))
		} else {
			c.GoneNeeds = append(c.GoneNeeds, id)
		}
	}
	for id := range b.dirty.promises {
		if p, ok := b.promises[id]; ok {
			c.Promises = append(c.Promises, copyPromise(p))
		} else {
			c.GonePromises = append(c.GonePromises, id)
		}
	}
	for id := range b.dirty.statuses {
		if s, ok := b.statuses[id]; ok {
			c.Statuses = append(c.Statuses, copyStatus(s))
		} else {
			c.GoneStatuses = append(c.GoneStatuses, id)
		}
	}
	sort.Slice(c.Needs, func(i, j int) bool { return c.Needs[i].ID < c.Needs[j].ID })
	sort.Slice(c.Promises, func(i, j int) bool { return c.Promises[i].ID < c.Promises[j].ID })
	sort.Slice(c.Statuses, func(i, j int) bool { return c.Statuses[i].Member < c.Statuses[j].Member })
	slices.Sort(c.GoneNeeds)
	slices.Sort(c.GonePromises)
	slices.Sort(c.GoneStatuses)
	b.resetDirty()
	return c
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
