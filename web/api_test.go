package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

// Shapes of the API's answers, as a client reads them.
type amountT struct {
	Minor    int64  `json:"minor"`
	Currency string `json:"currency"`
	Text     string `json:"text"`
}

type progressT struct {
	Target, Intended, Committed, Confirmed, Missing amountT
	Givers                                          int
}

type promiseT struct {
	ID          string  `json:"id"`
	Need        string  `json:"need"`
	Giver       string  `json:"giver"`
	Beneficiary string  `json:"beneficiary"`
	Amount      amountT `json:"amount"`
	State       string  `json:"state"`
	Overdue     bool    `json:"overdue"`
	Period      string  `json:"period"`
	Renewed     bool    `json:"renewed"`
	Cleared     bool    `json:"cleared"`
	CreatedAt   string  `json:"created_at"`
	UpdatedAt   string  `json:"updated_at"`
	CommittedAt string  `json:"committed_at"`
	Sent        amountT `json:"sent"`
	Confirmed   amountT `json:"confirmed"`
	Owed        amountT `json:"owed"`
}

type needT struct {
	ID        string     `json:"id"`
	Kind      string     `json:"kind"`
	Owner     string     `json:"owner"`
	State     string     `json:"state"`
	Target    amountT    `json:"target"`
	Title     string     `json:"title"`
	Circle    string     `json:"circle"`
	Report    string     `json:"report"`
	Deadline  string     `json:"deadline"`
	OpenedAt  string     `json:"opened_at"`
	ClosedAt  string     `json:"closed_at"`
	ClosedBy  string     `json:"closed_by"`
	ReachedAt string     `json:"reached_at"`
	FundedAt  string     `json:"funded_at"`
	Progress  *progressT `json:"progress"`
	Promises  []promiseT `json:"promises"`
}

type statusT struct {
	Member      string `json:"member"`
	Status      string `json:"status"`
	Previous    string `json:"previous"`
	Need        string `json:"need"`
	ChangedAt   string `json:"changed_at"`
	KassaMaxima []struct {
		Circle string  `json:"circle"`
		Max    amountT `json:"max"`
	} `json:"kassa_maxima"`
}

type actionT struct {
	Message string   `json:"message"`
	Room    string   `json:"room"`
	Event   string   `json:"event"`
	Need    *needT   `json:"need"`
	Status  *statusT `json:"status"`
	Blocked *bool    `json:"blocked"`
	Cycle   *struct {
		ID     string   `json:"id"`
		Agreed []string `json:"agreed"`
	} `json:"cycle"`
}

type errorT struct {
	Error struct {
		Code, Key, Message string
	} `json:"error"`
}

// decodeAs reads an answer's JSON body.
func decodeAs[T any](t testing.TB, r *response) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(r.Body), &v); err != nil {
		t.Fatalf("decode %q: %v", r.Body, err)
	}
	return v
}

// expect sends an API request and fails unless it is answered with status.
func (h *harness) expect(method, path, token, body string, status int) *response {
	h.t.Helper()
	r := h.api(method, path, token, body)
	if r.StatusCode != status {
		h.t.Fatalf("%s %s %s: status %d, want %d\n%s", method, path, body, r.StatusCode, status, r.Body)
	}
	return r
}

// expectError sends a request that must be refused with status and key.
func (h *harness) expectError(method, path, token, body string, status int, key string) errorT {
	h.t.Helper()
	e := decodeAs[errorT](h.t, h.expect(method, path, token, body, status))
	if e.Error.Key != key || e.Error.Message == "" || e.Error.Code == "" {
		h.t.Fatalf("%s %s %s: error %+v, want key %q", method, path, body, e.Error, key)
	}
	return e
}

func needPath(id ledger.NeedID, action string) string {
	p := "/api/v1/needs/" + url.PathEscape(string(id))
	if action != "" {
		p += "/" + action
	}
	return p
}

func circlePath(c ledger.CircleID, rest string) string {
	return "/api/v1/circles/" + url.PathEscape(string(c)) + rest
}

