package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/web"
)

// lockoutConfig allows 3 failed authentications per address a minute.
func lockoutConfig() web.Config {
	cfg := harnessConfig()
	cfg.FailedAuthLimit, cfg.FailedAuthWindow = 3, time.Minute
	return cfg
}

// from sends a request in process, from a client address (host:port).
func (h *harness) from(addr string, req *http.Request) *response {
	req = req.WithContext(h.ctx)
	req.RemoteAddr = addr
	rec := httptest.NewRecorder()
	h.handler.ServeHTTP(rec, req)
	return &response{StatusCode: rec.Code, Header: rec.Header(), Body: rec.Body.String()}
}

// apiFrom reads path of the API with a token, from a client address.
func (h *harness) apiFrom(addr, path, token string, header http.Header) *response {
	req := httptest.NewRequest(http.MethodGet, "http://exodus.test"+path, nil)
	req.Header = header.Clone()
	if req.Header == nil {
		req.Header = http.Header{}
	}
	req.Header.Set("Authorization", "Bearer "+token)
	return h.from(addr, req)
}

// loginFrom spends a login link in a same-origin form post, from a client
// address.
func (h *harness) loginFrom(addr, link string, header http.Header) *response {
	req := httptest.NewRequest(http.MethodPost, "http://exodus.test/login", strings.NewReader(url.Values{"t": {link}}.Encode()))
	for k, vs := range header {
		req.Header[k] = vs
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return h.from(addr, req)
}

// door is a way in that counts failed authentications: the API with a
// token, the login with a link.
type door struct {
	name string
	// good makes a valid secret; try sends one from an address.
	good func(h *harness) string
	try  func(h *harness, addr, secret string, header http.Header) *response
	// ok and failed are the statuses of a valid and of a bad secret.
	ok, failed int
	// bad is a secret that fails.
	bad string
	// refusal checks the answer of a locked-out address: the reason, in
	// the language of the request.
	refusal func(t *testing.T, r *response, ru bool)
}

var doors = []door{
	{
		name: "api",
		good: func(h *harness) string { return h.token(alice, ledger.ScopeRead) },
		try: func(h *harness, addr, secret string, header http.Header) *response {
			return h.apiFrom(addr, "/api/v1/me", secret, header)
		},
		ok: http.StatusOK, failed: http.StatusUnauthorized, bad: "ext_notarealtoken",
		refusal: func(t *testing.T, r *response, ru bool) {
			t.Helper()
			e := decodeAs[errorT](t, r)
			want := "Too many failed attempts"
			if ru {
				want = "Слишком много неудачных попыток"
			}
			if e.Error.Key != "auth.locked_out" || e.Error.Code != "rate_limited" || !strings.Contains(e.Error.Message, want) ||
				!strings.Contains(e.Error.Message, " 60 ") {
				t.Errorf("locked-out answer %+v", e.Error)
			}
		},
	},
	{
		name: "login",
		good: func(h *harness) string { return h.link(alice) },
		try: func(h *harness, addr, secret string, header http.Header) *response {
			return h.loginFrom(addr, secret, header)
		},
		ok: http.StatusSeeOther, failed: http.StatusUnauthorized, bad: "exl_notarealloginlink",
		refusal: func(t *testing.T, r *response, ru bool) {
			t.Helper()
			want := "Too many failed attempts to authenticate from your address (3 within 60 s)"
			if ru {
				want = "Слишком много неудачных попыток входа с вашего адреса (3 за 60 с)"
			}
			mustShow(t, "locked-out login", r, want, `class="flash error"`)
			if strings.Contains(strings.Join(r.Header.Values("Set-Cookie"), ";"), "exodus_session") {
				t.Error("a locked-out login set a session cookie")
			}
		},
	},
}

func TestFailedAuthenticationLocksOutTheAddress(t *testing.T) {
	const attacker, other = "192.0.2.7:5000", "198.51.100.9:6000"
	for _, d := range doors {
		t.Run(d.name, func(t *testing.T) {
			h := newHarnessWith(t, lockoutConfig())
			var good []string
			for range 8 {
				good = append(good, d.good(h))
			}
			try := func(addr, secret string, want int) *response {
				t.Helper()
				r := d.try(h, addr, secret, nil)
				if r.StatusCode != want {
					t.Fatalf("%s from %s: status %d, want %d\n%s", secret, addr, r.StatusCode, want, r.Body)
				}
				return r
			}
			// Successes do not count, however many.
			try(attacker, good[0], d.ok)
			try(attacker, good[1], d.ok)
			for range 3 {
				try(attacker, d.bad, d.failed)
			}
			// Locked out: even a valid secret is refused, and not looked at
			// (a login link stays unspent).
			r := try(attacker, good[2], http.StatusTooManyRequests)
			if r.Header.Get("Retry-After") != "60" {
				t.Errorf("Retry-After %q, want 60", r.Header.Get("Retry-After"))
			}
			d.refusal(t, r, false)
			d.refusal(t, d.try(h, attacker, good[2], http.Header{"Accept-Language": {"ru-RU,ru"}}), true)
			try(attacker, d.bad, http.StatusTooManyRequests)
			// Another address is not affected.
			try(other, good[3], d.ok)
			try(other, d.bad, d.failed)
			// Later the wait is shorter; once the window has passed, the
			// address may try again, and the refused secret still works.
			h.clock.Advance(45 * time.Second)
			if r := try(attacker, good[2], http.StatusTooManyRequests); r.Header.Get("Retry-After") != "15" {
				t.Errorf("Retry-After %q after 45 s, want 15", r.Header.Get("Retry-After"))
			}
			h.clock.Advance(15 * time.Second)
			try(attacker, good[2], d.ok)
			// One more failure in a fresh window is allowed, three lock
			// the address out again.
			for range 3 {
				try(attacker, d.bad, d.failed)
			}
			try(attacker, good[4], http.StatusTooManyRequests)
		})
	}
}

func TestFailedAuthenticationsOfTheAPIAndTheLoginAddUp(t *testing.T) {
	const attacker = "192.0.2.7:5000"
	h := newHarnessWith(t, lockoutConfig())
	token, link := h.token(alice, ledger.ScopeRead), h.link(alice)
	h.apiFrom(attacker, "/api/v1/me", "ext_bad", nil)
	h.loginFrom(attacker, "exl_bad", nil)
	if r := h.apiFrom(attacker, "/api/v1/me", "", nil); r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("an empty token: %d", r.StatusCode)
	}
	if r := h.loginFrom(attacker, link, nil); r.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("login after 3 failures: %d", r.StatusCode)
	}
	if r := h.apiFrom(attacker, "/api/v1/me", token, nil); r.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("API after 3 failures: %d", r.StatusCode)
	}
	// What is no authentication is not counted nor refused: the public
	// document, the login page.
	for _, path := range []string{"/api/v1/openapi.json", "/login?t=" + link} {
		if r := h.from(attacker, httptest.NewRequest(http.MethodGet, "http://exodus.test"+path, nil)); r.StatusCode != http.StatusOK {
			t.Errorf("%s while locked out: %d", path, r.StatusCode)
		}
	}
}

