package ledger_test

import (
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
)

// newKassaWorld is ann, ben, cid and dora in the aid circle, and eve in
// another circle only.
func newKassaWorld(t *testing.T) *aidWorld {
	t.Helper()
	w := newAidWorld(t, sAnn, sBen, sCid, sDora)
	if _, err := w.svc.Circles.Create(w.ctx, w.act("@founder:t"), ledger.CircleSpec{ID: otherCircle, Name: "Other"}); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.Circles.SetMembership(w.ctx, otherCircle, sEve, true); err != nil {
		t.Fatal(err)
	}
	return w
}

// declare declares u's maximum in circle c.
func (w *aidWorld) declare(u ledger.UserID, c ledger.CircleID, euros int64) {
	w.t.Helper()
	w.must(ledger.Op{Kind: ledger.OpKassa, Actor: u, Circle: c, Amount: mEUR(euros)})
}

// approvedClaim posts a claim of owner in circle c and has approver
// approve it; it returns the claim and the shares, in euros by member.
func (w *aidWorld) approvedClaim(owner, approver ledger.UserID, c ledger.CircleID, euros int64) (ledger.NeedID, map[ledger.UserID]int64) {
	w.t.Helper()
	id := w.must(ledger.Op{Kind: ledger.OpClaim, Actor: owner, Circle: c, Amount: mEUR(euros), Text: "rent"}).Need.ID
	return id, sharesOf(w.must(ledger.Op{Kind: ledger.OpApprove, Actor: approver, Need: id}))
}

func sharesOf(out *ledger.Outcome) map[ledger.UserID]int64 {
	s := map[ledger.UserID]int64{}
	for _, p := range out.Shares {
		s[p.Giver] = p.Amount.Minor / 100
	}
	return s
}

// liveShares are the amounts of the claim's shares that still count, in
// euros by member.
func (w *aidWorld) liveShares(claim ledger.NeedID) map[ledger.UserID]int64 {
	w.t.Helper()
	v, err := w.svc.Aid.Need(w.ctx, claim)
	if err != nil {
		w.t.Fatal(err)
	}
	s := map[ledger.UserID]int64{}
	for _, p := range v.Promises {
		if p.State.Live() {
			s[p.Giver] += p.Amount.Minor / 100
		}
	}
	return s
}

func sameShares(got, want map[ledger.UserID]int64) bool {
	if len(got) != len(want) {
		return false
	}
	for u, a := range want {
		if got[u] != a {
			return false
		}
	}
	return true
}

// TestKassaClaimIsSharedInItsCircleOnly: a maximum declared in another
// circle gets no share of this circle's claim, and a maximum cannot be
// declared for a circle one is not in.
func TestKassaClaimIsSharedInItsCircleOnly(t *testing.T) {
	w := newKassaWorld(t)
	w.declare(sBen, aidCircle, 50)
	w.declare(sEve, otherCircle, 100)
	if _, err := w.do(ledger.Op{Kind: ledger.OpKassa, Actor: sEve, Circle: aidCircle, Amount: mEUR(100)}); key(err) != "need.not_circle_member" {
		t.Fatalf("eve declaring in a circle she is not in: %v", err)
	}
	_, shares := w.approvedClaim(sAnn, sCid, aidCircle, 30)
	if !sameShares(shares, map[ledger.UserID]int64{sBen: 30}) {
		t.Fatalf("shares %v; want ben's 30 alone (eve declared in another circle)", shares)
	}
	// The other circle's claim is hers alone.
	if err := w.svc.Circles.SetMembership(w.ctx, otherCircle, sDora, true); err != nil {
		t.Fatal(err)
	}
	_, shares = w.approvedClaim(sDora, sEve, otherCircle, 10)
	if !sameShares(shares, map[ledger.UserID]int64{sEve: 10}) {
		t.Fatalf("the other circle's claim: shares %v; want eve's 10 alone", shares)
	}
}

