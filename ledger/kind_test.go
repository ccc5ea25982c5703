package ledger_test

import (
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
)

// Help in kind: needs and promises in hours and in things follow the same
// lifecycle as money; the kassa, clearing, pledges and initiatives take
// money only.

func hrs(n int64) ledger.Amount { return ledger.Amount{Minor: n * 100, Currency: ledger.Hours} }
func things(n int64) ledger.Amount {
	return ledger.Amount{Minor: n, Currency: ledger.Items}
}

// kindScene is a book where the owner asks for 4 h a month and the red
// member for "a lift to the hospital" within 2 days.
func kindScene(t *testing.T) *rulesScene {
	s := &rulesScene{t: t, b: ledger.NewBook(), at: newRulesScene(t).at}
	s.must(ledger.Op{Kind: ledger.OpStatus, Event: ledger.EventID(rOrange), Actor: rOwner,
		Status: ledger.StatusOrange, Amount: hrs(4)})
	s.must(ledger.Op{Kind: ledger.OpStatus, Event: ledger.EventID(rRedN), Actor: rRed,
		Status: ledger.StatusRed, Amount: things(1), Days: 2, Text: "a lift to the hospital"})
	return s
}

// try applies op and returns the refusal, if any.
func (s *rulesScene) try(op ledger.Op) error {
	out, err := s.b.Apply(s.op(op))
	s.last = out
	return err
}

func TestHoursNeedProgressesWithHours(t *testing.T) {
	s := kindScene(t)
	s.must(ledger.Op{Kind: ledger.OpIntend, Actor: rGiver, Need: rOrange, Amount: hrs(2), Default: mEUR(100)})
	s.must(ledger.Op{Kind: ledger.OpCommit, Actor: rGiver, Need: rOrange, Default: mEUR(100)})
	s.must(ledger.Op{Kind: ledger.OpCommit, Actor: rOther, Need: rOrange, Amount: ledger.Amount{Minor: 150, Currency: ledger.Hours}})
	s.must(sent(rGiver, rOrange))
	s.must(got(rOwner, rOrange, rGiver))
	tot := s.b.TotalsOf(rOrange)
	want := ledger.Totals{Target: hrs(4), Intended: hrs(0), Committed: ledger.Amount{Minor: 350, Currency: ledger.Hours},
		Confirmed: hrs(2), Missing: ledger.Amount{Minor: 50, Currency: ledger.Hours}, Givers: 2}
	if tot != want {
		t.Errorf("totals = %+v; want %+v", tot, want)
	}
}

func TestHeartMeansOneHour(t *testing.T) {
	s := kindScene(t)
	s.must(ledger.Op{Kind: ledger.OpIntend, Actor: rGiver, Need: rOrange, Default: mEUR(100), Reaction: "$heart"})
	if p := s.last.Promise; p == nil || p.Amount != hrs(1) {
		t.Errorf("a heart made %+v; want an intention of 1 h", s.last.Promise)
	}
}

func TestThingNeedIsCountedAndCloses(t *testing.T) {
	s := kindScene(t)
	n, _ := s.b.Need(rRedN)
	if n.Title != "a lift to the hospital" || n.Target != things(1) {
		t.Fatalf("need = %+v; want the lift, one thing", n)
	}
	// A bare commit is the one thing asked for.
	s.must(ledger.Op{Kind: ledger.OpCommit, Actor: rGiver, Need: rRedN, Default: mEUR(100)})
	if p := s.last.Promise; p == nil || p.Amount != things(1) {
		t.Fatalf("commit made %+v; want one thing", s.last.Promise)
	}
	s.must(sent(rGiver, rRedN))
	s.must(got(rRed, rRedN, rGiver))
	if n, _ := s.b.Need(rRedN); n.State != ledger.NeedClosed {
		t.Errorf("need state %s; want closed once the lift is confirmed", n.State)
	}
	if st := s.b.StatusOf(rRed); st.Status != ledger.StatusGreen {
		t.Errorf("status %s; want green again", st.Status)
	}
}

func TestMixingUnitsIsRefused(t *testing.T) {
	s := kindScene(t)
	cases := []struct {
		name string
		op   ledger.Op
		key  string
	}{
		{"money toward an hours need", intend(rGiver, rOrange, 20), "promise.in_hours"},
		{"things toward an hours need", ledger.Op{Kind: ledger.OpIntend, Actor: rGiver, Need: rOrange, Amount: things(1)}, "promise.in_hours"},
		{"hours toward a need of things", ledger.Op{Kind: ledger.OpCommit, Actor: rGiver, Need: rRedN, Amount: hrs(1)}, "promise.in_items"},
		{"two lifts toward one", ledger.Op{Kind: ledger.OpCommit, Actor: rGiver, Need: rRedN, Amount: things(2)}, "promise.over_target"},
		{"more hours than asked", ledger.Op{Kind: ledger.OpIntend, Actor: rGiver, Need: rOrange, Amount: hrs(5)}, "promise.over_target"},
	}
	for _, c := range cases {
		before := s.b.TotalsOf(c.op.Need)
		wantErr(t, c.name, s.try(c.op), ledger.EInvalid, c.key)
		if after := s.b.TotalsOf(c.op.Need); after != before {
			t.Errorf("%s changed the totals: %+v → %+v", c.name, before, after)
		}
	}
	// And money toward a money need names the currency, as before.
	s.must(status(rOther, ledger.StatusOrange, 100, 0))
	wantErr(t, "hours toward money", s.try(ledger.Op{Kind: ledger.OpIntend, Actor: rGiver, Need: s.last.Need.ID, Amount: hrs(1)}),
		ledger.EInvalid, "promise.currency")
}

