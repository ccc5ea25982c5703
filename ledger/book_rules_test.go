package ledger_test

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

// The members of the rules scene.
const (
	rOwner  ledger.UserID = "@owner:t"  // orange, needs monthly support
	rRed    ledger.UserID = "@red:t"    // red, an emergency collection
	rGiver  ledger.UserID = "@giver:t"  // intends toward the orange need, committed to the red one
	rOther  ledger.UserID = "@other:t"  // a member with no promise
	rOrange ledger.NeedID = "$s-orange" // the owner's orange need
	rRedN   ledger.NeedID = "$s-red"    // the red member's collection
)

// rulesScene is a book where the owner is orange (300 EUR), the red member
// collects 200 EUR, and the giver intends 50 EUR toward the orange need and
// committed 80 EUR to the red collection.
type rulesScene struct {
	t    *testing.T
	b    *ledger.Book
	at   time.Time
	n    int
	last *ledger.Outcome
}

func newRulesScene(t *testing.T) *rulesScene {
	s := &rulesScene{t: t, b: ledger.NewBook(), at: time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)}
	s.must(ledger.Op{Kind: ledger.OpStatus, Event: ledger.EventID(rOrange), Actor: rOwner,
		Status: ledger.StatusOrange, Amount: mEUR(300)})
	s.must(ledger.Op{Kind: ledger.OpStatus, Event: ledger.EventID(rRedN), Actor: rRed,
		Status: ledger.StatusRed, Amount: mEUR(200), Days: 10})
	s.must(ledger.Op{Kind: ledger.OpIntend, Event: "$s-intend", Actor: rGiver, Need: rOrange,
		Amount: mEUR(50), Reaction: "$s-heart"})
	s.must(ledger.Op{Kind: ledger.OpCommit, Event: "$s-commit", Actor: rGiver, Need: rRedN, Amount: mEUR(80)})
	return s
}

// op stamps op with the next minute, and with a fresh event "$setN" (the
// N-th op named so) unless it has one.
func (s *rulesScene) op(op ledger.Op) ledger.Op {
	s.at = s.at.Add(time.Minute)
	if op.Event == "" {
		s.n++
		op.Event = ledger.EventID(fmt.Sprintf("$set%d", s.n))
	}
	op.At = s.at
	return op
}

// must applies op and fails the test if it is refused.
func (s *rulesScene) must(op ledger.Op) {
	s.t.Helper()
	out, err := s.b.Apply(s.op(op))
	if err != nil {
		s.t.Fatalf("setup %+v: %v", op, err)
	}
	s.last = out
}

// Shorthands for the ops of the table.
func intend(u ledger.UserID, n ledger.NeedID, euros int64) ledger.Op {
	return ledger.Op{Kind: ledger.OpIntend, Actor: u, Need: n, Amount: mEUR(euros), Default: mEUR(100)}
}
func commit(u ledger.UserID, n ledger.NeedID, euros int64) ledger.Op {
	return ledger.Op{Kind: ledger.OpCommit, Actor: u, Need: n, Amount: mEUR(euros), Default: mEUR(100)}
}
func withdraw(u ledger.UserID, n ledger.NeedID) ledger.Op {
	return ledger.Op{Kind: ledger.OpWithdraw, Actor: u, Need: n}
}
func sent(u ledger.UserID, n ledger.NeedID) ledger.Op {
	return ledger.Op{Kind: ledger.OpSent, Actor: u, Need: n}
}
func got(u ledger.UserID, n ledger.NeedID, giver ledger.UserID) ledger.Op {
	return ledger.Op{Kind: ledger.OpGot, Actor: u, Need: n, Giver: giver}
}
func forgive(u, giver ledger.UserID) ledger.Op {
	return ledger.Op{Kind: ledger.OpForgive, Actor: u, Giver: giver}
}
func status(u ledger.UserID, st ledger.Status, euros int64, days int) ledger.Op {
	op := ledger.Op{Kind: ledger.OpStatus, Actor: u, Status: st, Days: days}
	if euros > 0 {
		op.Amount = mEUR(euros)
	}
	return op
}

