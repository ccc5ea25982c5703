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

func TestUsedLoginLinkIsRefused(t *testing.T) {
	h := newHarness(t)
	secret := h.link(alice)
	if r := h.browser().get("/login?t=" + url.QueryEscape(secret)); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, `id="login"`) {
		t.Fatalf("login page: %d\n%s", r.StatusCode, r.Body)
	}
	if r := h.browser().post("/login", url.Values{"t": {secret}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("first use: %d", r.StatusCode)
	}
	again := h.browser().post("/login", url.Values{"t": {secret}})
	if again.StatusCode != http.StatusUnauthorized {
		t.Fatalf("second use: %d", again.StatusCode)
	}
	mustShow(t, "second use", again, "This login link was used already", `class="flash error"`)
	if strings.Contains(strings.Join(again.Header.Values("Set-Cookie"), ";"), "exodus_session") {
		t.Error("a used link set a session cookie")
	}
}

func TestExpiredLoginLinkIsRefused(t *testing.T) {
	h := newHarness(t)
	secret := h.link(alice)
	h.clock.Advance(11 * time.Minute)
	r := h.browser().post("/login", url.Values{"t": {secret}})
	if r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("expired link: %d", r.StatusCode)
	}
	mustShow(t, "expired link", r, "This login link has expired")
	bad := h.browser().post("/login", url.Values{"t": {"not-a-link"}})
	if bad.StatusCode == http.StatusSeeOther {
		t.Fatalf("a made-up link logged in")
	}
}

func TestSessionCookieIsHttpOnlyAndSameSite(t *testing.T) {
	h := newHarness(t)
	r := h.browser().post("/login", url.Values{"t": {h.link(alice)}})
	cookies := (&http.Response{Header: r.Header}).Cookies()
	var found *http.Cookie
	for _, c := range cookies {
		if c.Name == "exodus_session" {
			found = c
		}
	}
	if found == nil {
		t.Fatalf("no session cookie: %v", r.Header)
	}
	if !found.HttpOnly || found.SameSite != http.SameSiteLaxMode || found.Path != "/" || found.Secure {
		t.Errorf("cookie %+v", found)
	}

	// Behind https, the cookie is Secure too.
	s, err := web.New(web.Config{PublicURL: "https://exodus.example", BotUserID: "@exodus:test"}, h.svc, h.access, h.actor)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "https://exodus.example/login", strings.NewReader(url.Values{"t": {h.link(alice)}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://exodus.example")
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req.WithContext(h.ctx))
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("https login: %d\n%s", rec.Code, rec.Body)
	}
	for _, c := range rec.Result().Cookies() {
		if c.Name == "exodus_session" && (!c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode) {
			t.Errorf("https cookie %+v", c)
		}
	}
}

func TestCrossSiteFormsAreRefused(t *testing.T) {
	h := newHarness(t)
	b := h.login(alice)
	token := b.csrf()
	path := pageOfNeed(h.need) + "/intend"
	send := func(header http.Header, form url.Values) *response {
		req, _ := http.NewRequest(http.MethodPost, h.srv.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, vs := range header {
			req.Header[k] = vs
		}
		return b.do(req)
	}
	good := url.Values{"amount": {"20"}, "csrf": {token}}
	for name, c := range map[string]struct {
		header http.Header
		form   url.Values
	}{
		"evil origin":       {http.Header{"Origin": {"http://evil.example"}}, good},
		"cross-site fetch":  {http.Header{"Sec-Fetch-Site": {"cross-site"}, "Origin": {h.srv.URL}}, good},
		"same-site fetch":   {http.Header{"Sec-Fetch-Site": {"same-site"}}, good},
		"evil referer":      {http.Header{"Referer": {"http://evil.example/page"}}, good},
		"no token":          {http.Header{"Origin": {h.srv.URL}}, url.Values{"amount": {"20"}}},
		"wrong token":       {http.Header{"Origin": {h.srv.URL}}, url.Values{"amount": {"20"}, "csrf": {strings.Repeat("0", len(token))}}},
		"another's token":   {http.Header{"Origin": {h.srv.URL}}, url.Values{"amount": {"20"}, "csrf": {h.login(bob).csrf()}}},
		"token in the URL?": {http.Header{"Origin": {h.srv.URL}}, url.Values{"amount": {"20"}, "csrf": {""}}},
	} {
		r := send(c.header, c.form)
		if r.StatusCode != http.StatusForbidden {
			t.Errorf("%s: status %d", name, r.StatusCode)
			continue
		}
		mustShow(t, name, r, "This form was not sent from the Exodus page itself")
	}
	// Logging out is a form too.
	if r := send(http.Header{"Origin": {"http://evil.example"}}, good); r.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site post: %d", r.StatusCode)
	}
	if n := len(h.actor.requests()); n != 0 {
		t.Errorf("the actor got %d requests", n)
	}
	// The same post from the page itself works.
	if r := send(http.Header{"Origin": {h.srv.URL}, "Sec-Fetch-Site": {"same-origin"}}, good); r.StatusCode != http.StatusSeeOther {
		t.Errorf("same-origin post: %d\n%s", r.StatusCode, r.Body)
	}
}

