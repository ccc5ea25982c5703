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
	routes = append(routes, s.exports.reportRoutes()...)
	return append(routes, s.writes.writeRoutes()...)
}

// readRoutes are the routes that only read: what a member sees in chat.
func (api *apiReads) readRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/api/v1/me", handler: api.apiMe},
		{Method: "GET", Path: "/api/v1/trust", handler: api.apiTrust},
		{Method: "GET", Path: "/api/v1/pool", handler: api.apiPool},
		{Method: "GET", Path: "/api/v1/capacity", handler: api.apiCapacity},
		{Method: "GET", Path: "/api/v1/chain/{user}", handler: api.apiChain},
		{Method: "GET", Path: "/api/v1/needs", handler: api.apiNeeds},
		{Method: "GET", Path: "/api/v1/needs/{id}", handler: api.apiNeed},
		{Method: "GET", Path: "/api/v1/promises", handler: api.apiPromises},
		{Method: "GET", Path: "/api/v1/promises/to-me", handler: api.apiPromisesToMe},
		{Method: "GET", Path: "/api/v1/pending", handler: api.apiPending},
		{Method: "GET", Path: "/api/v1/archive", handler: api.apiArchive},
		{Method: "GET", Path: "/api/v1/overdue", handler: api.apiOverdue},
		{Method: "GET", Path: "/api/v1/network", handler: api.apiNetwork},
		{Method: "GET", Path: "/api/v1/initiatives", handler: api.apiInitiatives},
		{Method: "GET", Path: "/api/v1/kassa", handler: api.apiKassa},
		{Method: "GET", Path: "/api/v1/clearing", handler: api.apiClearing},
		{Method: "GET", Path: "/api/v1/profile", handler: api.apiProfile},
		{Method: "GET", Path: "/api/v1/circles", handler: api.apiCircles},
		{Method: "GET", Path: "/api/v1/circles/{id}", handler: api.apiCircle},
		{Method: "GET", Path: "/api/v1/circles/{id}/digest", handler: api.apiDigest},
		{Method: "GET", Path: "/api/v1/health", handler: api.apiHealth},
		{Method: "GET", Path: "/api/v1/health/{user}", handler: api.apiHealth},
		{Method: "GET", Path: "/api/v1/circles/{id}/health", handler: api.apiCircleHealth},
	}
}

// apiRoutes are the exports' routes: they only read.
func (x *exports) apiRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/api/v1/circles/{id}/export.json", handler: x.apiCircleExport(formatJSON)},
		{Method: "GET", Path: "/api/v1/circles/{id}/export.csv", handler: x.apiCircleExport(formatCSV)},
		{Method: "GET", Path: "/api/v1/export.json", handler: x.apiExport(formatJSON)},
		{Method: "GET", Path: "/api/v1/export.csv", handler: x.apiExport(formatCSV)},
	}
}

// writeRoutes are the routes that act: each goes to the actor as a chat
// command of the token's member.
func (api *apiWrites) writeRoutes() []Route {
	return []Route{
		{Method: "POST", Path: "/api/v1/status", Write: true, handler: api.apiStatus},
		{Method: "POST", Path: "/api/v1/needs/{id}/intend", Write: true, handler: api.apiNeedAction(ledger.VerbIntend, apiAmountBody)},
		{Method: "POST", Path: "/api/v1/needs/{id}/withdraw", Write: true, handler: api.apiNeedAction(ledger.VerbWithdraw, apiNoBody)},
		{Method: "POST", Path: "/api/v1/needs/{id}/commit", Write: true, handler: api.apiNeedAction(ledger.VerbCommit, apiAmountBody)},
		{Method: "POST", Path: "/api/v1/needs/{id}/sent", Write: true, handler: api.apiNeedAction(ledger.VerbSent, apiAmountBody)},
		{Method: "POST", Path: "/api/v1/needs/{id}/got", Write: true, handler: api.apiNeedAction(ledger.VerbGot, apiGotBody)},
		{Method: "POST", Path: "/api/v1/needs/{id}/done", Write: true, handler: api.apiNeedAction(ledger.VerbDone, apiReportBody)},
		{Method: "POST", Path: "/api/v1/needs/{id}/approve", Write: true, handler: api.apiNeedAction(ledger.VerbApprove, apiNoBody)},
		{Method: "POST", Path: "/api/v1/forgive", Write: true, handler: api.apiUserAction(ledger.VerbForgive)},
		{Method: "POST", Path: "/api/v1/remind", Write: true, handler: api.apiUserAction(ledger.VerbRemind)},
		{Method: "POST", Path: "/api/v1/initiatives", Write: true, handler: api.apiInitiative},
		{Method: "POST", Path: "/api/v1/kassa", Write: true, handler: api.apiKassaDeclare},
		{Method: "POST", Path: "/api/v1/claims", Write: true, handler: api.apiClaim},
		{Method: "POST", Path: "/api/v1/clearing/{cycle}/agree", Write: true, handler: api.apiClearingAgree},
		{Method: "PUT", Path: "/api/v1/profile/about", Write: true, handler: api.apiAbout},
		{Method: "POST", Path: "/api/v1/profile/requisites", Write: true, handler: api.apiAddRequisite},
		{Method: "PUT", Path: "/api/v1/profile/requisites/{n}/default", Write: true, handler: api.apiRequisite(ledger.RequisitesDefault)},
		{Method: "DELETE", Path: "/api/v1/profile/requisites/{n}", Write: true, handler: api.apiRequisite(ledger.RequisitesRemove)},
		{Method: "PUT", Path: "/api/v1/profile/lang", Write: true, handler: api.apiLang},
		{Method: "PUT", Path: "/api/v1/profile/timezone", Write: true, handler: api.apiZone},
		{Method: "PUT", Path: "/api/v1/profile/notices/{kind}", Write: true, handler: api.apiNotice},
		{Method: "POST", Path: "/api/v1/circles/{id}/invite", Write: true, handler: api.apiCircleRole(ledger.VerbInvite)},
		{Method: "POST", Path: "/api/v1/circles/{id}/owner", Write: true, handler: api.apiCircleRole(ledger.VerbOwner)},
		{Method: "POST", Path: "/api/v1/circles/{id}/coowners", Write: true, handler: api.apiCircleRole(ledger.VerbCoOwner)},
		{Method: "POST", Path: "/api/v1/circles/{id}/demote", Write: true, handler: api.apiCircleRole(ledger.VerbDemote)},
		{Method: "POST", Path: "/api/v1/circles/{id}/remove", Write: true, handler: api.apiCircleRole(ledger.VerbRemove)},
		{Method: "POST", Path: "/api/v1/block", Write: true, handler: api.apiUserAction(ledger.VerbBlock)},
		{Method: "DELETE", Path: "/api/v1/block/{user}", Write: true, handler: api.apiUnblock},
		{Method: "POST", Path: "/api/v1/commands", Write: true, handler: api.apiCommand},
	}
}

// serveOpenAPI serves the OpenAPI 3 document of the API.
func serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openAPIDoc)
}
