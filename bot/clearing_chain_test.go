package bot_test

import (
	"strings"
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
)

// chainIn is the first chain of the last clearing proposal in alice's
// direct chat, typed there now.
func chainIn(t *testing.T, w *aidWorld, who ledger.UserID) (string, map[string]any) {
	t.Helper()
	k := w.sentCount()
	w.say(dm(who), string(who), "!ex clearing")
	msg, data := clearingMessage(t, w, dm(who), k)
	plans, _ := data["plans"].([]any)
	if len(plans) != 1 {
		t.Fatalf("plans %v, want one", data["plans"])
	}
	chains, _ := plans[0].(map[string]any)["chains"].([]any)
	if len(chains) != 1 {
		t.Fatalf("chains %v, want one", chains)
	}
	chain, _ := chains[0].(map[string]any)
	return body(msg), chain
}

// TestClearingChainAgreedByAllThree: alice owes bob 50, bob owes carol 80
// (alice → bob → carol). The proposal shows the chain with its ID; alice
// agrees in English, bob in Russian (told in Russian of alice's agreement),
// carol last: the chain is shortened, each told in their language, alice
// owes carol 50 toward carol's need and bob owes carol 30.
func TestClearingChainAgreedByAllThree(t *testing.T) {
	w := newAidWorld(t)
	_, bobCard := w.orangeCard(bob)
	carolNeed, carolCard := w.orangeCard(carol)
	bobNeed := w.promiseNeedOf(bob)
	w.reply(w.circle, alice, bobCard, "commit 50")
	w.reply(w.circle, bob, carolCard, "commit 80")
	w.say(dm(bob), bob, "!ex lang ru")

	text, chain := chainIn(t, w, alice)
	id, _ := chain["id"].(string)
	if chain["from"] != alice || chain["via"] != bob || chain["to"] != carol || minor(chain, "amount") != 5000 ||
		chain["agreeable"] != true || id == "" || !strings.Contains(text, "`"+id+"`") {
		t.Fatalf("chain %v in %q, want alice → bob → carol €50 with its ID", chain, text)
	}

	k := w.sentCount()
	w.say(dm(alice), alice, "!ex clearing agree "+id)
	if got := body(w.lastIn(dm(alice))); !strings.Contains(got, "You agreed to shorten chain") || !strings.Contains(got, "1 of 3") {
		t.Errorf("alice's answer: %q", got)
	}
	if got := inRoom(w.sentSince(k), dm(bob)); len(got) != 1 || !strings.Contains(body(got[0]), "соглашается сократить цепочку") {
		t.Errorf("bob told (in Russian): %v", got)
	}
	if p := w.promise(bobNeed, alice); p == nil || p.State != ledger.PromiseCommitment || p.Amount.Minor != 5000 {
		t.Fatalf("alice's debt changed before all agreed: %+v", p)
	}
	w.say(dm(bob), bob, "!ex клиринг согласен "+strings.ToLower(id))
	if got := body(w.lastIn(dm(bob))); !strings.Contains(got, "Вы согласились сократить цепочку") {
		t.Errorf("bob's answer: %q", got)
	}
	k = w.sentCount()
	w.say(dm(carol), carol, "!ex clearing agree "+id)
	if got := body(w.lastIn(dm(carol))); !strings.Contains(got, "All three agreed") {
		t.Errorf("carol's answer: %q", got)
	}
	if got := inRoom(w.sentSince(k), dm(bob)); len(got) == 0 || !strings.Contains(body(got[0]), "Все трое согласны") {
		t.Errorf("bob told of the shortening (in Russian): %v", got)
	}
	if got := inRoom(w.sentSince(k), dm(alice)); len(got) == 0 || !strings.Contains(body(got[0]), "All three agreed") {
		t.Errorf("alice told of the shortening: %v", got)
	}
	if p := w.promise(bobNeed, alice); p == nil || p.State != ledger.PromiseFulfilled || !p.Cleared {
		t.Errorf("alice's debt to bob: %+v, want fulfilled by clearing", p)
	}
	if p := w.promise(carolNeed, bob); p == nil || p.State != ledger.PromiseCommitment || p.Amount.Minor != 3000 {
		t.Errorf("bob's debt to carol: %+v, want 30", p)
	}
	if p := w.promise(carolNeed, alice); p == nil || p.State != ledger.PromiseCommitment || p.Amount.Minor != 5000 {
		t.Errorf("alice's new debt to carol: %+v, want 50", p)
	}
	w.say(dm(alice), alice, "!ex clearing agree "+id)
	if got := body(w.lastIn(dm(alice))); !strings.Contains(got, "cannot be cleared now") {
		t.Errorf("agreeing again once applied: %q", got)
	}
}

// promiseNeedOf is u's open need.
func (w *aidWorld) promiseNeedOf(u ledger.UserID) ledger.NeedID {
	w.t.Helper()
	st, err := w.svc.Aid.StatusOf(w.ctx, u)
	if err != nil || st.Need == "" {
		w.t.Fatalf("%s has no need: %+v %v", u, st, err)
	}
	return st.Need
}

// TestChainAgreementFollowedByAnotherBot: owner owes alice 20, alice owes
// bob 30; the three agree to the chain in their direct chats with botA,
// which records each agreement in the circle; botB applies them, and both
// bots' ledgers hold the shortened chain.
func TestChainAgreementFollowedByAnotherBot(t *testing.T) {
	w := newFedWorld(t)
	w.say(alice, "", "!ex status orange 100")
	w.say(bob, "", "!ex status orange 100")
	na, nb := w.needOf(w.a, alice), w.needOf(w.a, bob)
	w.say(owner, w.cardIn(w.a, na), "commit 20")
	w.say(alice, w.cardIn(w.a, nb), "commit 30")
	w.sameLedger()
	var chain ledger.ChainCut
	_ = w.a.svc.Aid.View(w.a.ctx, func(b *ledger.Book) error {
		var debts []ledger.Debt
		for _, p := range b.AllPromises() {
			if p.State == ledger.PromiseCommitment {
				debts = append(debts, ledger.Debt{ID: p.ID, From: p.Giver, To: p.Beneficiary, Amount: p.Amount})
			}
		}
		if plans := ledger.PlanClearing(debts); len(plans) == 1 && len(plans[0].Chains) == 1 {
			chain = plans[0].Chains[0]
		}
		return nil
	})
	if chain.From != owner || chain.Via != alice || chain.To != bob || !chain.Agreeable {
		t.Fatalf("chain %+v, want owner → alice → bob", chain)
	}
	for _, u := range []ledger.UserID{owner, alice, bob} {
		w.direct(w.a, string(u), "clearing agree "+chain.ID(), w.b)
	}
	for _, p := range []*peer{w.a, w.b} {
		if got := p.promise(nb, owner); got == nil || got.State != ledger.PromiseCommitment || got.Amount.Minor != 2000 {
			t.Errorf("%s: owner's new debt to bob %+v, want 20", p.user, got)
		}
		if got := p.promise(na, owner); got == nil || got.State != ledger.PromiseFulfilled || !got.Cleared {
			t.Errorf("%s: owner's debt to alice %+v, want fulfilled by clearing", p.user, got)
		}
	}
	w.sameLedger()
}
