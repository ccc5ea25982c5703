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

// SetJournalLimit sets how many recent ops the book keeps the means to take
// back (0 turns the journal off; DefaultJournalOps by default).
func (b *Book) SetJournalLimit(n int) {
	b.journalLimit = max(0, n)
	if len(b.journal) > b.journalLimit {
		b.journal = append([]*undo(nil), b.journal[len(b.journal)-b.journalLimit:]...)
	}
}

// begin starts the journal entry of op, if the journal is on.
func (b *Book) begin(op Op) {
	if b.journalLimit == 0 {
		b.cur = nil
		return
	}
	b.cur = &undo{op: op, prevLast: b.last, prevPeriod: b.period}
}

// commit files the entry of the op just applied, dropping the oldest past
// the limit.
func (b *Book) commit() {
	if b.cur == nil {
		return
	}
	b.journal = append(b.journal, b.cur)
	if len(b.journal) > b.journalLimit {
		drop := len(b.journal) - b.journalLimit
		clear(b.journal[:drop])
		b.journal = b.journal[drop:]
	}
	b.cur = nil
}

// touchNeed marks n changed and remembers it as it was before the op.
func (b *Book) touchNeed(n *Need) {
	b.dirty.needs[n.ID] = true
	if b.cur == nil {
		return
	}
	if b.cur.needs == nil {
		b.cur.needs = make(map[NeedID]*Need)
	}
	if _, ok := b.cur.needs[n.ID]; !ok {
		b.cur.needs[n.ID] = copyNeed(n)
	}
}

// touchPromise marks p changed and remembers it as it was before the op.
func (b *Book) touchPromise(p *Promise) {
	b.dirty.promises[p.ID] = true
	if b.cur == nil {
		return
	}
	if b.cur.promises == nil {
		b.cur.promises = make(map[PromiseID]*Promise)
	}
	if _, ok := b.cur.promises[p.ID]; !ok {
		b.cur.promises[p.ID] = copyPromise(p)
	}
}

// touchStatus marks u's status changed and remembers it as it was.
func (b *Book) touchStatus(u UserID) {
	b.dirty.statuses[u] = true
	if b.cur == nil {
		return
	}
	if b.cur.statuses == nil {
		b.cur.statuses = make(map[UserID]*MemberStatus)
	}
	if _, ok := b.cur.statuses[u]; !ok {
		var before *MemberStatus
		if s, ok := b.statuses[u]; ok {
			before = copyStatus(s)
		}
		b.cur.statuses[u] = before
	}
}

// addNeed records a new need.
func (b *Book) addNeed(n *Need) {
	b.dirty.needs[n.ID] = true
	if b.cur != nil {
		if b.cur.needs == nil {
			b.cur.needs = make(map[NeedID]*Need)
		}
		b.cur.needs[n.ID] = nil
		b.cur.appends = append(b.cur.appends, indexAppend{'o', string(n.Owner)})
	}
	b.needs[n.ID] = n
	b.byOwner[n.Owner] = append(b.byOwner[n.Owner], n.ID)
}

// addPromise records a new promise.
func (b *Book) addPromise(p *Promise) {
	b.dirty.promises[p.ID] = true
	if b.cur != nil {
		if b.cur.promises == nil {
			b.cur.promises = make(map[PromiseID]*Promise)
		}
		b.cur.promises[p.ID] = nil
		b.cur.appends = append(b.cur.appends, indexAppend{'n', string(p.Need)}, indexAppend{'g', string(p.Giver)})
	}
	b.promises[p.ID] = p
	b.byNeed[p.Need] = append(b.byNeed[p.Need], p.ID)
	b.byGiver[p.Giver] = append(b.byGiver[p.Giver], p.ID)
	b.setReaction(p.Reaction, p.ID)
}

// setReaction points a reaction event at the promise it set.
func (b *Book) setReaction(evt EventID, id PromiseID) {
	if evt == "" {
		return
	}
	if b.cur != nil {
		if b.cur.reactions == nil {
			b.cur.reactions = make(map[EventID]reactionBefore)
		}
		if _, ok := b.cur.reactions[evt]; !ok {
			prev, exists := b.byReaction[evt]
			b.cur.reactions[evt] = reactionBefore{prev, exists}
		}
	}
	b.byReaction[evt] = id
}

// CanRewind reports whether op, which sorts before the last op applied, can
// be applied in place with ApplyLate: the journal reaches back before it.
func (b *Book) CanRewind(op Op) bool {
	if len(b.journal) == 0 {
		return false
	}
	before := b.journal[0].prevLast // the op just before the oldest kept
	return before.Event == "" || before.Before(&op)
}

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
	for len(b.journal) > 0 {
		u := b.journal[len(b.journal)-1]
		if u.op.Before(&op) {
			break
		}
		b.rollback(u)
		b.journal = b.journal[:len(b.journal)-1]
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

// Reapplied is an op whose fate a late op changed: it counts now (Outcome
// set) where it was refused, or it is refused now (Err set) where it
// counted.
type Reapplied struct {
	Op      Op
	Outcome *Outcome
	Err     error
}

// rollback takes one op back.
func (b *Book) rollback(u *undo) {
	for i := len(u.appends) - 1; i >= 0; i-- {
		a := u.appends[i]
		switch a.kind {
		case 'n':
			b.byNeed[NeedID(a.key)] = trimLast(b.byNeed[NeedID(a.key)])
		case 'g':
			b.byGiver[UserID(a.key)] = trimLast(b.byGiver[UserID(a.key)])
		case 'o':
			b.byOwner[UserID(a.key)] = trimLast(b.byOwner[UserID(a.key)])
		}
	}
	for id, n := range u.needs {
		b.dirty.needs[id] = true
		if n == nil {
			delete(b.needs, id)
		} else {
			b.needs[id] = n
		}
	}
	for id, p := range u.promises {
		b.dirty.promises[id] = true
		if p == nil {
			delete(b.promises, id)
		} else {
			b.promises[id] = p
		}
	}
	for id, s := range u.statuses {
		b.dirty.statuses[id] = true
		if s == nil {
			delete(b.statuses, id)
		} else {
			b.statuses[id] = s
		}
	}
	for evt, r := range u.reactions {
		if r.exists {
			b.byReaction[evt] = r.id
		} else {
			delete(b.byReaction, evt)
		}
	}
	for _, a := range u.agreed {
		delete(b.agreements[a.id], a.u)
	}
	b.last, b.period = u.prevLast, u.prevPeriod
}

// setPeriod moves the book to another month (taken back with the op).
func (b *Book) setPeriod(month string) {
	b.period = month
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
	limit, dirty := b.journalLimit, b.dirty
	b.journalLimit = limit + 1 // room for op's entry without dropping one
	b.resetDirty()
	defer func() { b.journalLimit, b.dirty = limit, dirty }()
	_, err := b.Apply(op)
	u := b.journal[len(b.journal)-1]
	b.journal = b.journal[:len(b.journal)-1]
	b.rollback(u)
	return err
}
