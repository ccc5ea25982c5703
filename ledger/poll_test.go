package ledger_test

import (
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

// TestPollAnswerAfterFundingCountsForNothing: an answer to an initiative's
// poll counts while the poll is open; once the initiative is funded (when
// the bot ends its poll) an answer, or an answer taken back, counts for
// nothing, though other intentions still do. An answer made before the
// funding but arriving after it counts: the order is the events' times.
func TestPollAnswerAfterFundingCountsForNothing(t *testing.T) {
	w := newAidWorld(t, sAnn, sBen, sCid, sDora, sEve)
	n := w.initiative(sAnn, "Roof", 100, w.clock.Now().Add(10*24*time.Hour))
	w.must(ledger.Op{Kind: ledger.OpIntend, Actor: sBen, Need: n.ID, Amount: mEUR(50), Poll: true})
	w.must(ledger.Op{Kind: ledger.OpWithdraw, Actor: sBen, Need: n.ID, Poll: true})
	ben := w.must(ledger.Op{Kind: ledger.OpIntend, Actor: sBen, Need: n.ID, Amount: mEUR(20), Poll: true}).Promise.ID
	early := w.act(sDora) // dora answers now; her event arrives after the funding
	w.clock.Advance(time.Minute)
	if out := w.must(ledger.Op{Kind: ledger.OpCommit, Actor: sCid, Need: n.ID, Amount: mEUR(100)}); !out.Funded {
		t.Fatalf("cid's commitment did not fund it: %+v", out)
	}
	if _, err := w.do(ledger.Op{Kind: ledger.OpIntend, Actor: sEve, Need: n.ID, Amount: mEUR(10), Poll: true}); key(err) != "poll.ended" {
		t.Errorf("eve's answer after the funding: %v", err)
	}
	if _, err := w.do(ledger.Op{Kind: ledger.OpWithdraw, Actor: sBen, Need: n.ID, Poll: true}); key(err) != "poll.ended" {
		t.Errorf("ben's answer taken back after the funding: %v", err)
	}
	if p := w.promise(ben); p.State != ledger.PromiseIntention || p.Amount != mEUR(20) {
		t.Errorf("ben's intention: %+v", p)
	}
	w.must(ledger.Op{Kind: ledger.OpIntend, Actor: sEve, Need: n.ID, Amount: mEUR(10)}) // a ❤️ or an amount still counts
	late := ledger.Op{Kind: ledger.OpIntend, Event: early.Event, Actor: sDora, At: early.At, Need: n.ID, Amount: mEUR(5), Poll: true}
	if _, err := w.svc.Aid.Do(w.ctx, late); err != nil {
		t.Fatalf("dora's answer made before the funding: %v", err)
	}
	var found bool
	for _, p := range w.need(n.ID).Promises {
		found = found || p.Giver == sDora && p.State == ledger.PromiseIntention && p.Amount == mEUR(5)
	}
	if !found {
		t.Errorf("dora's early answer does not count: %+v", w.need(n.ID).Promises)
	}
	w.must(ledger.Op{Kind: ledger.OpDone, Actor: sAnn, Need: n.ID, Text: "Built"})
	if _, err := w.do(ledger.Op{Kind: ledger.OpIntend, Actor: sEve, Need: n.ID, Amount: mEUR(10), Poll: true}); key(err) != "poll.ended" {
		t.Errorf("an answer after done: %v", err)
	}
}
