package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

// The web organizer as a room widget (Element): GET /widget is the page
// the client frames, whose script (static/widget.js) asks the client for
// an OpenID token over the widget API and posts it to /widget/session;
// the server verifies it with the member's homeserver (openid.go) and
// opens a session as a login link does.

// maxWidgetBody bounds the body of POST /widget/session.
const maxWidgetBody = 4 << 10

// widgetPage is the page the client frames: it signs the member in.
func (g *gate) widgetPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	lang := browserLang(r)
	if l := strings.ToLower(q.Get("lang")); strings.HasPrefix(l, "ru") {
		lang = ledger.LangRU
	} else if strings.HasPrefix(l, "en") {
		lang = ledger.LangEN
	}
	g.view.render(w, r, "widget", &pageData{Lang: lang, Title: "widget.title"})
}

// widgetLogin is what a widget posts: the OpenID token its client gave
// and the room it is in.
type widgetLogin struct {
	AccessToken      string `json:"access_token"`
	MatrixServerName string `json:"matrix_server_name"`
	TokenType        string `json:"token_type,omitempty"`
	ExpiresIn        int    `json:"expires_in,omitempty"`
	Room             string `json:"room,omitempty"`
}

// widgetSession spends a widget's OpenID token for a session: verified by
// the member's homeserver, once, counted against the address's failed
// authentications as a login link is. It answers the page to open next:
// the room's circle if the member is in it, else the dashboard.
func (g *gate) widgetSession(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxWidgetBody)
	addr, err := g.lock.lockedOut(w, r)
	if err != nil {
		g.errs.writeError(w, r, err, "")
		return
	}
	if !g.sameOrigin(r) {
		g.errs.writeError(w, r, ledger.Errorf(ledger.EForbidden, "auth.cross_site"), "")
		return
	}
	var in widgetLogin
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		g.errs.writeError(w, r, errBadJSON(err), "")
		return
	}
	member, err := g.openid.verify(r.Context(), in.AccessToken, in.MatrixServerName)
	if err == nil {
		var secret string
		var sess *ledger.Session
		if secret, sess, err = g.store.OpenSession(r.Context(), member, in.AccessToken); err == nil {
			http.SetCookie(w, g.sessionCookieOf(secret, sess.ExpiresAt))
			logOf(r).Info().Str("member", string(member)).Msg("Member signed in to the web organizer through a widget")
			writeJSON(w, http.StatusOK, map[string]string{"next": g.widgetNext(r, member, in.Room)})
			return
		}
	}
	g.lock.failedAuth(r, addr, err)
	logOf(r).Debug().Err(err).Msg("Refused a widget's OpenID token")
	g.errs.writeError(w, r, err, "")
}

// widgetNext is the page a member signed in through a widget opens: the
// circle of the widget's room if they are in it, else the dashboard.
func (g *gate) widgetNext(r *http.Request, member ledger.UserID, room string) string {
	if room == "" || len(room) > ledger.MaxUserIDBytes {
		return "/"
	}
	circles, err := g.openid.circles.Of(r.Context(), member)
	if err != nil || !slices.Contains(circles, ledger.CircleID(room)) {
		return "/"
	}
	return "/circles/" + url.PathEscape(room)
}

// sessionCookieOf is the session cookie of a secret. Framed by a client
// on another site (frame ancestors configured, behind https) it must be
// SameSite=None to be sent at all, and is partitioned by that site.
func (g *gate) sessionCookieOf(secret string, expires time.Time) *http.Cookie {
	c := &http.Cookie{Name: sessionCookie, Value: secret, Path: "/", Expires: expires,
		MaxAge: int(expires.Sub(g.clock.Now()) / time.Second), HttpOnly: true, Secure: g.secure, SameSite: http.SameSiteLaxMode}
	if g.framed && g.secure {
		c.SameSite, c.Partitioned = http.SameSiteNoneMode, true
	}
	return c
}
