package ledger

import "sort"

// AllPromises returns copies of every promise in the book, whatever its
// state, sorted by ID.
func (b *Book) AllPromises() []*Promise {
	ps := make([]*Promise, 0, len(b.promises))
	for _, p := range b.promises {
		ps = append(ps, copyPromise(p))
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].ID < ps[j].ID })
	return ps
}
