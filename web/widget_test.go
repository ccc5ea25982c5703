package web_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/web"
)

// fakeOpenID is a homeserver's federation userinfo endpoint: the tokens it
// vouches for, and a few that misbehave.
type fakeOpenID struct {
	srv     *httptest.Server
	mu      sync.Mutex
	asked   int
	release chan struct{}
	subs    map[string]string
}

func newFakeOpenID(t *testing.T) *fakeOpenID {
	f := &fakeOpenID{release: make(chan struct{}), subs: map[string]string{
		"tok-alice": string(alice), "tok-alice-2": string(alice), "tok-dave": string(dave),
		"tok-foreign": "@alice:elsewhere"}}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.asked++
		f.mu.Unlock()
		if r.URL.Path != "/_matrix/federation/v1/openid/userinfo" {
			http.NotFound(w, r)
			return
		}
		switch tok := r.URL.Query().Get("access_token"); tok {
		case "tok-slow":
			select { // answers only after the verifier gave up
			case <-r.Context().Done():
			case <-f.release:
			}
		case "tok-huge":
			_, _ = w.Write([]byte(`{"sub":"` + string(alice) + `","pad":"` + strings.Repeat("x", 8<<10) + `"}`))
		case "tok-redirect":
			http.Redirect(w, r, "http://169.254.169.254/latest/meta-data", http.StatusFound)
		default:
			sub, ok := f.subs[tok]
			if !ok {
				w.WriteHeader(http.StatusUnauthorized)
				_, _ = w.Write([]byte(`{"errcode":"M_UNKNOWN_TOKEN"}`))
				return
			}
			_ = json.NewEncoder(w).Encode(map[string]string{"sub": sub})
		}
	}))
	t.Cleanup(func() { close(f.release); f.srv.Close() })
	return f
}

func (f *fakeOpenID) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.asked
}

// newWidgetHarness is a harness whose widget takes the tokens of the
// homeserver "test" from hs.
func newWidgetHarness(t *testing.T, hs *fakeOpenID, limit int) *harness {
	cfg := harnessConfig()
	cfg.OpenIDServers = map[string]string{"test": hs.srv.URL}
	cfg.OpenIDTimeout = 200 * time.Millisecond
	if limit > 0 {
		cfg.FailedAuthLimit = limit
	}
	return newHarnessWith(t, cfg)
}

// widgetLogin posts a widget's OpenID token as the widget page does.
func (b *browser) widgetLogin(token, server, room string) *response {
	body, _ := json.Marshal(map[string]string{"access_token": token, "matrix_server_name": server, "room": room})
	req, _ := http.NewRequest(http.MethodPost, b.h.srv.URL+"/widget/session", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", b.h.srv.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return b.do(req)
}

func TestWidgetTokenOpensSessionOnTheCircle(t *testing.T) {
	hs := newFakeOpenID(t)
	h := newWidgetHarness(t, hs, 0)
	b := h.browser()
	r := b.widgetLogin("tok-alice", "test", string(circle))
	if r.StatusCode != http.StatusOK {
		t.Fatalf("sign-in: %d %s", r.StatusCode, r.Body)
	}
	var out struct{ Next string }
	if err := json.Unmarshal([]byte(r.Body), &out); err != nil || !strings.HasPrefix(out.Next, "/circles/") {
		t.Fatalf("next %q (%v)", r.Body, err)
	}
	page := b.get(out.Next)
	mustShow(t, "circle page", page, "Friends", string(alice))
	// The session is a login link's: a week, HttpOnly, Lax (not framed here).
	var found bool
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == "exodus_session" {
			found = true
			if c.MaxAge != int(7*24*time.Hour/time.Second) || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Partitioned {
				t.Errorf("cookie %+v; want a login link's", c)
			}
		}
	}
	if !found {
		t.Errorf("no session cookie: %v", r.Header)
	}
	// Outside the circle's room (or in none) the dashboard opens.
	r = h.browser().widgetLogin("tok-alice-2", "test", "!other:test")
	if !strings.Contains(r.Body, `"next": "/"`) {
		t.Errorf("another room: %s", r.Body)
	}
}

func TestWidgetTokenRefusals(t *testing.T) {
	hs := newFakeOpenID(t)
	h := newWidgetHarness(t, hs, 0)
	if r := h.browser().widgetLogin("tok-alice", "test", ""); r.StatusCode != http.StatusOK {
		t.Fatalf("first use: %d %s", r.StatusCode, r.Body)
	}
	for _, c := range []struct {
		name, token, server, want string
		asks                      bool // whether the homeserver is asked
	}{
		{"replay", "tok-alice", "test", "This sign-in was used already", true},
		{"wrong server", "tok-alice", "evil.example", `does not accept sign-ins from the homeserver \"evil.example\"`, false},
		{"no server", "tok-alice", "", "does not accept sign-ins", false},
		{"unknown token", "tok-nobody", "test", "did not confirm who you are", true},
		{"user of another server", "tok-foreign", "test", "did not confirm who you are", true},
		{"member of no circle", "tok-dave", "test", "is not a member of any circle", true},
		{"oversized answer", "tok-huge", "test", "did not confirm who you are", true},
		{"slow answer", "tok-slow", "test", "did not confirm who you are", true},
		{"redirect", "tok-redirect", "test", "did not confirm who you are", true},
		{"token with spaces", "tok alice", "test", "did not confirm who you are", false},
		{"long token", strings.Repeat("t", 513), "test", "did not confirm who you are", false},
	} {
		before := hs.count()
		b := h.browser()
		r := b.widgetLogin(c.token, c.server, string(circle))
		if r.StatusCode != http.StatusUnauthorized || !strings.Contains(r.Body, c.want) {
			t.Errorf("%s: %d %s; want 401 %q", c.name, r.StatusCode, r.Body, c.want)
		}
		if strings.Contains(strings.Join(r.Header.Values("Set-Cookie"), ";"), "exodus_session") {
			t.Errorf("%s: a session cookie was set", c.name)
		}
		if asked := hs.count() > before; asked != c.asks {
			t.Errorf("%s: homeserver asked %v; want %v", c.name, asked, c.asks)
		}
		if p := b.get("/"); strings.Contains(p.Body, string(alice)) {
			t.Errorf("%s: signed in after all", c.name)
		}
	}
}

