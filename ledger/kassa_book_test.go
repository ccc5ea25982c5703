package ledger_test

import (
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
)

// TestKassaClaimNeedsApprovalAndSharesExactly: a claim waits for a second
// member's approval (not the claimant's); approved, it is shared among the
// declared maxima so that the shares sum exactly to the claim; a declined
// share goes to the others, capped at their maxima, the rest is missing.
func TestKassaClaimNeedsApprovalAndSharesExactly(t *testing.T) {
	w := newAidWorld(t, sAnn, sBen, sCid, sDora)
	for u, max := range map[ledger.UserID]int64{sBen: 50, sCid: 100, sDora: 100, sAnn: 500} {
		w.must(ledger.Op{Kind: ledger.OpKassa, Actor: u, Amount: mEUR(max)})
	}
	claim := w.must(ledger.Op{Kind: ledger.OpClaim, Actor: sAnn, Amount: ledger.Amount{Minor: 10001, Currency: "EUR"}, Text: "dentist"}).Need.ID
	if _, err := w.do(ledger.Op{Kind: ledger.OpIntend, Actor: sBen, Need: claim, Amount: mEUR(10)}); key(err) != "need.closed" {
		t.Fatalf("a promise before approval: %v, want need.closed", err)
	}
	if _, err := w.do(ledger.Op{Kind: ledger.OpApprove, Actor: sAnn, Need: claim}); key(err) != "kassa.self_approval" {
		t.Fatalf("self-approval: %v, want kassa.self_approval", err)
	}
	out := w.must(ledger.Op{Kind: ledger.OpApprove, Actor: sBen, Need: claim})
	share := map[ledger.UserID]int64{}
	var sum int64
	for _, p := range out.Shares {
		share[p.Giver] = p.Amount.Minor
		sum += p.Amount.Minor
	}
	// 100.01 EUR over maxima 50, 100, 100 (ann's own is not counted):
	// 20.004, 40.008, 40.008; the cent left goes to the largest remainder,
	// cid's and dora's tie, the smaller ID wins.
	if sum != 10001 || share[sBen] != 2000 || share[sCid] != 4001 || share[sDora] != 4000 || share[sAnn] != 0 {
		t.Fatalf("shares %v (sum %d), want 20/40.01/40 summing to 100.01", share, sum)
	}
	if _, err := w.do(ledger.Op{Kind: ledger.OpApprove, Actor: sCid, Need: claim}); key(err) != "kassa.not_proposed" {
		t.Fatalf("a second approval: %v", err)
	}
	// cid commits his share; dora declines: ben's share grows to his max.
	w.must(ledger.Op{Kind: ledger.OpCommit, Actor: sCid, Need: claim})
	out = w.must(ledger.Op{Kind: ledger.OpWithdraw, Actor: sDora, Need: claim})
	if len(out.Shares) != 1 || out.Shares[0].Giver != sBen || out.Shares[0].Amount != mEUR(50) {
		t.Fatalf("redistributed %+v, want ben's share raised to his 50 EUR maximum", out.Shares)
	}
	v, _ := w.svc.Aid.Need(w.ctx, claim)
	if v.Totals.Intended != mEUR(50) || v.Totals.Committed.Minor != 4001 || v.Totals.Missing.Minor != 6000 {
		t.Fatalf("claim figures %+v, want 50 intended, 40.01 committed, 60 missing", v.Totals)
	}
}