// lastRequest is the last request the actor got.
func (h *harness) lastRequest() ledger.Request {
	h.t.Helper()
	reqs := h.actor.requests()
	if len(reqs) == 0 {
		h.t.Fatal("the actor got no request")
	}
	return reqs[len(reqs)-1]
}

func eur(n int64) ledger.Amount { return ledger.Amount{Minor: n * 100, Currency: "EUR"} }

// time2026 is a moment of 2026 in UTC.
func time2026(month time.Month, day, hour, min int) time.Time {
	return time.Date(2026, month, day, hour, min, 0, 0, time.UTC)
}

func TestAPINeedsShowFiguresAndAnIntentionChangesThem(t *testing.T) {
	h := newHarness(t)
	tok := h.token(alice, ledger.ScopeWrite)
	list := decodeAs[struct{ Needs []needT }](t, h.expect("GET", "/api/v1/needs", tok, "", 200))
	if len(list.Needs) != 1 {
		t.Fatalf("needs: %+v", list.Needs)
	}
	n := list.Needs[0]
	want := progressT{
		Target: amountT{15000, "EUR", "150 EUR"}, Intended: amountT{10000, "EUR", "100 EUR"},
		Committed: amountT{0, "EUR", "0 EUR"}, Confirmed: amountT{0, "EUR", "0 EUR"},
		Missing: amountT{15000, "EUR", "150 EUR"}, Givers: 1,
	}
	if n.ID != string(h.need) || n.Owner != string(carol) || n.Kind != "orange" || n.State != "open" || *n.Progress != want {
		t.Fatalf("carol's need: %+v %+v", n, n.Progress)
	}
	if v, _ := h.svc.Aid.Need(h.ctx, h.need); n.OpenedAt != v.Need.OpenedAt.UTC().Format(time.RFC3339Nano) || n.Deadline != "" {
		t.Fatalf("opened_at %q, deadline %q", n.OpenedAt, n.Deadline)
	}

	act := decodeAs[actionT](t, h.expect("POST", needPath(h.need, "intend"), tok, `{"amount":"20"}`, 200))
	if act.Message != "done: intend" || act.Event == "" || act.Need == nil || act.Need.Progress.Intended.Minor != 12000 {
		t.Fatalf("intend: %+v", act)
	}
	req := h.lastRequest()
	if req.Member != alice || req.Need != h.need || req.Command.Verb != ledger.VerbIntend || req.Command.Amount != eur(20) {
		t.Fatalf("request: %+v", req)
	}
	list = decodeAs[struct{ Needs []needT }](t, h.expect("GET", "/api/v1/needs", tok, "", 200))
	if got := list.Needs[0].Progress.Intended; got != (amountT{12000, "EUR", "120 EUR"}) {
		t.Fatalf("intended after alice's 20: %+v", got)
	}
	one := decodeAs[needT](t, h.expect("GET", needPath(h.need, ""), tok, "", 200))
	if len(one.Promises) != 2 || one.Promises[0].Giver != string(bob) || one.Promises[1].Amount.Minor != 2000 {
		t.Fatalf("need's promises: %+v", one.Promises)
	}
}

func TestAPINeedsOutsideTheNetworkAreNotFound(t *testing.T) {
	h := newHarness(t)
	tok := h.token(dave, ledger.ScopeWrite)
	list := decodeAs[struct{ Needs []needT }](t, h.expect("GET", "/api/v1/needs", tok, "", 200))
	if len(list.Needs) != 0 {
		t.Fatalf("dave sees %+v", list.Needs)
	}
	h.expectError("GET", needPath(h.need, ""), tok, "", 404, "need.not_found")
	h.expectError("POST", needPath(h.need, "intend"), tok, `{"amount":"5"}`, 404, "need.not_found")
	h.expectError("GET", needPath("$nope", ""), h.token(alice, ledger.ScopeRead), "", 404, "need.not_found")
	h.expectError("POST", needPath("$nope", "commit"), h.token(alice, ledger.ScopeWrite), "", 404, "need.not_found")
	if n := len(h.actor.requests()); n != 0 {
		t.Fatalf("the actor got %d requests", n)
	}
}

