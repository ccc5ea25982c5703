package ledger_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

const sEve ledger.UserID = "@eve:t"

// initiative opens an initiative of u for euros, ending at until, and
// returns it.
func (w *aidWorld) initiative(u ledger.UserID, title string, euros int64, until time.Time) *ledger.Need {
	w.t.Helper()
	out := w.must(ledger.Op{Kind: ledger.OpInitiative, Actor: u, Text: title, Amount: mEUR(euros), Until: until, Circle: aidCircle})
	if out.Need == nil {
		w.t.Fatalf("initiative %q: no need in the outcome", title)
	}
	return out.Need
}

// need returns the view of need id.
func (w *aidWorld) need(id ledger.NeedID) *ledger.NeedView {
	w.t.Helper()
	v, err := w.svc.Aid.Need(w.ctx, id)
	if err != nil {
		w.t.Fatal(err)
	}
	return v
}

// promiseStates returns the state of each promise, by giver.
func (w *aidWorld) promiseStates(ids map[ledger.UserID]ledger.PromiseID) map[ledger.UserID]ledger.PromiseState {
	w.t.Helper()
	got := map[ledger.UserID]ledger.PromiseState{}
	for u, id := range ids {
		got[u] = w.promise(id).State
	}
	return got
}

// TestInitiativeReachedFundedDone follows an initiative from its opening:
// intentions reach its price once, commitments fund it once, and the
// initiator marks it done with a report, releasing the intentions left and
// keeping the commitments owed.
func TestInitiativeReachedFundedDone(t *testing.T) {
	w := newAidWorld(t, sAnn, sBen, sCid, sDora, sEve)
	until := w.clock.Now().Add(10 * 24 * time.Hour)
	n := w.initiative(sAnn, "New roof", 100, until)
	if n.Kind != ledger.NeedInitiative || n.Owner != sAnn || n.Title != "New roof" || n.Target != mEUR(100) ||
		!n.Deadline.Equal(until) || n.Circle != aidCircle || n.State != ledger.NeedOpen || !n.ReachedAt.IsZero() || !n.FundedAt.IsZero() {
		t.Fatalf("initiative %+v", n)
	}

	ids := map[ledger.UserID]ledger.PromiseID{}
	step := func(name string, op ledger.Op, reached, funded bool) {
		t.Helper()
		op.Need = n.ID
		out := w.must(op)
		if out.Reached != reached || out.Funded != funded {
			t.Fatalf("%s: reached %v, funded %v; want %v, %v", name, out.Reached, out.Funded, reached, funded)
		}
		if out.Need == nil || out.Need.ID != n.ID {
			t.Fatalf("%s: outcome need %+v", name, out.Need)
		}
		if out.Promise != nil {
			ids[op.Actor] = out.Promise.ID
		}
	}
	step("ben intends 60", ledger.Op{Kind: ledger.OpIntend, Actor: sBen, Amount: mEUR(60)}, false, false)
	step("cid intends 30", ledger.Op{Kind: ledger.OpIntend, Actor: sCid, Amount: mEUR(30)}, false, false)
	step("cid raises to 40: reached", ledger.Op{Kind: ledger.OpIntend, Actor: sCid, Amount: mEUR(40)}, true, false)
	reachedAt := w.need(n.ID).Need.ReachedAt
	if reachedAt.IsZero() {
		t.Fatal("ReachedAt not set")
	}
	step("eve intends 10: not reached again", ledger.Op{Kind: ledger.OpIntend, Actor: sEve, Amount: mEUR(10)}, false, false)
	step("ben commits his 60", ledger.Op{Kind: ledger.OpCommit, Actor: sBen}, false, false)
	step("cid commits 40: funded", ledger.Op{Kind: ledger.OpCommit, Actor: sCid}, false, true)
	step("dora commits 5: not funded again", ledger.Op{Kind: ledger.OpCommit, Actor: sDora, Amount: mEUR(5)}, false, false)
	v := w.need(n.ID)
	if !v.Need.ReachedAt.Equal(reachedAt) || v.Need.FundedAt.IsZero() || v.Need.State != ledger.NeedOpen {
		t.Fatalf("after funding: %+v", v.Need)
	}
	if v.Totals.Intended != mEUR(10) || v.Totals.Committed != mEUR(105) || v.Totals.Missing.Minor != 0 {
		t.Errorf("totals %+v", v.Totals)
	}

	// Only the initiator may mark it done.
	_, err := w.do(ledger.Op{Kind: ledger.OpDone, Actor: sBen, Need: n.ID, Text: "done!"})
	if key(err) != "initiative.not_initiator" || ledger.ErrorCode(err) != ledger.EForbidden {
		t.Fatalf("done by a backer: %v", err)
	}
	if e := ledger.AsError(err); fmt.Sprint(e.Args) != fmt.Sprint([]any{sAnn}) {
		t.Errorf("not_initiator args %v, want the initiator", e.Args)
	}
	long := strings.Repeat("я", ledger.MaxInitiativeReportRunes+1)
	if _, err := w.do(ledger.Op{Kind: ledger.OpDone, Actor: sAnn, Need: n.ID, Text: long}); key(err) != "cmd.text_too_long" {
		t.Fatalf("done with a long report: %v", err)
	}
	if w.need(n.ID).Need.State != ledger.NeedOpen {
		t.Fatal("a refused done changed the initiative")
	}

	report := "Roof fixed.\nReceipts in the thread."
	out := w.must(ledger.Op{Kind: ledger.OpDone, Actor: sAnn, Need: n.ID, Text: report})
	if out.Need == nil || out.Need.State != ledger.NeedDone || out.Need.Report != report || out.Need.ClosedAt.IsZero() {
		t.Fatalf("done outcome need %+v", out.Need)
	}
	if len(out.Closed) != 1 || out.Closed[0].ID != n.ID {
		t.Errorf("closed %+v", out.Closed)
	}
	if len(out.Affected) != 1 || out.Affected[0].Giver != sEve || out.Affected[0].State != ledger.PromiseReleased {
		t.Errorf("affected %+v, want eve's intention released", out.Affected)
	}
	want := map[ledger.UserID]ledger.PromiseState{
		sBen: ledger.PromiseCommitment, sCid: ledger.PromiseCommitment, sDora: ledger.PromiseCommitment, sEve: ledger.PromiseReleased,
	}
	if got := w.promiseStates(ids); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("promises after done %v, want %v", got, want)
	}
	if _, err := w.do(ledger.Op{Kind: ledger.OpDone, Actor: sAnn, Need: n.ID}); key(err) != "need.closed" {
		t.Errorf("done twice: %v", err)
	}
	if _, err := w.do(ledger.Op{Kind: ledger.OpIntend, Actor: sEve, Need: n.ID, Amount: mEUR(5)}); key(err) != "need.closed" {
		t.Errorf("intend toward a done initiative: %v", err)
	}
	// Commitments stay owed, and are fulfilled as usual.
	w.must(ledger.Op{Kind: ledger.OpSent, Actor: sBen, Need: n.ID})
	w.must(ledger.Op{Kind: ledger.OpGot, Actor: sAnn, Need: n.ID, Giver: sBen})
	if p := w.promise(ids[sBen]); p.State != ledger.PromiseFulfilled {
		t.Errorf("ben's commitment after got: %s", p.State)
	}

	// Everything survives a restart (the book is replayed from the ops).
	v2, err := w.reopen().Aid.Need(w.ctx, n.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v2.Need.State != ledger.NeedDone || v2.Need.Report != report || v2.Need.Title != "New roof" ||
		v2.Need.Circle != aidCircle || !v2.Need.Deadline.Equal(until) || !v2.Need.ReachedAt.Equal(reachedAt) || v2.Need.FundedAt.IsZero() {
		t.Errorf("after a restart: %+v", v2.Need)
	}
}

