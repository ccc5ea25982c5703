package ledger_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

// opGen generates random ops over a few members, choosing needs from those
// the reference model knows (and sometimes one that does not exist).
type opGen struct {
	r       *rand.Rand
	members []ledger.UserID
	at      time.Time
	n       int
	// sameAt is the chance that an op has the same time as the one before.
	sameAt float64
	// eventID names the n-th event.
	eventID func(n int) ledger.EventID
}

func newOpGen(seed uint64, members int) *opGen {
	g := &opGen{r: rand.New(rand.NewPCG(seed, 0x5eed)),
		at:      time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC),
		eventID: func(n int) ledger.EventID { return ledger.EventID(fmt.Sprintf("$e%04d", n)) }}
	for i := range members {
		g.members = append(g.members, ledger.UserID(fmt.Sprintf("@m%d:t", i)))
	}
	return g
}

func mEUR(whole int64) ledger.Amount { return ledger.Amount{Minor: whole * 100, Currency: "EUR"} }

func (g *opGen) member() ledger.UserID { return g.members[g.r.IntN(len(g.members))] }

// pickNeed returns a need of the model, preferring open ones.
func (g *opGen) pickNeed(m *refModel) *ledger.Need {
	if len(m.needs) == 0 || g.r.IntN(40) == 0 {
		return &ledger.Need{ID: "$no-such-need", Owner: g.member()}
	}
	var open []*ledger.Need
	for _, n := range m.needs {
		if n.State == ledger.NeedOpen {
			open = append(open, n)
		}
	}
	if len(open) > 0 && g.r.IntN(4) != 0 {
		return open[g.r.IntN(len(open))]
	}
	return m.needs[g.r.IntN(len(m.needs))]
}

// giverFor returns a member other than the need's owner, mostly.
func (g *opGen) giverFor(n *ledger.Need) ledger.UserID {
	if g.r.IntN(12) == 0 {
		return n.Owner
	}
	for {
		if u := g.member(); u != n.Owner {
			return u
		}
	}
}

// promiseAmount is zero (the default or the intention's) half the time.
func (g *opGen) promiseAmount() ledger.Amount {
	switch g.r.IntN(20) {
	case 0:
		return ledger.Amount{Minor: 5000, Currency: "USD"}
	case 1:
		return mEUR(2000) // over any target
	}
	if g.r.IntN(2) == 0 {
		return ledger.Amount{}
	}
	return mEUR(int64(10 * (1 + g.r.IntN(20))))
}

// partAmount is the amount of a sent or got: mostly none (all that is
// left), else a part, at times too much or in another currency. It is
// drawn from the op's number, not the generator's source, so that the
// sequences of ops stay those the other tests' seeds were chosen for.
func (g *opGen) partAmount() ledger.Amount {
	switch h := (g.n * 7919) % 97; {
	case h < 3:
		return ledger.Amount{Minor: 10, Currency: "USD"}
	case h < 40:
		return mEUR(int64(10 * (1 + h%12)))
	}
	return ledger.Amount{}
}

func (g *opGen) defaultPledge() ledger.Amount {
	switch g.r.IntN(10) {
	case 0:
		return ledger.Amount{}
	case 1:
		return ledger.Amount{Minor: 10000, Currency: "USD"}
	}
	return mEUR(100)
}

