package ledger

import (
	"context"
	"slices"
)

// What can reach a member: the most help that can flow to them through the
// trust network, as a maximum flow (the model is Circles' pathfinder's).
//
//   - Every other member of the member's part of the network can give at
//     most what is left of their pledge: their pledge (PledgeOf) less what
//     they owe on their open commitments, in the same currency.
//   - Help travels only along guarantees, either way. A guarantee carries at
//     most the smaller of its two members' pledges (in a circle, the
//     circle's pledge); passing help on costs the member in between nothing
//     of their own pledge.
//   - The member's own pledge does not count: it is help they give, not get.
//
// The flow's value is the figure; the paths that carry it are a
// decomposition of the flow, largest first.

// MaxCapacityPaths bounds the paths a Capacity lists.
const MaxCapacityPaths = 5

// Capacity is the most help that can reach Member in one currency.
type Capacity struct {
	Member UserID
	// Value is the maximum flow's value.
	Value Amount
	// Paths are the largest paths that carry it, at most MaxCapacityPaths.
	Paths []FlowPath
	// PathCount is the number of paths of the whole decomposition; Paths
	// are the first of them.
	PathCount int
}

// FlowPath is one path of help toward a member: the giver first, then the
// members who pass it on along guarantees, the member last.
type FlowPath struct {
	Members []UserID
	Amount  Amount
}

// Owed tells what member u still owes on their open commitments in
// currency cur, in minor units (Book.Owed; nil: nothing).
type Owed func(u UserID, cur Currency) int64

// Capacity returns, for each currency of u's pool, the most help that can
// reach u (see the model above) with its largest paths. It is nil when u
// has nobody to get help from.
func (s *Service) Capacity(ctx context.Context, u UserID) ([]Capacity, error) {
	g, err := s.Trust.Graph(ctx)
	if err != nil {
		return nil, err
	}
	var out []Capacity
	err = s.Aid.View(ctx, func(b *Book) error {
		out = g.Capacities(u, b.Owed)
		return nil
	})
	return out, err
}

// Capacities returns Capacity for each currency of u's pool, with at most
// MaxCapacityPaths paths each; nil when u's pool is empty.
func (g *Graph) Capacities(u UserID, owed Owed) []Capacity {
	var out []Capacity
	for _, p := range g.Pool(u) {
		out = append(out, g.Capacity(u, p.Currency, owed, MaxCapacityPaths))
	}
	return out
}

// Owed sums what giver still owes in currency cur on their open
// commitments (committed or sent, not yet confirmed), in minor units. It
// reads the giver's promises only, so a capacity asks it of the members
// its search reaches.
func (b *Book) Owed(giver UserID, cur Currency) int64 {
	var sum int64
	for _, id := range b.rec.byGiver[giver] {
		if p := b.rec.promises[id]; p.State.Open() && p.Amount.Currency == cur {
			sum += p.Amount.Minor
		}
	}
	return sum
}

// Capacity returns the most help in currency cur that can reach u (see
// the model above), owed being what members owe already, with the largest
// top paths that carry it.
func (g *Graph) Capacity(u UserID, cur Currency, owed Owed, top int) Capacity {
	c, paths := g.capacityFlow(u, cur, owed)
	c.PathCount = len(paths)
	c.Paths = slices.Clone(paths[:min(top, len(paths))])
	return c
}

// capacityFlow computes the flow of Capacity and returns every path of its
// decomposition, largest first.
func (g *Graph) capacityFlow(u UserID, cur Currency, owed Owed) (Capacity, []FlowPath) {
	c := Capacity{Member: u, Value: Amount{Currency: cur}}
	t, ok := g.lookup(u)
	ci, found := slices.BinarySearch(g.curs, cur)
	if !ok || !found {
		return c, nil
	}
	r := newReach(g, t, int32(ci), cur, owed)
	c.Value.Minor = r.maxFlow()
	var paths []FlowPath
	for _, p := range r.net.decompose(reachSource, reachSink) {
		ids := make([]UserID, len(p.nodes))
		for k, x := range p.nodes {
			ids[k] = g.ids[r.ids[x]]
		}
		paths = append(paths, FlowPath{Members: ids, Amount: Amount{Minor: p.amount, Currency: cur}})
	}
	r.release()
	return c, paths
}

// pledgeIn returns member i's pledge in the currency numbered ci, 0 if none.
func (g *Graph) pledgeIn(i, ci int32) int64 {
	for _, p := range g.pledges[g.pOff[i]:g.pOff[i+1]] {
		if p.cur == ci {
			return p.minor
		}
	}
	return 0
}
