package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/ledger/access"
	"github.com/exodus-matrix/exodus/store"
	"github.com/exodus-matrix/exodus/web"
)

// The members and the circle of the harness: alice guarantees bob and
// carol; carol is orange for 150 EUR a month and bob intends 100 EUR.
const (
	alice  ledger.UserID   = "@alice:test"
	bob    ledger.UserID   = "@bob:test"
	carol  ledger.UserID   = "@carol:test"
	dave   ledger.UserID   = "@dave:test" // in no circle
	circle ledger.CircleID = "!circle:test"
)

// harness is the web server over a real migrated SQLite, with a manual
// clock and a fake actor that applies requests straight to the ledger.
type harness struct {
	t      testing.TB
	ctx    context.Context
	svc    *ledger.Service
	access *access.Service
	clock  *ledger.ManualClock
	actor  *fakeActor
	srv    *httptest.Server
	// handler is the server's handler, for requests made in process (from
	// another client address than the test server's loopback).
	handler http.Handler
	n       int
	// need is carol's orange need.
	need ledger.NeedID
}

// harnessConfig is the web configuration of a harness: rate limits high
// enough for the tests that send many requests, and many bad secrets.
func harnessConfig() web.Config {
	return web.Config{BotUserID: "@exodus:test", RequestsPerMinute: 1000, FailedAuthLimit: 100_000}
}

func newHarness(t testing.TB) *harness {
	t.Helper()
	return newHarnessWith(t, harnessConfig())
}

// newHarnessWith is newHarness with a web configuration.
func newHarnessWith(t testing.TB, cfg web.Config) *harness {
	t.Helper()
	ctx := zerolog.Nop().WithContext(context.Background())
	st, err := store.Open(ctx, store.Config{URI: "file:" + filepath.Join(t.TempDir(), "web.db") + "?_txlock=immediate"}, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clock := ledger.NewManualClock(time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC))
	h := &harness{t: t, ctx: ctx, svc: ledger.NewService(st.Ledger(), clock, ledger.DefaultConfig()),
		access: access.New(st.Ledger(), clock), clock: clock}
	h.actor = &fakeActor{h: h}
	s, err := web.New(cfg, h.svc, h.access, h.actor)
	if err != nil {
		t.Fatal(err)
	}
	h.handler = s.Handler()
	h.srv = httptest.NewServer(h.handler)
	t.Cleanup(h.srv.Close)
	h.setup()
	return h
}

// act is a fresh action of u now.
func (h *harness) act(u ledger.UserID) ledger.Action {
	h.n++
	h.clock.Advance(time.Second)
	return ledger.Action{Event: ledger.EventID(fmt.Sprintf("$h%d", h.n)), Actor: u, At: h.clock.Now()}
}

// do applies an op now, failing the test if it is refused.
func (h *harness) do(op ledger.Op) *ledger.Outcome {
	h.t.Helper()
	act := h.act(op.Actor)
	op.Event, op.At = act.Event, act.At
	out, err := h.svc.Aid.Do(h.ctx, op)
	if err != nil {
		h.t.Fatalf("%+v: %v", op, err)
	}
	return out
}

