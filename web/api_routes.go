package web

import (
	_ "embed"
	"net/http"

	"github.com/exodus-matrix/exodus/ledger"
)

//go:embed openapi.json
var openAPIDoc []byte

// APIRoutes is the route table of the API: Handler registers these, and
// the OpenAPI document describes exactly these.
func (s *Server) APIRoutes() []Route {
	routes := []Route{{Method: "GET", Path: "/api/v1/openapi.json", Public: true, handler: serveOpenAPI}}
	routes = append(routes, s.reads.readRoutes()...)
	routes = append(routes, s.exports.apiRoutes()...)
	return append(routes, s.writes.writeRoutes()...)
}

// readRoutes are the routes that only read: what a member sees in chat.
func (s *apiReads) readRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/api/v1/me", handler: s.apiMe},
		{Method: "GET", Path: "/api/v1/trust", handler: s.apiTrust},
		{Method: "GET", Path: "/api/v1/pool", handler: s.apiPool},
		{Method: "GET", Path: "/api/v1/chain/{user}", handler: s.apiChain},
		{Method: "GET", Path: "/api/v1/needs", handler: s.apiNeeds},
		{Method: "GET", Path: "/api/v1/needs/{id}", handler: s.apiNeed},
		{Method: "GET", Path: "/api/v1/promises", handler: s.apiPromises},
		{Method: "GET", Path: "/api/v1/promises/to-me", handler: s.apiPromisesToMe},
		{Method: "GET", Path: "/api/v1/pending", handler: s.apiPending},
		{Method: "GET", Path: "/api/v1/archive", handler: s.apiArchive},
		{Method: "GET", Path: "/api/v1/overdue", handler: s.apiOverdue},
		{Method: "GET", Path: "/api/v1/network", handler: s.apiNetwork},
		{Method: "GET", Path: "/api/v1/initiatives", handler: s.apiInitiatives},
		{Method: "GET", Path: "/api/v1/kassa", handler: s.apiKassa},
		{Method: "GET", Path: "/api/v1/clearing", handler: s.apiClearing},
		{Method: "GET", Path: "/api/v1/profile", handler: s.apiProfile},
		{Method: "GET", Path: "/api/v1/circles", handler: s.apiCircles},
		{Method: "GET", Path: "/api/v1/circles/{id}", handler: s.apiCircle},
		{Method: "GET", Path: "/api/v1/circles/{id}/digest", handler: s.apiDigest},
	}
}

// apiRoutes are the exports' routes: they only read.
func (s *exports) apiRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/api/v1/circles/{id}/export.json", handler: s.apiCircleExport(formatJSON)},
		{Method: "GET", Path: "/api/v1/circles/{id}/export.csv", handler: s.apiCircleExport(formatCSV)},
		{Method: "GET", Path: "/api/v1/export.json", handler: s.apiExport(formatJSON)},
		{Method: "GET", Path: "/api/v1/export.csv", handler: s.apiExport(formatCSV)},
	}
}

// writeRoutes are the routes that act: each goes to the actor as a chat
// command of the token's member.
func (s *apiWrites) writeRoutes() []Route {
	return []Route{
		{Method: "POST", Path: "/api/v1/status", Write: true, handler: s.apiStatus},
		{Method: "POST", Path: "/api/v1/needs/{id}/intend", Write: true, handler: s.apiNeedAction(ledger.VerbIntend, apiAmountBody)},
		{Method: "POST", Path: "/api/v1/needs/{id}/withdraw", Write: true, handler: s.apiNeedAction(ledger.VerbWithdraw, apiNoBody)},
		{Method: "POST", Path: "/api/v1/needs/{id}/commit", Write: true, handler: s.apiNeedAction(ledger.VerbCommit, apiAmountBody)},
		{Method: "POST", Path: "/api/v1/needs/{id}/sent", Write: true, handler: s.apiNeedAction(ledger.VerbSent, apiNoBody)},
		{Method: "POST", Path: "/api/v1/needs/{id}/got", Write: true, handler: s.apiNeedAction(ledger.VerbGot, apiGiverBody)},
		{Method: "POST", Path: "/api/v1/needs/{id}/done", Write: true, handler: s.apiNeedAction(ledger.VerbDone, apiReportBody)},
		{Method: "POST", Path: "/api/v1/needs/{id}/approve", Write: true, handler: s.apiNeedAction(ledger.VerbApprove, apiNoBody)},
		{Method: "POST", Path: "/api/v1/forgive", Write: true, handler: s.apiUserAction(ledger.VerbForgive)},
		{Method: "POST", Path: "/api/v1/remind", Write: true, handler: s.apiUserAction(ledger.VerbRemind)},
		{Method: "POST", Path: "/api/v1/initiatives", Write: true, handler: s.apiInitiative},
		{Method: "POST", Path: "/api/v1/kassa", Write: true, handler: s.apiKassaDeclare},
		{Method: "POST", Path: "/api/v1/claims", Write: true, handler: s.apiClaim},
		{Method: "POST", Path: "/api/v1/clearing/{cycle}/agree", Write: true, handler: s.apiClearingAgree},
		{Method: "PUT", Path: "/api/v1/profile/about", Write: true, handler: s.apiAbout},
		{Method: "POST", Path: "/api/v1/profile/requisites", Write: true, handler: s.apiAddRequisite},
		{Method: "PUT", Path: "/api/v1/profile/requisites/{n}/default", Write: true, handler: s.apiRequisite(ledger.RequisitesDefault)},
		{Method: "DELETE", Path: "/api/v1/profile/requisites/{n}", Write: true, handler: s.apiRequisite(ledger.RequisitesRemove)},
		{Method: "PUT", Path: "/api/v1/profile/lang", Write: true, handler: s.apiLang},
		{Method: "PUT", Path: "/api/v1/profile/notices/{kind}", Write: true, handler: s.apiNotice},
		{Method: "POST", Path: "/api/v1/circles/{id}/invite", Write: true, handler: s.apiInvite},
		{Method: "POST", Path: "/api/v1/block", Write: true, handler: s.apiUserAction(ledger.VerbBlock)},
		{Method: "DELETE", Path: "/api/v1/block/{user}", Write: true, handler: s.apiUnblock},
		{Method: "POST", Path: "/api/v1/commands", Write: true, handler: s.apiCommand},
	}
}

// serveOpenAPI serves the OpenAPI 3 document of the API.
func serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openAPIDoc)
}
