package ledger_test

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

// bookDebts are the book's open commitments as debts.
func bookDebts(b *ledger.Book) []ledger.Debt {
	var debts []ledger.Debt
	for _, p := range b.AllPromises() {
		if p.State == ledger.PromiseCommitment {
			debts = append(debts, ledger.Debt{ID: p.ID, From: p.Giver, To: p.Beneficiary, Amount: p.Amount})
		}
	}
	return debts
}

func (w *aidWorld) openDebts() []ledger.Debt {
	w.t.Helper()
	var debts []ledger.Debt
	if err := w.svc.Aid.View(w.ctx, func(b *ledger.Book) error {
		debts = bookDebts(b)
		return nil
	}); err != nil {
		w.t.Fatal(err)
	}
	return debts
}

func debtTotal(ds []ledger.Debt) int64 {
	var s int64
	for _, d := range ds {
		s += d.Amount.Minor
	}
	return s
}

// TestClearingChainAppliesWhenAllThreeAgree: ann owes ben 50, ben owes cid
// 80; the chain ann→ben→cid becomes ann→cid 50 once all three agree (not
// before, not by anyone else): ann's 50 to ben counts as fulfilled, ann
// owes cid 50 toward cid's need, ben still owes cid 30, and cid's need is
// owed as much as before.
func TestClearingChainAppliesWhenAllThreeAgree(t *testing.T) {
	w := newAidWorld(t, sAnn, sBen, sCid, sDora)
	needs := map[ledger.UserID]ledger.NeedID{}
	for _, u := range []ledger.UserID{sBen, sCid} {
		needs[u] = w.status(u, 100, 0)
	}
	commit := func(from, to ledger.UserID, euros int64) ledger.PromiseID {
		return w.must(ledger.Op{Kind: ledger.OpCommit, Actor: from, Need: needs[to], Amount: mEUR(euros)}).Promise.ID
	}
	annBen, benCid := commit(sAnn, sBen, 50), commit(sBen, sCid, 80)
	before := w.openDebts()
	plans := ledger.PlanClearing(before)
	if len(plans) != 1 || len(plans[0].Chains) != 1 || len(plans[0].Cycles) != 0 {
		t.Fatalf("plans %+v, want one chain", plans)
	}
	chain := plans[0].Chains[0]
	if chain.From != sAnn || chain.Via != sBen || chain.To != sCid || chain.Amount != mEUR(50) {
		t.Fatalf("chain %+v, want ann→ben→cid 50 EUR", chain)
	}
	agree := func(u ledger.UserID) (*ledger.Outcome, error) {
		return w.do(ledger.Op{Kind: ledger.OpAgree, Actor: u, Chain: &chain})
	}
	if _, err := agree(sDora); key(err) != "clearing.not_member" {
		t.Fatalf("an outsider agrees: %v", err)
	}
	for _, u := range []ledger.UserID{sCid, sAnn} {
		if out, err := agree(u); err != nil || out.Cleared || out.Clearing != chain.ID() {
			t.Fatalf("%s agrees: %+v %v", u, out, err)
		}
	}
	if _, err := agree(sAnn); key(err) != "clearing.already_agreed" {
		t.Fatalf("agreeing twice: %v", err)
	}
	if p := w.promise(annBen); p.State != ledger.PromiseCommitment {
		t.Fatalf("shortened before everyone agreed: %+v", p)
	}
	out, err := agree(sBen)
	if err != nil || !out.Cleared {
		t.Fatalf("the last agreement: %+v %v", out, err)
	}
	if p := w.promise(annBen); p.State != ledger.PromiseFulfilled || !p.Cleared {
		t.Errorf("ann's debt to ben after the shortening: %+v", p)
	}
	if p := w.promise(benCid); p.State != ledger.PromiseCommitment || p.Amount != mEUR(30) {
		t.Errorf("ben's rest to cid: %+v, want a 30 EUR commitment", p)
	}
	after := w.openDebts()
	if !maps.Equal(ledger.Balances(before), ledger.Balances(after)) {
		t.Errorf("net positions changed: %v -> %v", ledger.Balances(before), ledger.Balances(after))
	}
	if got, want := debtTotal(after), debtTotal(before)-5000; got != want {
		t.Errorf("total owed %d after, want %d", got, want)
	}
	var annCid *ledger.Promise
	for _, d := range after {
		if d.From == sAnn && d.To == sCid {
			annCid = w.promise(d.ID)
		}
	}
	if annCid == nil || annCid.Amount != mEUR(50) || annCid.Need != needs[sCid] {
		t.Errorf("ann's new debt to cid: %+v, want 50 EUR toward cid's need", annCid)
	}
	v, _ := w.svc.Aid.Need(w.ctx, needs[sCid])
	if v.Totals.Committed != mEUR(80) || v.Totals.Confirmed != mEUR(0) {
		t.Errorf("cid's need after the shortening: %+v, want 80 committed, none confirmed", v.Totals)
	}
	if _, err := agree(sCid); key(err) != "clearing.stale" {
		t.Errorf("agreeing to a shortening already applied: %v, want clearing.stale", err)
	}
}