// TestInitiativeExpiresUnfunded: an initiative not funded by its deadline
// expires, and every promise toward it, commitments included, is released.
func TestInitiativeExpiresUnfunded(t *testing.T) {
	w := newAidWorld(t, sAnn, sBen, sCid)
	until := time.Date(2027, 3, 11, 0, 0, 0, 0, time.UTC)
	n := w.initiative(sAnn, "Garden", 100, until)
	com := w.must(ledger.Op{Kind: ledger.OpCommit, Actor: sBen, Need: n.ID, Amount: mEUR(50)}).Promise.ID
	in := w.must(ledger.Op{Kind: ledger.OpIntend, Actor: sCid, Need: n.ID, Amount: mEUR(30)}).Promise.ID

	w.advanceTo(until.Add(-time.Minute))
	if ops := w.clockOps(); len(ops) != 0 {
		t.Fatalf("clock ops before the deadline: %+v", ops)
	}
	w.advanceTo(until)
	ops := w.clockOps()
	if len(ops) != 1 || ops[0].Kind != ledger.OpDeadline || ops[0].Need != n.ID || !ops[0].At.Equal(until) || ops[0].Actor != ledger.ClockActor {
		t.Fatalf("clock ops at the deadline: %+v", ops)
	}
	if again := w.clockOps(); len(again) != 0 {
		t.Fatalf("deadline twice: %+v", again)
	}
	// (An op at the very millisecond of the deadline would sort before the
	// clock's, whose event ID sorts last.)
	w.clock.Advance(time.Minute)
	v := w.need(n.ID)
	if v.Need.State != ledger.NeedExpired || !v.Need.ClosedAt.Equal(until) {
		t.Errorf("initiative after its deadline: %+v", v.Need)
	}
	for _, id := range []ledger.PromiseID{com, in} {
		if p := w.promise(id); p.State != ledger.PromiseReleased || p.Overdue {
			t.Errorf("promise %+v, want released", p)
		}
	}
	if _, err := w.do(ledger.Op{Kind: ledger.OpDone, Actor: sAnn, Need: n.ID}); key(err) != "need.closed" {
		t.Errorf("done after expiry: %v", err)
	}
	if _, err := w.do(ledger.Op{Kind: ledger.OpCommit, Actor: sCid, Need: n.ID}); key(err) != "need.past_deadline" {
		t.Errorf("commit after expiry: %v", err)
	}
	if st, _ := w.svc.Aid.StatusOf(w.ctx, sAnn); st.Status != ledger.StatusGreen {
		t.Errorf("an initiative changed the initiator's status: %+v", st)
	}
}

