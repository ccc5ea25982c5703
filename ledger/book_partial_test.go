package ledger_test

import (
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

func sentPart(u ledger.UserID, n ledger.NeedID, euros int64) ledger.Op {
	return ledger.Op{Kind: ledger.OpSent, Actor: u, Need: n, Amount: mEUR(euros)}
}

func gotPart(u ledger.UserID, n ledger.NeedID, euros int64) ledger.Op {
	return ledger.Op{Kind: ledger.OpGot, Actor: u, Need: n, Amount: mEUR(euros)}
}

// TestPartialFulfilment: the giver's 80 EUR commitment to the red
// collection sent and confirmed in parts. Each case applies its ops (all
// but the last must pass), expects the last's refusal (or none) and the
// promise's state, what was sent and confirmed, and the need's confirmed
// total.
func TestPartialFulfilment(t *testing.T) {
	for _, c := range []struct {
		name            string
		ops             []ledger.Op
		refusal         string
		state           ledger.PromiseState
		sent, got, conf int64 // euros
	}{
		{"a partial send stays a commitment", []ledger.Op{sentPart(rGiver, rRedN, 20)}, "",
			ledger.PromiseCommitment, 20, 0, 0},
		{"partial sends add up", []ledger.Op{sentPart(rGiver, rRedN, 20), sentPart(rGiver, rRedN, 30)}, "",
			ledger.PromiseCommitment, 50, 0, 0},
		{"the last part sends it all", []ledger.Op{sentPart(rGiver, rRedN, 20), sentPart(rGiver, rRedN, 60)}, "",
			ledger.PromiseSent, 80, 0, 0},
		{"a bare sent means the rest", []ledger.Op{sentPart(rGiver, rRedN, 20), sent(rGiver, rRedN)}, "",
			ledger.PromiseSent, 80, 0, 0},
		{"sending more than owed is refused", []ledger.Op{sentPart(rGiver, rRedN, 20), sentPart(rGiver, rRedN, 61)},
			"promise.over_sent", ledger.PromiseCommitment, 20, 0, 0},
		{"sending more than the whole is refused", []ledger.Op{sentPart(rGiver, rRedN, 81)},
			"promise.over_sent", ledger.PromiseCommitment, 0, 0, 0},
		{"a part in another currency is refused",
			[]ledger.Op{{Kind: ledger.OpSent, Actor: rGiver, Need: rRedN, Amount: ledger.Amount{Minor: 100, Currency: "USD"}}},
			"promise.currency", ledger.PromiseCommitment, 0, 0, 0},
		{"a bare got confirms what was sent", []ledger.Op{sentPart(rGiver, rRedN, 20), got(rRed, rRedN, "")}, "",
			ledger.PromiseCommitment, 20, 20, 20},
		{"a partial got", []ledger.Op{sentPart(rGiver, rRedN, 50), gotPart(rRed, rRedN, 20)}, "",
			ledger.PromiseCommitment, 50, 20, 20},
		{"confirming more than sent is refused", []ledger.Op{sentPart(rGiver, rRedN, 20), gotPart(rRed, rRedN, 21)},
			"promise.over_got", ledger.PromiseCommitment, 20, 0, 0},
		{"confirming more than owed is refused", []ledger.Op{gotPart(rRed, rRedN, 81)},
			"promise.over_owed", ledger.PromiseCommitment, 0, 0, 0},
		{"the rest sent and confirmed fulfils it", []ledger.Op{sentPart(rGiver, rRedN, 20), got(rRed, rRedN, ""),
			sent(rGiver, rRedN), got(rRed, rRedN, "")}, "", ledger.PromiseFulfilled, 80, 80, 80},
		{"all sent, part confirmed, stays sent", []ledger.Op{sent(rGiver, rRedN), gotPart(rRed, rRedN, 30)}, "",
			ledger.PromiseSent, 80, 30, 30},
		{"a got without a sent confirms the rest, as before", []ledger.Op{sentPart(rGiver, rRedN, 20),
			got(rRed, rRedN, ""), got(rRed, rRedN, "")}, "", ledger.PromiseFulfilled, 80, 80, 80},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := newRulesScene(t)
			for _, op := range c.ops[:len(c.ops)-1] {
				s.must(op)
			}
			_, err := s.b.Apply(s.op(c.ops[len(c.ops)-1]))
			if got := key(err); got != c.refusal {
				t.Fatalf("last op: refusal %q, want %q", got, c.refusal)
			}
			p, _ := s.b.Promise("$s-commit")
			if p.State != c.state || p.SentSoFar() != mEUR(c.sent) || p.Delivered() != mEUR(c.got) {
				t.Errorf("promise %s, sent %v, confirmed %v; want %s, %d, %d", p.State, p.SentSoFar(), p.Delivered(), c.state, c.sent, c.got)
			}
			if tot := s.b.TotalsOf(rRedN); tot.Confirmed != mEUR(c.conf) || tot.Committed != mEUR(80) {
				t.Errorf("need's totals %+v; want %d confirmed of 80 committed", tot, c.conf)
			}
		})
	}
}