func TestAPIRefusesBadInputBeforeActing(t *testing.T) {
	h := newHarness(t)
	tok := h.token(alice, ledger.ScopeWrite)
	intend := needPath(h.need, "intend")
	long := strings.Repeat("x", ledger.MaxAboutRunes+1)
	cases := []struct{ method, path, body, key string }{
		{"POST", "/api/v1/status", `{`, "api.bad_json"},
		{"POST", "/api/v1/status", ``, "api.empty_body"},
		{"POST", "/api/v1/status", `{"status":"green","colour":"blue"}`, "api.bad_json"},
		{"POST", "/api/v1/status", `{"status":"purple"}`, "api.bad_status"},
		{"POST", "/api/v1/status", `{"status":"orange","amount":"abc"}`, "amount.malformed"},
		{"POST", "/api/v1/status", `{"status":"orange","amount":"12.345"}`, "amount.too_precise"},
		{"POST", "/api/v1/status", `{"status":"orange","amount":"5 XYZ"}`, "amount.unknown_currency"},
		{"POST", "/api/v1/status", `{"status":"orange"}`, "api.required"},
		{"POST", "/api/v1/status", `{"status":"red","amount":"100","days":0}`, "api.bad_days"},
		{"POST", "/api/v1/status", `{"status":"red","amount":"100","days":32}`, "api.bad_days"},
		{"POST", "/api/v1/status", `{"status":"green","amount":"5"}`, "api.green_alone"},
		{"POST", "/api/v1/status", `{"status":"orange","amount":"5","days":3}`, "api.orange_days"},
		{"POST", "/api/v1/status", `{"status":"orange","amount":5}`, "api.bad_field"},
		{"POST", intend, `{"amount":"-5"}`, "amount.negative"},
		{"POST", intend, `{"amount":"0"}`, "amount.zero"},
		{"POST", intend, `{"giver":"@bob:test"}`, "api.bad_json"},
		{"POST", needPath(h.need, "withdraw"), `{"amount":"5"}`, "api.bad_json"},
		{"POST", needPath(h.need, "got"), `{"giver":"bob"}`, "user.malformed"},
		{"POST", needPath(h.need, "done"), `{"report":"a\u0000b"}`, "cmd.bad_text"},
		{"POST", "/api/v1/forgive", `{}`, "api.required"},
		{"POST", "/api/v1/remind", `{"user":"bob"}`, "user.malformed"},
		{"POST", "/api/v1/block", `{"user":"@bob:test","extra":true}`, "api.bad_json"},
		{"DELETE", "/api/v1/block/nobody", ``, "user.malformed"},
		{"POST", "/api/v1/kassa", `{"amount":""}`, "api.required"},
		{"POST", "/api/v1/claims", `{"circle":"!circle:test","amount":"50","reason":""}`, "api.required"},
		{"POST", "/api/v1/claims", `{"circle":"","amount":"50","reason":"rent"}`, "api.required"},
		{"POST", "/api/v1/initiatives", `{"circle":"!circle:test","title":"Roof","price":"300","deadline":"soon"}`, "api.bad_date"},
		{"POST", "/api/v1/initiatives", `{"circle":"!circle:test","title":"Ro\nof","price":"300","deadline":"2026-12-31"}`, "cmd.bad_text"},
		{"POST", "/api/v1/initiatives", `{"circle":"!circle:test","title":"Roof","price":"3.001","deadline":"2026-12-31"}`, "amount.too_precise"},
		{"PUT", "/api/v1/profile/about", `{"text":"` + long + `"}`, "cmd.text_too_long"},
		{"PUT", "/api/v1/profile/about", `{"text":"\u202eevil"}`, "cmd.bad_text"},
		{"POST", "/api/v1/profile/requisites", `{"text":"` + strings.Repeat("y", ledger.MaxRequisiteRunes+1) + `"}`, "cmd.text_too_long"},
		{"DELETE", "/api/v1/profile/requisites/9", ``, "api.bad_index"},
		{"PUT", "/api/v1/profile/requisites/x/default", ``, "api.bad_index"},
		{"PUT", "/api/v1/profile/lang", `{"lang":"fr"}`, "api.bad_lang"},
		{"PUT", "/api/v1/profile/notices/bogus", `{"muted":true}`, "api.bad_notice"},
		{"PUT", "/api/v1/profile/notices/status", `{}`, "api.required"},
		{"POST", "/api/v1/clearing/xyz/agree", ``, "api.bad_cycle"},
		{"POST", "/api/v1/commands", `{"command":""}`, "api.required"},
		{"POST", "/api/v1/commands", `{"command":"help"}`, "api.chat_only"},
		{"POST", "/api/v1/commands", `{"command":"token new robot write"}`, "api.chat_only"},
		{"POST", "/api/v1/commands", `{"command":"web"}`, "api.chat_only"},
		{"POST", "/api/v1/commands", `{"command":"frobnicate"}`, "cmd.unknown"},
		{"POST", "/api/v1/commands", `{"command":"intend 12.345","need":"` + string(h.need) + `"}`, "amount.too_precise"},
		{"GET", "/api/v1/promises?state=lost", ``, "api.bad_state"},
		{"GET", "/api/v1/promises/to-me?state=", ``, "api.bad_state"},
		{"GET", "/api/v1/chain/bob", ``, "user.malformed"},
		{"GET", "/api/v1/chain/@alice:test", ``, "chain.self"},
	}
	outer := h.t
	for _, c := range cases {
		t.Run(c.method+" "+c.path+" "+c.key, func(t *testing.T) {
			h.t = t
			h.expectError(c.method, c.path, tok, c.body, 400, c.key)
		})
	}
	h.t = outer
	if n := len(h.actor.requests()); n != 0 {
		t.Fatalf("bad input reached the actor %d times", n)
	}
}