func TestWidgetSignInIsRateLimitedAndSameOrigin(t *testing.T) {
	hs := newFakeOpenID(t)
	h := newWidgetHarness(t, hs, 3)
	b := h.browser()
	req, _ := http.NewRequest(http.MethodPost, h.srv.URL+"/widget/session", strings.NewReader(`{"access_token":"tok-alice","matrix_server_name":"test"}`))
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if r := b.do(req); r.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site post: %d %s", r.StatusCode, r.Body)
	}
	for range 3 {
		b.widgetLogin("tok-nobody", "test", "")
	}
	asked := hs.count()
	r := b.widgetLogin("tok-alice", "test", "")
	if r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
		t.Errorf("after 3 failures: %d %s", r.StatusCode, r.Body)
	}
	if hs.count() != asked {
		t.Error("a locked-out address still had its token checked")
	}
}

func TestFramingIsDeniedUnlessOriginsAreConfigured(t *testing.T) {
	h := newHarness(t)
	for _, path := range []string{"/widget", "/", "/login"} {
		r := h.browser().get(path)
		if r.Header.Get("X-Frame-Options") != "DENY" || !strings.Contains(r.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
			t.Errorf("%s: X-Frame-Options %q, CSP %q", path, r.Header.Get("X-Frame-Options"), r.Header.Get("Content-Security-Policy"))
		}
	}
	cfg := harnessConfig()
	cfg.FrameOrigins = []string{"https://app.element.io", "https://element.example.org"}
	framed := newHarnessWith(t, cfg)
	for _, path := range []string{"/widget", "/", pageOfNeed(framed.need)} {
		r := framed.login(alice).get(path)
		csp := r.Header.Get("Content-Security-Policy")
		if r.Header.Get("X-Frame-Options") != "" || !strings.Contains(csp, "frame-ancestors https://app.element.io https://element.example.org") ||
			strings.Contains(csp, "'none'") || !strings.Contains(csp, "script-src 'self'") {
			t.Errorf("framed %s: X-Frame-Options %q, CSP %q", path, r.Header.Get("X-Frame-Options"), csp)
		}
	}
	if r := framed.api(http.MethodGet, "/api/v1/me", framed.token(alice, ledger.ScopeRead), ""); r.Header.Get("X-Frame-Options") != "DENY" {
		t.Errorf("the API may be framed: %v", r.Header)
	}
}

func TestWidgetPageSpeaksTheClientsLanguage(t *testing.T) {
	h := newHarness(t)
	r := h.browser().get("/widget?room=%21circle%3Atest&lang=ru-RU&widgetId=org.exodus.organizer")
	mustShow(t, "widget page", r, "Выполняю вход", `src="/static/widget.js"`, `lang="ru"`)
	js := h.browser().get("/static/widget.js")
	if js.StatusCode != http.StatusOK || !strings.Contains(js.Body, "get_openid") {
		t.Errorf("widget.js: %d", js.StatusCode)
	}
}

func TestFramedWidgetCookieIsCrossSite(t *testing.T) {
	hs := newFakeOpenID(t)
	h := newWidgetHarness(t, hs, 0)
	s, err := web.New(web.Config{PublicURL: "https://exodus.example", BotUserID: "@exodus:test",
		FrameOrigins: []string{"https://app.element.io"}, OpenIDServers: map[string]string{"test": hs.srv.URL}}, h.svc, h.access, h.actor)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "https://exodus.example/widget/session",
		strings.NewReader(`{"access_token":"tok-alice","matrix_server_name":"test"}`))
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req.WithContext(h.ctx))
	if rec.Code != http.StatusOK {
		t.Fatalf("sign-in: %d %s", rec.Code, rec.Body)
	}
	var found bool
	for _, c := range rec.Result().Cookies() {
		if c.Name == "exodus_session" {
			found = true
			if c.SameSite != http.SameSiteNoneMode || !c.Secure || !c.Partitioned || !c.HttpOnly {
				t.Errorf("framed cookie %+v; want SameSite=None, Secure, Partitioned, HttpOnly", c)
			}
		}
	}
	if !found {
		t.Errorf("no session cookie: %v", rec.Result().Header)
	}
}