func TestLockedOutAnswersAreDocumented(t *testing.T) {
	const attacker = "192.0.2.7:5000"
	h := newHarnessWith(t, lockoutConfig())
	doc, _ := loadOpenAPI(t, h)
	token := h.token(alice, ledger.ScopeWrite)
	for range 3 {
		h.apiFrom(attacker, "/api/v1/me", "ext_bad", nil)
	}
	for _, rt := range h.routes() {
		if rt.Public {
			continue
		}
		op, _ := doc.operationOf(rt)
		sm := h.sampleOf(rt)
		req := httptest.NewRequest(rt.Method, "http://exodus.test"+sm.path, strings.NewReader(sm.body))
		req.Header.Set("Authorization", "Bearer "+token)
		r := h.from(attacker, req)
		if r.StatusCode != http.StatusTooManyRequests {
			t.Errorf("%s %s while locked out: %d", rt.Method, rt.Path, r.StatusCode)
		}
		checkAnswer(t, doc, rt, op, sm, r)
	}
}

func TestFailedAuthenticationCountsTheClientBehindTrustedProxies(t *testing.T) {
	cfg := lockoutConfig()
	cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	h := newHarnessWith(t, cfg)
	token := h.token(alice, ledger.ScopeRead)
	const proxy, stranger = "10.1.2.3:4000", "192.0.2.50:4000"
	xff := func(v string) http.Header { return http.Header{"X-Forwarded-For": {v}} }
	for _, v := range []string{"203.0.113.7", "198.51.100.1, 203.0.113.7", "203.0.113.7, 10.9.9.9"} {
		h.apiFrom(proxy, "/api/v1/me", "ext_bad", xff(v))
	}
	cases := []struct {
		name, addr, xff string
		want            int
	}{
		{"the client behind the proxy", proxy, "203.0.113.7", http.StatusTooManyRequests},
		{"a forged hop to the left", proxy, "192.0.2.1, 203.0.113.7", http.StatusTooManyRequests},
		{"another client behind the proxy", proxy, "203.0.113.8", http.StatusOK},
		{"the proxy itself", proxy, "", http.StatusOK},
		{"an untrusted peer's header", stranger, "203.0.113.7", http.StatusOK},
	}
	for _, c := range cases {
		if r := h.apiFrom(c.addr, "/api/v1/me", token, xff(c.xff)); r.StatusCode != c.want {
			t.Errorf("%s: %d, want %d", c.name, r.StatusCode, c.want)
		}
	}
	// An untrusted peer cannot escape its count by naming other clients;
	// the IPv6 addresses of one /64 count together.
	for _, c := range []struct{ peer, same string }{
		{stranger, stranger},
		{"[2001:db8:1:2::1]:80", "[2001:db8:1:2::2]:80"},
	} {
		for _, v := range []string{"1.1.1.1", "2.2.2.2", "3.3.3.3"} {
			h.apiFrom(c.peer, "/api/v1/me", "ext_bad", xff(v))
		}
		if r := h.apiFrom(c.same, "/api/v1/me", token, xff("4.4.4.4")); r.StatusCode != http.StatusTooManyRequests {
			t.Errorf("%s after 3 failures of %s: %d", c.same, c.peer, r.StatusCode)
		}
	}
	if r := h.apiFrom("[2001:db8:1:3::1]:80", "/api/v1/me", token, nil); r.StatusCode != http.StatusOK {
		t.Errorf("another /64: %d", r.StatusCode)
	}
}
