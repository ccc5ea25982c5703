package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/exodus-matrix/exodus/ledger"
)

//go:embed templates/*.html
var templatesFS embed.FS

//go:embed static
var staticFS embed.FS

// loadPages parses every page template together with the layout and the
// shared parts.
func loadPages() (map[string]*template.Template, error) {
	names, err := fs.Glob(templatesFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("failed to list templates: %w", err)
	}
	shared := []string{"templates/layout.html"}
	for _, n := range names {
		if strings.HasPrefix(path.Base(n), "_") {
			shared = append(shared, n)
		}
	}
	byName := map[string]*template.Template{}
	for _, n := range names {
		if n == "templates/layout.html" || strings.HasPrefix(path.Base(n), "_") {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templatesFS, append(append([]string(nil), shared...), n)...)
		if err != nil {
			return nil, fmt.Errorf("failed to parse %s: %w", n, err)
		}
		name := n[len("templates/") : len(n)-len(".html")]
		byName[name] = t
	}
	return byName, nil
}

// pageData is what every page template gets; Page holds the page's own.
type pageData struct {
	Lang   ledger.Lang
	Member ledger.UserID
	CSRF   string
	Title  string
	// Nav names the entry of the navigation the page belongs to.
	Nav string
	// Path is the page's path, for the language switch to come back to.
	Path string
	// Flash is a message after an action (Error set if it was refused).
	Flash string
	Error bool
	// Status is the HTTP status of the answer (200 if zero).
	Status int
	// Form holds the values of a refused form, to fill it again; Invalid
	// names its field the refusal is about.
	Form    url.Values
	Invalid string
	// Link is the login link's secret, on the login page.
	Link string
	// BotUserID and Prefix tell how to ask the bot for a link.
	BotUserID ledger.UserID
	Prefix    string
	Page      any
}

