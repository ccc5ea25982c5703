package ledger

import (
	"cmp"
	"slices"
)

// Clearing (multilateral netting) of open commitments: debts that cancel out
// in cycles (A owes B, B owes C, C owes A) are reduced, and chains are
// shortened (A→B→C becomes A→C). PlanClearing only computes the proposal;
// the members concerned agree to it and the book applies it elsewhere.
//
// The invariant of every plan is that each member's net balance (what the
// others owe them minus what they owe) is unchanged, per currency. All
// arithmetic is exact, in int64 minor units; amounts are bounded by
// MaxMajorUnits, so the sums cannot overflow.

// Debt is an open commitment: From owes To Amount (one currency).
type Debt struct {
	ID     PromiseID
	From   UserID
	To     UserID
	Amount Amount
}

// Cycle is a set of debts that cancel: each member in it pays and receives
// the same Reduce amount; Members lists who must agree.
//
// Members are in the order of the cycle (Members[i] owes Members[i+1], the
// last owes the first), starting with the smallest ID. Debts lists the
// promises between those consecutive members, in the same order. Parallel
// debts between the same two members are taken together: Reduce is removed
// from their sum, not from each of them.
type Cycle struct {
	Members []UserID
	Debts   []PromiseID
	Reduce  Amount // amount removed from each (aggregated) debt of the cycle
}

// ChainCut shortens From→Via→To to From→To: Amount is removed from the
// debts From→Via and Via→To and added to the debt From→To. Debts lists the
// original promises From→Via and then Via→To; a debt that was itself created
// by an earlier cut has no promises, so Debts may be short or empty.
// Agreeable is set when Amount can be taken from the original promises of
// each side alone (neither side was made, nor grown, by an earlier cut):
// only such a cut can be agreed to and applied by itself (book_chain.go).
type ChainCut struct {
	Via       UserID
	From      UserID
	To        UserID
	Amount    Amount
	Debts     []PromiseID
	Agreeable bool
}

// ClearingPlan is the proposal for one currency.
//
// Before holds the debts considered, sorted by (From, To, ID). After holds
// the net debts once every cycle and cut is applied: one per pair of
// members, sorted by (From, To), with an empty ID since they are new debts
// that replace the old ones. After has no cycle and every member in it
// only pays or only receives.
type ClearingPlan struct {
	Currency Currency
	Cycles   []Cycle    // cycles cancelled, in the order found
	Chains   []ChainCut // chains shortened, in the order applied (after the cycles)
	Before   []Debt
	After    []Debt
	Removed  Amount // total amount of debt removed: Σ Before − Σ After
}

// PlanClearing computes one clearing plan per currency of the debts,
// currencies sorted. Debts with From == To or a non-positive amount mean
// nothing and are left out (they are not in Before), and so are debts in
// kind (hours, things): clearing is for money only. The plan depends only
// on the set of debts, not on their order.
//
// Cycles are cancelled first: a depth-first search from the members in ID
// order, following debts in creditor ID order, reduces every cycle it meets
// by its smallest debt. Then each member in ID order that both owes and is
// owed passes the smaller side on: A→B and B→C become A→C.
func PlanClearing(debts []Debt) []ClearingPlan {
	valid := make([]Debt, 0, len(debts))
	for _, d := range debts {
		if d.From != d.To && d.Amount.Minor > 0 && d.Amount.IsMoney() {
			valid = append(valid, d)
		}
	}
	slices.SortFunc(valid, compareDebts)
	var plans []ClearingPlan
	for i := 0; i < len(valid); {
		j := i + 1
		for j < len(valid) && valid[j].Amount.Currency == valid[i].Amount.Currency {
			j++
		}
		plans = append(plans, planCurrency(valid[i:j:j]))
		i = j
	}
	return plans
}

// Balances returns the net balance of every member in the debts: the sum
// owed to them minus the sum they owe, in minor units. Members whose balance
// is zero are left out, so two sets of debts with the same balances give
// equal maps. The currencies are not told apart: call it on the debts of
// one currency.
func Balances(debts []Debt) map[UserID]int64 {
	b := make(map[UserID]int64)
	for _, d := range debts {
		b[d.To] += d.Amount.Minor
		b[d.From] -= d.Amount.Minor
	}
	for u, v := range b {
		if v == 0 {
			delete(b, u)
		}
	}
	return b
}

func compareDebts(a, b Debt) int {
	if c := cmp.Compare(a.Amount.Currency, b.Amount.Currency); c != 0 {
		return c
	}
	if c := cmp.Compare(a.From, b.From); c != 0 {
		return c
	}
	if c := cmp.Compare(a.To, b.To); c != 0 {
		return c
	}
	if c := cmp.Compare(a.ID, b.ID); c != 0 {
		return c
	}
	return cmp.Compare(a.Amount.Minor, b.Amount.Minor)
}

