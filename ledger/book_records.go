package ledger

import "sort"

// records are what a book holds: statuses, needs and promises, their
// indexes, the month and the clearing agreements. Every change goes
// through them so that it is noted twice: as dirty, for Changed, and in
// the journal entry of the op being applied (cur), to take it back.
type records struct {
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

	cur   *undo // the journal entry of the op being applied (nil: none)
	dirty dirtySet
}

// dirtySet names what changed since the last Changed; off, nothing is
// noted (a replay that nobody asks what changed).
type dirtySet struct {
	needs    map[NeedID]bool
	promises map[PromiseID]bool
	statuses map[UserID]bool
	off      bool
}

func (d *dirtySet) need(id NeedID) {
	if !d.off {
		d.needs[id] = true
	}
}

func (d *dirtySet) promise(id PromiseID) {
	if !d.off {
		d.promises[id] = true
	}
}

func (d *dirtySet) status(id UserID) {
	if !d.off {
		d.statuses[id] = true
	}
}

// newRecords returns empty records.
func newRecords() *records {
	r := &records{
		needs:      make(map[NeedID]*Need),
		promises:   make(map[PromiseID]*Promise),
		statuses:   make(map[UserID]*MemberStatus),
		byNeed:     make(map[NeedID][]PromiseID),
		byGiver:    make(map[UserID][]PromiseID),
		byOwner:    make(map[UserID][]NeedID),
		byReaction: make(map[EventID]PromiseID),
		agreements: make(map[string]map[UserID]bool),
	}
	r.resetDirty()
	return r
}

// statusOf returns a member's status (green if never set).
func (r *records) statusOf(u UserID) MemberStatus {
	if s, ok := r.statuses[u]; ok {
		return *copyStatus(s)
	}
	return MemberStatus{Member: u, Status: StatusGreen}
}

// resetDirty forgets what changed: Changed reports nothing until more does.
func (r *records) resetDirty() {
	r.dirty = dirtySet{
		off:      r.dirty.off,
		needs:    make(map[NeedID]bool),
		promises: make(map[PromiseID]bool),
		statuses: make(map[UserID]bool),
	}
}

// putStatus records a member's new status.
func (r *records) putStatus(s MemberStatus) {
	r.touchStatus(s.Member)
	r.statuses[s.Member] = &s
}

// promisesOf returns the promises toward a need, in creation order.
func (r *records) promisesOf(n NeedID) []*Promise {
	ids := r.byNeed[n]
	ps := make([]*Promise, len(ids))
	for i, id := range ids {
		ps[i] = r.promises[id]
	}
	return ps
}

// touchedNeeds lists the needs the op changed, by ID.
func (r *records) touchedNeeds(out *Outcome) []*Need {
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
		if n, ok := r.needs[id]; ok {
			ns = append(ns, copyNeed(n))
		}
	}
	sort.Slice(ns, func(i, j int) bool { return ns[i].ID < ns[j].ID })
	return ns
}

// touchNeed marks n changed and remembers it as it was before the op.
func (r *records) touchNeed(n *Need) {
	r.dirty.need(n.ID)
	if r.cur == nil {
		return
	}
	if r.cur.needs == nil {
		r.cur.needs = make(map[NeedID]*Need)
	}
	if _, ok := r.cur.needs[n.ID]; !ok {
		r.cur.needs[n.ID] = copyNeed(n)
	}
}

// touchPromise marks p changed and remembers it as it was before the op.
func (r *records) touchPromise(p *Promise) {
	r.dirty.promise(p.ID)
	if r.cur == nil {
		return
	}
	if r.cur.promises == nil {
		r.cur.promises = make(map[PromiseID]*Promise)
	}
	if _, ok := r.cur.promises[p.ID]; !ok {
		r.cur.promises[p.ID] = copyPromise(p)
	}
}

// touchStatus marks u's status changed and remembers it as it was.
func (r *records) touchStatus(u UserID) {
	r.dirty.status(u)
	if r.cur == nil {
		return
	}
	if r.cur.statuses == nil {
		r.cur.statuses = make(map[UserID]*MemberStatus)
	}
	if _, ok := r.cur.statuses[u]; !ok {
		var before *MemberStatus
		if s, ok := r.statuses[u]; ok {
			before = copyStatus(s)
		}
		r.cur.statuses[u] = before
	}
}

// addNeed records a new need.
func (r *records) addNeed(n *Need) {
	r.dirty.need(n.ID)
	if r.cur != nil {
		if r.cur.needs == nil {
			r.cur.needs = make(map[NeedID]*Need)
		}
		r.cur.needs[n.ID] = nil
		r.cur.appends = append(r.cur.appends, indexAppend{'o', string(n.Owner)})
	}
	r.needs[n.ID] = n
	r.byOwner[n.Owner] = append(r.byOwner[n.Owner], n.ID)
}

// addPromise records a new promise.
func (r *records) addPromise(p *Promise) {
	r.dirty.promise(p.ID)
	if r.cur != nil {
		if r.cur.promises == nil {
			r.cur.promises = make(map[PromiseID]*Promise)
		}
		r.cur.promises[p.ID] = nil
		r.cur.appends = append(r.cur.appends, indexAppend{'n', string(p.Need)}, indexAppend{'g', string(p.Giver)})
	}
	r.promises[p.ID] = p
	r.byNeed[p.Need] = append(r.byNeed[p.Need], p.ID)
	r.byGiver[p.Giver] = append(r.byGiver[p.Giver], p.ID)
	r.setReaction(p.Reaction, p.ID)
}

// setReaction points a reaction event at the promise it set.
func (r *records) setReaction(evt EventID, id PromiseID) {
	if evt == "" {
		return
	}
	if r.cur != nil {
		if r.cur.reactions == nil {
			r.cur.reactions = make(map[EventID]reactionBefore)
		}
		if _, ok := r.cur.reactions[evt]; !ok {
			prev, exists := r.byReaction[evt]
			r.cur.reactions[evt] = reactionBefore{prev, exists}
		}
	}
	r.byReaction[evt] = id
}

// setPeriod moves the book to another month (taken back with the op).
func (r *records) setPeriod(month string) {
	r.period = month
}

// counts reports whether promise p counts toward need n now: an orange
// need (monthly support) counts its current month's promises only.
func (r *records) counts(p *Promise, n *Need) bool {
	return n.Kind != NeedOrange || p.Period == r.period
}

// sortedNeeds lists every need by ID.
func (r *records) sortedNeeds() []*Need {
	ns := make([]*Need, 0, len(r.needs))
	for _, n := range r.needs {
		ns = append(ns, n)
	}
	sortNeeds(ns)
	return ns
}
