package ledger_test

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

// stored is everything Check must leave alone: the book, its SQL
// projection, the recorded ops and the applied events.
type stored struct {
	book, table flatLedger
	ops         int
	applied     int
}

func (w *aidWorld) stored() stored {
	w.t.Helper()
	ops, err := w.st.Aid.Ops(w.ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	return stored{viewFlat(w.t, w.svc), projection(w.t, w.st), len(ops), w.count(`SELECT COUNT(*) FROM applied_events`)}
}

func TestCheckChangesNothing(t *testing.T) {
	w := newAidWorld(t, sAnn, sBen, sCid)
	need := w.status(sAnn, 300, 0)
	w.must(ledger.Op{Kind: ledger.OpIntend, Actor: sCid, Need: need, Amount: mEUR(40)})
	checks := []ledger.Op{
		{Kind: ledger.OpIntend, Event: "$ben-intends", Actor: sBen, Need: need, Amount: mEUR(50)},
		{Kind: ledger.OpCommit, Event: "$cid-commits", Actor: sCid, Need: need, Amount: mEUR(40)},
		{Kind: ledger.OpWithdraw, Event: "$cid-withdraws", Actor: sCid, Need: need},
		{Kind: ledger.OpStatus, Event: "$ben-red", Actor: sBen, Status: ledger.StatusRed, Amount: mEUR(90), Days: 3},
		{Kind: ledger.OpStatus, Event: "$ann-green", Actor: sAnn, Status: ledger.StatusGreen},
		{Kind: ledger.OpKassa, Event: "$ben-kassa", Actor: sBen, Amount: mEUR(20)},
		{Kind: ledger.OpLeave, Event: "$cid-leaves", Actor: sCid},
	}
	for _, op := range checks {
		before := w.stored()
		op.At = w.clock.Now()
		if err := w.svc.Aid.Check(w.ctx, op); err != nil {
			t.Fatalf("Check(%s): %v", op.Event, err)
		}
		if after := w.stored(); !reflect.DeepEqual(after, before) {
			t.Fatalf("Check(%s) changed something:\n got %+v\nwant %+v", op.Event, after, before)
		}
	}
	// Nothing was marked applied: the same events apply for real, and the
	// book and its projection agree.
	for _, op := range []ledger.Op{checks[0], checks[2]} {
		op.At = w.clock.Now()
		w.clock.Advance(time.Minute)
		if _, err := w.svc.Aid.Do(w.ctx, op); err != nil {
			t.Fatalf("Do(%s) after Check: %v", op.Event, err)
		}
	}
	if p := w.promise("$ben-intends"); p.State != ledger.PromiseIntention || p.Amount != mEUR(50) || p.UpdatedBy != "$ben-intends" {
		t.Errorf("ben's promise %+v", p)
	}
	if s := w.stored(); !reflect.DeepEqual(s.book, s.table) {
		t.Errorf("book and projection differ after Check then Do:\n book %+v\ntable %+v", s.book, s.table)
	}
}

func TestCheckRefusesAsDoWould(t *testing.T) {
	const stranger ledger.UserID = "@stranger:t"
	w := newAidWorld(t, sAnn, sBen)
	need := w.status(sAnn, 300, 0)
	w.must(ledger.Op{Kind: ledger.OpCommit, Actor: sBen, Need: need, Amount: mEUR(30)})
	cases := []struct {
		name string
		op   ledger.Op
		key  string
	}{
		{"intend on one's own need", ledger.Op{Kind: ledger.OpIntend, Actor: sAnn, Need: need, Amount: mEUR(10)}, ""},
		{"intend in another currency", ledger.Op{Kind: ledger.OpIntend, Actor: sBen, Need: need, Amount: ledger.Amount{Minor: 100, Currency: "USD"}}, ""},
		{"intend by a stranger", ledger.Op{Kind: ledger.OpIntend, Actor: stranger, Need: need, Amount: mEUR(10)}, "need.not_in_circle"},
		{"intend on no need", ledger.Op{Kind: ledger.OpIntend, Actor: sBen, Amount: mEUR(10)}, "need.reply_to_card"},
		{"intend on an unknown need", ledger.Op{Kind: ledger.OpIntend, Actor: sBen, Need: "$nope", Amount: mEUR(10)}, ""},
		{"withdraw a commitment", ledger.Op{Kind: ledger.OpWithdraw, Actor: sBen, Need: need}, ""},
		{"sent with nothing committed", ledger.Op{Kind: ledger.OpSent, Actor: sAnn}, "promise.none_open"},
		{"got with nothing sent", ledger.Op{Kind: ledger.OpGot, Actor: sAnn}, "promise.nothing_to_confirm"},
		{"forgive nobody", ledger.Op{Kind: ledger.OpForgive, Actor: sAnn}, "cmd.usage"},
		{"red without days", ledger.Op{Kind: ledger.OpStatus, Actor: sBen, Status: ledger.StatusRed, Amount: mEUR(10)}, ""},
		{"an event from the future", ledger.Op{Kind: ledger.OpStatus, Actor: sBen, Status: ledger.StatusOrange, Amount: mEUR(10),
			At: w.clock.Now().Add(ledger.MaxClockSkew + time.Minute)}, "event.future"},
	}
	for i, c := range cases {
		op := c.op
		op.Event = ledger.EventID(fmt.Sprintf("$refused%d", i))
		if op.At.IsZero() {
			op.At = w.clock.Now()
		}
		before := w.stored()
		checkErr := w.svc.Aid.Check(w.ctx, op)
		if after := w.stored(); !reflect.DeepEqual(after, before) {
			t.Errorf("%s: the refused Check changed something", c.name)
		}
		_, doErr := w.svc.Aid.Do(w.ctx, op)
		ce, de := ledger.AsError(checkErr), ledger.AsError(doErr)
		if ce == nil || de == nil || !reflect.DeepEqual(*ce, *de) {
			t.Errorf("%s: Check = %v, Do = %v; want the same refusal", c.name, checkErr, doErr)
			continue
		}
		if c.key != "" && ce.Key != c.key {
			t.Errorf("%s: refused with %s; want %s", c.name, ce.Key, c.key)
		}
	}
	if err := w.svc.Aid.Check(w.ctx, ledger.Op{Kind: ledger.OpStatus, Status: ledger.StatusGreen}); ledger.ErrorCode(err) != ledger.EInternal {
		t.Errorf("Check without an actor: %v; want an internal error", err)
	}
}

// statusOp is an op of u becoming orange for euros at minute m.
func statusOp(u ledger.UserID, m int, euros int64) ledger.Op {
	return ledger.Op{Kind: ledger.OpStatus, Event: ledger.EventID(fmt.Sprintf("$s%02d", m)), Actor: u,
		Status: ledger.StatusOrange, Amount: mEUR(euros), At: time.Date(2027, 3, 1, 8, m, 0, 0, time.UTC)}
}

// Try on a book whose journal is full keeps every entry: a late op the
// journal reached before still can be applied in place, and is.
func TestTryKeepsAFullJournal(t *testing.T) {
	const limit = 3
	b := ledger.NewBook()
	b.SetJournalLimit(limit)
	var ops []ledger.Op
	for m := 0; m < 2*limit; m++ {
		op := statusOp([]ledger.UserID{sAnn, sBen}[m%2], 10*m, int64(100+m))
		ops = append(ops, op)
		if _, err := b.Apply(op); err != nil {
			t.Fatal(err)
		}
	}
	// The journal holds the last 3 ops: minutes 30, 40, 50. An op at
	// minute 25 sorts after the last op it forgot (20): it can rewind; one
	// at minute 15 cannot.
	late, tooLate := statusOp(sCid, 25, 70), statusOp(sCid, 15, 70)
	if !b.CanRewind(late) || b.CanRewind(tooLate) {
		t.Fatalf("before Try: CanRewind = %v, %v; want true, false", b.CanRewind(late), b.CanRewind(tooLate))
	}
	before := snapshotOf(b)
	b.Changed()
	for _, op := range []ledger.Op{
		statusOp(sCid, 60, 80), // accepted
		{Kind: ledger.OpIntend, Event: "$x", Actor: sCid, Need: "$s00", Amount: mEUR(5), At: time.Date(2027, 3, 1, 9, 1, 0, 0, time.UTC)},
		{Kind: ledger.OpSent, Event: "$y", Actor: sCid, Need: "$s00", At: time.Date(2027, 3, 1, 9, 2, 0, 0, time.UTC)}, // refused
	} {
		_ = b.Try(op)
		if !b.CanRewind(late) || b.CanRewind(tooLate) {
			t.Fatalf("after Try(%s): CanRewind = %v, %v; want true, false", op.Event, b.CanRewind(late), b.CanRewind(tooLate))
		}
		if got := snapshotOf(b); !reflect.DeepEqual(got, before) {
			t.Fatalf("Try(%s) changed the book", op.Event)
		}
		if c := b.Changed(); len(c.Needs)+len(c.Promises)+len(c.Statuses)+len(c.GoneNeeds)+len(c.GonePromises)+len(c.GoneStatuses) != 0 {
			t.Fatalf("after Try(%s), Changed reports %+v; want nothing", op.Event, c)
		}
	}
	if _, err := b.ApplyLate(late); err != nil {
		t.Fatal(err)
	}
	if got, want := snapshotOf(b), snapshotOf(foldSorted(append(ops, late))); !reflect.DeepEqual(got, want) {
		t.Errorf("after Try and ApplyLate, the book is not the canonical fold")
	}
}

// Try leaves what Changed reports of ops applied before it as it was.
func TestTryKeepsPendingChanges(t *testing.T) {
	b := ledger.NewBook()
	if _, err := b.Apply(statusOp(sAnn, 0, 100)); err != nil {
		t.Fatal(err)
	}
	b.Changed()
	if _, err := b.Apply(statusOp(sBen, 1, 50)); err != nil {
		t.Fatal(err)
	}
	if err := b.Try(ledger.Op{Kind: ledger.OpIntend, Event: "$try", Actor: sCid, Need: "$s00", Amount: mEUR(5),
		At: time.Date(2027, 3, 1, 8, 2, 0, 0, time.UTC)}); err != nil {
		t.Fatalf("Try: %v", err)
	}
	c := b.Changed()
	if len(c.Needs) != 1 || c.Needs[0].ID != "$s01" || len(c.Statuses) != 1 || c.Statuses[0].Member != sBen ||
		len(c.Promises)+len(c.GoneNeeds)+len(c.GonePromises)+len(c.GoneStatuses) != 0 {
		t.Errorf("Changed after Try = %+v; want ben's status and need only", c)
	}
}

// wantErr fails the test unless err is a ledger error of code and key.
func wantErr(t *testing.T, what string, err error, code ledger.Code, key string) {
	t.Helper()
	e := ledger.AsError(err)
	if e == nil || e.Code != code || e.Key != key {
		t.Errorf("%s: error %v; want %s %s", what, err, code, key)
	}
}

// count runs a COUNT(*) query on the world's database.
func (w *aidWorld) count(query string, args ...any) int {
	w.t.Helper()
	var n int
	if err := w.st.DB().QueryRow(w.ctx, query, args...).Scan(&n); err != nil {
		w.t.Fatal(err)
	}
	return n
}
