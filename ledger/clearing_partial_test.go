package ledger_test

import (
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
)

// TestClearingCountsOnlyWhatIsUnsent: ben sent cid 30 of his 80; the
// cycle ann→ben→cid→ann of 50 clears 50 of the 50 ben has not sent, and
// his commitment, now 30, is all sent, waiting for cid's confirmation.
func TestClearingCountsOnlyWhatIsUnsent(t *testing.T) {
	w := newAidWorld(t, sAnn, sBen, sCid)
	needs := map[ledger.UserID]ledger.NeedID{}
	for _, u := range []ledger.UserID{sAnn, sBen, sCid} {
		needs[u] = w.status(u, 100, 0)
	}
	commit := func(from, to ledger.UserID, euros int64) ledger.PromiseID {
		return w.must(ledger.Op{Kind: ledger.OpCommit, Actor: from, Need: needs[to], Amount: mEUR(euros)}).Promise.ID
	}
	_, benCid, _ := commit(sAnn, sBen, 50), commit(sBen, sCid, 80), commit(sCid, sAnn, 50)
	w.must(ledger.Op{Kind: ledger.OpSent, Actor: sBen, Need: needs[sCid], Amount: mEUR(30)})
	var debts []ledger.Debt
	_ = w.svc.Aid.View(w.ctx, func(b *ledger.Book) error {
		for _, p := range b.AllPromises() {
			debts = append(debts, ledger.Debt{ID: p.ID, From: p.Giver, To: p.Beneficiary, Amount: p.Unsent()})
		}
		return nil
	})
	plans := ledger.PlanClearing(debts)
	if len(plans) != 1 || len(plans[0].Cycles) != 1 || plans[0].Cycles[0].Reduce != mEUR(50) {
		t.Fatalf("plans %+v, want one cycle of 50", plans)
	}
	cycle := plans[0].Cycles[0]
	for _, u := range []ledger.UserID{sAnn, sBen, sCid} {
		if _, err := w.do(ledger.Op{Kind: ledger.OpAgree, Actor: u, Cycle: &cycle}); err != nil {
			t.Fatalf("%s agrees: %v", u, err)
		}
	}
	if p := w.promise(benCid); p.State != ledger.PromiseSent || p.Amount != mEUR(30) || p.Unsent().Minor != 0 {
		t.Errorf("ben's commitment to cid after clearing: %+v; want 30 EUR, all sent", p)
	}
}
