package ledger_test

import (
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

// clockOps applies every clock op due now and returns them.
func (w *aidWorld) clockOps() []ledger.Op {
	w.t.Helper()
	ops, err := w.svc.Aid.DueClockOps(w.ctx, w.clock.Now())
	if err != nil {
		w.t.Fatal(err)
	}
	for _, op := range ops {
		if _, err := w.svc.Aid.Do(w.ctx, op); err != nil && !ledger.IsDuplicate(err) {
			w.t.Fatalf("%+v: %v", op, err)
		}
	}
	return ops
}

// advanceTo moves the world's clock to t.
func (w *aidWorld) advanceTo(t time.Time) {
	if d := t.Sub(w.clock.Now()); d > 0 {
		w.clock.Advance(d)
	}
}

// TestRolloverExpiresRenewsAndMarksOverdue: at the month's end an
// intention expires, a confirmed commitment is renewed as next month's
// intention, an unfulfilled one becomes overdue and can still be fulfilled,
// and the need's figures start the new month afresh.
func TestRolloverExpiresRenewsAndMarksOverdue(t *testing.T) {
	w := newAidWorld(t, sAnn, sBen, sCid, sDora)
	need := w.status(sAnn, 100, 0)
	intention := w.must(ledger.Op{Kind: ledger.OpIntend, Actor: sBen, Need: need, Amount: mEUR(30)}).Promise.ID
	paid := w.must(ledger.Op{Kind: ledger.OpCommit, Actor: sCid, Need: need, Amount: mEUR(50)}).Promise.ID
	w.must(ledger.Op{Kind: ledger.OpSent, Actor: sCid, Need: need})
	w.must(ledger.Op{Kind: ledger.OpGot, Actor: sAnn, Need: need, Giver: sCid})
	owed := w.must(ledger.Op{Kind: ledger.OpCommit, Actor: sDora, Need: need, Amount: mEUR(20)}).Promise.ID

	if ops := w.clockOps(); len(ops) != 0 {
		t.Fatalf("clock ops within the month: %+v", ops)
	}
	w.advanceTo(time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC))
	ops := w.clockOps()
	if len(ops) != 1 || ops[0].Month != "2027-04" || ops[0].Event != "tick:rollover:2027-04" {
		t.Fatalf("rollover ops = %+v", ops)
	}
	if again := w.clockOps(); len(again) != 0 {
		t.Fatalf("the same month rolled over twice: %+v", again)
	}
	if p := w.promise(intention); p.State != ledger.PromiseExpired {
		t.Errorf("intention is %s, want expired", p.State)
	}
	if p := w.promise(owed); p.State != ledger.PromiseCommitment || !p.Overdue {
		t.Errorf("unfulfilled commitment %+v, want overdue and still owed", p)
	}
	if p := w.promise(paid); p.State != ledger.PromiseFulfilled || p.Period != "" {
		t.Errorf("last month's fulfilled commitment %+v", p)
	}
	renewed := w.promise(ledger.PromiseID("tick:rollover:2027-04/" + string(need) + "/" + string(sCid)))
	if renewed == nil || renewed.State != ledger.PromiseIntention || !renewed.Renewed || renewed.Amount != mEUR(50) || renewed.Period != "2027-04" {
		t.Fatalf("renewed intention %+v, want cid's 50 EUR as this month's intention", renewed)
	}
	v, err := w.svc.Aid.Need(w.ctx, need)
	if err != nil {
		t.Fatal(err)
	}
	if v.Totals.Intended != mEUR(50) || v.Totals.Committed.Minor != 0 || v.Totals.Missing != mEUR(100) {
		t.Errorf("new month's figures %+v", v.Totals)
	}
	// The overdue commitment can still be fulfilled; ben may promise anew.
	w.must(ledger.Op{Kind: ledger.OpSent, Actor: sDora, Need: need})
	w.must(ledger.Op{Kind: ledger.OpGot, Actor: sAnn, Need: need, Giver: sDora})
	if p := w.promise(owed); p.State != ledger.PromiseFulfilled {
		t.Errorf("overdue commitment after got: %s", p.State)
	}
	w.must(ledger.Op{Kind: ledger.OpIntend, Actor: sBen, Need: need, Amount: mEUR(10)})
}

