// Package web is the web organizer and the HTTP API of Exodus: pages a
// member logs into with a one-time link from the chat, and JSON under
// /api/v1 for tools holding a personal API token. It speaks ledger types
// only: reads go to the ledger service, and every action goes to an Actor
// (the bot), which carries it out through the same rules as chat and posts
// it into the room.
package web

import (
	"context"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/ledger/access"
)

// Actor carries out a member's action the way the chat does: checked by
// the same rules, posted into the room, applied. The bot implements it.
type Actor interface {
	Act(ctx context.Context, req ledger.Request) (*ledger.Reply, error)
	// Explain renders a ledger refusal in a language, as the chat does.
	Explain(l ledger.Lang, err error) string
}

// Config is the web's part of the configuration.
type Config struct {
	// PublicURL is the address members open ("http://localhost:8009");
	// session cookies are Secure when it is https, and cross-site checks
	// compare request origins with it.
	PublicURL string
	// BotUserID is the bot's Matrix ID, shown where a page tells the member
	// to ask the bot for a login link.
	BotUserID ledger.UserID
	// Prefix is the bot's command prefix, for pages that quote commands.
	Prefix string
	// RequestsPerMinute bounds the API requests of one token and the pages
	// of one session (120 by default).
	RequestsPerMinute int
	// FailedAuthLimit is how many failed authentications (an unknown,
	// revoked or missing API token; a bad, used or expired login link) one
	// client address may make within FailedAuthWindow (10 by default).
	// Past it, every API request needing a token and every login from the
	// address is refused with 429 and Retry-After, without looking at the
	// secret: a valid token or link is refused too until the window has
	// room again.
	FailedAuthLimit int
	// FailedAuthWindow is the sliding window of FailedAuthLimit (a minute
	// by default).
	FailedAuthWindow time.Duration
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client address. Without them (the default) the address is the
	// connection's, and the header is ignored.
	TrustedProxies []netip.Prefix
	// FrameOrigins are the origins (scheme://host[:port]) allowed to frame
	// the pages: the Element clients that show the web organizer as a room
	// widget. None by default: no site may frame them.
	FrameOrigins []string
	// OpenIDServers are the homeservers whose OpenID tokens sign a member
	// in through the widget, by server name, each with the base URL it is
	// asked at (the bot's own homeserver, and those the operator lists).
	// None: the widget cannot sign anyone in.
	OpenIDServers map[string]string
	// OpenIDTimeout bounds a question to one of them (5 s by default).
	OpenIDTimeout time.Duration
}

// Server serves the pages and the API. It only wires the routes: each
// route is answered by the part that plays its role.
type Server struct {
	// gate authenticates: sessions and login links for the pages, bearer
	// tokens for the API, rate limits and cross-site checks.
	gate *gate
	// pages are the pages a member reads; forms the actions they post.
	pages *pages
	forms *forms
	// reads and writes are the API's routes that read and that act.
	reads  *apiReads
	writes *apiWrites
	// exports are the CSV and JSON exports, of the pages and the API.
	exports *exports
	// frames are the origins allowed to frame the pages.
	frames []string
}

