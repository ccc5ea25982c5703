package web_test

import (
	"strings"
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
)

// capacityHarness is the harness with alice committed to €60 of carol's
// need: of the €100 alice's guarantee with bob carries, €40 is alice's own
// and €60 is carol's, passed on by alice.
func capacityHarness(t *testing.T) *harness {
	h := newHarness(t)
	h.do(ledger.Op{Kind: ledger.OpCommit, Actor: alice, Need: h.need, Amount: ledger.Amount{Minor: 6000, Currency: "EUR"}})
	return h
}

// TestAPICapacity: GET /api/v1/capacity answers bob's figure with its
// paths, largest first, each from the giver to bob.
func TestAPICapacity(t *testing.T) {
	h := capacityHarness(t)
	got := decodeAs[struct {
		Member   string
		Capacity []struct {
			Value amountT
			Paths []struct {
				Members []string
				Amount  amountT
			}
			PathCount int `json:"path_count"`
		}
	}](t, h.expect("GET", "/api/v1/capacity", h.token(bob, ledger.ScopeRead), "", 200))
	if got.Member != string(bob) || len(got.Capacity) != 1 {
		t.Fatalf("bob's capacity: %+v", got)
	}
	c := got.Capacity[0]
	if c.Value != (amountT{10000, "EUR", "100 EUR"}) || c.PathCount != 2 || len(c.Paths) != 2 {
		t.Fatalf("bob's capacity: %+v", c)
	}
	if p := c.Paths[0]; strings.Join(p.Members, " ") != "@carol:test @alice:test @bob:test" || p.Amount.Minor != 6000 {
		t.Errorf("largest path: %+v", p)
	}
	if p := c.Paths[1]; strings.Join(p.Members, " ") != "@alice:test @bob:test" || p.Amount.Minor != 4000 {
		t.Errorf("second path: %+v", p)
	}
	// bob's €100 toward carol is an intention, which binds nobody: his
	// pledge still reaches carol through alice, with alice's €40.
	carols := h.expect("GET", "/api/v1/capacity", h.token(carol, ledger.ScopeRead), "", 200)
	if !strings.Contains(carols.Body, `"text": "100 EUR"`) || !strings.Contains(carols.Body, `"@bob:test",`) {
		t.Errorf("carol's capacity: %s", carols.Body)
	}
	none := decodeAs[map[string]any](t, h.expect("GET", "/api/v1/capacity", h.token(dave, ledger.ScopeRead), "", 200))
	if cs, ok := none["capacity"].([]any); !ok || len(cs) != 0 {
		t.Errorf("dave, without guarantees: %v", none)
	}
}

// TestNetworkPageShowsCapacity: the network page shows what can reach the
// member and the paths that carry it, in English and in Russian; a member
// without guarantees is told nothing can.
func TestNetworkPageShowsCapacity(t *testing.T) {
	h := capacityHarness(t)
	b := h.login(bob)
	mustShow(t, "bob's network", b.get("/network"), "What can reach you",
		"At most €100 can reach you through guarantees now.",
		`<span class="amount">€60</span>: <span title="@carol:test">carol</span> → <span title="@alice:test">alice</span> → <strong>you</strong>`,
		`<span class="amount">€40</span>: <span title="@alice:test">alice</span> → <strong>you</strong>`)
	b.get("/lang?lang=ru&back=/network")
	mustShow(t, "bob's network in Russian", b.get("/network"), "Что может дойти до вас",
		"до вас может дойти не больше 100\u00a0€", "→ <strong>вы</strong>")
	mustShow(t, "dave's network", h.login(dave).get("/network"), "No help can reach you through guarantees now")
}
