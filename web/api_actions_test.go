package web_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
)

// The write routes carried out end to end through the fake actor: the
// command each becomes, and the fresh state each answers with.

// kassaT is the answer of GET /api/v1/kassa.
type kassaT struct {
	Circles []struct {
		Circle, Name, Currency string
		Members                int
		Total                  amountT
		Mine, Asked, Left      *amountT
		Legacy                 bool
	}
}

func TestAPIKassaAndClaims(t *testing.T) {
	h := newHarness(t)
	const second ledger.CircleID = "!second:test"
	if _, err := h.svc.Circles.Create(h.ctx, h.act(alice), ledger.CircleSpec{ID: second, Name: "Garden"}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []ledger.UserID{alice, dave} {
		if err := h.svc.Circles.SetMembership(h.ctx, second, u, true); err != nil {
			t.Fatal(err)
		}
	}
	at, bt, ct, dt := h.token(alice, ledger.ScopeWrite), h.token(bob, ledger.ScopeWrite), h.token(carol, ledger.ScopeWrite), h.token(dave, ledger.ScopeWrite)
	// alice is in two circles: she names the one she means.
	h.expectError("POST", "/api/v1/kassa", at, `{"amount":"50"}`, 400, "api.required")
	h.expectError("POST", "/api/v1/kassa", bt, `{"circle":"!second:test","amount":"50"}`, 403, "api.not_member")
	act := decodeAs[actionT](t, h.expect("POST", "/api/v1/kassa", at, `{"circle":"!circle:test","amount":"50"}`, 200))
	if act.Status == nil || len(act.Status.KassaMaxima) != 1 || act.Status.KassaMaxima[0].Circle != string(circle) ||
		act.Status.KassaMaxima[0].Max != (amountT{5000, "EUR", "50 EUR"}) {
		t.Fatalf("kassa: %+v", act.Status)
	}
	if req := h.lastRequest(); req.Circle != circle || req.Command.Verb != ledger.VerbKassa {
		t.Fatalf("kassa request: %+v", req)
	}
	// bob is in one: it is his.
	h.expect("POST", "/api/v1/kassa", bt, `{"amount":"30 EUR"}`, 200)
	if req := h.lastRequest(); req.Circle != circle {
		t.Fatalf("bob's kassa request: %+v", req)
	}
	h.expect("POST", "/api/v1/kassa", dt, `{"amount":"100"}`, 200)
	k := decodeAs[kassaT](t, h.expect("GET", "/api/v1/kassa", at, "", 200))
	if len(k.Circles) != 2 {
		t.Fatalf("kassa view: %+v", k)
	}
	for _, f := range k.Circles {
		switch f.Circle {
		case string(circle):
			if f.Name != "Friends" || f.Currency != "EUR" || f.Members != 2 || f.Total.Minor != 8000 || f.Mine == nil || f.Mine.Minor != 5000 ||
				f.Asked == nil || f.Asked.Minor != 0 || f.Left == nil || f.Left.Minor != 5000 {
				t.Fatalf("the circle's kassa: %+v", f)
			}
		case string(second):
			if f.Name != "Garden" || f.Members != 1 || f.Total.Minor != 10000 || f.Mine != nil {
				t.Fatalf("the second circle's kassa: %+v", f)
			}
		default:
			t.Fatalf("kassa of %s", f.Circle)
		}
	}
	h.expectError("GET", "/api/v1/kassa?circle=%21second%3Atest", bt, "", 403, "api.not_member")
	act = decodeAs[actionT](t, h.expect("POST", "/api/v1/claims", ct, `{"circle":"!circle:test","amount":"40","reason":"rent"}`, 201))
	if act.Need == nil || act.Need.Kind != "claim" || act.Need.State != "proposed" || act.Need.Title != "rent" || act.Need.Circle != string(circle) {
		t.Fatalf("claim: %+v", act.Need)
	}
	if req := h.lastRequest(); req.Circle != circle || req.Command.Verb != ledger.VerbClaim || req.Command.Text != "rent" {
		t.Fatalf("claim request: %+v", req)
	}
	claim := ledger.NeedID(act.Need.ID)
	h.expectError("POST", needPath(claim, "approve"), ct, "", 403, "kassa.self_approval")
	act = decodeAs[actionT](t, h.expect("POST", needPath(claim, "approve"), at, "", 200))
	if act.Need.State != "open" || len(act.Need.Promises) != 2 {
		t.Fatalf("approved claim: %+v (dave declared in another circle: no share)", act.Need)
	}
	k = decodeAs[kassaT](t, h.expect("GET", "/api/v1/kassa?circle=%21circle%3Atest", at, "", 200))
	if len(k.Circles) != 1 || k.Circles[0].Asked == nil || k.Circles[0].Asked.Minor != 2500 || k.Circles[0].Left.Minor != 2500 {
		t.Fatalf("alice's kassa after her share of €25: %+v", k)
	}
	list := decodeAs[struct{ Needs []needT }](t, h.expect("GET", "/api/v1/needs", bt, "", 200))
	if len(list.Needs) != 2 || list.Needs[1].ID != string(claim) {
		t.Fatalf("bob's needs: %+v", list.Needs)
	}
}

func TestAPIInitiatives(t *testing.T) {
	h := newHarness(t)
	at, bt := h.token(alice, ledger.ScopeWrite), h.token(bob, ledger.ScopeWrite)
	act := decodeAs[actionT](t, h.expect("POST", "/api/v1/initiatives", at,
		`{"circle":"!circle:test","title":"Roof","price":"300","deadline":"2026-12-31"}`, 201))
	if act.Need == nil || act.Need.Kind != "initiative" || act.Need.Target.Minor != 30000 || act.Need.Title != "Roof" {
		t.Fatalf("initiative: %+v", act.Need)
	}
	req := h.lastRequest()
	if req.Circle != circle || !req.Command.ByDate.Equal(time2026(12, 31, 0, 0)) || req.Command.ByClock {
		t.Fatalf("initiative request: %+v", req)
	}
	id := ledger.NeedID(act.Need.ID)
	list := decodeAs[struct{ Initiatives []needT }](t, h.expect("GET", "/api/v1/initiatives", bt, "", 200))
	if len(list.Initiatives) != 1 || list.Initiatives[0].ID != string(id) || list.Initiatives[0].Progress == nil {
		t.Fatalf("initiatives: %+v", list)
	}
	h.expect("POST", needPath(id, "intend"), bt, `{"amount":"50"}`, 200)
	act = decodeAs[actionT](t, h.expect("POST", needPath(id, "done"), at, `{"report":"fixed"}`, 200))
	if act.Need.State != "done" || act.Need.Report != "fixed" {
		t.Fatalf("done: %+v", act.Need)
	}
	h.expect("POST", "/api/v1/initiatives", at, `{"circle":"!circle:test","title":"Fence","price":"40","deadline":"2026-12-01T18:30:00+01:00"}`, 201)
	if req := h.lastRequest(); !req.Command.ByDate.Equal(time2026(12, 1, 17, 30)) || !req.Command.ByClock {
		t.Fatalf("initiative by a moment: %+v", req.Command)
	}
}

func TestAPIProfileWritesBecomeChatCommands(t *testing.T) {
	h := newHarness(t)
	at := h.token(alice, ledger.ScopeWrite)
	cases := []struct {
		method, path, body string
		want               ledger.Command
		status             int
	}{
		{"PUT", "/api/v1/profile/about", `{"text":"Gardener\nand cook"}`, ledger.Command{Verb: ledger.VerbAbout, Text: "Gardener\nand cook"}, 200},
		{"POST", "/api/v1/profile/requisites", `{"text":"IBAN DE00 1234"}`, ledger.Command{Verb: ledger.VerbRequisites, Requisites: ledger.RequisitesAdd, Text: "IBAN DE00 1234"}, 201},
		{"PUT", "/api/v1/profile/requisites/2/default", ``, ledger.Command{Verb: ledger.VerbRequisites, Requisites: ledger.RequisitesDefault, Index: 2}, 200},
		{"DELETE", "/api/v1/profile/requisites/1", ``, ledger.Command{Verb: ledger.VerbRequisites, Requisites: ledger.RequisitesRemove, Index: 1}, 200},
		{"PUT", "/api/v1/profile/lang", `{"lang":"ru"}`, ledger.Command{Verb: ledger.VerbLang, Target: ledger.LangRU}, 200},
		{"PUT", "/api/v1/profile/timezone", `{"timezone":"Europe/Belgrade"}`, ledger.Command{Verb: ledger.VerbZone, Zone: "Europe/Belgrade"}, 200},
		{"PUT", "/api/v1/profile/timezone", `{"timezone":""}`, ledger.Command{Verb: ledger.VerbZone, ZoneReset: true}, 200},
		{"PUT", "/api/v1/profile/notices/status", `{"muted":true}`, ledger.Command{Verb: ledger.VerbMute, Notice: ledger.NoticeStatus}, 200},
		{"PUT", "/api/v1/profile/notices/digest", `{"muted":false}`, ledger.Command{Verb: ledger.VerbUnmute, Notice: ledger.NoticeDigest}, 200},
		{"POST", "/api/v1/remind", `{"user":"@carol:test"}`, ledger.Command{Verb: ledger.VerbRemind, User: carol}, 200},
		{"POST", "/api/v1/block", `{"user":"@bob:test"}`, ledger.Command{Verb: ledger.VerbBlock, User: bob}, 200},
		{"DELETE", "/api/v1/block/" + url.PathEscape("@bob:test"), ``, ledger.Command{Verb: ledger.VerbUnblock, User: bob}, 200},
		{"POST", circlePath(circle, "/invite"), `{"user":"@erin:test"}`, ledger.Command{Verb: ledger.VerbInvite, User: "@erin:test"}, 200},
		{"POST", "/api/v1/clearing/abc123/agree", ``, ledger.Command{Verb: ledger.VerbClearing, Confirm: true, Text: "ABC123"}, 200},
	}
	for _, c := range cases {
		r := h.expect(c.method, c.path, at, c.body, c.status)
		req := h.lastRequest()
		if req.Member != alice || req.Command.Verb != c.want.Verb || req.Command.Text != c.want.Text || req.Command.User != c.want.User ||
			req.Command.Requisites != c.want.Requisites || req.Command.Index != c.want.Index || req.Command.Target != c.want.Target ||
			req.Command.Notice != c.want.Notice || req.Command.Confirm != c.want.Confirm ||
			req.Command.Zone != c.want.Zone || req.Command.ZoneReset != c.want.ZoneReset {
			t.Errorf("%s %s: request %+v, want %+v", c.method, c.path, req.Command, c.want)
		}
		if a := decodeAs[actionT](t, r); a.Message == "" {
			t.Errorf("%s %s: no message: %s", c.method, c.path, r.Body)
		}
	}
	if req := h.actor.requests()[12]; req.Circle != circle {
		t.Errorf("invite went to circle %q", req.Circle)
	}
	p := decodeAs[struct {
		Member  string
		Lang    string
		Notices []string
	}](t, h.expect("GET", "/api/v1/profile", at, "", 200))
	if p.Member != string(alice) || p.Lang != "en" || len(p.Notices) != len(ledger.NoticeKinds) {
		t.Fatalf("profile: %+v", p)
	}
}

func TestAPICommandsReachEveryChatCommand(t *testing.T) {
	h := newHarness(t)
	at := h.token(alice, ledger.ScopeWrite)
	body := `{"command":"intend 20","need":"` + string(h.need) + `"}`
	act := decodeAs[actionT](t, h.expect("POST", "/api/v1/commands", at, body, 200))
	if act.Need == nil || act.Need.Progress.Intended.Minor != 12000 {
		t.Fatalf("intend by command: %+v", act)
	}
	req := h.lastRequest()
	if req.Member != alice || req.Need != h.need || req.Command.Verb != ledger.VerbIntend || req.Command.Amount != eur(20) {
		t.Fatalf("request: %+v", req)
	}
	h.expect("POST", "/api/v1/commands", at, `{"command":"!ex status orange 75","circle":"!circle:test"}`, 200)
	if req := h.lastRequest(); req.Circle != circle || req.Command.Status != ledger.StatusOrange || req.Command.Amount != eur(75) {
		t.Fatalf("status by command: %+v", req)
	}
	h.expect("POST", "/api/v1/commands", at, `{"command":"sos my house is flooded"}`, 200)
	if req := h.lastRequest(); req.Command.Verb != ledger.VerbSOS || req.Command.Text == "" {
		t.Fatalf("sos by command: %+v", req)
	}
	h.expectError("POST", "/api/v1/commands", h.token(dave, ledger.ScopeWrite), body, 404, "need.not_found")
}

func TestAPIClearingProposalAndAgreement(t *testing.T) {
	h := newHarness(t)
	// A cycle of commitments: alice → carol → bob → alice.
	na := h.do(ledger.Op{Kind: ledger.OpStatus, Actor: alice, Status: ledger.StatusOrange, Amount: eur(50)}).Need.ID
	nb := h.do(ledger.Op{Kind: ledger.OpStatus, Actor: bob, Status: ledger.StatusOrange, Amount: eur(50)}).Need.ID
	h.do(ledger.Op{Kind: ledger.OpCommit, Actor: alice, Need: h.need, Amount: eur(30)})
	h.do(ledger.Op{Kind: ledger.OpCommit, Actor: carol, Need: nb, Amount: eur(30)})
	h.do(ledger.Op{Kind: ledger.OpCommit, Actor: bob, Need: na, Amount: eur(20)})
	at := h.token(alice, ledger.ScopeWrite)
	type plans struct {
		Plans []struct {
			Currency string
			Before   amountT
			Removed  amountT
			Cycles   []struct {
				ID      string
				Members []string
				Reduce  amountT
				Yours   bool
			}
		}
	}
	p := decodeAs[plans](t, h.expect("GET", "/api/v1/clearing", at, "", 200))
	if len(p.Plans) != 1 || len(p.Plans[0].Cycles) != 1 || p.Plans[0].Before.Minor != 8000 || p.Plans[0].Removed.Minor != 7000 {
		t.Fatalf("plans: %+v", p)
	}
	cy := p.Plans[0].Cycles[0]
	if len(cy.Members) != 3 || cy.Reduce.Minor != 2000 || !cy.Yours {
		t.Fatalf("cycle: %+v", cy)
	}
	act := decodeAs[actionT](t, h.expect("POST", "/api/v1/clearing/"+strings.ToLower(cy.ID)+"/agree", at, "", 200))
	if act.Cycle == nil || act.Cycle.ID != cy.ID {
		t.Fatalf("agree: %+v", act)
	}
	if req := h.lastRequest(); req.Command.Verb != ledger.VerbClearing || !req.Command.Confirm || req.Command.Text != cy.ID {
		t.Fatalf("agree request: %+v", req)
	}
	if d := decodeAs[plans](t, h.expect("GET", "/api/v1/clearing", h.token(dave, ledger.ScopeRead), "", 200)); len(d.Plans) != 0 {
		t.Fatalf("dave sees %+v", d)
	}
}