func TestLogoutEndsTheSession(t *testing.T) {
	h := newHarness(t)
	b := h.login(alice)
	u, _ := url.Parse(h.srv.URL)
	var old string
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == "exodus_session" {
			old = c.Value
		}
	}
	if old == "" {
		t.Fatal("no session cookie")
	}
	// A cross-site logout is refused: the session stays.
	evil, _ := http.NewRequest(http.MethodPost, h.srv.URL+"/logout", strings.NewReader("csrf="+b.csrf()))
	evil.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	evil.Header.Set("Origin", "http://evil.example")
	if r := b.do(evil); r.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site logout: %d", r.StatusCode)
	}
	if r := b.get("/"); r.StatusCode != http.StatusOK {
		t.Fatalf("after a refused logout: %d", r.StatusCode)
	}
	r := b.postForm("/logout", nil)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d\n%s", r.StatusCode, r.Body)
	}
	if r := b.get("/"); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("after logout: %d", r.StatusCode)
	}
	// The old cookie, sent again, no longer works.
	req, _ := http.NewRequest(http.MethodGet, h.srv.URL+"/my", nil)
	req.AddCookie(&http.Cookie{Name: "exodus_session", Value: old})
	if r := h.browser().do(req); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("the old cookie: %d", r.StatusCode)
	}
}

func TestEveryValueIsEscaped(t *testing.T) {
	h := newHarness(t)
	const evil = `<script>alert(1)</script>`
	if _, err := h.svc.Members.SetAbout(h.ctx, h.act(carol), evil); err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.Members.AddRequisite(h.ctx, h.act(carol), evil+" IBAN"); err != nil {
		t.Fatal(err)
	}
	out := h.do(ledger.Op{Kind: ledger.OpInitiative, Actor: carol, Amount: cents(10000), Text: evil + `"><img src=x onerror=alert(2)>`,
		Circle: circle, Until: time.Date(2026, 12, 20, 0, 0, 0, 0, time.UTC)})
	ini := "/initiatives/" + url.PathEscape(string(out.Need.ID))
	// bob commits, so he is shown carol's requisites too.
	h.do(ledger.Op{Kind: ledger.OpCommit, Actor: bob, Need: h.need, Default: cents(10000)})
	cb := h.login(carol)
	if r := cb.postForm("/profile/about", url.Values{"about": {evil + "!"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("about: %d", r.StatusCode)
	}
	b := h.login(bob)
	pages := map[string]*response{
		"dashboard":     b.get("/"),
		"need":          b.get(pageOfNeed(h.need)),
		"initiative":    b.get(ini),
		"circle":        b.get(circlePageURL),
		"calendar":      b.get("/calendar?month=2026-12"),
		"carol profile": cb.get("/profile"),
		"refused form":  cb.postForm("/profile/about", url.Values{"about": {evil + "\u202E"}, "form": {"about"}}),
		"bad amount":    b.postForm(ini+"/intend", url.Values{"amount": {evil}, "form": {"intend"}}),
		"bad month":     b.get("/calendar?month=" + url.QueryEscape(evil)),
		"lang back":     b.get("/my?x=" + url.QueryEscape(`"><script>alert(3)</script>`)),
	}
	// The one script a page loads is the menu's, from /static (the CSP
	// allows no other): any other <script is a value not escaped.
	const menuScript = `<script src="/static/menu.js"></script>`
	for name, r := range pages {
		if strings.Count(r.Body, menuScript) != 1 {
			t.Errorf("%s: the page does not load the menu's script once", name)
		}
		body := strings.Replace(r.Body, menuScript, "", 1)
		if strings.Contains(body, "<script") || strings.Contains(body, "<img src=x") {
			t.Errorf("%s: a raw tag in the page:\n%s", name, r.Body)
		}
	}
	mustShow(t, "need", pages["need"], "&lt;script&gt;alert(1)&lt;/script&gt;", "IBAN")
	mustShow(t, "initiative", pages["initiative"], "&lt;script&gt;alert(1)&lt;/script&gt;&#34;&gt;&lt;img src=x")
	mustShow(t, "dashboard", pages["dashboard"], "&lt;script&gt;alert(1)&lt;/script&gt;")
	mustShow(t, "bad amount", pages["bad amount"], "&lt;script&gt;")
	if pages["bad month"].StatusCode != http.StatusBadRequest {
		t.Errorf("bad month: %d", pages["bad month"].StatusCode)
	}
	// Every page forbids inline scripts and styles, and pages carry none.
	for name, r := range pages {
		if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "style-src 'self'") {
			t.Errorf("%s: CSP %q", name, csp)
		}
		if strings.Contains(r.Body, "style=") || strings.Contains(r.Body, "<style") || strings.Contains(r.Body, " onclick=") {
			t.Errorf("%s: inline style or handler", name)
		}
	}
}

func TestForeignBackIsIgnored(t *testing.T) {
	h := newHarness(t)
	b := h.login(alice)
	for _, back := range []string{"https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"} {
		r := b.postForm(pageOfNeed(h.need)+"/intend", url.Values{"amount": {"1"}, "back": {back}})
		if loc := r.Header.Get("Location"); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, pageOfNeed(h.need)+"?") {
			t.Errorf("back %q: %d %q", back, r.StatusCode, loc)
		}
	}
}
