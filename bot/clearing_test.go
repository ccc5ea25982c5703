package bot_test

import (
	"strings"
	"testing"

	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/ledger"
)

// orangeCard makes u orange with 300 a month and returns their need and
// its card in the first circle.
func (w *aidWorld) orangeCard(u ledger.UserID) (ledger.NeedID, id.EventID) {
	w.t.Helper()
	w.say(w.circle, string(u), "!ex status orange 300")
	st, err := w.svc.Aid.StatusOf(w.ctx, u)
	if err != nil || st.Need == "" {
		w.t.Fatalf("%s has no need after status: %+v %v", u, st, err)
	}
	cards, err := w.svc.Aid.CardsOf(w.ctx, st.Need)
	if err != nil {
		w.t.Fatal(err)
	}
	for _, c := range cards {
		if c.Kind == ledger.CardNeed && c.Circle == w.circle {
			return st.Need, id.EventID(c.Event)
		}
	}
	w.t.Fatalf("no card of %s's need in the circle: %v", u, cards)
	return "", ""
}

// clearingMessage is the last clearing proposal sent to room, and its data.
func clearingMessage(t *testing.T, w *aidWorld, room any, k int) (sentMessage, map[string]any) {
	t.Helper()
	for _, m := range inRoom(w.sentSince(k), room) {
		if typ, data := ns(m); typ == "clearing" {
			return m, data
		}
	}
	t.Fatalf("no clearing proposal in %v; sent %v", room, w.sentSince(k))
	return sentMessage{}, nil
}

// 1. alice → bob → carol → alice cancel out: the proposal shows one cycle
// of 50 EUR, and nothing changes in the ledger.
func TestClearingProposesCycle(t *testing.T) {
	w := newAidWorld(t)
	members := []ledger.UserID{alice, bob, carol}
	needs, cards := map[ledger.UserID]ledger.NeedID{}, map[ledger.UserID]id.EventID{}
	for _, u := range members {
		needs[u], cards[u] = w.orangeCard(u)
	}
	for i, u := range members {
		next := members[(i+1)%len(members)]
		w.reply(w.circle, string(u), cards[next], "commit 50")
		if p := w.promise(needs[next], u); p == nil || p.State != ledger.PromiseCommitment || p.Amount.Minor != 5000 {
			t.Fatalf("%s's promise to %s: %+v", u, next, p)
		}
	}

	k := w.sentCount()
	w.say(w.circle, alice, "!ex clearing")
	if got := inRoom(w.sentSince(k), w.circle); len(got) != 1 || !strings.Contains(body(got[0]), "I answered in our direct chat") {
		t.Fatalf("answer in the circle: %v", got)
	}
	msg, data := clearingMessage(t, w, dm(alice), k)
	if b := body(msg); !strings.Contains(b, "proposal") || !strings.Contains(b, "nothing has changed") || !strings.Contains(b, "yours") {
		t.Errorf("proposal text: %q", b)
	}
	plans, _ := data["plans"].([]any)
	if len(plans) != 1 {
		t.Fatalf("plans %v, want one (EUR)", data["plans"])
	}
	plan, _ := plans[0].(map[string]any)
	cycles, _ := plan["cycles"].([]any)
	if plan["currency"] != "EUR" || len(cycles) != 1 || minor(plan, "before") != 15000 ||
		minor(plan, "after") != 0 || minor(plan, "removed") != 15000 {
		t.Fatalf("plan %v, want one EUR cycle clearing €150", plan)
	}
	cycle, _ := cycles[0].(map[string]any)
	got, _ := cycle["members"].([]any)
	if len(got) != 3 || got[0] != alice || got[1] != bob || got[2] != carol || minor(cycle, "reduce") != 5000 ||
		cycle["yours"] != true {
		t.Errorf("cycle %v, want alice → bob → carol removing €50, marked yours", cycle)
	}
	if debts, _ := cycle["debts"].([]any); len(debts) != 3 {
		t.Errorf("cycle debts %v, want 3 promises", cycle["debts"])
	}
	if chains, _ := plan["chains"].([]any); len(chains) != 0 {
		t.Errorf("chains %v, want none once the cycle is gone", chains)
	}

	for i, u := range members {
		next := members[(i+1)%len(members)]
		if p := w.promise(needs[next], u); p == nil || p.State != ledger.PromiseCommitment || p.Amount.Minor != 5000 {
			t.Errorf("after clearing, %s's promise to %s: %+v; the proposal must change nothing", u, next, p)
		}
	}
}

// 2. With no open commitments, or none that cancel, there is nothing to
// clear.
func TestClearingNothingToClear(t *testing.T) {
	w := newAidWorld(t)
	k := w.sentCount()
	w.say(dm(bob), bob, "!ex clearing")
	msg, data := clearingMessage(t, w, dm(bob), k)
	if !strings.Contains(body(msg), "nothing to clear") || strings.Contains(body(msg), "proposal") {
		t.Errorf("with no commitments: %q", body(msg))
	}
	if plans, _ := data["plans"].([]any); len(plans) != 0 {
		t.Errorf("plans %v, want none", plans)
	}

	need, cards := w.openNeed()
	w.reply(w.circle, bob, cards[w.circle], "commit 50")
	if p := w.promise(need, bob); p == nil || p.State != ledger.PromiseCommitment {
		t.Fatalf("bob's promise: %+v", p)
	}
	k = w.sentCount()
	w.say(dm(bob), bob, "!ex clearing")
	msg, data = clearingMessage(t, w, dm(bob), k)
	if !strings.Contains(body(msg), "nothing to clear") || !strings.Contains(body(msg), "€50") {
		t.Errorf("with one commitment: %q", body(msg))
	}
	plans, _ := data["plans"].([]any)
	if len(plans) != 1 {
		t.Fatalf("plans %v, want one", data["plans"])
	}
	if plan, _ := plans[0].(map[string]any); minor(plan, "removed") != 0 || minor(plan, "before") != 5000 {
		t.Errorf("plan %v, want nothing removed from €50", plan)
	}
}