func TestAPICircleRoutesAreForMembers(t *testing.T) {
	h := newHarness(t)
	dv := h.token(dave, ledger.ScopeWrite)
	for _, rest := range []string{"", "/digest", "/export.json", "/export.csv"} {
		h.expectError("GET", circlePath(circle, rest), dv, "", 403, "api.not_member")
		h.expectError("GET", circlePath("!unknown:test", rest), dv, "", 404, "circle.not_found")
	}
	h.expectError("POST", circlePath(circle, "/invite"), dv, `{"user":"@erin:test"}`, 403, "api.not_member")
	h.expectError("POST", "/api/v1/initiatives", dv, `{"circle":"!circle:test","title":"Roof","price":"300","deadline":"2026-12-31"}`, 403, "api.not_member")
	h.expectError("POST", "/api/v1/claims", dv, `{"circle":"!circle:test","amount":"30","reason":"rent"}`, 403, "api.not_member")
	h.expectError("POST", "/api/v1/commands", dv, `{"command":"pool","circle":"!circle:test"}`, 403, "api.not_member")
	if n := len(h.actor.requests()); n != 0 {
		t.Fatalf("the actor got %d requests", n)
	}
	c := decodeAs[struct {
		ID      string
		Size    int
		Pledge  amountT
		Members []statusT
	}](t, h.expect("GET", circlePath(circle, ""), h.token(bob, ledger.ScopeRead), "", 200))
	if c.ID != string(circle) || c.Size != 3 || c.Pledge.Minor != 10000 || len(c.Members) != 3 ||
		c.Members[2].Member != string(carol) || c.Members[2].Status != "orange" || c.Members[2].Need != string(h.need) {
		t.Fatalf("circle: %+v", c)
	}
}

func TestAPIRefusalsCarryTheBotsExplanation(t *testing.T) {
	h := newHarness(t)
	bt := h.token(bob, ledger.ScopeWrite)
	e := h.expectError("POST", needPath(h.need, "got"), bt, "", 403, "promise.not_beneficiary")
	if e.Error.Message != "refused: en:promise.not_beneficiary" {
		t.Fatalf("message %q", e.Error.Message)
	}
	h.expect("POST", needPath(h.need, "commit"), bt, "", 200)
	e = h.expectError("POST", needPath(h.need, "commit"), bt, `{}`, 409, "promise.already_committed")
	if e.Error.Code != "conflict" || e.Error.Message != "refused: en:promise.already_committed" {
		t.Fatalf("error %+v", e.Error)
	}
	h.expectError("POST", needPath(h.need, "sent"), h.token(alice, ledger.ScopeWrite), "", 404, "promise.none_open")
}

