package web

import (
	"net/http"
	"net/url"

	"github.com/exodus-matrix/exodus/ledger"
)

// reportPage is a month's report: a member's own (what they gave and
// received) or a circle's (its total and a line per member), with the
// month to choose and the exports.
type reportPage struct {
	Circle *circleLink     // the circle's report, else nil
	Rep    *ledger.Report  // the figures
	Rows   []reportPageRow // a circle's members who gave or received
	// Export is the query of the exports' links ("?month=2026-11").
	Export string
	// Circles are the member's circles, to open their reports.
	Circles []circleLink
}

// reportPageRow is one member's line of a circle's report.
type reportPageRow struct {
	Member          ledger.UserID
	Given, Received *ledger.Health
}

// reportPage shows the caller's own report of the month asked
// (?month=YYYY-MM, else the current one).
func (pg *pages) reportPage(w http.ResponseWriter, r *http.Request, c *caller) {
	rep, err := pg.report.MemberReport(r.Context(), c.Member, c.Member, r.URL.Query().Get("month"))
	if err != nil {
		pg.view.pageError(w, r, c, err)
		return
	}
	pg.renderReport(w, r, c, &reportPage{Rep: rep})
}

// circleReportPage shows a circle's report of the month asked, to its
// members.
func (pg *pages) circleReportPage(w http.ResponseWriter, r *http.Request, c *caller) {
	circle, err := pg.vis.memberCircle(r.Context(), c.Member, ledger.CircleID(r.PathValue("id")))
	if err != nil {
		pg.view.pageError(w, r, c, err)
		return
	}
	rep, err := pg.report.CircleReport(r.Context(), c.Member, circle.ID, r.URL.Query().Get("month"))
	if err != nil {
		pg.view.pageError(w, r, c, err)
		return
	}
	p := &reportPage{Rep: rep, Circle: &circleLink{ID: circle.ID, Href: circleHref(circle.ID), Name: circle.Name, Pledge: circle.Pledge}}
	for i := range rep.Rows {
		row := &rep.Rows[i]
		if row.Given.Commitments > 0 || row.Received.Commitments > 0 {
			p.Rows = append(p.Rows, reportPageRow{Member: row.Member, Given: &row.Given, Received: &row.Received})
		}
	}
	pg.renderReport(w, r, c, p)
}

// renderReport adds the member's circles and the exports' query, and
// renders the page.
func (pg *pages) renderReport(w http.ResponseWriter, r *http.Request, c *caller, p *reportPage) {
	var err error
	if p.Circles, err = pg.vis.circlesOfMember(r.Context(), c.Member); err != nil {
		pg.view.pageError(w, r, c, err)
		return
	}
	p.Export = "?month=" + url.QueryEscape(p.Rep.Month)
	pg.render(w, r, "report", &pageData{Title: "report.title", Nav: "report", Page: p})
}
