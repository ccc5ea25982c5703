package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/web"
)

// sample is a plausible request of a route: its path with the parameters
// filled in, and its body.
type sample struct{ path, body string }

// routes returns the API's route table.
func (h *harness) routes() []web.Route {
	h.t.Helper()
	s, err := web.New(web.Config{}, h.svc, h.access, h.actor)
	if err != nil {
		h.t.Fatal(err)
	}
	return s.APIRoutes()
}

// samples are a plausible request of every route, by "METHOD pattern".
func (h *harness) samples() map[string]sample {
	c := func(rest string) string { return circlePath(circle, rest) }
	n := func(action string) string { return needPath(h.need, action) }
	return map[string]sample{
		"GET /api/v1/openapi.json":                   {"/api/v1/openapi.json", ""},
		"GET /api/v1/me":                             {"/api/v1/me", ""},
		"GET /api/v1/trust":                          {"/api/v1/trust", ""},
		"GET /api/v1/pool":                           {"/api/v1/pool", ""},
		"GET /api/v1/capacity":                       {"/api/v1/capacity", ""},
		"GET /api/v1/chain/{user}":                   {"/api/v1/chain/" + url.PathEscape(string(carol)), ""},
		"GET /api/v1/needs":                          {"/api/v1/needs", ""},
		"GET /api/v1/needs/{id}":                     {n(""), ""},
		"GET /api/v1/promises":                       {"/api/v1/promises?state=intention", ""},
		"GET /api/v1/promises/to-me":                 {"/api/v1/promises/to-me", ""},
		"GET /api/v1/pending":                        {"/api/v1/pending", ""},
		"GET /api/v1/archive":                        {"/api/v1/archive", ""},
		"GET /api/v1/overdue":                        {"/api/v1/overdue", ""},
		"GET /api/v1/network":                        {"/api/v1/network", ""},
		"GET /api/v1/initiatives":                    {"/api/v1/initiatives", ""},
		"GET /api/v1/kassa":                          {"/api/v1/kassa", ""},
		"GET /api/v1/clearing":                       {"/api/v1/clearing", ""},
		"GET /api/v1/profile":                        {"/api/v1/profile", ""},
		"GET /api/v1/circles":                        {"/api/v1/circles", ""},
		"GET /api/v1/circles/{id}":                   {c(""), ""},
		"GET /api/v1/circles/{id}/digest":            {c("/digest"), ""},
		"GET /api/v1/circles/{id}/health":            {c("/health"), ""},
		"GET /api/v1/health":                         {"/api/v1/health", ""},
		"GET /api/v1/health/{user}":                  {"/api/v1/health/" + url.PathEscape(string(carol)), ""},
		"GET /api/v1/report":                         {"/api/v1/report", ""},
		"GET /api/v1/report.csv":                     {"/api/v1/report.csv", ""},
		"GET /api/v1/circles/{id}/report":            {c("/report"), ""},
		"GET /api/v1/circles/{id}/report.csv":        {c("/report.csv"), ""},
		"GET /api/v1/circles/{id}/export.json":       {c("/export.json"), ""},
		"GET /api/v1/circles/{id}/export.csv":        {c("/export.csv"), ""},
		"GET /api/v1/export.json":                    {"/api/v1/export.json", ""},
		"GET /api/v1/export.csv":                     {"/api/v1/export.csv", ""},
		"POST /api/v1/status":                        {"/api/v1/status", `{"status":"orange","amount":"80"}`},
		"POST /api/v1/needs/{id}/intend":             {n("intend"), `{"amount":"20"}`},
		"POST /api/v1/needs/{id}/withdraw":           {n("withdraw"), ``},
		"POST /api/v1/needs/{id}/commit":             {n("commit"), `{"amount":"20"}`},
		"POST /api/v1/needs/{id}/sent":               {n("sent"), `{}`},
		"POST /api/v1/needs/{id}/got":                {n("got"), `{"giver":"@bob:test"}`},
		"POST /api/v1/needs/{id}/done":               {n("done"), `{"report":"done well"}`},
		"POST /api/v1/needs/{id}/approve":            {n("approve"), ``},
		"POST /api/v1/forgive":                       {"/api/v1/forgive", `{"user":"@bob:test"}`},
		"POST /api/v1/remind":                        {"/api/v1/remind", `{"user":"@carol:test"}`},
		"POST /api/v1/initiatives":                   {"/api/v1/initiatives", `{"circle":"!circle:test","title":"Roof","price":"300","deadline":"2026-12-31"}`},
		"POST /api/v1/kassa":                         {"/api/v1/kassa", `{"amount":"50"}`},
		"POST /api/v1/claims":                        {"/api/v1/claims", `{"circle":"!circle:test","amount":"40","reason":"rent"}`},
		"POST /api/v1/clearing/{cycle}/agree":        {"/api/v1/clearing/ABC123/agree", ``},
		"PUT /api/v1/profile/about":                  {"/api/v1/profile/about", `{"text":"Gardener"}`},
		"POST /api/v1/profile/requisites":            {"/api/v1/profile/requisites", `{"text":"IBAN DE00"}`},
		"PUT /api/v1/profile/requisites/{n}/default": {"/api/v1/profile/requisites/1/default", ``},
		"DELETE /api/v1/profile/requisites/{n}":      {"/api/v1/profile/requisites/1", ``},
		"PUT /api/v1/profile/lang":                   {"/api/v1/profile/lang", `{"lang":"ru"}`},
		"PUT /api/v1/profile/timezone":               {"/api/v1/profile/timezone", `{"timezone":"Europe/Belgrade"}`},
		"PUT /api/v1/profile/notices/{kind}":         {"/api/v1/profile/notices/status", `{"muted":true}`},
		"POST /api/v1/circles/{id}/invite":           {c("/invite"), `{"user":"@erin:test"}`},
		"POST /api/v1/circles/{id}/owner":            {c("/owner"), `{"user":"@erin:test"}`},
		"POST /api/v1/circles/{id}/coowners":         {c("/coowners"), `{"user":"@erin:test"}`},
		"POST /api/v1/circles/{id}/demote":           {c("/demote"), `{"user":"@erin:test"}`},
		"POST /api/v1/circles/{id}/remove":           {c("/remove"), `{"user":"@erin:test"}`},
		"POST /api/v1/block":                         {"/api/v1/block", `{"user":"@dave:test"}`},
		"DELETE /api/v1/block/{user}":                {"/api/v1/block/" + url.PathEscape(string(dave)), ``},
		"POST /api/v1/commands":                      {"/api/v1/commands", `{"command":"pool"}`},
	}
}

