package ledger_test

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

// naiveHealth is the reference of the health figures, written straight
// from their definition (ledger/health.go) over the reference model's
// promises: one loop per figure, shares in floating point.
func naiveHealth(ps []*ledger.Promise, now time.Time) ledger.Health {
	h := ledger.Health{}
	committed := func(p *ledger.Promise) bool {
		return !p.CommittedAt.IsZero() && p.State != ledger.PromiseReleased
	}
	count := func(st ledger.PromiseState) (n int) {
		for _, p := range ps {
			if committed(p) && p.State == st {
				n++
			}
		}
		return n
	}
	for _, p := range ps {
		if committed(p) {
			h.Commitments++
		}
		if !p.CommittedAt.IsZero() && p.State == ledger.PromiseReleased {
			h.Released++
		}
		if committed(p) && (p.State == ledger.PromiseCommitment || p.State == ledger.PromiseSent) && p.Overdue {
			h.Overdue++
		}
	}
	h.Confirmed, h.Sent, h.Open, h.Forgiven = count(ledger.PromiseFulfilled), count(ledger.PromiseSent),
		count(ledger.PromiseCommitment), count(ledger.PromiseForgiven)
	currencies := map[ledger.Currency]bool{}
	for _, p := range ps {
		if committed(p) {
			currencies[p.Amount.Currency] = true
		}
	}
	var curs []string
	for c := range currencies {
		curs = append(curs, string(c))
	}
	sort.Strings(curs)
	monthOf := func(t time.Time) string { return t.UTC().Format("2006-01") }
	h.Values = []ledger.HealthValue{}
	h.Given = []ledger.Amount{}
	for _, c := range curs {
		v := ledger.HealthValue{Committed: ledger.Amount{Currency: ledger.Currency(c)}, Confirmed: ledger.Amount{Currency: ledger.Currency(c)}}
		var given int64
		for _, p := range ps {
			if committed(p) && string(p.Amount.Currency) == c {
				v.Committed.Minor += p.Amount.Minor
				switch p.State {
				case ledger.PromiseFulfilled:
					v.Confirmed.Minor += p.Amount.Minor
					if monthOf(p.UpdatedAt) == monthOf(now) {
						given += p.Amount.Minor
					}
				case ledger.PromiseCommitment, ledger.PromiseSent: // a part confirmed counts by value
					v.Confirmed.Minor += p.GotMinor
					if monthOf(p.UpdatedAt) == monthOf(now) {
						given += p.GotMinor
					}
				}
			}
		}
		h.Values = append(h.Values, v)
		if given > 0 || anyConfirmedIn(ps, c, monthOf(now), monthOf) {
			h.Given = append(h.Given, ledger.Amount{Minor: given, Currency: ledger.Currency(c)})
		}
	}
	took := func(month string) []time.Duration {
		var ds []time.Duration
		for _, p := range ps {
			if committed(p) && p.State == ledger.PromiseFulfilled && (month == "" || monthOf(p.CommittedAt) == month) {
				ds = append(ds, p.UpdatedAt.Sub(p.CommittedAt))
			}
		}
		return ds
	}
	h.Median = naiveMedian(took(""))
	for i := ledger.HealthMonths - 1; i >= 0; i-- {
		month := time.Date(now.Year(), now.Month()-time.Month(i), 1, 0, 0, 0, 0, time.UTC).Format("2006-01")
		m := ledger.HealthMonth{Month: month, Median: naiveMedian(took(month))}
		for _, p := range ps {
			if committed(p) && monthOf(p.CommittedAt) == month {
				m.Commitments++
				if p.State == ledger.PromiseFulfilled {
					m.Confirmed++
				}
			}
		}
		h.Months = append(h.Months, m)
	}
	return h
}

func anyConfirmedIn(ps []*ledger.Promise, c, month string, monthOf func(time.Time) string) bool {
	for _, p := range ps {
		if string(p.Amount.Currency) == c && p.State == ledger.PromiseFulfilled && !p.CommittedAt.IsZero() && monthOf(p.UpdatedAt) == month {
			return true
		}
	}
	return false
}

