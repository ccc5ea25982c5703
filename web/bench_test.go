package web_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
)

// benchCircle grows the harness's circle by n members, each guaranteed by
// alice, every third of them orange for 50 EUR with alice intending 10 EUR:
// a dashboard and a needs list with n/3 needs to show.
func benchCircle(b *testing.B, n int) *harness {
	b.Helper()
	h := newHarness(b)
	for i := range n {
		u := ledger.UserID(fmt.Sprintf("@m%05d:test", i))
		if err := h.svc.Circles.SetMembership(h.ctx, circle, u, true); err != nil {
			b.Fatal(err)
		}
		if _, err := h.svc.Trust.Invite(h.ctx, h.act(alice), circle, u); err != nil {
			b.Fatal(err)
		}
		if _, err := h.svc.Trust.AcceptPending(h.ctx, h.act(u), circle); err != nil {
			b.Fatal(err)
		}
		if i%3 == 0 {
			need := h.do(ledger.Op{Kind: ledger.OpStatus, Actor: u, Status: ledger.StatusOrange,
				Amount: ledger.Amount{Minor: 5000, Currency: "EUR"}}).Need.ID
			h.do(ledger.Op{Kind: ledger.OpIntend, Actor: alice, Need: need, Amount: ledger.Amount{Minor: 1000, Currency: "EUR"}})
		}
	}
	return h
}

// BenchmarkAPINeeds is GET /api/v1/needs for a member of a 300-member
// circle with 100 open needs, over HTTP on loopback.
func BenchmarkAPINeeds(b *testing.B) {
	h := benchCircle(b, 300)
	token := h.token(alice, ledger.ScopeRead)
	for b.Loop() {
		if r := h.api(http.MethodGet, "/api/v1/needs", token, ""); r.StatusCode != http.StatusOK {
			b.Fatalf("status %d", r.StatusCode)
		}
	}
}

// BenchmarkDashboard renders the dashboard page for the same member.
func BenchmarkDashboard(b *testing.B) {
	h := benchCircle(b, 300)
	br := h.login(alice)
	for b.Loop() {
		if r := br.get("/"); r.StatusCode != http.StatusOK {
			b.Fatalf("status %d", r.StatusCode)
		}
	}
}

// BenchmarkNetworkSVG renders the trust network picture of that member
// (300 direct members, drawn up to the cap).
func BenchmarkNetworkSVG(b *testing.B) {
	h := benchCircle(b, 300)
	br := h.login(alice)
	for b.Loop() {
		if r := br.get("/network.svg"); r.StatusCode != http.StatusOK {
			b.Fatalf("status %d", r.StatusCode)
		}
	}
}
