package web

import (
	"bytes"
	"context"
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

// pageSet holds the parsed templates: each page with the layout and the
// shared parts (files named _*.html).
type pageSet struct {
	byName map[string]*template.Template
	// views answers the pages a form posted from, to show one again with
	// the form's error (see again).
	views *http.ServeMux
}

// loadPages parses every page template together with the layout and the
// shared parts.
func loadPages() (*pageSet, error) {
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
	ps := &pageSet{byName: map[string]*template.Template{}}
	for _, n := range names {
		if n == "templates/layout.html" || strings.HasPrefix(path.Base(n), "_") {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templatesFS, append(append([]string(nil), shared...), n)...)
		if err != nil {
			return nil, fmt.Errorf("failed to parse %s: %w", n, err)
		}
		name := n[len("templates/") : len(n)-len(".html")]
		ps.byName[name] = t
	}
	return ps, nil
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
	// Form holds the values of a refused form, to fill it again.
	Form url.Values
	// Link is the login link's secret, on the login page.
	Link string
	// BotUserID and Prefix tell how to ask the bot for a link.
	BotUserID ledger.UserID
	Prefix    string
	Page      any
}

// render writes a page; data.Lang picks the language of its words.
func (s *Server) render(w http.ResponseWriter, r *http.Request, name string, data *pageData) {
	t, ok := s.pages.byName[name]
	if !ok {
		logOf(r).Error().Str("page", name).Msg("Failed to find a page template")
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	s.fill(r, data)
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
// and the message of an action just done or refused.
func (s *Server) fill(r *http.Request, data *pageData) {
	if c := callerOf(r.Context()); c != nil {
		data.Member, data.CSRF = c.Member, csrfToken(c.Session)
		if data.Lang == "" {
			data.Lang = c.Lang
		}
	}
	if data.Lang == "" {
		data.Lang = s.pageLang(r, "")
	}
	if n, _ := r.Context().Value(noteKey{}).(*note); n != nil && data.Flash == "" {
		data.Flash, data.Error, data.Form = n.msg, n.err, n.form
		if data.Status == 0 {
			data.Status = n.status
		}
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
	data.BotUserID, data.Prefix = s.cfg.BotUserID, s.cfg.Prefix
}

// pageError answers a page request with an error page in the member's
// language; an internal error is logged here, once.
func (s *Server) pageError(w http.ResponseWriter, r *http.Request, c *caller, err error) {
	status := statusOf(err)
	if status == http.StatusInternalServerError {
		logOf(r).Error().Err(err).Str("path", r.URL.Path).Msg("Failed to answer a page")
	}
	data := &pageData{Title: "error.title", Status: status}
	if c != nil {
		data.Lang = c.Lang
	} else {
		data.Lang = s.pageLang(r, "")
	}
	data.Flash, data.Error = s.errorMessage(data.Lang, err), true
	r = r.WithContext(context.WithValue(r.Context(), noteKey{}, (*note)(nil)))
	s.render(w, r, "error", data)
}

// welcome is the page of a visitor without a session: how to log in.
func (s *Server) welcome(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, "welcome", &pageData{Title: "welcome.title", Status: http.StatusUnauthorized})
}

// pageRoutes registers the pages, the login and the static assets.
func (s *Server) pageRoutes(mux *http.ServeMux) {
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("GET /lang", s.setLang)
	mux.Handle("POST /logout", s.page(s.logout))

	// The pages a member reads; views serves them again after a refused
	// form, with the form's error.
	views := http.NewServeMux()
	for _, v := range []struct {
		pattern string
		h       pageFunc
	}{
		{"/{$}", s.dashboard},
		{"/my", s.myPage},
		{"/tome", s.toMePage},
		{"/pending", s.pendingPage},
		{"/archive", s.archivePage},
		{"/calendar", s.calendarPage},
		{"/needs/{id}", s.needPage},
		{"/initiatives/{id}", s.needPage},
		{"/circles/{id}", s.circlePage},
		{"/kassa", s.kassaPage},
		{"/profile", s.profilePage},
		{"/network", s.networkPage},
	} {
		mux.Handle("GET "+v.pattern, s.page(v.h))
		h := v.h
		views.HandleFunc("GET "+v.pattern, func(w http.ResponseWriter, r *http.Request) { h(w, r, callerOf(r.Context())) })
	}
	s.pages.views = views

	mux.Handle("GET /network.svg", s.page(s.networkSVG))
	mux.Handle("GET /export.csv", s.page(s.pageMemberExport))
	mux.Handle("GET /export.json", s.page(s.pageMemberExport))
	mux.Handle("GET /circles/{id}/export.csv", s.page(s.pageCircleExport))
	mux.Handle("GET /circles/{id}/export.json", s.page(s.pageCircleExport))

	// The actions: each goes to the actor, as the chat's command would.
	mux.Handle("POST /needs/{id}/{action}", s.page(s.needAction))
	mux.Handle("POST /initiatives/{id}/{action}", s.page(s.needAction))
	mux.Handle("POST /status", s.page(s.statusAction))
	mux.Handle("POST /kassa/declare", s.page(s.kassaDeclare))
	mux.Handle("POST /kassa/claim", s.page(s.kassaClaim))
	mux.Handle("POST /profile/about", s.page(s.aboutAction))
	mux.Handle("POST /profile/requisites", s.page(s.requisitesAction))
	mux.Handle("POST /profile/lang", s.page(s.langAction))
	mux.Handle("POST /profile/notices", s.page(s.noticeAction))
}
