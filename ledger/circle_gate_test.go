package ledger_test

import (
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

// Only members of a circle act on that circle's own needs: its initiatives
// and kassa claims. The owner of the claim shares another circle with the
// outsider, which is not enough.
func TestOnlyMembersActOnACirclesInitiativeOrClaim(t *testing.T) {
	w := newAidWorld(t, sAnn, sBen, sCid)
	const other ledger.CircleID = "!other:test"
	if _, err := w.svc.Circles.Create(w.ctx, w.act("@founder:t"), ledger.CircleSpec{ID: other, Name: "Other"}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []ledger.UserID{sAnn, sEve} {
		if err := w.svc.Circles.SetMembership(w.ctx, other, u, true); err != nil {
			t.Fatal(err)
		}
	}
	w.must(ledger.Op{Kind: ledger.OpKassa, Actor: sBen, Amount: mEUR(50), Circle: aidCircle})
	w.must(ledger.Op{Kind: ledger.OpKassa, Actor: sEve, Amount: mEUR(50), Circle: other})
	claim := w.must(ledger.Op{Kind: ledger.OpClaim, Actor: sAnn, Amount: mEUR(30), Text: "rent", Circle: aidCircle}).Need.ID
	roof := w.initiative(sAnn, "Roof", 100, w.clock.Now().Add(10*24*time.Hour))

	refused := []ledger.Op{
		{Kind: ledger.OpApprove, Actor: sEve, Need: claim},
		{Kind: ledger.OpIntend, Actor: sEve, Need: roof.ID, Amount: mEUR(10)},
		{Kind: ledger.OpCommit, Actor: sEve, Need: roof.ID, Amount: mEUR(10)},
	}
	for _, op := range refused {
		if _, err := w.do(op); key(err) != "need.not_circle_member" || ledger.ErrorCode(err) != ledger.EForbidden {
			t.Fatalf("%s by a member of another circle: %v; want need.not_circle_member", op.Kind, err)
		}
	}
	if v := w.need(claim); v.Need.State != ledger.NeedProposed {
		t.Fatalf("the claim after refusals: %+v", v.Need)
	}
	if v := w.need(roof.ID); len(v.Promises) != 0 {
		t.Fatalf("the initiative after refusals: %+v", v.Promises)
	}
	// A member of the circle may.
	w.must(ledger.Op{Kind: ledger.OpApprove, Actor: sBen, Need: claim})
	w.must(ledger.Op{Kind: ledger.OpIntend, Actor: sCid, Need: roof.ID, Amount: mEUR(10)})
}