// TestInitiativeDeadlineBelowMillisecond: a deadline given finer than the
// millisecond (op times are kept in milliseconds) still expires the
// initiative.
func TestInitiativeDeadlineBelowMillisecond(t *testing.T) {
	w := newAidWorld(t, sAnn, sBen)
	until := time.Date(2027, 3, 11, 0, 0, 0, 123456, time.UTC)
	n := w.initiative(sAnn, "Garden", 100, until)
	w.advanceTo(until.Add(time.Hour))
	if ops := w.clockOps(); len(ops) != 1 || ops[0].Kind != ledger.OpDeadline {
		t.Fatalf("clock ops %+v", ops)
	}
	if v := w.need(n.ID); v.Need.State != ledger.NeedExpired {
		t.Errorf("initiative with a sub-millisecond deadline is %s, want expired", v.Need.State)
	}
	if again := w.clockOps(); len(again) != 0 {
		t.Errorf("deadline due again: %+v", again)
	}
}

// TestInitiativeFundedOutlivesDeadline: once funded, an initiative's
// deadline changes nothing; it stays open until the initiator marks it
// done.
func TestInitiativeFundedOutlivesDeadline(t *testing.T) {
	w := newAidWorld(t, sAnn, sBen, sCid)
	until := time.Date(2027, 3, 11, 0, 0, 0, 0, time.UTC)
	n := w.initiative(sAnn, "Garden", 100, until)
	in := w.must(ledger.Op{Kind: ledger.OpIntend, Actor: sCid, Need: n.ID, Amount: mEUR(20)}).Promise.ID
	out := w.must(ledger.Op{Kind: ledger.OpCommit, Actor: sBen, Need: n.ID, Amount: mEUR(100)})
	if !out.Reached || !out.Funded {
		t.Fatalf("one commitment of the whole price: reached %v, funded %v; want both", out.Reached, out.Funded)
	}
	com := out.Promise.ID

	w.advanceTo(until.Add(24 * time.Hour))
	if ops := w.clockOps(); len(ops) != 0 {
		t.Fatalf("clock ops for a funded initiative: %+v", ops)
	}
	// A deadline op recorded anyway (by an older bot) is moot.
	late := ledger.Op{Kind: ledger.OpDeadline, Event: "tick:deadline:late", Actor: ledger.ClockActor, At: until, Need: n.ID}
	if _, err := w.svc.Aid.Do(w.ctx, late); key(err) != "cycle.deadline_moot" {
		t.Errorf("deadline of a funded initiative: %v", err)
	}
	v := w.need(n.ID)
	if v.Need.State != ledger.NeedOpen {
		t.Errorf("funded initiative after its deadline: %+v", v.Need)
	}
	if p := w.promise(com); p.State != ledger.PromiseCommitment || p.Overdue {
		t.Errorf("commitment %+v, want still owed", p)
	}
	if p := w.promise(in); p.State != ledger.PromiseIntention {
		t.Errorf("intention %+v, want kept", p)
	}
	done := w.must(ledger.Op{Kind: ledger.OpDone, Actor: sAnn, Need: n.ID})
	if done.Need.State != ledger.NeedDone || done.Need.Report != "" {
		t.Errorf("done without a report: %+v", done.Need)
	}
	if p := w.promise(in); p.State != ledger.PromiseReleased {
		t.Errorf("intention after done: %s", p.State)
	}
}

