package web

import (
	"context"
	"html/template"
	"net/netip"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

// The server's parts, one role each, and the small interfaces to the
// ledger service and the actor that each part needs. New wires them.

// acting carries out a member's request (the Actor's Act).
type acting interface {
	Act(ctx context.Context, req ledger.Request) (*ledger.Reply, error)
}

// explaining renders a ledger refusal in a language (the Actor's Explain).
type explaining interface {
	Explain(l ledger.Lang, err error) string
}

// clock tells the time of the ledger.
type clock interface {
	Now() time.Time
}

// sessionStore is what the gate asks of the ledger's access role:
// sessions, login links and API tokens (access.Service).
type sessionStore interface {
	SessionBySecret(ctx context.Context, secret string) (*ledger.Session, error)
	UseLoginLink(ctx context.Context, secret string) (string, *ledger.Session, error)
	EndSession(ctx context.Context, secret string) error
	TokenBySecret(ctx context.Context, secret string) (*ledger.Token, error)
	OpenSession(ctx context.Context, member ledger.UserID, proof string) (string, *ledger.Session, error)
}

// memberReader reads members' profiles and languages (ledger.Members).
type memberReader interface {
	Profile(ctx context.Context, u ledger.UserID) (*ledger.Profile, error)
	LangOf(ctx context.Context, u ledger.UserID) ledger.Lang
}

// circleReader reads circles and who is in them (ledger.Circles).
type circleReader interface {
	Get(ctx context.Context, id ledger.CircleID) (*ledger.Circle, error)
	Of(ctx context.Context, u ledger.UserID) ([]ledger.CircleID, error)
	Members(ctx context.Context, id ledger.CircleID) ([]ledger.UserID, error)
	Roles(ctx context.Context, id ledger.CircleID) (*ledger.CircleRoles, error)
}

// trustReader reads the trust graph (ledger.Trust).
type trustReader interface {
	Graph(ctx context.Context) (*ledger.Graph, error)
	Chain(ctx context.Context, from, to ledger.UserID) ([]ledger.UserID, error)
	TrustListOf(ctx context.Context, u ledger.UserID) (ledger.TrustList, error)
}

// aidReader reads the mutual-aid book and the ledgers built on it
// (ledger.Aid).
type aidReader interface {
	View(ctx context.Context, fn func(b *ledger.Book) error) error
	Need(ctx context.Context, id ledger.NeedID) (*ledger.NeedView, error)
	StatusOf(ctx context.Context, u ledger.UserID) (ledger.MemberStatus, error)
	CircleLedger(ctx context.Context, c ledger.CircleID) (*ledger.CircleLedger, error)
	MemberLedger(ctx context.Context, u ledger.UserID) (*ledger.MemberLedger, error)
	KassaFunds(ctx context.Context, u ledger.UserID, only ledger.CircleID) ([]ledger.KassaFund, error)
}

// healthReader computes the health figures (ledger.Service), each with
// the ledger's own access rule: a circle's for its members, a member's for
// themself and their circle mates.
type healthReader interface {
	CircleHealth(ctx context.Context, asker ledger.UserID, c ledger.CircleID) (*ledger.Health, error)
	MemberHealth(ctx context.Context, asker, u ledger.UserID) (*ledger.Health, error)
}

// reportReader computes the monthly reports (ledger.Service), each with
// the ledger's own access rule: a member's for themself, a circle's for its
// members.
type reportReader interface {
	MemberReport(ctx context.Context, asker, u ledger.UserID, month string) (*ledger.Report, error)
	CircleReport(ctx context.Context, asker ledger.UserID, c ledger.CircleID, month string) (*ledger.Report, error)
}

// explainer words an error in the member's language, for a page or as
// the API's JSON error (errors.go).
type explainer struct {
	// actor words the ledger's refusals as the chat does (nil: the web's
	// generic words).
	actor explaining
}

// renderer renders the page templates (pages.go).
type renderer struct {
	byName map[string]*template.Template
	// bot and prefix tell how to ask the bot for a login link.
	bot    ledger.UserID
	prefix string
	errs   *explainer
}

// gate lets requests in: the pages' sessions and login links, the API's
// bearer tokens, the rate limit per session or token, and the cross-site
// checks of form posts (auth.go, api.go).
type gate struct {
	// cycle is the cycle's time zone: a member's without their own.
	cycle     *time.Location
	store     sessionStore
	members   memberReader
	clock     clock
	limiter   *limiter
	perMinute int
	lock      *lockout
	origin    string // scheme://host of PublicURL
	secure    bool   // whether cookies are Secure
	view      *renderer
	errs      *explainer
	// openid verifies the OpenID tokens of the room widget (openid.go).
	openid *openID
	// framed is set when clients on other sites may frame the pages.
	framed bool
}

// lockout counts failed authentications per client address and locks an
// address out past the limit (authlimit.go).
type lockout struct {
	failures *limiter
	limit    int
	window   time.Duration
	// proxies are the trusted proxies whose X-Forwarded-For counts.
	proxies []netip.Prefix
	clock   clock
}

// visibility answers what a member may see, for the pages and the API
// alike (api_scope.go, pages_common.go).
type visibility struct {
	cfg     ledger.Config
	circles circleReader
	aid     aidReader
}

// pages are the pages a member reads (pages_*.go).
type pages struct {
	cfg     ledger.Config
	clock   clock
	members memberReader
	circles circleReader
	trust   trustReader
	aid     aidReader
	health  healthReader
	report  reportReader
	vis     *visibility
	view    *renderer
	// note is set on a copy of the pages that shows one again after a
	// refused form (forms.again), with the refusal and the form's values.
	note *note
}

// forms carry out the actions posted from the pages through the actor.
type forms struct {
	actor   acting
	circles circleReader
	vis     *visibility
	// pages are shown again, with the refusal, after a refused form.
	pages  *pages
	view   *renderer
	errs   *explainer
	secure bool // whether cookies are Secure
}

// apiReads answers the API's routes that only read (api_read.go,
// api_circles.go, api_clearing.go).
type apiReads struct {
	cfg     ledger.Config
	clock   clock
	members memberReader
	circles circleReader
	trust   trustReader
	aid     aidReader
	health  healthReader
	vis     *visibility
	errs    *explainer
}

// apiWrites answers the API's routes that act, through the actor
// (api_write.go, api_profile.go).
type apiWrites struct {
	actor   acting
	cfg     ledger.Config
	members memberReader
	aid     aidReader
	vis     *visibility
	errs    *explainer
	// prefix is the bot's command prefix, for /api/v1/commands.
	prefix string
}

// exports writes the CSV and JSON exports of a member and of a circle,
// for the pages and the API (export.go), and their monthly reports
// (report.go).
type exports struct {
	aid    aidReader
	report reportReader
	vis    *visibility
	view   *renderer
	errs   *explainer
}
