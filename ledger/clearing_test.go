package ledger_test

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
)

const (
	clrA ledger.UserID = "@a:x.org"
	clrB ledger.UserID = "@b:x.org"
	clrC ledger.UserID = "@c:x.org"
	clrD ledger.UserID = "@d:x.org"
)

func clrEUR(m int64) ledger.Amount { return ledger.Amount{Minor: m, Currency: "EUR"} }
func clrUSD(m int64) ledger.Amount { return ledger.Amount{Minor: m, Currency: "USD"} }

func clrDebt(id ledger.PromiseID, from, to ledger.UserID, a ledger.Amount) ledger.Debt {
	return ledger.Debt{ID: id, From: from, To: to, Amount: a}
}

func clrNet(from, to ledger.UserID, a ledger.Amount) ledger.Debt {
	return ledger.Debt{From: from, To: to, Amount: a}
}

func TestPlanClearingTable(t *testing.T) {
	cycle3 := []ledger.Debt{clrDebt("p1", clrA, clrB, clrEUR(10)), clrDebt("p2", clrB, clrC, clrEUR(10)), clrDebt("p3", clrC, clrA, clrEUR(10))}
	unequal := []ledger.Debt{clrDebt("p1", clrA, clrB, clrEUR(10)), clrDebt("p2", clrB, clrC, clrEUR(7)), clrDebt("p3", clrC, clrA, clrEUR(5))}
	chain := []ledger.Debt{clrDebt("p1", clrA, clrB, clrEUR(10)), clrDebt("p2", clrB, clrC, clrEUR(4))}
	parallel := []ledger.Debt{clrDebt("p1", clrA, clrB, clrEUR(3)), clrDebt("p2", clrA, clrB, clrEUR(4)), clrDebt("p3", clrB, clrA, clrEUR(5))}
	tests := []struct {
		name  string
		debts []ledger.Debt
		want  []ledger.ClearingPlan
	}{
		{"empty", nil, nil},
		{"self-loop and zero ignored", []ledger.Debt{clrDebt("p1", clrA, clrA, clrEUR(5)), clrDebt("p2", clrA, clrB, clrEUR(0))}, nil},
		{"3-cycle cancels fully", cycle3, []ledger.ClearingPlan{{
			Currency: "EUR",
			Cycles:   []ledger.Cycle{{Members: []ledger.UserID{clrA, clrB, clrC}, Debts: []ledger.PromiseID{"p1", "p2", "p3"}, Reduce: clrEUR(10)}},
			Before:   cycle3,
			Removed:  clrEUR(30),
		}}},
		{"3-cycle with unequal amounts", unequal, []ledger.ClearingPlan{{
			Currency: "EUR",
			Cycles:   []ledger.Cycle{{Members: []ledger.UserID{clrA, clrB, clrC}, Debts: []ledger.PromiseID{"p1", "p2", "p3"}, Reduce: clrEUR(5)}},
			// Left: a→b 5, b→c 2; b passes 2 on.
			Chains:  []ledger.ChainCut{{Via: clrB, From: clrA, To: clrC, Amount: clrEUR(2), Debts: []ledger.PromiseID{"p1", "p2"}, Agreeable: true}},
			Before:  unequal,
			After:   []ledger.Debt{clrNet(clrA, clrB, clrEUR(3)), clrNet(clrA, clrC, clrEUR(2))},
			Removed: clrEUR(17),
		}}},
		{"chain becomes a→c", chain, []ledger.ClearingPlan{{
			Currency: "EUR",
			Chains:   []ledger.ChainCut{{Via: clrB, From: clrA, To: clrC, Amount: clrEUR(4), Debts: []ledger.PromiseID{"p1", "p2"}, Agreeable: true}},
			Before:   chain,
			After:    []ledger.Debt{clrNet(clrA, clrB, clrEUR(6)), clrNet(clrA, clrC, clrEUR(4))},
			Removed:  clrEUR(4),
		}}},
		{"parallel debts aggregate", parallel, []ledger.ClearingPlan{{
			Currency: "EUR",
			Cycles:   []ledger.Cycle{{Members: []ledger.UserID{clrA, clrB}, Debts: []ledger.PromiseID{"p1", "p2", "p3"}, Reduce: clrEUR(5)}},
			Before:   parallel,
			After:    []ledger.Debt{clrNet(clrA, clrB, clrEUR(2))},
			Removed:  clrEUR(10),
		}}},
		{"two currencies stay separate", []ledger.Debt{
			clrDebt("u1", clrB, clrC, clrUSD(4)), clrDebt("e1", clrA, clrB, clrEUR(9)), clrDebt("u2", clrC, clrB, clrUSD(4)), clrDebt("e2", clrB, clrA, clrEUR(9)),
		}, []ledger.ClearingPlan{{
			Currency: "EUR",
			Cycles:   []ledger.Cycle{{Members: []ledger.UserID{clrA, clrB}, Debts: []ledger.PromiseID{"e1", "e2"}, Reduce: clrEUR(9)}},
			Before:   []ledger.Debt{clrDebt("e1", clrA, clrB, clrEUR(9)), clrDebt("e2", clrB, clrA, clrEUR(9))},
			Removed:  clrEUR(18),
		}, {
			Currency: "USD",
			Cycles:   []ledger.Cycle{{Members: []ledger.UserID{clrB, clrC}, Debts: []ledger.PromiseID{"u1", "u2"}, Reduce: clrUSD(4)}},
			Before:   []ledger.Debt{clrDebt("u1", clrB, clrC, clrUSD(4)), clrDebt("u2", clrC, clrB, clrUSD(4))},
			Removed:  clrUSD(8),
		}}},
		{"chain never creates a self-debt", []ledger.Debt{
			clrDebt("p1", clrA, clrB, clrEUR(5)), clrDebt("p2", clrB, clrA, clrEUR(3)), clrDebt("p3", clrB, clrD, clrEUR(1)),
		}, []ledger.ClearingPlan{{
			Currency: "EUR",
			Cycles:   []ledger.Cycle{{Members: []ledger.UserID{clrA, clrB}, Debts: []ledger.PromiseID{"p1", "p2"}, Reduce: clrEUR(3)}},
			Chains:   []ledger.ChainCut{{Via: clrB, From: clrA, To: clrD, Amount: clrEUR(1), Debts: []ledger.PromiseID{"p1", "p3"}, Agreeable: true}},
			Before:   []ledger.Debt{clrDebt("p1", clrA, clrB, clrEUR(5)), clrDebt("p2", clrB, clrA, clrEUR(3)), clrDebt("p3", clrB, clrD, clrEUR(1))},
			After:    []ledger.Debt{clrNet(clrA, clrB, clrEUR(1)), clrNet(clrA, clrD, clrEUR(1))},
			Removed:  clrEUR(7),
		}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ledger.PlanClearing(tt.debts)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("PlanClearing:\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestBalancesClearing(t *testing.T) {
	got := ledger.Balances([]ledger.Debt{clrDebt("1", clrA, clrB, clrEUR(5)), clrDebt("2", clrB, clrC, clrEUR(5)), clrDebt("3", clrD, clrD, clrEUR(2))})
	want := map[ledger.UserID]int64{clrA: -5, clrC: 5}
	if !maps.Equal(got, want) {
		t.Errorf("Balances = %v, want %v", got, want)
	}
}

func clrRandomDebts(r *rand.Rand, n, members int, curs []ledger.Currency, maxMinor int64) []ledger.Debt {
	debts := make([]ledger.Debt, n)
	for i := range debts {
		from := ledger.UserID(fmt.Sprintf("@u%d:x.org", r.IntN(members)))
		to := ledger.UserID(fmt.Sprintf("@u%d:x.org", r.IntN(members)))
		debts[i] = clrDebt(ledger.PromiseID(fmt.Sprintf("$p%d", i)), from, to,
			ledger.Amount{Minor: 1 + r.Int64N(maxMinor), Currency: curs[r.IntN(len(curs))]})
	}
	return debts
}

func TestPlanClearingProperties(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(7, 11))
	all := []ledger.Currency{"EUR", "USD"}
	for iter := range sized(3000, 500) {
		debts := clrRandomDebts(r, r.IntN(41), 1+r.IntN(12), all[:1+r.IntN(2)], 1000)
		if len(debts) > 0 && r.IntN(4) == 0 {
			debts[0].Amount.Minor = 0 // ignored
		}
		plans := ledger.PlanClearing(debts)
		for i, p := range plans {
			if i > 0 && plans[i-1].Currency >= p.Currency {
				t.Fatalf("set %d: currencies not sorted: %v then %v", iter, plans[i-1].Currency, p.Currency)
			}
			var in []ledger.Debt
			for _, d := range debts {
				if d.Amount.Currency == p.Currency {
					in = append(in, d)
				}
			}
			clrCheckPlan(t, iter, in, p)
		}
		shuffled := slices.Clone(debts)
		r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if again := ledger.PlanClearing(shuffled); !reflect.DeepEqual(again, plans) {
			t.Fatalf("set %d: plan depends on input order:\n%+v\n%+v", iter, plans, again)
		}
	}
}

type clrPair struct{ from, to ledger.UserID }

func clrCheckPlan(t *testing.T, iter int, in []ledger.Debt, p ledger.ClearingPlan) {
	t.Helper()
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("set %d %s: %s\nplan %+v", iter, p.Currency, fmt.Sprintf(format, args...), p)
	}
	if !maps.Equal(ledger.Balances(in), ledger.Balances(p.Before)) || !maps.Equal(ledger.Balances(p.Before), ledger.Balances(p.After)) {
		fail("balances changed: %v -> %v", ledger.Balances(in), ledger.Balances(p.After))
	}
	var sumBefore, sumAfter int64
	for _, d := range p.Before {
		sumBefore += d.Amount.Minor
	}
	pays, gets := map[ledger.UserID]bool{}, map[ledger.UserID]bool{}
	adj := map[ledger.UserID][]ledger.UserID{}
	for i, d := range p.After {
		if d.ID != "" || d.From == d.To || d.Amount.Minor <= 0 || d.Amount.Currency != p.Currency {
			fail("bad net debt %+v", d)
		}
		if i > 0 && (p.After[i-1].From > d.From || p.After[i-1].From == d.From && p.After[i-1].To >= d.To) {
			fail("After not sorted by unique pair")
		}
		sumAfter += d.Amount.Minor
		pays[d.From], gets[d.To] = true, true
		adj[d.From] = append(adj[d.From], d.To)
	}
	if p.Removed.Minor != sumBefore-sumAfter || p.Removed.Currency != p.Currency {
		fail("Removed %v, want %d", p.Removed, sumBefore-sumAfter)
	}
	for u := range pays {
		if gets[u] {
			fail("%s both pays and receives after clearing", u)
		}
	}
	if clrHasCycle(adj) {
		fail("After has a cycle")
	}

	// Replaying the cycles and cuts on the aggregated Before gives After,
	// and no debt ever goes negative.
	agg := map[clrPair]int64{}
	for _, d := range p.Before {
		agg[clrPair{d.From, d.To}] += d.Amount.Minor
	}
	sub := func(k clrPair, m int64) {
		if agg[k] -= m; agg[k] < 0 {
			fail("debt %v goes negative", k)
		}
	}
	for _, c := range p.Cycles {
		if c.Reduce.Minor <= 0 || len(c.Members) < 2 || len(c.Debts) < len(c.Members) {
			fail("bad cycle %+v", c)
		}
		for i, u := range c.Members {
			sub(clrPair{u, c.Members[(i+1)%len(c.Members)]}, c.Reduce.Minor)
		}
	}
	for _, c := range p.Chains {
		if c.Amount.Minor <= 0 || c.From == c.To {
			fail("bad cut %+v", c)
		}
		sub(clrPair{c.From, c.Via}, c.Amount.Minor)
		sub(clrPair{c.Via, c.To}, c.Amount.Minor)
		agg[clrPair{c.From, c.To}] += c.Amount.Minor
	}
	maps.DeleteFunc(agg, func(_ clrPair, v int64) bool { return v == 0 })
	want := map[clrPair]int64{}
	for _, d := range p.After {
		want[clrPair{d.From, d.To}] = d.Amount.Minor
	}
	if !maps.Equal(agg, want) {
		fail("replay gives %v, After is %v", agg, want)
	}
}

func clrHasCycle(adj map[ledger.UserID][]ledger.UserID) bool {
	state := map[ledger.UserID]int{} // 1 on the path, 2 done
	var visit func(u ledger.UserID) bool
	visit = func(u ledger.UserID) bool {
		state[u] = 1
		for _, v := range adj[u] {
			if state[v] == 1 || state[v] == 0 && visit(v) {
				return true
			}
		}
		state[u] = 2
		return false
	}
	for u := range adj {
		if state[u] == 0 && visit(u) {
			return true
		}
	}
	return false
}

func BenchmarkPlanClearing(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	debts := clrRandomDebts(r, 100_000, 10_000, []ledger.Currency{"EUR"}, 100_000)
	var plan ledger.ClearingPlan
	for b.Loop() {
		plan = ledger.PlanClearing(debts)[0]
	}
	b.ReportMetric(float64(len(plan.Cycles)), "cycles")
	b.ReportMetric(float64(len(plan.Chains)), "cuts")
	b.ReportMetric(float64(len(plan.After)), "after")
}