// clearEdge is the aggregated debt from → to. Edge e < nPairs is the pair
// of original debts ids[pairOff[e]:pairOff[e+1]]; later edges were created
// by chain cuts. An edge whose amount reaches zero stays in the lists and
// is skipped.
type clearEdge struct {
	from, to int32
	amt      int64
}

// clearing is the working state of the plan of one currency. Members are
// interned to indices in ID order, so comparing indices compares IDs.
type clearing struct {
	plan    *ClearingPlan
	users   []UserID
	ids     []PromiseID
	pairOff []int32
	nPairs  int
	own     []int64 // the sum of the original debts of each pair
	edges   []clearEdge
	out     [][]int32 // edges leaving each member, by creditor index at first
	removed int64

	// Chunks the slices of the cycles are carved from, to keep the
	// allocations few when there are many long cycles.
	memberPool  []UserID
	promisePool []PromiseID
}

// carve returns a slice of length and capacity n taken from *pool.
func carve[T any](pool *[]T, n int) []T {
	if len(*pool) < n {
		*pool = make([]T, max(n, 1<<14))
	}
	s := (*pool)[:n:n]
	*pool = (*pool)[n:]
	return s
}

// planCurrency plans the clearing of debts, which are valid, of one
// currency and sorted by compareDebts.
func planCurrency(debts []Debt) ClearingPlan {
	plan := ClearingPlan{Currency: debts[0].Amount.Currency, Before: debts}
	users := make([]UserID, 0, 2*len(debts))
	for _, d := range debts {
		users = append(users, d.From, d.To)
	}
	slices.Sort(users)
	users = slices.Compact(users)
	index := make(map[UserID]int32, len(users))
	for i, u := range users {
		index[u] = int32(i)
	}

	c := &clearing{plan: &plan, users: users, ids: make([]PromiseID, len(debts)), out: make([][]int32, len(users))}
	for k, d := range debts {
		if k == 0 || d.From != debts[k-1].From || d.To != debts[k-1].To {
			f := index[d.From]
			c.pairOff = append(c.pairOff, int32(k))
			c.edges = append(c.edges, clearEdge{from: f, to: index[d.To]})
			c.out[f] = append(c.out[f], int32(len(c.edges)-1))
		}
		c.edges[len(c.edges)-1].amt += d.Amount.Minor
		c.ids[k] = d.ID
	}
	c.pairOff = append(c.pairOff, int32(len(debts)))
	c.nPairs = len(c.edges)
	c.own = make([]int64, c.nPairs)
	for e := range c.own {
		c.own[e] = c.edges[e].amt
	}

	c.cancelCycles()
	c.shortenChains()

	for _, e := range c.edges {
		if e.amt > 0 {
			plan.After = append(plan.After, Debt{From: users[e.from], To: users[e.to], Amount: c.amount(e.amt)})
		}
	}
	slices.SortFunc(plan.After, func(a, b Debt) int {
		return cmp.Or(cmp.Compare(a.From, b.From), cmp.Compare(a.To, b.To))
	})
	plan.Removed = c.amount(c.removed)
	return plan
}

func (c *clearing) amount(minor int64) Amount {
	return Amount{Minor: minor, Currency: c.plan.Currency}
}

// promises appends the original promises of edge e to dst.
func (c *clearing) promises(dst []PromiseID, e int32) []PromiseID {
	if int(e) >= c.nPairs {
		return dst
	}
	return append(dst, c.ids[c.pairOff[e]:c.pairOff[e+1]]...)
}

// owns reports whether edge e is a pair of original debts adding up to m
// at least, so that a cut of m can be taken from them alone.
func (c *clearing) owns(e int32, m int64) bool {
	return int(e) < c.nPairs && c.own[e] >= m
}