// TestClockOpsCatchUpOnceEach: months missed while the bot was down are
// rolled over once each, in order, when it is back; a red collection whose
// days passed expires, its commitments stay owed as overdue, and its owner
// returns to the status before.
func TestClockOpsCatchUpOnceEach(t *testing.T) {
	w := newAidWorld(t, sAnn, sBen)
	w.status(sAnn, 100, 0)
	red := w.status(sAnn, 200, 3)
	com := w.must(ledger.Op{Kind: ledger.OpCommit, Actor: sBen, Need: red, Amount: mEUR(60)}).Promise.ID
	w.advanceTo(time.Date(2027, 6, 2, 0, 0, 0, 0, time.UTC))
	ops := w.clockOps()
	var kinds []string
	for _, op := range ops {
		kinds = append(kinds, string(op.Kind)+":"+op.Month)
	}
	want := []string{"deadline:", "rollover:2027-04", "rollover:2027-05", "rollover:2027-06"}
	if len(kinds) != len(want) {
		t.Fatalf("clock ops %v, want %v", kinds, want)
	}
	for i := range want {
		if kinds[i] != want[i] {
			t.Fatalf("clock ops %v, want %v", kinds, want)
		}
	}
	if again := w.clockOps(); len(again) != 0 {
		t.Fatalf("caught up twice: %+v", again)
	}
	v, _ := w.svc.Aid.Need(w.ctx, red)
	if v.Need.State != ledger.NeedExpired {
		t.Errorf("red collection is %s, want expired", v.Need.State)
	}
	if p := w.promise(com); p.State != ledger.PromiseCommitment || !p.Overdue {
		t.Errorf("commitment %+v, want owed and overdue", p)
	}
	if st, _ := w.svc.Aid.StatusOf(w.ctx, sAnn); st.Status != ledger.StatusOrange {
		t.Errorf("status after the deadline %+v, want orange again", st)
	}
}

// TestMonthlyDigestsGoOnceToThoseWhoOwe: the reminder goes once a month,
// RemindDays before its end, to members with something pending only.
func TestMonthlyDigestsGoOnceToThoseWhoOwe(t *testing.T) {
	w := newAidWorld(t, sAnn, sBen, sCid, sDora)
	need := w.status(sAnn, 100, 0)
	w.must(ledger.Op{Kind: ledger.OpIntend, Actor: sBen, Need: need, Amount: mEUR(30)})
	w.must(ledger.Op{Kind: ledger.OpCommit, Actor: sCid, Need: need, Amount: mEUR(40)})
	w.must(ledger.Op{Kind: ledger.OpSent, Actor: sCid, Need: need})
	if ds, err := w.svc.Aid.MonthlyDigests(w.ctx, w.clock.Now()); err != nil || len(ds) != 0 {
		t.Fatalf("digests before the reminder day: %+v %v", ds, err)
	}
	w.advanceTo(time.Date(2027, 3, 29, 0, 0, 0, 0, time.UTC)) // 3 days before April
	ds, err := w.svc.Aid.MonthlyDigests(w.ctx, w.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	got := map[ledger.UserID]string{}
	for _, d := range ds {
		got[d.Member] = ""
		if len(d.Convert) > 0 {
			got[d.Member] += "convert "
		}
		if len(d.Fulfil) > 0 {
			got[d.Member] += "fulfil "
		}
		if len(d.Confirm) > 0 {
			got[d.Member] += "confirm "
		}
	}
	want := map[ledger.UserID]string{sBen: "convert ", sAnn: "confirm "}
	if len(got) != len(want) || got[sBen] != want[sBen] || got[sAnn] != want[sAnn] {
		t.Fatalf("digests %v, want %v (cid sent already, dora owes nothing)", got, want)
	}
	if again, err := w.svc.Aid.MonthlyDigests(w.ctx, w.clock.Now()); err != nil || len(again) != 0 {
		t.Fatalf("second reminder in the same month: %+v %v", again, err)
	}
}