// TestWhoMayDoWhat checks each rule of "Who may do what" and the lifecycle:
// which actor may take which action in which state, and why a refused one
// is refused. A refused op changes nothing.
func TestWhoMayDoWhat(t *testing.T) {
	cases := []struct {
		name  string
		setup []ledger.Op
		op    ledger.Op
		want  string // the refusal's key, "" if allowed
		code  ledger.Code
		// check, if set, inspects the book after an allowed op.
		check func(t *testing.T, b *ledger.Book, out *ledger.Outcome)
	}{
		// intend
		{name: "owner intends toward own need", op: intend(rOwner, rOrange, 10), want: "promise.self", code: ledger.EForbidden},
		{name: "other member intends", op: intend(rOther, rOrange, 10),
			check: wantPromise("$op", ledger.PromiseIntention, 10)},
		{name: "giver changes the amount", op: intend(rGiver, rOrange, 70),
			check: wantPromise("$s-intend", ledger.PromiseIntention, 70)},
		{name: "giver's second heart changes nothing", op: ledger.Op{Kind: ledger.OpIntend, Actor: rGiver, Need: rOrange, Default: mEUR(100), Reaction: "$heart2"},
			check: func(t *testing.T, b *ledger.Book, out *ledger.Outcome) {
				if !out.NoChange {
					t.Error("NoChange not set")
				}
				wantPromise("$s-intend", ledger.PromiseIntention, 50)(t, b, out)
			}},
		{name: "heart means the default pledge", op: ledger.Op{Kind: ledger.OpIntend, Actor: rOther, Need: rOrange, Default: mEUR(100)},
			check: wantPromise("$op", ledger.PromiseIntention, 100)},
		{name: "heart is capped at what is missing", setup: []ledger.Op{commit(rOther, rOrange, 260)},
			op:    ledger.Op{Kind: ledger.OpIntend, Actor: "@third:t", Need: rOrange, Default: mEUR(100)},
			check: wantPromise("$op", ledger.PromiseIntention, 40)},
		{name: "heart on a covered need", setup: []ledger.Op{commit(rOther, rOrange, 300)},
			op: ledger.Op{Kind: ledger.OpIntend, Actor: "@third:t", Need: rOrange, Default: mEUR(100)}, want: "need.covered"},
		{name: "intend without an amount or default", op: ledger.Op{Kind: ledger.OpIntend, Actor: rOther, Need: rOrange},
			want: "promise.amount_needed"},
		{name: "intend over the target", op: intend(rOther, rOrange, 301), want: "promise.over_target"},
		{name: "intend in another currency", op: ledger.Op{Kind: ledger.OpIntend, Actor: rOther, Need: rOrange,
			Amount: ledger.Amount{Minor: 100, Currency: "USD"}}, want: "promise.currency"},
		{name: "intend toward a red need", op: intend(rOther, rRedN, 10), want: "need.red_commit_only", code: ledger.EConflict},
		{name: "committed giver intends", setup: []ledger.Op{commit(rGiver, rOrange, 0)},
			op: intend(rGiver, rOrange, 10), want: "promise.irrevocable"},
		{name: "intend toward an archived need", setup: []ledger.Op{status(rOwner, ledger.StatusGreen, 0, 0)},
			op: intend(rOther, rOrange, 10), want: "need.closed"},
		{name: "intend toward a suspended need", setup: []ledger.Op{status(rOwner, ledger.StatusRed, 100, 5)},
			op: intend(rOther, rOrange, 10), want: "need.suspended"},
		{name: "intend toward no need", op: intend(rOther, "$nope", 10), want: "need.not_found", code: ledger.ENotFound},

		// withdraw
		{name: "giver withdraws the intention", op: withdraw(rGiver, rOrange),
			check: wantPromise("$s-intend", ledger.PromiseWithdrawn, 50)},
		{name: "giver withdraws a commitment", op: withdraw(rGiver, rRedN), want: "promise.irrevocable", code: ledger.EConflict},
		{name: "other member withdraws", op: withdraw(rOther, rOrange), want: "promise.none"},
		{name: "owner withdraws the giver's intention", op: withdraw(rOwner, rOrange), want: "promise.none"},
		{name: "removing the heart withdraws", op: ledger.Op{Kind: ledger.OpUnreact, Actor: rGiver, Need: rOrange, Target: "$s-heart"},
			check: wantPromise("$s-intend", ledger.PromiseWithdrawn, 50)},
		{name: "removing another reaction", op: ledger.Op{Kind: ledger.OpUnreact, Actor: rGiver, Need: rOrange, Target: "$other"},
			want: "promise.none"},

		// commit
		{name: "giver commits the intention", op: commit(rGiver, rOrange, 0),
			check: wantPromise("$s-intend", ledger.PromiseCommitment, 50)},
		{name: "giver commits another amount", op: commit(rGiver, rOrange, 60),
			check: wantPromise("$s-intend", ledger.PromiseCommitment, 60)},
		{name: "other member commits to the red need", op: commit(rOther, rRedN, 0),
			check: wantPromise("$op", ledger.PromiseCommitment, 100)},
		{name: "owner commits to own need", op: commit(rRed, rRedN, 10), want: "promise.self", code: ledger.EForbidden},
		{name: "giver commits twice", op: commit(rGiver, rRedN, 10), want: "promise.already_committed"},
		{name: "commit to an archived need", setup: []ledger.Op{status(rRed, ledger.StatusGreen, 0, 0)},
			op: commit(rOther, rRedN, 10), want: "need.closed"},

		// sent
		{name: "giver says sent", op: sent(rGiver, rRedN), check: wantPromise("$s-commit", ledger.PromiseSent, 80)},
		{name: "sent after the need was archived (still owed)", setup: []ledger.Op{status(rRed, ledger.StatusGreen, 0, 0)},
			op: sent(rGiver, rRedN), check: wantPromise("$s-commit", ledger.PromiseSent, 80)},
		{name: "sent of an intention", op: sent(rGiver, rOrange), want: "promise.not_committed"},
		{name: "sent with nothing", op: sent(rOther, rRedN), want: "promise.none_open"},
		{name: "beneficiary says sent", op: sent(rRed, rRedN), want: "promise.none_open"},
		{name: "sent twice", setup: []ledger.Op{sent(rGiver, rRedN)}, op: sent(rGiver, rRedN), want: "promise.already_sent"},
		{name: "sent after receipt", setup: []ledger.Op{got(rRed, rRedN, "")}, op: sent(rGiver, rRedN), want: "promise.already_fulfilled"},

		// got
		{name: "beneficiary confirms a commitment", op: got(rRed, rRedN, ""),
			check: wantPromise("$s-commit", ledger.PromiseFulfilled, 80)},
		{name: "beneficiary confirms what was sent", setup: []ledger.Op{sent(rGiver, rRedN)}, op: got(rRed, rRedN, rGiver),
			check: wantPromise("$s-commit", ledger.PromiseFulfilled, 80)},
		{name: "giver confirms own commitment", op: got(rGiver, rRedN, rGiver), want: "promise.not_beneficiary", code: ledger.EForbidden},
		{name: "other member confirms", op: got(rOther, rRedN, ""), want: "promise.not_beneficiary"},
		{name: "confirm an intention", op: got(rOwner, rOrange, rGiver), want: "promise.none_from"},
		{name: "confirm with nothing owed", op: got(rOwner, rOrange, ""), want: "promise.nothing_to_confirm"},
		{name: "confirm a giver with nothing", op: got(rRed, rRedN, rOther), want: "promise.none_from"},
		{name: "confirm without naming one of two senders",
			setup: []ledger.Op{commit(rOther, rRedN, 20), sent(rGiver, rRedN), sent(rOther, rRedN)},
			op:    got(rRed, rRedN, ""), want: "promise.which_giver"},
		{name: "confirm the only sender among open ones", setup: []ledger.Op{commit(rOther, rRedN, 20), sent(rOther, rRedN)},
			op: got(rRed, rRedN, ""), check: wantPromise("$set1", ledger.PromiseFulfilled, 20)},
		{name: "confirm without naming one of two open", setup: []ledger.Op{commit(rOther, rRedN, 20)},
			op: got(rRed, rRedN, ""), want: "promise.which_giver"},

		// forgive
		{name: "beneficiary forgives", op: forgive(rRed, rGiver), check: wantPromise("$s-commit", ledger.PromiseForgiven, 80)},
		{name: "giver forgives self", op: forgive(rGiver, rGiver), want: "promise.self"},
		{name: "other member forgives the giver", op: forgive(rOther, rGiver), want: "promise.none_from"},
		{name: "forgive an intention", op: forgive(rOwner, rGiver), want: "promise.none_from"},
		{name: "forgive a fulfilled commitment", setup: []ledger.Op{got(rRed, rRedN, "")}, op: forgive(rRed, rGiver),
			want: "promise.none_from"},

		// status
		{name: "green when green", op: status(rOther, ledger.StatusGreen, 0, 0), want: "status.already_green", code: ledger.EConflict},
		{name: "orange without an amount", op: status(rOther, ledger.StatusOrange, 0, 0), want: "status.amount_required"},
		{name: "red without days", op: status(rOther, ledger.StatusRed, 100, 0), want: "cmd.bad_days"},
		{name: "red for too long", op: status(rOther, ledger.StatusRed, 100, ledger.MaxRedDays+1), want: "cmd.bad_days"},
		{name: "an unknown status", op: status(rOther, "purple", 100, 1), want: "cmd.bad_status"},
		{name: "green archives and releases intentions", op: status(rOwner, ledger.StatusGreen, 0, 0),
			check: func(t *testing.T, b *ledger.Book, out *ledger.Outcome) {
				wantPromise("$s-intend", ledger.PromiseReleased, 50)(t, b, out)
				if n, _ := b.Need(rOrange); n.State != ledger.NeedArchived {
					t.Errorf("need %s, want archived", n.State)
				}
			}},
		{name: "green keeps commitments owed", op: status(rRed, ledger.StatusGreen, 0, 0),
			check: wantPromise("$s-commit", ledger.PromiseCommitment, 80)},
		{name: "red sets intentions aside", op: status(rOwner, ledger.StatusRed, 100, 3),
			check: func(t *testing.T, b *ledger.Book, out *ledger.Outcome) {
				wantPromise("$s-intend", ledger.PromiseSetAside, 50)(t, b, out)
				if st := b.StatusOf(rOwner); st.Status != ledger.StatusRed || st.Previous != ledger.StatusOrange {
					t.Errorf("status %+v, want red after orange", st)
				}
			}},
		{name: "orange after red restores intentions", setup: []ledger.Op{status(rOwner, ledger.StatusRed, 100, 3)},
			op: status(rOwner, ledger.StatusOrange, 250, 0),
			check: func(t *testing.T, b *ledger.Book, out *ledger.Outcome) {
				wantPromise("$s-intend", ledger.PromiseIntention, 50)(t, b, out)
				if n, _ := b.Need(rOrange); n.State != ledger.NeedOpen || n.Target != mEUR(250) {
					t.Errorf("need %+v, want open at 250 EUR", n)
				}
			}},

		// a red collection that reaches its target
		{name: "confirmed target closes the collection",
			setup: []ledger.Op{commit(rOther, rRedN, 120), commit("@third:t", rRedN, 30), sent("@third:t", rRedN), got(rRed, rRedN, rGiver)},
			op:    got(rRed, rRedN, rOther),
			check: func(t *testing.T, b *ledger.Book, out *ledger.Outcome) {
				if n, _ := b.Need(rRedN); n.State != ledger.NeedClosed {
					t.Errorf("need %s, want closed", n.State)
				}
				if st := b.StatusOf(rRed); st.Status != ledger.StatusGreen || st.Need != "" {
					t.Errorf("status %+v, want green", st)
				}
				for _, p := range b.PromisesToward(rRedN) {
					want := map[ledger.UserID]ledger.PromiseState{rGiver: ledger.PromiseFulfilled,
						rOther: ledger.PromiseFulfilled, "@third:t": ledger.PromiseSent}[p.Giver]
					if p.State != want {
						t.Errorf("%s's promise %s, want %s", p.Giver, p.State, want)
					}
				}
			}},

		// leave is always allowed
		{name: "leave", op: ledger.Op{Kind: ledger.OpLeave, Actor: rOther}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newRulesScene(t)
			for _, op := range c.setup {
				s.must(op)
			}
			c.op.Event = "$op"
			op := s.op(c.op)
			before := snapshotOf(s.b)
			out, err := s.b.Apply(op)
			if got := key(err); got != c.want {
				t.Fatalf("%+v: got %q, want %q", op, got, c.want)
			}
			if err != nil {
				if c.code != "" && ledger.ErrorCode(err) != c.code {
					t.Errorf("code %s, want %s", ledger.ErrorCode(err), c.code)
				}
				if after := snapshotOf(s.b); !reflect.DeepEqual(before, after) {
					t.Errorf("a refused op changed the book:\nbefore %+v\nafter  %+v", before, after)
				}
				return
			}
			if c.check != nil {
				c.check(t, s.b, out)
			}
		})
	}
}

// wantPromise checks promise id's state and amount (in euros).
func wantPromise(id ledger.PromiseID, st ledger.PromiseState, euros int64) func(*testing.T, *ledger.Book, *ledger.Outcome) {
	return func(t *testing.T, b *ledger.Book, _ *ledger.Outcome) {
		t.Helper()
		p, ok := b.Promise(id)
		if !ok {
			t.Fatalf("no promise %s", id)
		}
		if p.State != st || p.Amount != mEUR(euros) {
			t.Errorf("promise %s is %s %v, want %s %v", id, p.State, p.Amount, st, mEUR(euros))
		}
	}
}

type bookSnapshot struct {
	Needs    []*ledger.Need
	Promises []*ledger.Promise
	Statuses []*ledger.MemberStatus
}

func snapshotOf(b *ledger.Book) bookSnapshot {
	n, p, s := b.Snapshot()
	return bookSnapshot{n, p, s}
}
