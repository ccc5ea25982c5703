package web

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/ledger/access"
)

// sessionCookie names the web session's cookie.
const sessionCookie = "exodus_session"

// langCookie names the cookie of the page language a member switched to.
const langCookie = "exodus_lang"

// pageFunc answers a page for a logged-in member.
type pageFunc func(w http.ResponseWriter, r *http.Request, c *caller)

// page wraps a page: it needs a session (else the welcome page, which
// says how to log in), bounds the requests per session and, for a form
// post, checks that it comes from this site (Origin, Sec-Fetch-Site and
// the form's token). A body is bounded as the API's is.
func (g *gate) page(h pageFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		c := g.session(r)
		if c == nil {
			if r.Method != http.MethodGet {
				g.view.pageError(w, r, nil, ledger.Errorf(ledger.EUnauthorized, "auth.no_session"))
				return
			}
			g.view.welcome(w, r)
			return
		}
		r = r.WithContext(withCaller(r.Context(), c))
		if !g.limiter.allow("session:"+access.HashSecret(c.Session), g.clock.Now()) {
			w.Header().Set("Retry-After", "60")
			g.view.pageError(w, r, c, ledger.Errorf(ledger.ERateLimited, "api.rate_limited", g.perMinute))
			return
		}
		if r.Method == http.MethodPost {
			if err := g.checkForm(r, c); err != nil {
				g.view.pageError(w, r, c, err)
				return
			}
		}
		h(w, r, c)
	})
}

// session returns the caller of a request with a live session cookie.
func (g *gate) session(r *http.Request) *caller {
	ck, err := r.Cookie(sessionCookie)
	if err != nil || ck.Value == "" {
		return nil
	}
	sess, err := g.store.SessionBySecret(r.Context(), ck.Value)
	if err != nil {
		if ledger.ErrorCode(err) == ledger.EInternal {
			logOf(r).Error().Err(err).Msg("Failed to read a session")
		}
		return nil
	}
	return &caller{Member: sess.Member, Lang: g.pageLang(r, sess.Member), Scope: ledger.ScopeWrite, Session: ck.Value,
		Zone: g.zoneOf(r, sess.Member)}
}

// zoneOf is the time zone member u reads times in: their own (the
// `timezone` setting, as in the chat), else the cycle's.
func (g *gate) zoneOf(r *http.Request, u ledger.UserID) *time.Location {
	def := g.cycle
	if def == nil {
		def = time.UTC
	}
	p, err := g.members.Profile(r.Context(), u)
	if err != nil {
		return def
	}
	return p.Zone(def)
}

// pageLang is the language of the pages: the one the member switched to
// on the page, else their chat language.
func (g *gate) pageLang(r *http.Request, u ledger.UserID) ledger.Lang {
	if l, ok := cookieLang(r); ok {
		return l
	}
	return g.members.LangOf(r.Context(), u)
}

// browserLang is the language of the pages for a visitor not logged in:
// the one they switched to on the page, else the browser's.
func browserLang(r *http.Request) ledger.Lang {
	if l, ok := cookieLang(r); ok {
		return l
	}
	if strings.HasPrefix(strings.ToLower(r.Header.Get("Accept-Language")), "ru") {
		return ledger.LangRU
	}
	return ledger.LangEN
}

// cookieLang is the language a visitor switched the pages to, if any.
func cookieLang(r *http.Request) (ledger.Lang, bool) {
	if ck, err := r.Cookie(langCookie); err == nil {
		if l := ledger.Lang(ck.Value); l == ledger.LangEN || l == ledger.LangRU {
			return l, true
		}
	}
	return "", false
}

// csrfToken is the token every form of a session carries: derived from the
// session's secret, so it needs no storage and differs per session.
func csrfToken(session string) string {
	h := sha256.Sum256([]byte("exodus-csrf:" + session))
	return hex.EncodeToString(h[:16])
}