// sampleOf is the sample of a route, failing the test if it has none.
func (h *harness) sampleOf(rt web.Route) sample {
	h.t.Helper()
	s, ok := h.samples()[rt.Method+" "+rt.Path]
	if !ok {
		h.t.Fatalf("no sample request for %s %s", rt.Method, rt.Path)
	}
	return s
}

func TestAPIEveryRouteNeedsAValidToken(t *testing.T) {
	h := newHarness(t)
	revoked := h.token(alice, ledger.ScopeWrite)
	tokens, err := h.access.Tokens(h.ctx, alice)
	if err != nil || len(tokens) != 1 {
		t.Fatalf("tokens %v, %v", tokens, err)
	}
	if err := h.access.RevokeToken(h.ctx, h.act(alice), tokens[0].Name); err != nil {
		t.Fatal(err)
	}
	creds := []struct{ name, header, key string }{
		{"none", "", "auth.no_token"},
		{"other scheme", "Basic YWxpY2U6c2VjcmV0", "auth.no_token"},
		{"empty bearer", "Bearer ", "auth.no_token"},
		{"bad token", "Bearer ext_notarealtoken", "auth.bad_token"},
		{"not a token", "Bearer hunter2", "auth.bad_token"},
		{"revoked", "Bearer " + revoked, "auth.bad_token"},
	}
	for _, rt := range h.routes() {
		sm := h.sampleOf(rt)
		for _, c := range creds {
			req, _ := http.NewRequest(rt.Method, h.srv.URL+sm.path, strings.NewReader(sm.body))
			if c.header != "" {
				req.Header.Set("Authorization", c.header)
			}
			r := (&browser{h: h, client: http.DefaultClient}).do(req)
			if rt.Public {
				if r.StatusCode != http.StatusOK {
					t.Errorf("%s %s (%s): public route answered %d", rt.Method, rt.Path, c.name, r.StatusCode)
				}
				continue
			}
			if r.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(r.Header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("%s %s (%s): %d %q", rt.Method, rt.Path, c.name, r.StatusCode, r.Header.Get("WWW-Authenticate"))
				continue
			}
			if e := decodeAs[errorT](t, r); e.Error.Code != "unauthorized" || e.Error.Key != c.key {
				t.Errorf("%s %s (%s): error %+v", rt.Method, rt.Path, c.name, e.Error)
			}
		}
	}
	if n := len(h.actor.requests()); n != 0 {
		t.Fatalf("the actor got %d requests without a valid token", n)
	}
}