// next returns a random op, given the current state m.
func (g *opGen) next(m *refModel) ledger.Op {
	g.n++
	if g.r.Float64() >= g.sameAt {
		g.at = g.at.Add(time.Duration(1+g.r.IntN(90)) * time.Minute)
	}
	op := ledger.Op{Event: g.eventID(g.n), At: g.at}
	k := g.r.IntN(100)
	switch {
	case k < 16:
		op.Kind, op.Actor = ledger.OpStatus, g.member()
		op.Status = []ledger.Status{ledger.StatusGreen, ledger.StatusOrange, ledger.StatusRed}[g.r.IntN(3)]
		if op.Status != ledger.StatusGreen {
			op.Amount = mEUR(int64(50 * (1 + g.r.IntN(8))))
			if g.r.IntN(12) == 0 {
				op.Amount.Currency = "USD"
			}
			if g.r.IntN(30) == 0 {
				op.Amount = ledger.Amount{}
			}
		}
		if op.Status == ledger.StatusRed {
			op.Days = 1 + g.r.IntN(30)
			if g.r.IntN(30) == 0 {
				op.Days = []int{0, 32}[g.r.IntN(2)]
			}
		}
		if g.r.IntN(50) == 0 {
			op.Status = "purple"
		}
	case k < 38:
		n := g.pickNeed(m)
		op.Kind, op.Need, op.Actor = ledger.OpIntend, n.ID, g.giverFor(n)
		op.Amount, op.Default = g.promiseAmount(), g.defaultPledge()
		if g.r.IntN(2) == 0 {
			op.Reaction = ledger.EventID("$r" + string(op.Event)[1:])
		}
	case k < 44:
		n := g.pickNeed(m)
		op.Kind, op.Need, op.Actor = ledger.OpWithdraw, n.ID, g.giverFor(n)
	case k < 48:
		n := g.pickNeed(m)
		op.Kind, op.Need, op.Actor = ledger.OpUnreact, n.ID, g.giverFor(n)
		op.Target = "$r-none"
		// Mostly the reaction of a promise toward the need.
		var rs []*ledger.Promise
		for _, p := range m.promises {
			if p.Need == n.ID && p.Reaction != "" {
				rs = append(rs, p)
			}
		}
		if len(rs) > 0 && g.r.IntN(5) != 0 {
			p := rs[g.r.IntN(len(rs))]
			op.Actor, op.Target = p.Giver, p.Reaction
		}
	case k < 66:
		n := g.pickNeed(m)
		op.Kind, op.Need, op.Actor = ledger.OpCommit, n.ID, g.giverFor(n)
		op.Amount, op.Default = g.promiseAmount(), g.defaultPledge()
		if g.r.IntN(3) == 0 {
			op.Reaction = ledger.EventID("$r" + string(op.Event)[1:])
		}
	case k < 78:
		n := g.pickNeed(m)
		op.Kind, op.Need, op.Actor = ledger.OpSent, n.ID, g.giverFor(n)
		op.Amount = g.partAmount()
	case k < 92:
		n := g.pickNeed(m)
		op.Kind, op.Need, op.Actor = ledger.OpGot, n.ID, n.Owner
		op.Amount = g.partAmount()
		if g.r.IntN(8) == 0 {
			op.Actor = g.member()
		}
		if g.r.IntN(2) == 0 {
			op.Giver = g.member()
		}
	case k < 98:
		op.Kind, op.Actor, op.Giver = ledger.OpForgive, g.member(), g.member()
	default:
		op.Kind, op.Actor = ledger.OpLeave, g.member()
	}
	return op
}

// diffBook compares the book with the model and describes the first
// differences ("" if none).

func diffBook(b *ledger.Book, m *refModel) string {
	var d []string
	bn, bp, bs := b.Snapshot()
	mn, mp, ms := m.snapshot()
	if !reflect.DeepEqual(bn, mn) {
		d = append(d, fmt.Sprintf("needs:\n book  %s\n model %s", showAll(bn), showAll(mn)))
	}
	if !reflect.DeepEqual(bp, mp) {
		d = append(d, fmt.Sprintf("promises:\n book  %s\n model %s", showAll(bp), showAll(mp)))
	}
	if !reflect.DeepEqual(bs, ms) {
		d = append(d, fmt.Sprintf("statuses:\n book  %s\n model %s", showAll(bs), showAll(ms)))
	}
	for _, n := range mn {
		if bt, mt := b.TotalsOf(n.ID), m.totals(n); bt != mt {
			d = append(d, fmt.Sprintf("totals of %s: book %+v, model %+v", n.ID, bt, mt))
		}
	}
	return strings.Join(d, "\n")
}