// checkForm refuses a form post from another site: the browser's
// Sec-Fetch-Site or Origin must say same origin, and the form's token must
// be the session's.
func (g *gate) checkForm(r *http.Request, c *caller) error {
	if !g.sameOrigin(r) {
		return ledger.Errorf(ledger.EForbidden, "auth.cross_site")
	}
	if err := r.ParseForm(); err != nil {
		return ledger.Errorf(ledger.EInvalid, "api.bad_form")
	}
	if !access.SameSecret(r.PostForm.Get("csrf"), csrfToken(c.Session)) {
		return ledger.Errorf(ledger.EForbidden, "auth.cross_site")
	}
	return nil
}

// sameOrigin reports whether a post comes from this site, by the headers
// browsers set: Sec-Fetch-Site, else Origin, else Referer.
func (g *gate) sameOrigin(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "same-origin":
		return true
	case "cross-site", "same-site":
		return false
	}
	origin := r.Header.Get("Origin")
	if origin == "" || origin == "null" {
		ref, err := url.Parse(r.Header.Get("Referer"))
		if err != nil || ref.Host == "" {
			return origin == "" // no header at all: not a browser's cross-site post
		}
		origin = ref.Scheme + "://" + ref.Host
	}
	return origin == g.ownOrigin(r)
}

// ownOrigin is this site's origin: from PublicURL, else from the request.
func (g *gate) ownOrigin(r *http.Request) string {
	if g.origin != "" {
		return g.origin
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// loginPage shows the button that spends a login link. Opening the link
// does not log in by itself: link previews (a homeserver fetching URLs
// posted in chat) would spend it.
func (g *gate) loginPage(w http.ResponseWriter, r *http.Request) {
	g.view.render(w, r, "login", &pageData{Lang: browserLang(r), Link: r.URL.Query().Get("t")})
}

// login spends a login link and starts a session. An address locked out
// after failed authentications is refused before its link is looked at.
func (g *gate) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	addr, err := g.lock.lockedOut(w, r)
	if err != nil {
		g.view.pageError(w, r, nil, err)
		return
	}
	if !g.sameOrigin(r) {
		g.view.pageError(w, r, nil, ledger.Errorf(ledger.EForbidden, "auth.cross_site"))
		return
	}
	if err := r.ParseForm(); err != nil {
		g.view.pageError(w, r, nil, ledger.Errorf(ledger.EInvalid, "api.bad_form"))
		return
	}
	secret, sess, err := g.store.UseLoginLink(r.Context(), r.PostForm.Get("t"))
	if err != nil {
		g.lock.failedAuth(r, addr, err)
		g.view.pageError(w, r, nil, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: secret, Path: "/", Expires: sess.ExpiresAt,
		MaxAge: int(sess.ExpiresAt.Sub(g.clock.Now()) / time.Second), HttpOnly: true, Secure: g.secure, SameSite: http.SameSiteLaxMode})
	logOf(r).Info().Str("member", string(sess.Member)).Msg("Member logged in to the web organizer")
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// logout ends the session.
func (g *gate) logout(w http.ResponseWriter, r *http.Request, c *caller) {
	if err := g.store.EndSession(r.Context(), c.Session); err != nil {
		g.view.pageError(w, r, c, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: g.secure, SameSite: http.SameSiteLaxMode})
	if g.framed && g.secure { // a session opened in a widget lives in the framing site's partition
		http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
			Secure: true, SameSite: http.SameSiteNoneMode, Partitioned: true})
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// setLang switches the pages' language (a cookie; the chat's stays).
func (g *gate) setLang(w http.ResponseWriter, r *http.Request) {
	l := ledger.Lang(r.URL.Query().Get("lang"))
	if l != ledger.LangEN && l != ledger.LangRU {
		l = ledger.LangEN
	}
	http.SetCookie(w, langCookieOf(l, g.secure))
	http.Redirect(w, r, localPath(r.URL.Query().Get("back"), "/"), http.StatusSeeOther)
}

// langCookieOf is the cookie of the page language a member switched to, a
// year long (Secure behind https).
func langCookieOf(l ledger.Lang, secure bool) *http.Cookie {
	return &http.Cookie{Name: langCookie, Value: string(l), Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode}
}
