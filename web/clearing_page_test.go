package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
)

// chainHarness gives the harness a chain: alice owes bob 20 (toward bob's
// need), bob owes carol 30 (toward carol's): alice → bob → carol, 20.
func chainHarness(t *testing.T) (*harness, ledger.ChainCut) {
	h := newHarness(t)
	nb := h.do(ledger.Op{Kind: ledger.OpStatus, Actor: bob, Status: ledger.StatusOrange, Amount: eur(50)}).Need.ID
	h.do(ledger.Op{Kind: ledger.OpCommit, Actor: alice, Need: nb, Amount: eur(20)})
	h.do(ledger.Op{Kind: ledger.OpCommit, Actor: bob, Need: h.need, Amount: eur(30)})
	var chain ledger.ChainCut
	_ = h.svc.Aid.View(h.ctx, func(b *ledger.Book) error {
		var debts []ledger.Debt
		for _, p := range b.AllPromises() {
			if p.State == ledger.PromiseCommitment {
				debts = append(debts, ledger.Debt{ID: p.ID, From: p.Giver, To: p.Beneficiary, Amount: p.Amount})
			}
		}
		plans := ledger.PlanClearing(debts)
		if len(plans) != 1 || len(plans[0].Chains) != 1 {
			t.Fatalf("plans %+v, want one chain", plans)
		}
		chain = plans[0].Chains[0]
		return nil
	})
	if chain.From != alice || chain.Via != bob || chain.To != carol || !chain.Agreeable {
		t.Fatalf("chain %+v", chain)
	}
	return h, chain
}

// TestClearingPageShowsChainAndAgreement: the clearing page shows alice
// her chain, its ID, who agreed and her agree button; its form asks the
// actor for `clearing agree <ID>`; once she and bob agreed it says so, and
// names them; dave, in no circle, sees nothing to clear; in Russian too.
func TestClearingPageShowsChainAndAgreement(t *testing.T) {
	h, chain := chainHarness(t)
	id := chain.ID()
	b := h.login(alice)
	mustShow(t, "clearing page", b.get("/clearing"), "Your cycles and chains", "Chain", "<code>"+id+"</code>",
		"alice", "bob", "carol", "€20", "0 of 3 agreed", `action="/clearing/`+id+`/agree"`, `href="/clearing"`)

	if r := b.postForm("/clearing/"+id+"/agree", url.Values{}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("agree form: %d %s", r.StatusCode, r.Body)
	}
	if req := h.lastAct(); req.Member != alice || req.Command.Verb != ledger.VerbClearing || !req.Command.Confirm || req.Command.Text != id {
		t.Fatalf("agree request: %+v", req)
	}
	if r := b.postForm("/clearing/not-hex/agree", url.Values{}); r.StatusCode != http.StatusBadRequest {
		t.Errorf("a bad ID: %d, want 400", r.StatusCode)
	}

	for _, u := range []ledger.UserID{alice, bob} {
		h.do(ledger.Op{Kind: ledger.OpAgree, Actor: u, Chain: &chain})
	}
	page := b.get("/clearing")
	mustShow(t, "after two agreed", page, "2 of 3 agreed", "You agreed; waiting for the others.")
	if strings.Contains(page.Body, `action="/clearing/`+id+`/agree"`) {
		t.Error("the agree button is still shown to alice, who agreed")
	}
	mustShow(t, "carol's page", h.login(carol).get("/clearing"), "2 of 3 agreed", `action="/clearing/`+id+`/agree"`)
	mustShow(t, "dave's page", h.login(dave).get("/clearing"), "You are in no cycle and no chain")

	b.get("/lang?lang=ru&back=/clearing")
	mustShow(t, "in Russian", b.get("/clearing"), "Ваши круги и цепочки", "Цепочка", "согласны 2 из 3", "Вы согласились")

	h.do(ledger.Op{Kind: ledger.OpAgree, Actor: carol, Chain: &chain})
	mustShow(t, "once shortened", h.login(carol).get("/clearing"), "You are in no cycle and no chain")
}

// TestAPIClearingChain: the API lists the chain with its ID, whether it is
// agreeable and who agreed; agreeing to it goes to the actor as the chat's
// command.
func TestAPIClearingChain(t *testing.T) {
	h, chain := chainHarness(t)
	h.do(ledger.Op{Kind: ledger.OpAgree, Actor: bob, Chain: &chain})
	at := h.token(alice, ledger.ScopeWrite)
	type plans struct {
		Plans []struct {
			Chains []struct {
				ID, From, Via, To string
				Amount            amountT
				Agreeable, Yours  bool
				Agreed            []string
			}
		}
	}
	p := decodeAs[plans](t, h.expect("GET", "/api/v1/clearing", at, "", 200))
	if len(p.Plans) != 1 || len(p.Plans[0].Chains) != 1 {
		t.Fatalf("plans: %+v", p)
	}
	ch := p.Plans[0].Chains[0]
	if ch.ID != chain.ID() || !ch.Agreeable || !ch.Yours || ch.Amount.Minor != 2000 || len(ch.Agreed) != 1 || ch.Agreed[0] != string(bob) {
		t.Fatalf("chain: %+v", ch)
	}
	h.expect("POST", "/api/v1/clearing/"+strings.ToLower(ch.ID)+"/agree", at, "", 200)
	if req := h.lastRequest(); req.Command.Verb != ledger.VerbClearing || !req.Command.Confirm || req.Command.Text != ch.ID {
		t.Fatalf("agree request: %+v", req)
	}
}
