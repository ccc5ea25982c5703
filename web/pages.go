package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"

	"github.com/exodus-matrix/exodus/ledger"
)

//go:embed templates/*.html
var templatesFS embed.FS

//go:embed static
var staticFS embed.FS

// pageSet holds the parsed templates: each page with the layout.
type pageSet struct {
	byName map[string]*template.Template
}

// loadPages parses every page template together with the layout.
func loadPages() (*pageSet, error) {
	names, err := fs.Glob(templatesFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("failed to list templates: %w", err)
	}
	ps := &pageSet{byName: map[string]*template.Template{}}
	for _, n := range names {
		if n == "templates/layout.html" {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templatesFS, "templates/layout.html", n)
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
	// Path is the page's path, for the language switch to come back to.
	Path string
	// Flash is a message after an action (Error set if it was refused).
	Flash string
	Error bool
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
	_, _ = w.Write(buf.Bytes())
}

// fill sets what every page shows: the member, the form token, the path.
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
	data.Path, data.BotUserID, data.Prefix = r.URL.RequestURI(), s.cfg.BotUserID, s.cfg.Prefix
}

// pageError answers a page request with an error page in the member's
// language; an internal error is logged here, once.
func (s *Server) pageError(w http.ResponseWriter, r *http.Request, c *caller, err error) {
	status := statusOf(err)
	if status == http.StatusInternalServerError {
		logOf(r).Error().Err(err).Str("path", r.URL.Path).Msg("Failed to answer a page")
	}
	data := &pageData{Title: "error.title"}
	if c != nil {
		data.Lang = c.Lang
	} else {
		data.Lang = s.pageLang(r, "")
	}
	data.Flash, data.Error = s.errorMessage(data.Lang, err), true
	w.WriteHeader(status)
	s.render(w, r, "error", data)
}

// welcome is the page of a visitor without a session: how to log in.
func (s *Server) welcome(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(http.StatusUnauthorized)
	s.render(w, r, "welcome", &pageData{Title: "welcome.title"})
}

// pageRoutes registers the pages, the login and the static assets.
func (s *Server) pageRoutes(mux *http.ServeMux) {
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("GET /lang", s.setLang)
	mux.Handle("POST /logout", s.page(s.logout))
	mux.Handle("GET /{$}", s.page(s.dashboard))
}

// dashboard is the member's home page.
func (s *Server) dashboard(w http.ResponseWriter, r *http.Request, c *caller) {
	s.render(w, r, "dashboard", &pageData{Title: "dashboard.title"})
}

// funcs are the template functions.
var funcs = template.FuncMap{
	"t": func(l ledger.Lang, key string, args ...any) string { return trf(l, key, args...) },
}