// TestPartialFulfilmentRestStaysOwed: 20 of 80 confirmed, the collection's
// days pass: the commitment is overdue for the rest and still open; the
// health figures count 20 confirmed by value and none by count.
func TestPartialFulfilmentRestStaysOwed(t *testing.T) {
	s := newRulesScene(t)
	s.must(sentPart(rGiver, rRedN, 20))
	s.must(got(rRed, rRedN, ""))
	due := s.b.DueDeadlines(s.at.AddDate(0, 0, 11))
	if len(due) != 1 {
		t.Fatalf("due deadlines %v; want the red collection's", due)
	}
	if _, err := s.b.Apply(ledger.Op{Kind: ledger.OpDeadline, Event: "$deadline", Actor: ledger.ClockActor,
		Need: rRedN, At: due[0].Deadline}); err != nil {
		t.Fatal(err)
	}
	s.at = due[0].Deadline
	p, _ := s.b.Promise("$s-commit")
	if !p.Overdue || !p.State.Open() || p.Unsent() != mEUR(60) || !p.Partial() {
		t.Fatalf("promise %+v; want open, overdue, 60 EUR still to send", p)
	}
	h := ledger.HealthOf([]*ledger.Promise{p}, nil, s.at, time.UTC)
	if h.Confirmed != 0 || h.Open != 1 || h.Overdue != 1 || len(h.Values) != 1 || h.Values[0].Confirmed != mEUR(20) || h.Values[0].Percent() != 25 {
		t.Errorf("health %+v; want 0 confirmed by count, 1 open and overdue, 20 of 80 EUR by value (25 %%)", h)
	}
	// The rest, sent and confirmed after the days, fulfils it.
	s.must(sent(rGiver, rRedN))
	s.must(got(rRed, rRedN, ""))
	if p, _ := s.b.Promise("$s-commit"); p.State != ledger.PromiseFulfilled {
		t.Errorf("promise %s after the rest; want fulfilled", p.State)
	}
}

// TestPartialFulfilmentInHours: help in kind is fulfilled in parts too.
func TestPartialFulfilmentInHours(t *testing.T) {
	s := newRulesScene(t)
	hours := func(h int64) ledger.Amount { return ledger.Amount{Minor: h * 100, Currency: ledger.Hours} }
	s.must(ledger.Op{Kind: ledger.OpStatus, Event: "$h-need", Actor: rOther, Status: ledger.StatusRed, Amount: hours(4), Days: 5})
	s.must(ledger.Op{Kind: ledger.OpCommit, Event: "$h-commit", Actor: rGiver, Need: "$h-need", Amount: hours(4)})
	s.must(ledger.Op{Kind: ledger.OpSent, Actor: rGiver, Need: "$h-need", Amount: hours(1)})
	s.must(ledger.Op{Kind: ledger.OpGot, Actor: rOther, Need: "$h-need"})
	if _, err := s.b.Apply(s.op(ledger.Op{Kind: ledger.OpSent, Actor: rGiver, Need: "$h-need", Amount: mEUR(1)})); key(err) != "promise.in_hours" {
		t.Errorf("money sent toward hours: %v", err)
	}
	p, _ := s.b.Promise("$h-commit")
	if p.State != ledger.PromiseCommitment || p.Delivered() != hours(1) || s.b.TotalsOf("$h-need").Confirmed != hours(1) {
		t.Errorf("promise %+v, totals %+v; want 1 h of 4 confirmed", p, s.b.TotalsOf("$h-need"))
	}
}