// TestInitiativeSurvivesRollover: a month's rollover neither expires the
// intentions toward an initiative nor marks its commitments overdue; it
// lives by its own deadline.
func TestInitiativeSurvivesRollover(t *testing.T) {
	w := newAidWorld(t, sAnn, sBen, sCid, sDora)
	until := time.Date(2027, 4, 16, 0, 0, 0, 0, time.UTC)
	n := w.initiative(sAnn, "Library", 100, until)
	orange := w.status(sDora, 50, 0)
	in := w.must(ledger.Op{Kind: ledger.OpIntend, Actor: sBen, Need: n.ID, Amount: mEUR(30)}).Promise.ID
	com := w.must(ledger.Op{Kind: ledger.OpCommit, Actor: sCid, Need: n.ID, Amount: mEUR(20)}).Promise.ID
	other := w.must(ledger.Op{Kind: ledger.OpIntend, Actor: sBen, Need: orange, Amount: mEUR(10)}).Promise.ID

	w.advanceTo(time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC))
	ops := w.clockOps()
	if len(ops) != 1 || ops[0].Kind != ledger.OpRollover {
		t.Fatalf("clock ops at the month's end: %+v", ops)
	}
	if p := w.promise(other); p.State != ledger.PromiseExpired {
		t.Errorf("intention toward an orange need is %s, want expired", p.State)
	}
	if p := w.promise(in); p.State != ledger.PromiseIntention {
		t.Errorf("intention toward the initiative is %s, want kept", p.State)
	}
	if p := w.promise(com); p.State != ledger.PromiseCommitment || p.Overdue {
		t.Errorf("commitment toward the initiative %+v, want owed, not overdue", p)
	}
	if v := w.need(n.ID); v.Totals.Intended != mEUR(30) || v.Totals.Committed != mEUR(20) || v.Need.State != ledger.NeedOpen {
		t.Errorf("initiative after the rollover: %+v, %+v", v.Need, v.Totals)
	}
	// Last month's intention still counts toward reaching the price.
	if out := w.must(ledger.Op{Kind: ledger.OpIntend, Actor: sDora, Need: n.ID, Amount: mEUR(50)}); !out.Reached {
		t.Errorf("30 intended + 20 committed + 50 intended: not reached")
	}
	w.advanceTo(until)
	ops = w.clockOps()
	if len(ops) != 1 || ops[0].Kind != ledger.OpDeadline || ops[0].Need != n.ID {
		t.Fatalf("clock ops at the deadline: %+v", ops)
	}
	if v := w.need(n.ID); v.Need.State != ledger.NeedExpired || v.Totals.Givers != 0 {
		t.Errorf("reached but unfunded initiative after its deadline: %+v, %+v", v.Need, v.Totals)
	}
}