// naiveMedian sorts and takes the middle (the mean of the two middle ones).
func naiveMedian(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	if len(ds)%2 == 1 {
		return ds[len(ds)/2]
	}
	return time.Duration((int64(ds[len(ds)/2-1]) + int64(ds[len(ds)/2])) / 2)
}

func naivePercent(part, whole int) int {
	if whole == 0 {
		return 0
	}
	return int(math.Floor(100 * float64(part) / float64(whole)))
}

// TestHealthMatchesNaiveReference applies random op histories (spread
// over months) to a Book and to the reference model, and checks that the
// health figures of the book's promises, for each member's own and for
// every member's needs (a circle of everyone), are the reference's
// computed from the model's promises.
func TestHealthMatchesNaiveReference(t *testing.T) {
	t.Parallel()
	checked := 0
	for seq := range sized(300, 60) {
		g := newOpGen(uint64(seq)+7000, 4+seq%2)
		b, m := ledger.NewBook(), newRefModel()
		for i := range 80 {
			if i%10 == 9 {
				g.at = g.at.Add(time.Duration(g.r.IntN(40*24)) * time.Hour) // into later months
			}
			op := g.next(m)
			if _, _, err := m.apply(op); err != nil {
				t.Fatalf("seq %d: model invariant: %v", seq, err)
			}
			_, _ = b.Apply(op)
		}
		now := g.at.Add(time.Hour)
		_, bookPromises, _ := b.Snapshot()
		scopes := map[string]func(p *ledger.Promise) bool{"everyone": func(*ledger.Promise) bool { return true }}
		for _, u := range g.members {
			scopes[string(u)] = func(p *ledger.Promise) bool { return p.Giver == u }
		}
		for name, in := range scopes {
			got := ledger.HealthOf(filter(bookPromises, in), nil, now, time.UTC)
			want := naiveHealth(filter(m.promises, in), now)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("seq %d, %s:\n got  %+v\n want %+v", seq, name, got, want)
			}
			if got.ConfirmedPercent() != naivePercent(want.Confirmed, want.Commitments) {
				t.Fatalf("seq %d, %s: %d %% confirmed, want %d", seq, name, got.ConfirmedPercent(), naivePercent(want.Confirmed, want.Commitments))
			}
			for i, v := range got.Values {
				if v.Percent() != int(math.Floor(100*float64(v.Confirmed.Minor)/float64(v.Committed.Minor))) {
					t.Fatalf("seq %d, %s: value %d: %d %%", seq, name, i, v.Percent())
				}
			}
			if got.Commitments > 0 {
				checked++
			}
		}
	}
	if checked == 0 {
		t.Fatal("no history made a commitment: the comparison means nothing")
	}
}

// TestHealthWithOverdueMatchesNaiveReference: random histories whose
// months end (a rollover marks the commitments still owed overdue), and go
// on after it; the figures of the book's promises are the reference's.
func TestHealthWithOverdueMatchesNaiveReference(t *testing.T) {
	t.Parallel()
	overdue := 0
	for seq := range sized(300, 60) {
		g := newOpGen(uint64(seq)+9000, 4+seq%2)
		b, m := ledger.NewBook(), newRefModel()
		for i := range 90 {
			op := g.next(m)
			if i < 50 {
				_, _, _ = m.apply(op) // the model guides the generator until the month ends
			}
			if i == 50 {
				g.at = g.at.Add(time.Hour)
				month := g.at.Format("2006-01") // after the book's: it has had no month yet
				if _, err := b.Apply(ledger.Op{Kind: ledger.OpRollover, Event: "$rollover", Actor: ledger.ClockActor, At: g.at, Month: month}); err != nil {
					t.Fatalf("seq %d: rollover: %v", seq, err)
				}
			}
			_, _ = b.Apply(op)
		}
		now := g.at.Add(time.Hour)
		_, ps, _ := b.Snapshot()
		got, want := ledger.HealthOf(ps, nil, now, time.UTC), naiveHealth(ps, now)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("seq %d:\n got  %+v\n want %+v", seq, got, want)
		}
		overdue += got.Overdue
	}
	if overdue == 0 {
		t.Fatal("no commitment was overdue: the comparison means nothing")
	}
}

