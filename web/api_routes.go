package web

import (
	_ "embed"
	"net/http"
)

//go:embed openapi.json
var openAPIDoc []byte

// APIRoutes is the route table of the API: Handler registers these, and
// the OpenAPI document describes exactly these.
func (s *Server) APIRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/api/v1/openapi.json", Public: true, handler: s.openAPI},
		{Method: "GET", Path: "/api/v1/me", handler: s.apiMe},
	}
}

// openAPI serves the OpenAPI 3 document of the API.
func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openAPIDoc)
}

// apiMe answers who the token belongs to.
func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) {
	c := callerOf(r.Context())
	writeJSON(w, http.StatusOK, map[string]any{"member": c.Member, "lang": c.Lang, "scope": c.Scope})
}