// TestKassaMaximumHoldsAcrossTheMonthsClaims: two claims in one month never
// ask a member for more than their maximum together; what the maxima
// cannot cover of the second claim is missing.
func TestKassaMaximumHoldsAcrossTheMonthsClaims(t *testing.T) {
	w := newKassaWorld(t)
	w.declare(sBen, aidCircle, 50)
	w.declare(sCid, aidCircle, 50)
	_, first := w.approvedClaim(sAnn, sDora, aidCircle, 40)
	if !sameShares(first, map[ledger.UserID]int64{sBen: 20, sCid: 20}) {
		t.Fatalf("first claim's shares %v; want 20 and 20", first)
	}
	second, shares := w.approvedClaim(sDora, sAnn, aidCircle, 80)
	if !sameShares(shares, map[ledger.UserID]int64{sBen: 30, sCid: 30}) {
		t.Fatalf("second claim's shares %v; want what is left of the maxima, 30 and 30", shares)
	}
	w.must(ledger.Op{Kind: ledger.OpCommit, Actor: sBen, Need: second})
	w.must(ledger.Op{Kind: ledger.OpCommit, Actor: sCid, Need: second})
	v, _ := w.svc.Aid.Need(w.ctx, second)
	if v.Totals.Committed != mEUR(60) || v.Totals.Missing != mEUR(20) {
		t.Fatalf("second claim's figures %+v; want 60 committed, 20 missing", v.Totals)
	}
	var asked ledger.Amount
	_ = w.svc.Aid.View(w.ctx, func(b *ledger.Book) error { asked = b.KassaAsked(sBen, aidCircle); return nil })
	if asked != mEUR(50) {
		t.Errorf("ben asked %v this month; want 50 EUR", asked)
	}
	// A third claim finds the maxima used up: it waits for next month.
	third := w.must(ledger.Op{Kind: ledger.OpClaim, Actor: sAnn, Circle: aidCircle, Amount: mEUR(10), Text: "more"}).Need.ID
	if _, err := w.do(ledger.Op{Kind: ledger.OpApprove, Actor: sDora, Need: third}); key(err) != "kassa.exhausted" {
		t.Fatalf("approving with the maxima used up: %v, want kassa.exhausted", err)
	}
}

// TestKassaRedistributionRespectsWhatIsLeft: a declined share goes to the
// others only as far as what is left of their maxima this month.
func TestKassaRedistributionRespectsWhatIsLeft(t *testing.T) {
	w := newKassaWorld(t)
	w.declare(sBen, aidCircle, 50)
	w.declare(sCid, aidCircle, 50)
	w.declare(sDora, aidCircle, 100)
	_, first := w.approvedClaim(sAnn, sBen, aidCircle, 80)
	if !sameShares(first, map[ledger.UserID]int64{sBen: 20, sCid: 20, sDora: 40}) {
		t.Fatalf("first claim's shares %v", first)
	}
	second, shares := w.approvedClaim(sAnn, sBen, aidCircle, 100)
	if !sameShares(shares, map[ledger.UserID]int64{sBen: 25, sCid: 25, sDora: 50}) {
		t.Fatalf("second claim's shares %v; want 25/25/50 of what is left (30/30/60)", shares)
	}
	out := w.must(ledger.Op{Kind: ledger.OpWithdraw, Actor: sDora, Need: second})
	if got := sharesOf(out); !sameShares(got, map[ledger.UserID]int64{sBen: 30, sCid: 30}) {
		t.Fatalf("redistributed %v; want ben and cid raised to the 30 left of their maxima", got)
	}
	v, _ := w.svc.Aid.Need(w.ctx, second)
	if v.Totals.Intended != mEUR(60) || v.Totals.Missing != mEUR(100) {
		t.Fatalf("second claim's figures %+v", v.Totals)
	}
}

