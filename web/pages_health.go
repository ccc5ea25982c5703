package web

import (
	"html/template"
	"net/http"
	"strconv"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

// healthPage is the health of a circle's commitments, or of those a
// member gave: the figures, two charts by month (the share confirmed, the
// median time to fulfil) and the same numbers as a table.
type healthPage struct {
	Circle *circleLink    // the circle's page, else nil
	Member ledger.UserID  // whose commitments, on a member's page
	Own    bool           // the member's own page
	H      *ledger.Health // the figures
	Median string         // the median time to fulfil, in words
	Months []healthMonthRow
	// Fulfilled and TimeChart are the charts, drawn on the server.
	Fulfilled, TimeChart template.HTML
	// Circles are the member's circles, to open their figures.
	Circles []circleLink
}

// healthMonthRow is one month of the table.
type healthMonthRow struct {
	Month                           string
	Commitments, Confirmed, Percent int
	Median                          string
}

// healthPage shows the figures of the commitments the member in the path
// gave (a circle mate's), else the caller's own.
func (pg *pages) healthPage(w http.ResponseWriter, r *http.Request, c *caller) {
	u, err := healthMember(r, c)
	if err != nil {
		pg.view.pageError(w, r, c, err)
		return
	}
	h, err := pg.health.MemberHealth(r.Context(), c.Member, u)
	if err != nil {
		pg.view.pageError(w, r, c, err)
		return
	}
	p := pg.newHealthPage(c.Lang, h)
	p.Member, p.Own = u, u == c.Member
	pg.renderHealth(w, r, c, p)
}

// circleHealthPage shows a circle's figures, to its members.
func (pg *pages) circleHealthPage(w http.ResponseWriter, r *http.Request, c *caller) {
	circle, err := pg.vis.memberCircle(r.Context(), c.Member, ledger.CircleID(r.PathValue("id")))
	if err != nil {
		pg.view.pageError(w, r, c, err)
		return
	}
	h, err := pg.health.CircleHealth(r.Context(), c.Member, circle.ID)
	if err != nil {
		pg.view.pageError(w, r, c, err)
		return
	}
	p := pg.newHealthPage(c.Lang, h)
	p.Circle = &circleLink{ID: circle.ID, Href: circleHref(circle.ID), Name: circle.Name, Pledge: circle.Pledge}
	pg.renderHealth(w, r, c, p)
}

// renderHealth adds the member's circles and renders the page.
func (pg *pages) renderHealth(w http.ResponseWriter, r *http.Request, c *caller, p *healthPage) {
	var err error
	if p.Circles, err = pg.vis.circlesOfMember(r.Context(), c.Member); err != nil {
		pg.view.pageError(w, r, c, err)
		return
	}
	pg.render(w, r, "health", &pageData{Title: "health.title", Nav: "health", Page: p})
}

// newHealthPage lays out the figures and draws the charts in language l.
func (pg *pages) newHealthPage(l ledger.Lang, h *ledger.Health) *healthPage {
	p := &healthPage{H: h, Median: "—"}
	if h.Confirmed > 0 {
		p.Median = durationWords(l, h.Median)
	}
	var longest time.Duration
	for _, m := range h.Months {
		longest = max(longest, m.Median)
	}
	shares, times := make([]chartBar, len(h.Months)), make([]chartBar, len(h.Months))
	for i, m := range h.Months {
		row := healthMonthRow{Month: m.Month, Commitments: m.Commitments, Confirmed: m.Confirmed, Percent: m.Percent(), Median: "—"}
		shares[i] = chartBar{Label: m.Month, Text: "—", Value: ""}
		times[i] = chartBar{Label: m.Month, Text: "—", Value: ""}
		if m.Commitments > 0 {
			shares[i].Share, shares[i].Text = float64(row.Percent)/100, trf(l, "health.percent", row.Percent)
			shares[i].Value = strconv.Itoa(row.Percent)
		}
		if m.Confirmed > 0 {
			row.Median = durationWords(l, m.Median)
			times[i].Text, times[i].Value = row.Median, strconv.FormatInt(int64(m.Median/time.Second), 10)
			if longest > 0 {
				times[i].Share = float64(m.Median) / float64(longest)
			}
		}
		p.Months = append(p.Months, row)
	}
	p.Fulfilled = drawBars("chart-fulfilled", tr(l, "health.chart_fulfilled"), tr(l, "health.chart_fulfilled_desc"), shares)
	p.TimeChart = drawBars("chart-time", tr(l, "health.chart_time"), tr(l, "health.chart_time_desc"), times)
	return p
}

// durationWords is a time to fulfil in words: days and hours, hours and
// minutes, minutes, or under a minute.
func durationWords(l ledger.Lang, d time.Duration) string {
	switch {
	case d >= 24*time.Hour && d%(24*time.Hour) < time.Hour:
		return trf(l, "health.days_whole", int64(d/(24*time.Hour)))
	case d >= 24*time.Hour:
		return trf(l, "health.days", int64(d/(24*time.Hour)), int64(d%(24*time.Hour)/time.Hour))
	case d >= time.Hour:
		return trf(l, "health.hours", int64(d/time.Hour), int64(d%time.Hour/time.Minute))
	case d < time.Minute:
		return tr(l, "health.under_minute")
	}
	return trf(l, "health.minutes", int64(d/time.Minute))
}
