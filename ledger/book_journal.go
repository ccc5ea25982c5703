package ledger

// DefaultJournalOps is how many recent ops a book can take back to apply a
// late op in its place: a late op older than that needs a full replay.
const DefaultJournalOps = 20_000

// undo is what one applied op changed, to take it back: the state of every
// need, promise and status before the op (nil: it did not exist), the index
// entries it appended, and the reaction index entries it overwrote.
type undo struct {
	op         Op
	refused    bool // whether the book refused the op
	prevLast   Op
	prevPeriod string
	agreed     []agreement
	needs      map[NeedID]*Need
	promises   map[PromiseID]*Promise
	statuses   map[UserID]*MemberStatus
	appends    []indexAppend
	reactions  map[EventID]reactionBefore
}

// indexAppend is one ID appended to an index slice.
type indexAppend struct {
	kind byte // 'n' byNeed, 'g' byGiver, 'o' byOwner
	key  string
}

// reactionBefore is an entry of byReaction before an op overwrote it.
type reactionBefore struct {
	id     PromiseID
	exists bool
}

// journal holds what the most recent ops changed, oldest first, so that a
// late op can be applied in its place: the ops after it are taken back
// and applied again.
type journal struct {
	entries []*undo
	limit   int // how many entries are kept (0: the journal is off)
}

// setLimit sets how many entries the journal keeps, dropping the oldest
// past it.
func (j *journal) setLimit(n int) {
	j.limit = max(0, n)
	if len(j.entries) > j.limit {
		j.entries = append([]*undo(nil), j.entries[len(j.entries)-j.limit:]...)
	}
}

// begin returns the entry of op, to fill while it is applied, or nil if
// the journal is off; last and period are the book's before op.
func (j *journal) begin(op, last Op, period string) *undo {
	if j.limit == 0 {
		return nil
	}
	return &undo{op: op, prevLast: last, prevPeriod: period}
}

// file keeps the entry of the op just applied (nil: none), dropping the
// oldest past the limit.
func (j *journal) file(u *undo) {
	if u == nil {
		return
	}
	j.entries = append(j.entries, u)
	if len(j.entries) > j.limit {
		drop := len(j.entries) - j.limit
		clear(j.entries[:drop])
		j.entries = j.entries[drop:]
	}
}

// reaches reports whether the journal reaches back before op: whether
// taking back every op it holds that sorts after op is enough to apply op
// in its place.
func (j *journal) reaches(op Op) bool {
	if len(j.entries) == 0 {
		return false
	}
	before := j.entries[0].prevLast // the op just before the oldest kept
	return before.Event == "" || before.Before(&op)
}

// newest returns the entry of the last op applied (nil if none).
func (j *journal) newest() *undo {
	if len(j.entries) == 0 {
		return nil
	}
	return j.entries[len(j.entries)-1]
}

// drop forgets the newest entry, once its op is taken back.
func (j *journal) drop() {
	j.entries = j.entries[:len(j.entries)-1]
}

// SetJournalLimit sets how many recent ops the book keeps the means to take
// back (0 turns the journal off; DefaultJournalOps by default).
func (b *Book) SetJournalLimit(n int) { b.journal.setLimit(n) }

// CanRewind reports whether op, which sorts before the last op applied, can
// be applied in place with ApplyLate: the journal reaches back before it.
func (b *Book) CanRewind(op Op) bool { return b.journal.reaches(op) }

// ApplyLate applies an op that sorts before the last one applied, in its
// canonical place: the ops after it are taken back, it is applied, and they
// are applied again. The result is the book that applying every op in
// canonical order gives. The caller checks CanRewind first.
//
// An op applied again may now count where it was refused, or the reverse
// (the late op changed what came after it): those are listed in
// Outcome.Reapplied, so their authors can be told. When the late op itself
// is refused and others changed, the Outcome is returned with the error.
func (b *Book) ApplyLate(op Op) (*Outcome, error) {
	var later []*undo
	for u := b.journal.newest(); u != nil && !u.op.Before(&op); u = b.journal.newest() {
		b.rollback(u)
		b.journal.drop()
		later = append(later, u)
	}
	out, err := b.Apply(op)
	var flips []Reapplied
	for i := len(later) - 1; i >= 0; i-- {
		res, rerr := b.Apply(later[i].op)
		if (rerr != nil) != later[i].refused {
			flips = append(flips, Reapplied{Op: later[i].op, Outcome: res, Err: rerr})
		}
	}
	if out == nil && len(flips) > 0 {
		out = &Outcome{Op: op}
	}
	if out != nil {
		out.Reapplied = flips
	}
	return out, err
}

// rollback takes one op back: its changes and its place as the last op.
func (b *Book) rollback(u *undo) {
	b.rec.rollback(u)
	b.last = u.prevLast
}

// Reapplied is an op whose fate a late op changed: it counts now (Outcome
// set) where it was refused, or it is refused now (Err set) where it
// counted.
type Reapplied struct {
	Op      Op
	Outcome *Outcome
	Err     error
}

// rollback takes back the changes of one op.
func (r *records) rollback(u *undo) {
	for i := len(u.appends) - 1; i >= 0; i-- {
		a := u.appends[i]
		switch a.kind {
		case 'n':
			r.byNeed[NeedID(a.key)] = trimLast(r.byNeed[NeedID(a.key)])
		case 'g':
			r.byGiver[UserID(a.key)] = trimLast(r.byGiver[UserID(a.key)])
		case 'o':
			r.byOwner[UserID(a.key)] = trimLast(r.byOwner[UserID(a.key)])
		}
	}
	for id, n := range u.needs {
		r.dirty.need(id)
		if n == nil {
			delete(r.needs, id)
		} else {
			r.needs[id] = n
		}
	}
	for id, p := range u.promises {
		r.dirty.promise(id)
		if p == nil {
			delete(r.promises, id)
		} else {
			r.promises[id] = p
		}
	}
	for id, s := range u.statuses {
		r.dirty.status(id)
		if s == nil {
			delete(r.statuses, id)
		} else {
			r.statuses[id] = s
		}
	}
	for evt, before := range u.reactions {
		if before.exists {
			r.byReaction[evt] = before.id
		} else {
			delete(r.byReaction, evt)
		}
	}
	for _, a := range u.agreed {
		delete(r.agreements[a.id], a.u)
	}
	r.period = u.prevPeriod
}

// trimLast drops the last element of an index slice (nil when empty).
func trimLast[T any](s []T) []T {
	if len(s) <= 1 {
		return nil
	}
	return s[:len(s)-1]
}

// Try applies op and takes it back at once: it tells whether the book
// would accept op now, and leaves the book as it was, what Changed
// reports included.
func (b *Book) Try(op Op) error {
	limit, dirty := b.journal.limit, b.rec.dirty
	b.journal.limit = limit + 1 // room for op's entry without dropping one
	b.rec.resetDirty()
	defer func() { b.journal.limit, b.rec.dirty = limit, dirty }()
	_, err := b.Apply(op)
	u := b.journal.newest()
	b.journal.drop()
	b.rollback(u)
	return err
}