func filter(ps []*ledger.Promise, in func(*ledger.Promise) bool) []*ledger.Promise {
	var out []*ledger.Promise
	for _, p := range ps {
		if in(p) {
			cp := *p
			out = append(out, &cp)
		}
	}
	return out
}

// TestHealthOfAHistory follows one history by hand: two commitments, one
// confirmed after two days, one overdue past its red collection's days,
// one forgiven, one released apart.
func TestHealthOfAHistory(t *testing.T) {
	b := ledger.NewBook()
	at := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	n := 0
	do := func(op ledger.Op) {
		t.Helper()
		n++
		op.Event, op.At = ledger.EventID(fmt.Sprintf("$h%02d", n)), at
		if _, err := b.Apply(op); err != nil {
			t.Fatalf("%+v: %v", op, err)
		}
	}
	const ann, bob, cat = "@ann:t", "@bob:t", "@cat:t"
	do(ledger.Op{Kind: ledger.OpStatus, Actor: ann, Status: ledger.StatusRed, Amount: mEUR(300), Days: 5})
	need := ledger.NeedID("$h01")
	do(ledger.Op{Kind: ledger.OpCommit, Actor: bob, Need: need, Amount: mEUR(100)})
	do(ledger.Op{Kind: ledger.OpCommit, Actor: cat, Need: need, Amount: mEUR(50)})
	at = at.Add(48 * time.Hour)
	do(ledger.Op{Kind: ledger.OpGot, Actor: ann, Need: need, Giver: bob})
	at = time.Date(2026, 11, 7, 10, 0, 0, 0, time.UTC)
	do(ledger.Op{Kind: ledger.OpDeadline, Actor: ledger.ClockActor, Need: need})

	h := ledger.HealthOf(b.PromisesTo(ann), []ledger.Amount{mEUR(400)}, at, time.UTC)
	if h.Commitments != 2 || h.Confirmed != 1 || h.Open != 1 || h.Overdue != 1 {
		t.Fatalf("figures %+v", h)
	}
	if h.ConfirmedPercent() != 50 || h.OverduePercent() != 50 {
		t.Errorf("%d %% confirmed, %d %% overdue; want 50, 50", h.ConfirmedPercent(), h.OverduePercent())
	}
	if len(h.Values) != 1 || h.Values[0].Percent() != 66 || h.Values[0].Committed != mEUR(150) {
		t.Errorf("values %+v: want 100 of 150 EUR, 66 %%", h.Values)
	}
	if h.Median != 48*time.Hour {
		t.Errorf("median %v, want 48h", h.Median)
	}
	if last := h.Months[len(h.Months)-1]; last.Month != "2026-11" || last.Commitments != 2 || last.Confirmed != 1 || last.Percent() != 50 {
		t.Errorf("this month %+v", last)
	}
	if len(h.Given) != 1 || h.Given[0] != mEUR(100) || h.Pledged[0] != mEUR(400) {
		t.Errorf("given %v against %v", h.Given, h.Pledged)
	}
	do(ledger.Op{Kind: ledger.OpForgive, Actor: ann, Giver: cat})
	if h := ledger.HealthOf(b.PromisesTo(ann), nil, at, time.UTC); h.Forgiven != 1 || h.Overdue != 0 || h.Commitments != 2 {
		t.Errorf("after forgiving: %+v", h)
	}
}

// TestPercentRoundsDown: a share is never shown better than it is.
func TestPercentRoundsDown(t *testing.T) {
	for _, c := range []struct {
		part, whole int64
		want        int
	}{{0, 0, 0}, {0, 5, 0}, {1, 3, 33}, {2, 3, 66}, {85, 100, 85}, {199, 200, 99}, {5, 5, 100}, {6, 5, 100}} {
		if got := ledger.Percent(c.part, c.whole); got != c.want {
			t.Errorf("Percent(%d, %d) = %d, want %d", c.part, c.whole, got, c.want)
		}
	}
}
