package ledger_test

import (
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
)

// TestClearingCycleAppliesWhenEveryoneAgrees: ann owes ben 50, ben owes cid
// 80, cid owes ann 50; the cycle clears 50 of each debt once all three
// agree (not before, not by anyone else), and ben still owes cid 30.
func TestClearingCycleAppliesWhenEveryoneAgrees(t *testing.T) {
	w := newAidWorld(t, sAnn, sBen, sCid, sDora)
	needs := map[ledger.UserID]ledger.NeedID{}
	for _, u := range []ledger.UserID{sAnn, sBen, sCid} {
		needs[u] = w.status(u, 100, 0)
	}
	commit := func(from, to ledger.UserID, euros int64) ledger.PromiseID {
		return w.must(ledger.Op{Kind: ledger.OpCommit, Actor: from, Need: needs[to], Amount: mEUR(euros)}).Promise.ID
	}
	annBen, benCid, cidAnn := commit(sAnn, sBen, 50), commit(sBen, sCid, 80), commit(sCid, sAnn, 50)
	var debts []ledger.Debt
	_ = w.svc.Aid.View(w.ctx, func(b *ledger.Book) error {
		for _, p := range b.AllPromises() {
			debts = append(debts, ledger.Debt{ID: p.ID, From: p.Giver, To: p.Beneficiary, Amount: p.Amount})
		}
		return nil
	})
	plans := ledger.PlanClearing(debts)
	if len(plans) != 1 || len(plans[0].Cycles) != 1 {
		t.Fatalf("plans %+v, want one cycle", plans)
	}
	cycle := plans[0].Cycles[0]
	agree := func(u ledger.UserID) (*ledger.Outcome, error) {
		return w.do(ledger.Op{Kind: ledger.OpAgree, Actor: u, Cycle: &cycle})
	}
	if _, err := agree(sDora); key(err) != "clearing.not_member" {
		t.Fatalf("an outsider agrees: %v", err)
	}
	for _, u := range []ledger.UserID{sAnn, sBen} {
		if out, err := agree(u); err != nil || out.Cleared || out.Clearing != cycle.ID() {
			t.Fatalf("%s agrees: %+v %v", u, out, err)
		}
	}
	if _, err := agree(sAnn); key(err) != "clearing.already_agreed" {
		t.Fatalf("agreeing twice: %v", err)
	}
	if p := w.promise(annBen); p.State != ledger.PromiseCommitment {
		t.Fatalf("cleared before everyone agreed: %+v", p)
	}
	out, err := agree(sCid)
	if err != nil || !out.Cleared {
		t.Fatalf("the last agreement: %+v %v", out, err)
	}
	for _, id := range []ledger.PromiseID{annBen, cidAnn} {
		if p := w.promise(id); p.State != ledger.PromiseFulfilled || !p.Cleared {
			t.Errorf("promise %s after clearing: %+v", id, p)
		}
	}
	if p := w.promise(benCid); p.State != ledger.PromiseCommitment || p.Amount != mEUR(30) {
		t.Errorf("ben's rest to cid: %+v, want a 30 EUR commitment", p)
	}
	v, _ := w.svc.Aid.Need(w.ctx, needs[sCid])
	if v.Totals.Committed != mEUR(80) || v.Totals.Confirmed != mEUR(50) {
		t.Errorf("cid's need after clearing: %+v, want 80 committed of which 50 confirmed", v.Totals)
	}
}