// TestInitiativeRules checks what an initiative op may be, and who may
// promise toward one or mark it done.
func TestInitiativeRules(t *testing.T) {
	w := newAidWorld(t, sAnn, sBen)
	day := 24 * time.Hour
	for _, c := range []struct {
		name   string
		title  string
		amount ledger.Amount
		until  time.Duration // from now
		key    string
		args   []any
	}{
		{"deadline now", "x", mEUR(10), 0, "initiative.past", nil},
		{"deadline past", "x", mEUR(10), -time.Hour, "initiative.past", nil},
		{"deadline a millisecond ahead", "x", mEUR(10), time.Millisecond, "", nil},
		{"deadline too far", "x", mEUR(10), ledger.MaxInitiativeDays*day + time.Millisecond, "initiative.too_far", []any{ledger.MaxInitiativeDays}},
		{"deadline at the limit", "x", mEUR(10), ledger.MaxInitiativeDays * day, "", nil},
		{"no title", "", mEUR(10), day, "cmd.usage", []any{ledger.VerbInitiative}},
		{"title too long", strings.Repeat("ж", ledger.MaxInitiativeTitleRunes+1), mEUR(10), day,
			"cmd.text_too_long", []any{ledger.MaxInitiativeTitleRunes}},
		{"title at the limit", strings.Repeat("ж", ledger.MaxInitiativeTitleRunes), mEUR(10), day, "", nil},
		{"no price", "x", ledger.Amount{}, day, "amount.zero", nil},
		{"negative price", "x", ledger.Amount{Minor: -100, Currency: "EUR"}, day, "amount.zero", nil},
	} {
		until := w.clock.Now().Add(c.until)
		_, err := w.do(ledger.Op{Kind: ledger.OpInitiative, Actor: sAnn, Text: c.title, Amount: c.amount, Until: until, Circle: aidCircle})
		if key(err) != c.key {
			t.Errorf("%s: %v, want %q", c.name, err, c.key)
			continue
		}
		if e := ledger.AsError(err); e != nil && fmt.Sprint(e.Args) != fmt.Sprint(c.args) {
			t.Errorf("%s: args %v, want %v", c.name, e.Args, c.args)
		}
	}

	n := w.initiative(sAnn, "Mine", 100, w.clock.Now().Add(day))
	for _, k := range []ledger.OpKind{ledger.OpIntend, ledger.OpCommit} {
		if _, err := w.do(ledger.Op{Kind: k, Actor: sAnn, Need: n.ID, Amount: mEUR(10)}); key(err) != "promise.self" {
			t.Errorf("initiator %s toward their own initiative: %v", k, err)
		}
	}
	if _, err := w.do(ledger.Op{Kind: ledger.OpIntend, Actor: sBen, Need: n.ID, Amount: mEUR(101)}); key(err) != "promise.over_target" {
		t.Errorf("intention over the price: %v", err)
	}
	orange := w.status(sAnn, 50, 0)
	for _, id := range []ledger.NeedID{orange, "$nope"} {
		if _, err := w.do(ledger.Op{Kind: ledger.OpDone, Actor: sAnn, Need: id}); key(err) != "initiative.not_found" {
			t.Errorf("done of %s: %v", id, err)
		}
	}
}