func TestAPIReadOnlyTokenCannotWrite(t *testing.T) {
	h := newHarness(t)
	ro := h.token(alice, ledger.ScopeRead)
	writes := 0
	for _, rt := range h.routes() {
		sm := h.sampleOf(rt)
		r := h.api(rt.Method, sm.path, ro, sm.body)
		if !rt.Write {
			if r.StatusCode != http.StatusOK {
				t.Errorf("%s %s with a read token: %d\n%s", rt.Method, rt.Path, r.StatusCode, r.Body)
			}
			continue
		}
		writes++
		if e := decodeAs[errorT](t, r); r.StatusCode != http.StatusForbidden || e.Error.Key != "api.read_only" {
			t.Errorf("%s %s with a read token: %d %+v", rt.Method, rt.Path, r.StatusCode, e.Error)
		}
	}
	if writes < 24 {
		t.Fatalf("only %d write routes", writes)
	}
	if n := len(h.actor.requests()); n != 0 {
		t.Fatalf("a read-only token reached the actor %d times", n)
	}
	if ok := h.api(http.MethodGet, "/api/v1/me", ro, ""); !strings.Contains(ok.Body, `"scope": "read"`) {
		t.Fatalf("me: %s", ok.Body)
	}
}

func TestAPIActsOnlyForTheTokensMember(t *testing.T) {
	h := newHarness(t)
	bt := h.token(bob, ledger.ScopeWrite)
	for _, rt := range h.routes() {
		if rt.Write {
			sm := h.sampleOf(rt)
			h.api(rt.Method, sm.path, bt, sm.body)
		}
	}
	reqs := h.actor.requests()
	if len(reqs) < 20 {
		t.Fatalf("only %d requests reached the actor", len(reqs))
	}
	for _, req := range reqs {
		if req.Member != bob {
			t.Fatalf("a request of bob's token acted for %s: %+v", req.Member, req)
		}
	}
	// No field names another actor: a body that tries is refused.
	for _, body := range []string{`{"amount":"5","member":"@carol:test"}`, `{"amount":"5","actor":"@carol:test"}`} {
		h.expectError("POST", needPath(h.need, "intend"), bt, body, 400, "api.bad_json")
	}
	h.expectError("POST", "/api/v1/commands", bt, `{"command":"got","need":"`+string(h.need)+`","member":"@carol:test"}`, 400, "api.bad_json")
}

func TestAPIOnlyTheOwnerConfirms(t *testing.T) {
	h := newHarness(t)
	bt := h.token(bob, ledger.ScopeWrite)
	h.do(ledger.Op{Kind: ledger.OpCommit, Actor: bob, Need: h.need})
	h.do(ledger.Op{Kind: ledger.OpSent, Actor: bob, Need: h.need})
	h.expectError("POST", needPath(h.need, "got"), bt, `{"giver":"@bob:test"}`, 403, "promise.not_beneficiary")
	h.expectError("POST", "/api/v1/commands", bt, `{"command":"got @bob:test","need":"`+string(h.need)+`"}`, 403, "promise.not_beneficiary")
	v, err := h.svc.Aid.Need(h.ctx, h.need)
	if err != nil || v.Promises[0].State != ledger.PromiseSent {
		t.Fatalf("bob's promise: %+v, %v", v.Promises[0], err)
	}
}