func TestAPIPromiseLifecycle(t *testing.T) {
	h := newHarness(t)
	bt, ct := h.token(bob, ledger.ScopeWrite), h.token(carol, ledger.ScopeWrite)
	act := decodeAs[actionT](t, h.expect("POST", needPath(h.need, "commit"), bt, "", 200))
	if p := act.Need.Promises[0]; p.State != "commitment" || p.Amount.Minor != 10000 || act.Need.Progress.Committed.Minor != 10000 {
		t.Fatalf("after commit: %+v", act.Need)
	}
	given := decodeAs[struct{ Promises []promiseT }](t, h.expect("GET", "/api/v1/promises?state=commitment", bt, "", 200))
	if len(given.Promises) != 1 || given.Promises[0].Beneficiary != string(carol) {
		t.Fatalf("bob's commitments: %+v", given)
	}
	none := decodeAs[struct{ Promises []promiseT }](t, h.expect("GET", "/api/v1/promises?state=intention", bt, "", 200))
	if len(none.Promises) != 0 {
		t.Fatalf("bob's intentions: %+v", none)
	}
	h.expect("POST", needPath(h.need, "sent"), bt, "", 200)
	pending := decodeAs[struct{ Promises []promiseT }](t, h.expect("GET", "/api/v1/pending", ct, "", 200))
	if len(pending.Promises) != 1 || pending.Promises[0].Giver != string(bob) || pending.Promises[0].State != "sent" {
		t.Fatalf("carol's pending: %+v", pending)
	}
	act = decodeAs[actionT](t, h.expect("POST", needPath(h.need, "got"), ct, `{"giver":"@bob:test"}`, 200))
	if act.Need.Progress.Confirmed.Minor != 10000 {
		t.Fatalf("after got: %+v", act.Need.Progress)
	}
	if req := h.lastRequest(); req.Member != carol || req.Command.Verb != ledger.VerbGot || req.Command.User != bob {
		t.Fatalf("got request: %+v", req)
	}
	type both struct{ Given, Received []promiseT }
	if a := decodeAs[both](t, h.expect("GET", "/api/v1/archive", bt, "", 200)); len(a.Given) != 1 || len(a.Received) != 0 || a.Given[0].State != "fulfilled" {
		t.Fatalf("bob's archive: %+v", a)
	}
	if a := decodeAs[both](t, h.expect("GET", "/api/v1/archive", ct, "", 200)); len(a.Received) != 1 {
		t.Fatalf("carol's archive: %+v", a)
	}
	if o := decodeAs[both](t, h.expect("GET", "/api/v1/overdue", ct, "", 200)); len(o.Given)+len(o.Received) != 0 {
		t.Fatalf("overdue: %+v", o)
	}
	tome := decodeAs[struct{ Promises []promiseT }](t, h.expect("GET", "/api/v1/promises/to-me?state=fulfilled", ct, "", 200))
	if len(tome.Promises) != 1 {
		t.Fatalf("carol's fulfilled: %+v", tome)
	}
	nw := decodeAs[struct {
		HelpsMe []string `json:"helps_me"`
		IHelp   []string `json:"i_help"`
	}](t, h.expect("GET", "/api/v1/network", ct, "", 200))
	if len(nw.HelpsMe) != 1 || nw.HelpsMe[0] != string(bob) || len(nw.IHelp) != 0 {
		t.Fatalf("carol's network: %+v", nw)
	}
}