// cancelCycles removes every cycle with an iterative depth-first search.
// ptr[v] is the current edge of member v; it only moves past edges that are
// dead for good (zero, or leading to a finished member), so a member taken
// off the stack after a cancellation resumes where it was. A finished member
// only has debts to finished members, so no cycle goes through it. Each
// cancellation zeroes an edge and costs the length of its cycle.
func (c *clearing) cancelCycles() {
	const (
		fresh    = 0
		onStack  = 1
		finished = 2
	)
	n := len(c.users)
	state := make([]uint8, n)
	pos := make([]int32, n) // position on the stack of a member on it
	ptr := make([]int32, n)
	var stack []int32
	for root := 0; root < n; {
		if state[root] != fresh {
			root++
			continue
		}
		lowReset := n // smallest member sent back to fresh during this search
		state[root], pos[root] = onStack, 0
		stack = append(stack[:0], int32(root))
		for len(stack) > 0 {
			v := stack[len(stack)-1]
			out := c.out[v]
			for int(ptr[v]) < len(out) {
				e := &c.edges[out[ptr[v]]]
				if e.amt > 0 && state[e.to] != finished {
					break
				}
				ptr[v]++
			}
			if int(ptr[v]) == len(out) {
				state[v] = finished
				stack = stack[:len(stack)-1]
				continue
			}
			w := c.edges[out[ptr[v]]].to
			if state[w] == fresh {
				state[w], pos[w] = onStack, int32(len(stack))
				stack = append(stack, w)
				continue
			}
			// w is on the stack: stack[pos[w]:] and the edge v→w close a cycle.
			keep := int(pos[w]) + c.cancel(stack[pos[w]:], ptr) + 1
			for _, u := range stack[keep:] {
				state[u] = fresh
				lowReset = min(lowReset, int(u))
			}
			stack = stack[:keep]
		}
		if lowReset < root {
			root = lowReset
		}
	}
}

// cancel reduces the cycle cyc, whose member cyc[i] owes cyc[i+1] (the last
// owes the first) by its current edge, by the smallest of those debts,
// records it, and returns the first position whose edge reached zero.
func (c *clearing) cancel(cyc []int32, ptr []int32) int {
	edge := func(i int) int32 { return c.out[cyc[i]][ptr[cyc[i]]] }
	reduce, first := c.edges[edge(0)].amt, 0
	for i := range cyc {
		reduce = min(reduce, c.edges[edge(i)].amt)
		if cyc[i] < cyc[first] {
			first = i
		}
	}
	count := 0
	for i := range cyc {
		e := edge(i)
		count += int(c.pairOff[e+1] - c.pairOff[e])
	}
	cy := Cycle{Members: carve(&c.memberPool, len(cyc)), Debts: carve(&c.promisePool, count)[:0], Reduce: c.amount(reduce)}
	for j := range cyc {
		i := (first + j) % len(cyc)
		cy.Members[j] = c.users[cyc[i]]
		cy.Debts = c.promises(cy.Debts, edge(i))
	}
	c.plan.Cycles = append(c.plan.Cycles, cy)
	c.removed += reduce * int64(len(cyc))

	zero := -1
	for i := range cyc {
		e := &c.edges[edge(i)]
		e.amt -= reduce
		if e.amt == 0 && zero < 0 {
			zero = i
		}
	}
	return zero
}

// shortenChains runs once the graph has no cycle. Each member B in ID order
// that both owes and is owed moves the smaller of an incoming A→B and an
// outgoing B→C to A→C until one side is gone. A ≠ C since there is no cycle,
// and the graph stays acyclic (A came before B and B before C). A member
// once handled only pays or only receives, and later cuts keep it so: they
// add debts only to members that already owe (A) or are owed (C).
func (c *clearing) shortenChains() {
	n := len(c.users)
	in := make([][]int32, n)
	pair := make(map[uint64]int32, len(c.edges))
	key := func(a, b int32) uint64 { return uint64(a)<<32 | uint64(uint32(b)) }
	for e, ed := range c.edges {
		in[ed.to] = append(in[ed.to], int32(e))
		pair[key(ed.from, ed.to)] = int32(e)
	}
	for b := range n {
		ins, outs := in[b], c.out[b]
		i, j := 0, 0
		for {
			for i < len(ins) && c.edges[ins[i]].amt == 0 {
				i++
			}
			for j < len(outs) && c.edges[outs[j]].amt == 0 {
				j++
			}
			if i == len(ins) || j == len(outs) {
				break
			}
			ab, bc := ins[i], outs[j]
			m := min(c.edges[ab].amt, c.edges[bc].amt)
			c.edges[ab].amt -= m
			c.edges[bc].amt -= m
			a, to := c.edges[ab].from, c.edges[bc].to
			if e, ok := pair[key(a, to)]; ok {
				c.edges[e].amt += m
			} else {
				e = int32(len(c.edges))
				c.edges = append(c.edges, clearEdge{from: a, to: to, amt: m})
				c.out[a] = append(c.out[a], e)
				in[to] = append(in[to], e)
				pair[key(a, to)] = e
			}
			cut := ChainCut{Via: c.users[b], From: c.users[a], To: c.users[to], Amount: c.amount(m),
				Agreeable: c.owns(ab, m) && c.owns(bc, m)}
			cut.Debts = c.promises(c.promises(nil, ab), bc)
			c.plan.Chains = append(c.plan.Chains, cut)
			c.removed += m
		}
	}
}