func TestAPIRateLimit(t *testing.T) {
	h := newHarness(t)
	s, err := web.New(web.Config{RequestsPerMinute: 3}, h.svc, h.access, h.actor)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	get := func(tok string) *response {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		return (&browser{h: h, client: http.DefaultClient}).do(req)
	}
	at, bt := h.token(alice, ledger.ScopeRead), h.token(bob, ledger.ScopeRead)
	for i := 0; i < 3; i++ {
		if r := get(at); r.StatusCode != http.StatusOK {
			t.Fatalf("request %d: %d", i+1, r.StatusCode)
		}
	}
	r := get(at)
	if e := decodeAs[errorT](t, r); r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" || e.Error.Key != "api.rate_limited" {
		t.Fatalf("fourth request: %d %+v", r.StatusCode, e)
	}
	if r := get(bt); r.StatusCode != http.StatusOK {
		t.Fatalf("another token: %d", r.StatusCode)
	}
	h.clock.Advance(time.Minute + time.Second)
	if r := get(at); r.StatusCode != http.StatusOK {
		t.Fatalf("a minute later: %d", r.StatusCode)
	}
}

// TestAPIOutsidersCannotActOnACirclesClaimOrInitiative: a write token acts
// as its member, and a member of another circle may neither approve this
// circle's claim nor back or commit to its initiative, though he shares
// that other circle with their authors; nothing changes.
func TestAPIOutsidersCannotActOnACirclesClaimOrInitiative(t *testing.T) {
	h := newHarness(t)
	const other ledger.CircleID = "!other:test"
	if _, err := h.svc.Circles.Create(h.ctx, h.act(dave), ledger.CircleSpec{ID: other, Name: "Other"}); err != nil {
		t.Fatal(err)
	}
	// dave shares the other circle with the claimant and the initiator,
	// yet a circle's own need is not his to see: not found (and, were it
	// found, the ledger would refuse him: TestWhoMayActOnACirclesNeeds).
	for _, u := range []ledger.UserID{dave, carol, alice} {
		if err := h.svc.Circles.SetMembership(h.ctx, other, u, true); err != nil {
			t.Fatal(err)
		}
	}
	eur := func(n int64) ledger.Amount { return ledger.Amount{Minor: n * 100, Currency: "EUR"} }
	h.do(ledger.Op{Kind: ledger.OpKassa, Actor: bob, Amount: eur(50)})
	claim := h.do(ledger.Op{Kind: ledger.OpClaim, Actor: carol, Amount: eur(30), Text: "rent", Circle: circle}).Need.ID
	roof := h.do(ledger.Op{Kind: ledger.OpInitiative, Actor: alice, Text: "Roof", Amount: eur(100),
		Until: h.clock.Now().Add(240 * time.Hour), Circle: circle}).Need.ID
	dt := h.token(dave, ledger.ScopeWrite)
	for _, c := range []struct {
		need ledger.NeedID
		verb string
		body string
	}{{claim, "approve", ""}, {roof, "intend", `{"amount":"10"}`}, {roof, "commit", `{"amount":"10"}`}} {
		h.expectError("POST", needPath(c.need, c.verb), dt, c.body, 404, "need.not_found")
	}
	if v, err := h.svc.Aid.Need(h.ctx, claim); err != nil || v.Need.State != ledger.NeedProposed {
		t.Fatalf("the claim after dave's approval: %+v, %v", v, err)
	}
	if v, err := h.svc.Aid.Need(h.ctx, roof); err != nil || len(v.Promises) != 0 {
		t.Fatalf("the initiative after dave's promises: %+v, %v", v, err)
	}
}