func (h *harness) setup() {
	t := h.t
	if _, err := h.svc.Circles.Create(h.ctx, h.act(alice), ledger.CircleSpec{ID: circle, Name: "Friends"}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []ledger.UserID{alice, bob, carol} {
		if err := h.svc.Circles.SetMembership(h.ctx, circle, u, true); err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range []ledger.UserID{bob, carol} {
		if _, err := h.svc.Trust.Invite(h.ctx, h.act(alice), circle, u); err != nil {
			t.Fatal(err)
		}
		if _, err := h.svc.Trust.AcceptPending(h.ctx, h.act(u), circle); err != nil {
			t.Fatal(err)
		}
	}
	eur := func(n int64) ledger.Amount { return ledger.Amount{Minor: n * 100, Currency: "EUR"} }
	h.need = h.do(ledger.Op{Kind: ledger.OpStatus, Actor: carol, Status: ledger.StatusOrange, Amount: eur(150)}).Need.ID
	h.do(ledger.Op{Kind: ledger.OpIntend, Actor: bob, Need: h.need, Amount: eur(100)})
}

// token makes an API token of u and returns its secret.
func (h *harness) token(u ledger.UserID, scope ledger.TokenScope) string {
	h.t.Helper()
	secret, _, err := h.access.NewToken(h.ctx, h.act(u), fmt.Sprintf("t%d", h.n), scope)
	if err != nil {
		h.t.Fatal(err)
	}
	return secret
}

// link makes a login link of u and returns its secret.
func (h *harness) link(u ledger.UserID) string {
	h.t.Helper()
	secret, _, err := h.access.NewLoginLink(h.ctx, h.act(u))
	if err != nil {
		h.t.Fatal(err)
	}
	return secret
}

// browser is an HTTP client with cookies that does not follow redirects,
// sending the headers a browser sends on a same-origin form post.
type browser struct {
	h      *harness
	client *http.Client
}

func (h *harness) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{h: h, client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// login spends a fresh login link of u in the browser.
func (h *harness) login(u ledger.UserID) *browser {
	h.t.Helper()
	b := h.browser()
	resp := b.post("/login", url.Values{"t": {h.link(u)}})
	if resp.StatusCode != http.StatusSeeOther {
		h.t.Fatalf("login: status %d: %s", resp.StatusCode, resp.Body)
	}
	return b
}

// response is an answer read whole.
type response struct {
	StatusCode int
	Header     http.Header
	Body       string
}

func (b *browser) do(req *http.Request) *response {
	b.h.t.Helper()
	resp, err := b.client.Do(req)
	if err != nil {
		b.h.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return &response{StatusCode: resp.StatusCode, Header: resp.Header, Body: string(body)}
}

// get fetches a page.
func (b *browser) get(path string) *response {
	req, _ := http.NewRequest(http.MethodGet, b.h.srv.URL+path, nil)
	return b.do(req)
}

// post sends a same-origin form post; the session's form token is added
// by postForm.
func (b *browser) post(path string, form url.Values) *response {
	req, _ := http.NewRequest(http.MethodPost, b.h.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", b.h.srv.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return b.do(req)
}

// csrf reads the form token from a page the member sees.
func (b *browser) csrf() string {
	b.h.t.Helper()
	page := b.get("/").Body
	const marker = `name="csrf" value="`
	i := strings.Index(page, marker)
	if i < 0 {
		b.h.t.Fatalf("no form token on the dashboard:\n%s", page)
	}
	rest := page[i+len(marker):]
	return rest[:strings.IndexByte(rest, '"')]
}

// postForm sends a same-origin form post with the session's form token.
func (b *browser) postForm(path string, form url.Values) *response {
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf", b.csrf())
	return b.post(path, form)
}

// api sends an API request with a bearer token; body may be "".
func (h *harness) api(method, path, token, body string) *response {
	h.t.Helper()
	req, _ := http.NewRequest(method, h.srv.URL+path, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return (&browser{h: h, client: http.DefaultClient}).do(req)
}

// fakeActor stands in for the bot: it applies a request's op straight to
// the ledger (keyed by a fresh event) and records the requests. The real
// bot is exercised by the bot's tests and the end-to-end tests.
type fakeActor struct {
	h    *harness
	mu   sync.Mutex
	reqs []ledger.Request
}

// opKinds maps the verbs the fake carries out to op kinds.
var opKinds = map[ledger.Verb]ledger.OpKind{
	ledger.VerbStatus: ledger.OpStatus, ledger.VerbIntend: ledger.OpIntend, ledger.VerbWithdraw: ledger.OpWithdraw,
	ledger.VerbCommit: ledger.OpCommit, ledger.VerbSent: ledger.OpSent, ledger.VerbGot: ledger.OpGot,
	ledger.VerbForgive: ledger.OpForgive, ledger.VerbKassa: ledger.OpKassa, ledger.VerbDone: ledger.OpDone,
	ledger.VerbInitiative: ledger.OpInitiative, ledger.VerbClaim: ledger.OpClaim, ledger.VerbApprove: ledger.OpApprove,
}

func (a *fakeActor) Act(ctx context.Context, req ledger.Request) (*ledger.Reply, error) {
	a.mu.Lock()
	a.reqs = append(a.reqs, req)
	a.mu.Unlock()
	if reply, err, ok := a.actOnRole(ctx, req); ok {
		return reply, err
	}
	kind, ok := opKinds[req.Command.Verb]
	if !ok {
		return &ledger.Reply{Text: "shown: " + string(req.Command.Verb)}, nil
	}
	act := a.h.act(req.Member)
	cmd := req.Command
	op := ledger.Op{Kind: kind, Event: act.Event, Actor: req.Member, At: act.At, Need: req.Need, Amount: cmd.Amount,
		Status: cmd.Status, Days: cmd.Days, Giver: cmd.User, Text: cmd.Text, Circle: req.Circle,
		Default: ledger.Amount{Minor: 10000, Currency: "EUR"}}
	if kind == ledger.OpForgive {
		op.Need = ""
	}
	if kind == ledger.OpInitiative {
		op.Until = cmd.ByDate
	}
	if _, err := a.h.svc.Aid.Do(ctx, op); err != nil {
		return &ledger.Reply{Text: "refused: " + a.Explain(ledger.LangEN, err)}, err
	}
	return &ledger.Reply{Text: "done: " + string(cmd.Verb), Room: ledger.RoomID(req.Circle), Event: act.Event}, nil
}

func (a *fakeActor) Explain(l ledger.Lang, err error) string {
	if e := ledger.AsError(err); e != nil {
		return string(l) + ":" + e.Key
	}
	return "internal"
}

// requests returns what the fake was asked to do.
func (a *fakeActor) requests() []ledger.Request {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]ledger.Request(nil), a.reqs...)
}
