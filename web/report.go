package web

import (
	"net/http"
	"strconv"

	"github.com/exodus-matrix/exodus/ledger"
)

// The monthly report (ledger.Report): a page, the API's JSON and the
// exports (CSV and JSON) of a member's month and of a circle's.

// reportJSON is a month's report as the API and the JSON export give it.
type reportJSON struct {
	Month    string          `json:"month"`
	Member   ledger.UserID   `json:"member,omitempty"`
	Circle   ledger.CircleID `json:"circle,omitempty"`
	Given    figuresJSON     `json:"given"`
	Received figuresJSON     `json:"received"`
	Members  []reportRowJSON `json:"members,omitempty"`
}

// figuresJSON are one set of a report's figures.
type figuresJSON struct {
	Commitments int               `json:"commitments"`
	Fulfilled   int               `json:"fulfilled"`
	Overdue     int               `json:"overdue"`
	Values      []healthValueJSON `json:"values"`
}

// reportRowJSON is one member's line of a circle's report.
type reportRowJSON struct {
	Member   ledger.UserID `json:"member"`
	Given    figuresJSON   `json:"given"`
	Received figuresJSON   `json:"received"`
}

// reportOf renders a report as the API answers it.
func reportOf(rep *ledger.Report) reportJSON {
	j := reportJSON{Month: rep.Month, Member: rep.Member, Circle: rep.Circle,
		Given: figuresOf(&rep.Given), Received: figuresOf(&rep.Received)}
	for _, row := range rep.Rows {
		j.Members = append(j.Members, reportRowJSON{Member: row.Member, Given: figuresOf(&row.Given), Received: figuresOf(&row.Received)})
	}
	return j
}

// figuresOf renders one set of figures.
func figuresOf(h *ledger.Health) figuresJSON {
	f := figuresJSON{Commitments: h.Commitments, Fulfilled: h.Confirmed, Overdue: h.Overdue, Values: []healthValueJSON{}}
	for _, v := range h.Values {
		f.Values = append(f.Values, healthValueJSON{Committed: amountOf(v.Committed), Confirmed: amountOf(v.Confirmed), Percent: v.Percent()})
	}
	return f
}

// reportCSVHeader heads a report's CSV: a row per member, direction and
// currency.
var reportCSVHeader = []string{"month", "circle", "member", "direction", "commitments", "fulfilled", "overdue",
	"currency", "committed", "confirmed"}

// reportRows are a report's CSV rows.
func reportRows(rep *ledger.Report) [][]string {
	var rows [][]string
	add := func(member ledger.UserID, dir string, h *ledger.Health) {
		base := []string{rep.Month, string(rep.Circle), string(member), dir,
			strconv.Itoa(h.Commitments), strconv.Itoa(h.Confirmed), strconv.Itoa(h.Overdue)}
		if len(h.Values) == 0 {
			rows = append(rows, append(base, "", "", ""))
		}
		for _, v := range h.Values {
			rows = append(rows, append(append([]string(nil), base...), string(v.Committed.Currency), decimal(v.Committed), decimal(v.Confirmed)))
		}
	}
	if rep.Circle != "" {
		add("", "circle", &rep.Given)
		for _, row := range rep.Rows {
			add(row.Member, "given", &row.Given)
			add(row.Member, "received", &row.Received)
		}
		return rows
	}
	add(rep.Member, "given", &rep.Given)
	add(rep.Member, "received", &rep.Received)
	return rows
}

// writeReport answers a report as a file in format ("json" or "csv").
func writeReport(w http.ResponseWriter, rep *ledger.Report, format string) {
	name := "exodus-report-" + rep.Month + "-" + fileSlug(string(rep.Member)+string(rep.Circle))
	switch format {
	case formatCSV:
		writeCSVTable(w, name, reportCSVHeader, reportRows(rep))
	case formatJSON:
		w.Header().Set("Cache-Control", "no-store")
		attach(w, name+".json")
		writeJSON(w, http.StatusOK, reportOf(rep))
	default:
		writeBadFormat(w, format)
	}
}

// apiReport answers the caller's own report of the month asked
// (?month=YYYY-MM, else the current one) in format.
func (x *exports) apiReport(format string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c := callerOf(r.Context())
		rep, err := x.report.MemberReport(r.Context(), c.Member, c.Member, r.URL.Query().Get("month"))
		if err != nil {
			x.errs.writeError(w, r, err, "")
			return
		}
		writeReportAs(w, rep, format)
	}
}

// apiCircleReport answers a circle's report of the month asked, to its
// members, in format.
func (x *exports) apiCircleReport(format string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c := callerOf(r.Context())
		circle, err := x.vis.memberCircle(r.Context(), c.Member, ledger.CircleID(r.PathValue("id")))
		if err != nil {
			x.errs.writeError(w, r, err, "")
			return
		}
		rep, err := x.report.CircleReport(r.Context(), c.Member, circle.ID, r.URL.Query().Get("month"))
		if err != nil {
			x.errs.writeError(w, r, err, "")
			return
		}
		writeReportAs(w, rep, format)
	}
}

// writeReportAs answers a report: the API's JSON for "api", else a file.
func writeReportAs(w http.ResponseWriter, rep *ledger.Report, format string) {
	if format == "api" {
		writeJSON(w, http.StatusOK, reportOf(rep))
		return
	}
	writeReport(w, rep, format)
}

// reportRoutes are the report's API routes: they only read.
func (x *exports) reportRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/api/v1/report", handler: x.apiReport("api")},
		{Method: "GET", Path: "/api/v1/report.csv", handler: x.apiReport(formatCSV)},
		{Method: "GET", Path: "/api/v1/circles/{id}/report", handler: x.apiCircleReport("api")},
		{Method: "GET", Path: "/api/v1/circles/{id}/report.csv", handler: x.apiCircleReport(formatCSV)},
	}
}

// pageReportExport serves the caller's own report as CSV or JSON.
func (x *exports) pageReportExport(w http.ResponseWriter, r *http.Request, c *caller) {
	rep, err := x.report.MemberReport(r.Context(), c.Member, c.Member, r.URL.Query().Get("month"))
	if err != nil {
		x.view.pageError(w, r, c, err)
		return
	}
	writeReport(w, rep, exportFormat(r.URL.Path))
}

// pageCircleReportExport serves a circle's report as CSV or JSON, to its
// members.
func (x *exports) pageCircleReportExport(w http.ResponseWriter, r *http.Request, c *caller) {
	circle, err := x.vis.memberCircle(r.Context(), c.Member, ledger.CircleID(r.PathValue("id")))
	if err != nil {
		x.view.pageError(w, r, c, err)
		return
	}
	rep, err := x.report.CircleReport(r.Context(), c.Member, circle.ID, r.URL.Query().Get("month"))
	if err != nil {
		x.view.pageError(w, r, c, err)
		return
	}
	writeReport(w, rep, exportFormat(r.URL.Path))
}