// TestClearingChainRefusesStaleAndKind: a chain whose debt was sent in the
// meantime is stale and changes nothing; one in hours is refused.
func TestClearingChainRefusesStaleAndKind(t *testing.T) {
	w := newAidWorld(t, sAnn, sBen, sCid)
	nb, nc := w.status(sBen, 100, 0), w.status(sCid, 100, 0)
	w.must(ledger.Op{Kind: ledger.OpCommit, Actor: sAnn, Need: nb, Amount: mEUR(20)})
	w.must(ledger.Op{Kind: ledger.OpCommit, Actor: sBen, Need: nc, Amount: mEUR(30)})
	chain := ledger.PlanClearing(w.openDebts())[0].Chains[0]
	w.must(ledger.Op{Kind: ledger.OpSent, Actor: sAnn, Need: nb})
	if _, err := w.do(ledger.Op{Kind: ledger.OpAgree, Actor: sAnn, Chain: &chain}); key(err) != "clearing.stale" {
		t.Errorf("a stale chain: %v", err)
	}
	kind := chain
	kind.Amount = ledger.Amount{Minor: 100, Currency: ledger.Hours}
	if _, err := w.do(ledger.Op{Kind: ledger.OpAgree, Actor: sAnn, Chain: &kind}); key(err) != "amount.money_only" {
		t.Errorf("a chain in hours: %v", err)
	}
}

// TestChainCutsAgainstNaiveReference: on random debt graphs, each chain
// proposed whose both debts are promises (Agreeable, and only those),
// applied alone to the debts as
// they are (the book applies a shortening agreed to without the cycles
// before it), finds both debts, keeps every member's net position and
// lowers the total owed by exactly its amount; and a naive search over
// every triple finds no chain left in After.
func TestChainCutsAgainstNaiveReference(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(18, 18))
	for iter := range sized(2000, 300) {
		debts := clrRandomDebts(r, r.IntN(30), 2+r.IntN(8), []ledger.Currency{"EUR"}, 500)
		for _, p := range ledger.PlanClearing(debts) {
			agg := map[clrPair]int64{}
			for _, d := range p.Before {
				agg[clrPair{d.From, d.To}] += d.Amount.Minor
			}
			for _, c := range p.Chains {
				own := func(from, to ledger.UserID) int64 {
					var sum int64
					for _, d := range p.Before {
						if d.From == from && d.To == to && slices.Contains(c.Debts, d.ID) {
							sum += d.Amount.Minor
						}
					}
					return sum
				}
				if naive := own(c.From, c.Via) >= c.Amount.Minor && own(c.Via, c.To) >= c.Amount.Minor; naive != c.Agreeable {
					t.Fatalf("set %d: cut %+v agreeable %v, the naive reference says %v", iter, c, c.Agreeable, naive)
				}
				if !c.Agreeable {
					continue
				}
				one := maps.Clone(agg)
				ab, bc := clrPair{c.From, c.Via}, clrPair{c.Via, c.To}
				if one[ab] < c.Amount.Minor || one[bc] < c.Amount.Minor {
					t.Fatalf("set %d: cut %+v exceeds the debts %d, %d", iter, c, one[ab], one[bc])
				}
				one[ab] -= c.Amount.Minor
				one[bc] -= c.Amount.Minor
				one[clrPair{c.From, c.To}] += c.Amount.Minor
				if !maps.Equal(clrBalances(agg), clrBalances(one)) {
					t.Fatalf("set %d: cut %+v changes net positions", iter, c)
				}
				if clrSum(one) != clrSum(agg)-c.Amount.Minor {
					t.Fatalf("set %d: cut %+v: total %d, want %d", iter, c, clrSum(one), clrSum(agg)-c.Amount.Minor)
				}
			}
			for _, ab := range p.After {
				for _, bc := range p.After {
					if ab.To == bc.From && ab.From != bc.To {
						t.Fatalf("set %d: After still has the chain %s→%s→%s", iter, ab.From, ab.To, bc.To)
					}
				}
			}
		}
	}
}

func clrBalances(agg map[clrPair]int64) map[ledger.UserID]int64 {
	b := map[ledger.UserID]int64{}
	for k, v := range agg {
		b[k.to] += v
		b[k.from] -= v
	}
	maps.DeleteFunc(b, func(_ ledger.UserID, v int64) bool { return v == 0 })
	return b
}

func clrSum(agg map[clrPair]int64) int64 {
	var s int64
	for _, v := range agg {
		s += v
	}
	return s
}