func TestAPIForgiveAndOverdue(t *testing.T) {
	h := newHarness(t)
	h.do(ledger.Op{Kind: ledger.OpCommit, Actor: bob, Need: h.need})
	h.do(ledger.Op{Kind: ledger.OpStatus, Actor: carol, Status: ledger.StatusGreen})
	ct := h.token(carol, ledger.ScopeWrite)
	type both struct{ Given, Received []promiseT }
	o := decodeAs[both](t, h.expect("GET", "/api/v1/overdue", ct, "", 200))
	if len(o.Received) != 1 || o.Received[0].Giver != string(bob) {
		t.Fatalf("overdue toward carol's archived need: %+v", o)
	}
	h.expect("POST", "/api/v1/forgive", ct, `{"user":"@bob:test"}`, 200)
	if req := h.lastRequest(); req.Command.Verb != ledger.VerbForgive || req.Command.User != bob || req.Need != "" {
		t.Fatalf("forgive request: %+v", req)
	}
	if a := decodeAs[both](t, h.expect("GET", "/api/v1/archive", ct, "", 200)); len(a.Received) != 1 || a.Received[0].State != "forgiven" {
		t.Fatalf("archive after forgive: %+v", a)
	}
}

func TestAPIStatusChanges(t *testing.T) {
	h := newHarness(t)
	at := h.token(alice, ledger.ScopeWrite)
	act := decodeAs[actionT](t, h.expect("POST", "/api/v1/status", at, `{"status":"red","amount":"300.50","days":7}`, 200))
	if act.Status == nil || act.Status.Status != "red" || act.Need == nil || act.Need.Kind != "red" ||
		act.Need.Target != (amountT{30050, "EUR", "300.50 EUR"}) || act.Need.Deadline == "" {
		t.Fatalf("red: %+v %+v", act.Status, act.Need)
	}
	if req := h.lastRequest(); req.Command.Status != ledger.StatusRed || req.Command.Days != 7 || req.Command.Amount.Minor != 30050 {
		t.Fatalf("red request: %+v", req)
	}
	act = decodeAs[actionT](t, h.expect("POST", "/api/v1/status", at, `{"status":"green"}`, 200))
	if act.Status.Status != "green" || act.Need != nil {
		t.Fatalf("green: %+v", act)
	}
	me := decodeAs[struct {
		Member     string
		Status     statusT
		Circles    []string
		TrustCount int `json:"trust_count"`
		Scope      string
	}](t, h.expect("GET", "/api/v1/me", at, "", 200))
	if me.Member != string(alice) || me.Status.Status != "green" || len(me.Circles) != 1 || me.TrustCount != 2 || me.Scope != "write" {
		t.Fatalf("me: %+v", me)
	}
}

func TestAPITrustPoolAndChain(t *testing.T) {
	h := newHarness(t)
	bt := h.token(bob, ledger.ScopeRead)
	tl := decodeAs[struct {
		Direct, Indirect []string
		Count            int
	}](t, h.expect("GET", "/api/v1/trust", bt, "", 200))
	if len(tl.Direct) != 1 || tl.Direct[0] != string(alice) || len(tl.Indirect) != 1 || tl.Indirect[0] != string(carol) || tl.Count != 2 {
		t.Fatalf("bob's trust list: %+v", tl)
	}
	pool := decodeAs[struct {
		Count int
		Pool  []amountT
	}](t, h.expect("GET", "/api/v1/pool", bt, "", 200))
	if pool.Count != 2 || len(pool.Pool) != 1 || pool.Pool[0] != (amountT{20000, "EUR", "200 EUR"}) {
		t.Fatalf("bob's pool: %+v", pool)
	}
	ch := decodeAs[struct {
		Chain []string
		Hops  int
	}](t, h.expect("GET", "/api/v1/chain/"+url.PathEscape(string(carol)), bt, "", 200))
	if strings.Join(ch.Chain, " ") != "@bob:test @alice:test @carol:test" || ch.Hops != 2 {
		t.Fatalf("chain: %+v", ch)
	}
	h.expectError("GET", "/api/v1/chain/@dave:test", bt, "", 404, "chain.none")
}

func TestAPIUnknownPathsAreJSON404(t *testing.T) {
	h := newHarness(t)
	tok := h.token(alice, ledger.ScopeWrite)
	for _, c := range [][2]string{{"GET", "/api/v1/nothing"}, {"DELETE", "/api/v1/me"}, {"GET", "/api/v2/me"}} {
		h.expectError(c[0], c[1], tok, "", http.StatusNotFound, "api.no_route")
	}
}