func TestStatusInKind(t *testing.T) {
	s := kindScene(t)
	wantErr(t, "things without saying what", s.try(ledger.Op{Kind: ledger.OpStatus, Actor: rOther,
		Status: ledger.StatusOrange, Amount: things(2)}), ledger.EInvalid, "status.thing_needed")
	wantErr(t, "a thing beside money", s.try(ledger.Op{Kind: ledger.OpStatus, Actor: rOther,
		Status: ledger.StatusOrange, Amount: mEUR(2), Text: "a bed"}), ledger.EInvalid, "cmd.usage")
	wantErr(t, "the same hours again", s.try(ledger.Op{Kind: ledger.OpStatus, Actor: rOwner,
		Status: ledger.StatusOrange, Amount: hrs(4)}), ledger.EConflict, "status.unchanged")
	// Another thing starts a new collection: promises toward the lift
	// cannot count toward a bed.
	s.must(ledger.Op{Kind: ledger.OpCommit, Actor: rGiver, Need: rRedN})
	s.must(ledger.Op{Kind: ledger.OpStatus, Actor: rRed, Status: ledger.StatusRed, Amount: things(1), Days: 3, Text: "a bed"})
	if n, _ := s.b.Need(rRedN); n.State != ledger.NeedArchived {
		t.Errorf("the lift's need is %s; want archived by the bed", n.State)
	}
	if s.last.Need == nil || s.last.Need.Title != "a bed" || s.last.Need.ID == rRedN {
		t.Errorf("new need %+v; want a new one for the bed", s.last.Need)
	}
}

func TestMoneyOnlyPlaces(t *testing.T) {
	s := kindScene(t)
	until := s.at.Add(72 * 3600e9)
	cases := []struct {
		name string
		op   ledger.Op
	}{
		{"kassa maximum in hours", ledger.Op{Kind: ledger.OpKassa, Actor: rOther, Amount: hrs(3), Circle: "!c:t"}},
		{"claim on the kassa in things", ledger.Op{Kind: ledger.OpClaim, Actor: rOther, Amount: things(1), Text: "a bed", Circle: "!c:t"}},
		{"initiative priced in hours", ledger.Op{Kind: ledger.OpInitiative, Actor: rOther, Amount: hrs(10), Text: "a garden",
			Until: until, Circle: "!c:t"}},
		{"clearing a cycle of hours", ledger.Op{Kind: ledger.OpAgree, Actor: rOther, Cycle: &ledger.Cycle{
			Members: []ledger.UserID{rOther, rGiver}, Debts: []ledger.PromiseID{"$a", "$b"}, Reduce: hrs(1)}}},
	}
	for _, c := range cases {
		wantErr(t, c.name, s.try(c.op), ledger.EInvalid, "amount.money_only")
	}
}

func TestCircleCreatedWithAPledgeInKindIsRefused(t *testing.T) {
	w := newAidWorld(t)
	_, err := w.svc.Circles.Create(w.ctx, ledger.Action{Event: "$c", Actor: "@a:t", At: w.svc.Now()},
		ledger.CircleSpec{ID: "!kind:t", Name: "Kind", Pledge: hrs(2)})
	wantErr(t, "a circle pledging hours", err, ledger.EInvalid, "amount.money_only")
}

func TestClearingLeavesHelpInKindOut(t *testing.T) {
	a, b, c := ledger.UserID("@a:t"), ledger.UserID("@b:t"), ledger.UserID("@c:t")
	plans := ledger.PlanClearing([]ledger.Debt{
		{ID: "$1", From: a, To: b, Amount: hrs(2)}, {ID: "$2", From: b, To: c, Amount: hrs(2)}, {ID: "$3", From: c, To: a, Amount: hrs(2)},
		{ID: "$4", From: a, To: b, Amount: things(1)}, {ID: "$5", From: b, To: a, Amount: things(1)},
		{ID: "$6", From: a, To: b, Amount: mEUR(5)}, {ID: "$7", From: b, To: a, Amount: mEUR(5)},
	})
	if len(plans) != 1 || plans[0].Currency != "EUR" {
		t.Fatalf("plans = %+v; want one, in EUR", plans)
	}
}

func TestIsMoney(t *testing.T) {
	for c, want := range map[ledger.Currency]bool{"EUR": true, "JPY": true, ledger.Hours: false, ledger.Items: false} {
		if got := (ledger.Amount{Minor: 1, Currency: c}).IsMoney(); got != want {
			t.Errorf("%s IsMoney = %v; want %v", c, got, want)
		}
	}
}