// New returns a server reading from svc, letting members in through acc
// (sessions, login links, API tokens), and acting through actor.
func New(cfg Config, svc *ledger.Service, acc *access.Service, actor Actor) (*Server, error) {
	if cfg.RequestsPerMinute <= 0 {
		cfg.RequestsPerMinute = 120
	}
	if cfg.Prefix == "" {
		cfg.Prefix = "!ex"
	}
	if cfg.FailedAuthLimit <= 0 {
		cfg.FailedAuthLimit = 10
	}
	if cfg.FailedAuthWindow <= 0 {
		cfg.FailedAuthWindow = time.Minute
	}
	templates, err := loadPages()
	if err != nil {
		return nil, err
	}
	errs := &explainer{actor: actor}
	view := &renderer{byName: templates, bot: cfg.BotUserID, prefix: cfg.Prefix, errs: errs}
	cfgL := svc.Config()
	vis := &visibility{cfg: cfgL, circles: svc.Circles, aid: svc.Aid}
	g := &gate{cycle: cfgL.Cycle.Location, store: acc, members: svc.Members, clock: svc,
		limiter: newLimiter(cfg.RequestsPerMinute, time.Minute), perMinute: cfg.RequestsPerMinute,
		lock: &lockout{failures: newLimiter(cfg.FailedAuthLimit, cfg.FailedAuthWindow), limit: cfg.FailedAuthLimit,
			window: cfg.FailedAuthWindow, proxies: cfg.TrustedProxies, clock: svc},
		view: view, errs: errs, openid: newOpenID(cfg.OpenIDServers, cfg.OpenIDTimeout, svc.Circles),
		framed: len(cfg.FrameOrigins) > 0}
	if u, err := url.Parse(cfg.PublicURL); err == nil && u.Host != "" {
		g.origin = u.Scheme + "://" + u.Host
		g.secure = u.Scheme == "https"
	}
	pg := &pages{cfg: cfgL, clock: svc, members: svc.Members, circles: svc.Circles, trust: svc.Trust, aid: svc.Aid,
		health: svc, report: svc, vis: vis, view: view}
	return &Server{
		frames: cfg.FrameOrigins,
		gate:   g,
		pages:  pg,
		forms:  &forms{actor: actor, circles: svc.Circles, vis: vis, pages: pg, view: view, errs: errs, secure: g.secure},
		reads: &apiReads{cfg: cfgL, clock: svc, members: svc.Members, circles: svc.Circles, trust: svc.Trust, aid: svc.Aid,
			health: svc, vis: vis, errs: errs},
		writes: &apiWrites{actor: actor, cfg: cfgL, members: svc.Members, aid: svc.Aid, vis: vis, errs: errs,
			prefix: cfg.Prefix},
		exports: &exports{aid: svc.Aid, report: svc, vis: vis, view: view, errs: errs},
	}, nil
}

// Route is one route of the API: its method and path pattern, as in the
// OpenAPI document ("/api/v1/needs/{id}").
type Route struct {
	Method, Path string
	// Write is set on routes that change something: a read-only token is
	// refused on them.
	Write bool
	// Public is set on routes that need no token.
	Public  bool
	handler http.HandlerFunc
}

// Handler returns the HTTP handler of the pages, the static assets and the
// API. Every route is registered here.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, r := range s.APIRoutes() {
		mux.Handle(r.Method+" "+r.Path, s.gate.api(r))
	}
	mux.Handle("/api/", s.gate.api(Route{handler: s.gate.apiNotFound, Public: true}))
	s.pageRoutes(mux)
	return compress(securityHeaders(mux, s.frames))
}

// securityHeaders sets the headers every answer carries. The pages may be
// framed only by the origins in frames (the Element clients of the room
// widget), and by none when it is empty; the API is never framed.
func securityHeaders(next http.Handler, frames []string) http.Handler {
	ancestors := "'none'"
	if len(frames) > 0 {
		ancestors = strings.Join(frames, " ")
	}
	csp := "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors " + ancestors
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		api := strings.HasPrefix(r.URL.Path, "/api/")
		if len(frames) == 0 || api {
			h.Set("X-Frame-Options", "DENY") // it cannot name the origins allowed: CSP does
		}
		if !api {
			h.Set("Content-Security-Policy", csp)
		}
		next.ServeHTTP(w, r)
	})
}

// callerKey carries the authenticated caller in a request's context: the
// only value the web puts there.
type callerKey struct{}

// caller is who a request comes from.
type caller struct {
	Member ledger.UserID
	Lang   ledger.Lang
	// Scope is the token's (ScopeWrite for a web session).
	Scope ledger.TokenScope
	// Session is the session's secret (pages only), for the forms' token.
	Session string
	// Zone is the time zone the member reads times in on the pages: their
	// own (the `timezone` setting), else the cycle's; nil means UTC.
	Zone *time.Location
}

// zone is the time zone the caller reads times in (UTC if unset).
func (c *caller) zone() *time.Location {
	if c == nil || c.Zone == nil {
		return time.UTC
	}
	return c.Zone
}

func withCaller(ctx context.Context, c *caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// callerOf returns the authenticated caller of a request (nil if none).
func callerOf(ctx context.Context) *caller {
	c, _ := ctx.Value(callerKey{}).(*caller)
	return c
}

// logOf is the request's logger (the one from cmd, carried in the context).
func logOf(r *http.Request) *zerolog.Logger {
	return zerolog.Ctx(r.Context())
}