func showAll[T any](list []*T) string {
	s := make([]string, len(list))
	for i, v := range list {
		s[i] = fmt.Sprintf("%+v", *v)
	}
	return "[" + strings.Join(s, "\n        ") + "]"
}

// TestBookMatchesModel applies random op sequences to a Book and to the
// reference model, and checks after every op that both allowed or refused
// it (with the same reason) and hold the same needs, promises, statuses and
// figures.
func TestBookMatchesModel(t *testing.T) {
	t.Parallel()
	const length = 60
	for seq := range sized(500, 100) {
		g := newOpGen(uint64(seq), 4+seq%2)
		g.sameAt = 0.1
		b, m := ledger.NewBook(), newRefModel()
		var history []string
		for i := range length {
			op := g.next(m)
			want, wantNoChange, merr := m.apply(op)
			if merr != nil {
				t.Fatalf("seq %d op %d: model invariant: %v", seq, i, merr)
			}
			out, err := b.Apply(op)
			got := key(err)
			if err != nil && ledger.AsError(err) == nil {
				t.Fatalf("seq %d op %d: %+v: error %v is not an *ledger.Error", seq, i, op, err)
			}
			history = append(history, fmt.Sprintf("%+v -> %q", op, got))
			if got != want {
				t.Fatalf("seq %d op %d: %+v\nbook says %q, model says %q\nhistory:\n%s",
					seq, i, op, got, want, strings.Join(history, "\n"))
			}
			if err == nil && out.NoChange != wantNoChange {
				t.Fatalf("seq %d op %d: %+v: NoChange = %v, want %v", seq, i, op, out.NoChange, wantNoChange)
			}
			if d := diffBook(b, m); d != "" {
				t.Fatalf("seq %d op %d: %+v (%q)\n%s\nhistory:\n%s", seq, i, op, got, d, strings.Join(history, "\n"))
			}
		}
	}
}

// TestBookModelCoversTheRules checks that the random sequences reach every
// refusal and every promise state, so the comparison above means something.
func TestBookModelCoversTheRules(t *testing.T) {
	refusals := map[string]int{}
	states := map[ledger.PromiseState]int{}
	needStates := map[ledger.NeedState]int{}
	for seq := range 200 {
		g := newOpGen(uint64(seq), 4+seq%2)
		m := newRefModel()
		for range 60 {
			why, _, _ := m.apply(g.next(m))
			refusals[why]++
		}
		for _, p := range m.promises {
			states[p.State]++
		}
		for _, n := range m.needs {
			needStates[n.State]++
		}
	}
	for _, k := range []string{"", "status.already_green", "need.not_found", "promise.self", "need.suspended",
		"need.closed", "need.red_commit_only", "promise.irrevocable", "promise.none", "promise.none_open", "promise.already_committed",
		"promise.not_committed", "promise.already_sent", "promise.not_beneficiary", "promise.none_from",
		"promise.nothing_to_confirm", "promise.over_target", "promise.currency", "promise.amount_needed",
		"cmd.bad_days", "status.amount_required", "cmd.bad_status", "promise.over_sent", "promise.over_got"} {
		if refusals[k] == 0 {
			t.Errorf("no op reached %q", k)
		}
	}
	for _, s := range []ledger.PromiseState{ledger.PromiseIntention, ledger.PromiseCommitment, ledger.PromiseSent,
		ledger.PromiseFulfilled, ledger.PromiseWithdrawn, ledger.PromiseForgiven, ledger.PromiseReleased,
		ledger.PromiseSetAside} {
		if states[s] == 0 {
			t.Errorf("no promise ended %s", s)
		}
	}
	for _, s := range []ledger.NeedState{ledger.NeedOpen, ledger.NeedClosed, ledger.NeedArchived, ledger.NeedSuspended} {
		if needStates[s] == 0 {
			t.Errorf("no need ended %s", s)
		}
	}
	t.Logf("refusals: %v", refusals)
}