// TestKassaNewMonthRestoresTheMaximum: maxima used up this month are whole
// again after the month's rollover; the shares asked before stay as they
// were.
func TestKassaNewMonthRestoresTheMaximum(t *testing.T) {
	w := newKassaWorld(t)
	w.declare(sBen, aidCircle, 50)
	w.declare(sCid, aidCircle, 50)
	first, _ := w.approvedClaim(sAnn, sDora, aidCircle, 100)
	second := w.must(ledger.Op{Kind: ledger.OpClaim, Actor: sDora, Circle: aidCircle, Amount: mEUR(40), Text: "x"}).Need.ID
	if _, err := w.do(ledger.Op{Kind: ledger.OpApprove, Actor: sAnn, Need: second}); key(err) != "kassa.exhausted" {
		t.Fatalf("approving with the maxima used up: %v, want kassa.exhausted", err)
	}
	w.must(ledger.Op{Kind: ledger.OpRollover, Actor: ledger.ClockActor, Month: "2027-04"})
	if got := w.liveShares(first); !sameShares(got, map[ledger.UserID]int64{sBen: 50, sCid: 50}) {
		t.Fatalf("last month's shares after the rollover: %v; want them as they were", got)
	}
	shares := sharesOf(w.must(ledger.Op{Kind: ledger.OpApprove, Actor: sAnn, Need: second}))
	if !sameShares(shares, map[ledger.UserID]int64{sBen: 20, sCid: 20}) {
		t.Fatalf("shares in the new month %v; want 20 and 20", shares)
	}
	// Ben declines last month's share: it is asked anew of cid, this month,
	// from what is left of his maximum now (50 − 20).
	out := w.must(ledger.Op{Kind: ledger.OpWithdraw, Actor: sBen, Need: first})
	if len(out.Shares) != 1 || out.Shares[0].Giver != sCid || out.Shares[0].Amount != mEUR(30) || out.Shares[0].Period != "2027-04" {
		t.Fatalf("redistributed %+v; want cid's share asked anew this month, 30 EUR", out.Shares)
	}
}

// TestKassaLeavingACircleDropsTheMaximum: a member who leaves the circle's
// room gets no more shares there, and their pending shares go to the
// others; leaving the ledger drops every maximum.
func TestKassaLeavingACircleDropsTheMaximum(t *testing.T) {
	w := newKassaWorld(t)
	w.declare(sBen, aidCircle, 50)
	w.declare(sCid, aidCircle, 50)
	claim, _ := w.approvedClaim(sAnn, sDora, aidCircle, 40)
	out := w.must(ledger.Op{Kind: ledger.OpLeaveCircle, Actor: sBen, Circle: aidCircle})
	if got := sharesOf(out); !sameShares(got, map[ledger.UserID]int64{sCid: 40}) || out.Status == nil || len(out.Status.Kassa) != 0 {
		t.Fatalf("ben leaving: shares %v, status %+v; want cid's share raised to 40 and ben's maximum gone", got, out.Status)
	}
	if got := w.liveShares(claim); !sameShares(got, map[ledger.UserID]int64{sCid: 40}) {
		t.Fatalf("claim's shares after ben left: %v", got)
	}
	again := w.must(ledger.Op{Kind: ledger.OpLeaveCircle, Actor: sBen, Circle: aidCircle})
	if !again.NoChange {
		t.Errorf("leaving again changed something: %+v", again)
	}
	_, shares := w.approvedClaim(sDora, sAnn, aidCircle, 10)
	if !sameShares(shares, map[ledger.UserID]int64{sCid: 10}) {
		t.Fatalf("a claim after ben left: shares %v", shares)
	}

	// Leaving the ledger drops the maxima of every circle.
	if err := w.svc.Circles.SetMembership(w.ctx, otherCircle, sCid, true); err != nil {
		t.Fatal(err)
	}
	w.declare(sCid, otherCircle, 20)
	if out := w.must(ledger.Op{Kind: ledger.OpLeave, Actor: sCid}); out.Status == nil || len(out.Status.Kassa) != 0 {
		t.Fatalf("cid leaving: status %+v; want no maximum left", out.Status)
	}
}
