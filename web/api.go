package web

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/ledger/access"
)

// maxBody bounds a request body.
const maxBody = 64 << 10

// api wraps an API route: the bearer token (unless the route is public),
// its scope, the rate limit, and JSON errors. An address locked out after
// failed authentications is refused before its token is looked at.
func (g *gate) api(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		if rt.Public {
			rt.handler(w, r)
			return
		}
		addr, err := g.lock.lockedOut(w, r)
		if err != nil {
			g.errs.writeError(w, r, err, "")
			return
		}
		c, err := g.bearer(r)
		if err != nil {
			g.lock.failedAuth(r, addr, err)
			w.Header().Set("WWW-Authenticate", `Bearer realm="exodus"`)
			g.errs.writeError(w, r, err, "")
			return
		}
		r = r.WithContext(withCaller(r.Context(), c))
		if !g.limiter.allow("token:"+access.HashSecret(c.Session), g.clock.Now()) {
			w.Header().Set("Retry-After", "60")
			g.errs.writeError(w, r, ledger.Errorf(ledger.ERateLimited, "api.rate_limited", g.perMinute), "")
			return
		}
		if rt.Write && c.Scope != ledger.ScopeWrite {
			g.errs.writeError(w, r, ledger.Errorf(ledger.EForbidden, "api.read_only"), "")
			return
		}
		rt.handler(w, r)
	})
}

// bearer authenticates a request by its personal API token.
func (g *gate) bearer(r *http.Request) (*caller, error) {
	h := r.Header.Get("Authorization")
	scheme, secret, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || secret == "" {
		return nil, ledger.Errorf(ledger.EUnauthorized, "auth.no_token")
	}
	t, err := g.store.TokenBySecret(r.Context(), strings.TrimSpace(secret))
	if err != nil {
		return nil, err
	}
	// Session holds the token's secret here: the rate limit's key.
	return &caller{Member: t.Member, Lang: g.members.LangOf(r.Context(), t.Member), Scope: t.Scope, Session: secret,
		Zone: g.zoneOf(r, t.Member)}, nil
}

// apiNotFound answers a path under /api/ that is no route.
func (g *gate) apiNotFound(w http.ResponseWriter, r *http.Request) {
	g.errs.writeError(w, r, ledger.Errorf(ledger.ENotFound, "api.no_route"), "")
}

// decode reads a JSON request body into v; unknown fields are refused.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if err == io.EOF {
			return ledger.Errorf(ledger.EInvalid, "api.empty_body")
		}
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return ledger.Errorf(ledger.EInvalid, "api.too_large", maxBody)
		}
		return errBadJSON(err)
	}
	return nil
}
