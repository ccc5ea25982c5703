package ledger

import "sort"

// Need returns a copy of need n.
func (b *Book) Need(n NeedID) (*Need, bool) {
	need, ok := b.rec.needs[n]
	if !ok {
		return nil, false
	}
	return copyNeed(need), true
}

// Promise returns a copy of promise p.
func (b *Book) Promise(p PromiseID) (*Promise, bool) {
	pr, ok := b.rec.promises[p]
	if !ok {
		return nil, false
	}
	return copyPromise(pr), true
}

// PromiseByReaction returns a copy of the promise a reaction event set, if
// that reaction still defines it.
func (b *Book) PromiseByReaction(evt EventID) (*Promise, bool) {
	p, ok := b.rec.promises[b.rec.byReaction[evt]]
	if !ok || p.Reaction != evt {
		return nil, false
	}
	return copyPromise(p), true
}

// PromisesToward returns copies of the promises toward need n, in creation
// order.
func (b *Book) PromisesToward(n NeedID) []*Promise {
	return copies(b.rec.promisesOf(n))
}

// PromisesBy returns copies of every promise giver made, oldest first.
func (b *Book) PromisesBy(giver UserID) []*Promise {
	ps := make([]*Promise, 0, len(b.rec.byGiver[giver]))
	for _, id := range b.rec.byGiver[giver] {
		ps = append(ps, b.rec.promises[id])
	}
	return copies(ps)
}

// PromisesTo returns copies of every promise toward owner's needs, oldest
// first.
func (b *Book) PromisesTo(owner UserID) []*Promise {
	var ps []*Promise
	for _, n := range b.rec.byOwner[owner] {
		ps = append(ps, b.rec.promisesOf(n)...)
	}
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].CreatedAt.Before(ps[j].CreatedAt) })
	return copies(ps)
}

// NeedsOf returns copies of owner's needs, oldest first.
func (b *Book) NeedsOf(owner UserID) []*Need {
	ns := make([]*Need, 0, len(b.rec.byOwner[owner]))
	for _, id := range b.rec.byOwner[owner] {
		ns = append(ns, copyNeed(b.rec.needs[id]))
	}
	return ns
}

// OpenNeeds returns copies of every open need, by ID.
func (b *Book) OpenNeeds() []*Need {
	var ns []*Need
	for _, n := range b.rec.needs {
		if n.State == NeedOpen {
			ns = append(ns, copyNeed(n))
		}
	}
	sort.Slice(ns, func(i, j int) bool { return ns[i].ID < ns[j].ID })
	return ns
}

// Network is who a member is connected to by promises.
type Network struct {
	HelpsMe   []UserID // givers of live promises toward my needs
	IHelp     []UserID // beneficiaries of my live promises
	CoHelpers []UserID // other givers toward the members I help
}

// NetworkOf returns u's network, each list sorted and without u.
func (b *Book) NetworkOf(u UserID) Network {
	helps, ihelp, co := map[UserID]bool{}, map[UserID]bool{}, map[UserID]bool{}
	for _, p := range b.PromisesTo(u) {
		if p.State.Live() {
			helps[p.Giver] = true
		}
	}
	for _, id := range b.rec.byGiver[u] {
		if p := b.rec.promises[id]; p.State.Live() {
			ihelp[p.Beneficiary] = true
		}
	}
	for v := range ihelp {
		for _, p := range b.PromisesTo(v) {
			if p.State.Live() && p.Giver != u {
				co[p.Giver] = true
			}
		}
	}
	return Network{HelpsMe: sortedUsers(helps, u), IHelp: sortedUsers(ihelp, u), CoHelpers: sortedUsers(co, u)}
}

// Snapshot returns copies of everything in the book, each list by ID: what
// a store writes after a rebuild, and what tests compare.
func (b *Book) Snapshot() (needs []*Need, promises []*Promise, statuses []*MemberStatus) {
	for _, n := range b.rec.needs {
		needs = append(needs, copyNeed(n))
	}
	for _, p := range b.rec.promises {
		promises = append(promises, copyPromise(p))
	}
	for _, s := range b.rec.statuses {
		statuses = append(statuses, copyStatus(s))
	}
	sort.Slice(needs, func(i, j int) bool { return needs[i].ID < needs[j].ID })
	sort.Slice(promises, func(i, j int) bool { return promises[i].ID < promises[j].ID })
	sort.Slice(statuses, func(i, j int) bool { return statuses[i].Member < statuses[j].Member })
	return needs, promises, statuses
}

func copies(ps []*Promise) []*Promise {
	out := make([]*Promise, len(ps))
	for i, p := range ps {
		out[i] = copyPromise(p)
	}
	return out
}

func sortedUsers(set map[UserID]bool, except UserID) []UserID {
	us := make([]UserID, 0, len(set))
	for u := range set {
		if u != except {
			us = append(us, u)
		}
	}
	sort.Slice(us, func(i, j int) bool { return us[i] < us[j] })
	return us
}

// AllPromises returns copies of every promise in the book, whatever its
// state, sorted by ID.
func (b *Book) AllPromises() []*Promise {
	ps := make([]*Promise, 0, len(b.rec.promises))
	for _, p := range b.rec.promises {
		ps = append(ps, copyPromise(p))
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].ID < ps[j].ID })
	return ps
}