// TestChainAgreementsInBook: on random commitments, every member of every
// proposed chain agrees, in a random order, each agreement against the
// book as it is then: no applied shortening changes a member's net
// position or raises the total owed.
func TestChainAgreementsInBook(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 18))
	users := []ledger.UserID{"@c0:t", "@c1:t", "@c2:t", "@c3:t", "@c4:t"}
	applied := 0
	for iter := range sized(6, 2) {
		w := newAidWorld(t, users...)
		needs := map[ledger.UserID]ledger.NeedID{}
		for _, u := range users {
			needs[u] = w.status(u, 10000, 0)
		}
		for range 12 {
			from, to := users[r.IntN(len(users))], users[r.IntN(len(users))]
			if from != to {
				_, _ = w.do(ledger.Op{Kind: ledger.OpCommit, Actor: from, Need: needs[to], Amount: mEUR(1 + r.Int64N(40))})
			}
		}
		var agrees []ledger.Op
		for _, p := range ledger.PlanClearing(w.openDebts()) {
			for i := range p.Chains {
				if !p.Chains[i].Agreeable {
					continue
				}
				for _, m := range p.Chains[i].Members() {
					agrees = append(agrees, ledger.Op{Kind: ledger.OpAgree, Actor: m, Chain: &p.Chains[i]})
				}
			}
		}
		r.Shuffle(len(agrees), func(i, j int) { agrees[i], agrees[j] = agrees[j], agrees[i] })
		for _, op := range agrees {
			before := w.openDebts()
			out, err := w.do(op)
			if err != nil && ledger.AsError(err) == nil {
				t.Fatal(err)
			}
			after := w.openDebts()
			if !maps.Equal(ledger.Balances(before), ledger.Balances(after)) {
				t.Fatalf("set %d: %+v changed net positions", iter, op.Chain)
			}
			if err == nil && out.Cleared {
				applied++
			}
			if err == nil && out.Cleared && debtTotal(after) != debtTotal(before)-op.Chain.Amount.Minor {
				t.Fatalf("set %d: %+v: total %d, want %d", iter, op.Chain, debtTotal(after), debtTotal(before)-op.Chain.Amount.Minor)
			}
			if debtTotal(after) > debtTotal(before) {
				t.Fatalf("set %d: the total owed rose", iter)
			}
		}
	}
	if applied == 0 {
		t.Error("no shortening was applied: the test checks nothing")
	}
}

// chainOps is a history with a chain shortening: ben and cid in need, ann
// owes ben, ben owes cid, the three agree to the chain (ben first).
func chainOps() []ledger.Op {
	at := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	a, b, c := ledger.UserID("@m0:t"), ledger.UserID("@m1:t"), ledger.UserID("@m2:t")
	ops := []ledger.Op{
		{Kind: ledger.OpStatus, Actor: b, Status: ledger.StatusOrange, Amount: mEUR(100)},
		{Kind: ledger.OpStatus, Actor: c, Status: ledger.StatusOrange, Amount: mEUR(100)},
		{Kind: ledger.OpCommit, Actor: a, Need: "$h00", Amount: mEUR(50)},
		{Kind: ledger.OpCommit, Actor: b, Need: "$h01", Amount: mEUR(80)},
	}
	for i := range ops {
		ops[i].Event = ledger.EventID(fmt.Sprintf("$h%02d", i))
		ops[i].At = at.Add(time.Duration(i) * time.Minute)
	}
	b0 := ledger.NewBook()
	for _, op := range ops {
		if _, err := b0.Apply(op); err != nil {
			panic(err)
		}
	}
	chain := ledger.PlanClearing(bookDebts(b0))[0].Chains[0]
	for i, m := range []ledger.UserID{b, a, c} {
		ops = append(ops, ledger.Op{Kind: ledger.OpAgree, Actor: m, Chain: &chain,
			Event: ledger.EventID(fmt.Sprintf("$h%02d", 4+i)), At: at.Add(time.Duration(4+i) * time.Minute)})
	}
	return ops
}

// TestChainOrderIndependence delivers the chain's history in shuffled
// orders, some events twice: the book, the SQL projection and the book
// after a restart match the canonical order, where the shortening applied.
func TestChainOrderIndependence(t *testing.T) {
	ops := chainOps()
	want := canonical(ops)
	if !slices.ContainsFunc(want.Promises, func(p flatPromise) bool { return p.Giver == "@m0:t" && p.Need == "$h01" }) {
		t.Fatalf("canonical book %+v: the shortening did not apply", want)
	}
	r := rand.New(rand.NewPCG(18, 7))
	for sh := range 4 {
		order := slices.Clone(ops)
		r.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		order = append(order, order[r.IntN(len(order))])
		w := newAidWorld(t, "@m0:t", "@m1:t", "@m2:t")
		deliver(t, w.svc, order)
		what := fmt.Sprintf("shuffle %d", sh)
		w.matchesCanonical(what, want)
	}
}