// render writes a page; data.Lang picks the language of its words.
func (rn *renderer) render(w http.ResponseWriter, r *http.Request, name string, data *pageData) {
	t, ok := rn.byName[name]
	if !ok {
		logOf(r).Error().Str("page", name).Msg("Failed to find a page template")
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	rn.fill(r, data)
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		logOf(r).Error().Err(err).Str("page", name).Msg("Failed to render a page")
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if data.Status != 0 && data.Status != http.StatusOK {
		w.WriteHeader(data.Status)
	}
	_, _ = w.Write(buf.Bytes())
}

// fill sets what every page shows: the member, the form token, the path,
// and the message of an action just done (a refused one's is set by
// pages.render).
func (rn *renderer) fill(r *http.Request, data *pageData) {
	if c := callerOf(r.Context()); c != nil {
		data.Member, data.CSRF = c.Member, csrfToken(c.Session)
		if data.Lang == "" {
			data.Lang = c.Lang
		}
	}
	if data.Lang == "" {
		data.Lang = browserLang(r)
	}
	q := r.URL.Query()
	if done := q.Get("done"); done != "" && data.Flash == "" {
		if m, ok := lookup(data.Lang, "done."+done); ok {
			data.Flash = m
		}
	}
	q.Del("done")
	data.Path = r.URL.EscapedPath()
	if len(q) > 0 {
		data.Path += "?" + q.Encode()
	}
	data.BotUserID, data.Prefix = rn.bot, rn.prefix
}

// pageError answers a page request with an error page in the member's
// language; an internal error is logged here, once.
func (rn *renderer) pageError(w http.ResponseWriter, r *http.Request, c *caller, err error) {
	status := statusOf(err)
	if status == http.StatusInternalServerError {
		logOf(r).Error().Err(err).Str("path", r.URL.Path).Msg("Failed to answer a page")
	}
	data := &pageData{Title: "error.title", Status: status}
	if c != nil {
		data.Lang = c.Lang
	} else {
		data.Lang = browserLang(r)
	}
	data.Flash, data.Error = rn.errs.errorMessage(data.Lang, err), true
	rn.render(w, r, "error", data)
}

// welcome is the page of a visitor without a session: how to log in.
func (rn *renderer) welcome(w http.ResponseWriter, r *http.Request) {
	rn.render(w, r, "welcome", &pageData{Title: "welcome.title", Status: http.StatusUnauthorized})
}

// pageRoutes registers the pages, the login and the static assets.
func (s *Server) pageRoutes(mux *http.ServeMux) {
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	mux.HandleFunc("GET /login", s.gate.loginPage)
	mux.HandleFunc("POST /login", s.gate.login)
	mux.HandleFunc("GET /lang", s.gate.setLang)
	mux.HandleFunc("GET /widget", s.gate.widgetPage)
	mux.HandleFunc("POST /widget/session", s.gate.widgetSession)
	mux.Handle("POST /logout", s.gate.page(s.gate.logout))

	// The pages a member reads.
	for _, v := range s.pages.views() {
		mux.Handle("GET "+v.pattern, s.gate.page(v.h))
	}
	mux.Handle("GET /network.svg", s.gate.page(s.pages.networkSVG))
	mux.Handle("GET /export.csv", s.gate.page(s.exports.pageMemberExport))
	mux.Handle("GET /export.json", s.gate.page(s.exports.pageMemberExport))
	mux.Handle("GET /circles/{id}/export.csv", s.gate.page(s.exports.pageCircleExport))
	mux.Handle("GET /circles/{id}/export.json", s.gate.page(s.exports.pageCircleExport))
	mux.Handle("GET /report.csv", s.gate.page(s.exports.pageReportExport))
	mux.Handle("GET /report.json", s.gate.page(s.exports.pageReportExport))
	mux.Handle("GET /circles/{id}/report.csv", s.gate.page(s.exports.pageCircleReportExport))
	mux.Handle("GET /circles/{id}/report.json", s.gate.page(s.exports.pageCircleReportExport))

	// The actions: each goes to the actor, as the chat's command would.
	mux.Handle("POST /needs/{id}/{action}", s.gate.page(s.forms.needAction))
	mux.Handle("POST /initiatives/{id}/{action}", s.gate.page(s.forms.needAction))
	mux.Handle("POST /status", s.gate.page(s.forms.statusAction))
	mux.Handle("POST /kassa/declare", s.gate.page(s.forms.kassaDeclare))
	mux.Handle("POST /kassa/claim", s.gate.page(s.forms.kassaClaim))
	mux.Handle("POST /clearing/{id}/agree", s.gate.page(s.forms.clearingAgree))
	mux.Handle("POST /circles/{id}/roles", s.gate.page(s.forms.roleAction))
	mux.Handle("POST /profile/about", s.gate.page(s.forms.aboutAction))
	mux.Handle("POST /profile/requisites", s.gate.page(s.forms.requisitesAction))
	mux.Handle("POST /profile/lang", s.gate.page(s.forms.langAction))
	mux.Handle("POST /profile/timezone", s.gate.page(s.forms.zoneAction))
	mux.Handle("POST /profile/notices", s.gate.page(s.forms.noticeAction))
}

// viewRoute is a page a member reads, by its path pattern.
type viewRoute struct {
	pattern string
	h       pageFunc
}

// views are the pages a member reads: registered as routes, and served
// again after a refused form (see forms.again).
func (pg *pages) views() []viewRoute {
	return []viewRoute{
		{"/{$}", pg.dashboard},
		{"/my", pg.myPage},
		{"/tome", pg.toMePage},
		{"/pending", pg.pendingPage},
		{"/archive", pg.archivePage},
		{"/calendar", pg.calendarPage},
		{"/needs/{id}", pg.needPage},
		{"/initiatives/{id}", pg.needPage},
		{"/circles/{id}", pg.circlePage},
		{"/kassa", pg.kassaPage},
		{"/clearing", pg.clearingPage},
		{"/profile", pg.profilePage},
		{"/network", pg.networkPage},
		{"/network/health", pg.healthPage},
		{"/network/health/{user}", pg.healthPage},
		{"/circles/{id}/health", pg.circleHealthPage},
		{"/report", pg.reportPage},
		{"/circles/{id}/report", pg.circleReportPage},
	}
}

// viewMux serves the pages of views to member c, already let in, for
// forms.again; a page shown by it carries the pages' note.
func (pg *pages) viewMux(c *caller) *http.ServeMux {
	mux := http.NewServeMux()
	for _, v := range pg.views() {
		h := v.h
		mux.HandleFunc("GET "+v.pattern, func(w http.ResponseWriter, r *http.Request) { h(w, r, c) })
	}
	return mux
}

// render writes a page of the pages, with their note if they show one
// again after a refused form.
func (pg *pages) render(w http.ResponseWriter, r *http.Request, name string, data *pageData) {
	if n := pg.note; n != nil && data.Flash == "" {
		data.Flash, data.Error, data.Form, data.Invalid = n.msg, n.err, n.form, n.field
		if data.Status == 0 {
			data.Status = n.status
		}
	}
	pg.view.render(w, r, name, data)
}
