package web

import (
	"fmt"
	"html/template"
	"strings"
)

// A chart of the health page: one bar per month, drawn on the server as
// inline SVG (no script, no inline style: the colours are classes of the
// style sheet). The numbers are written on the bars and, for screen
// readers and anyone who prefers them, in the table beside the chart.

// The charts' geometry.
const (
	chartWidth  = 720
	chartHeight = 260
	chartTop    = 28  // room for the value above the tallest bar
	chartBottom = 36  // room for the month under the bars
	chartLeft   = 8   // margin on each side
	chartBarGap = 0.3 // share of a slot left between bars
)

// chartBar is one month's bar: its label, its height as a share of the
// chart's scale (0..1), and the value written on it.
type chartBar struct {
	Label string
	Share float64
	Text  string
	// Value is the bar's number, for data-value (tests, and tools that read
	// the page).
	Value string
}

// drawBars draws bars under an accessible title and description; id
// names the chart in the page (its title's and description's IDs). The
// same bars always give the same bytes.
func drawBars(id, title, desc string, bars []chartBar) template.HTML {
	var sb strings.Builder
	esc := template.HTMLEscapeString
	fmt.Fprintf(&sb, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="%s" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-title %s-desc">`,
		esc(id), chartWidth, chartHeight, esc(id), esc(id))
	fmt.Fprintf(&sb, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, esc(id), esc(title), esc(id), esc(desc))
	base := float64(chartHeight - chartBottom)
	fmt.Fprintf(&sb, `<line class="axis" x1="%d" y1="%.1f" x2="%d" y2="%.1f"/>`, chartLeft, base, chartWidth-chartLeft, base)
	if len(bars) > 0 {
		slot := float64(chartWidth-2*chartLeft) / float64(len(bars))
		width := slot * (1 - chartBarGap)
		for i, b := range bars {
			share := min(max(b.Share, 0), 1)
			h := share * (base - chartTop)
			x := float64(chartLeft) + slot*float64(i) + (slot-width)/2
			mid := x + width/2
			fmt.Fprintf(&sb, `<g class="bar" data-label="%s" data-value="%s">`, esc(b.Label), esc(b.Value))
			fmt.Fprintf(&sb, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f"/>`, x, base-h, width, h)
			fmt.Fprintf(&sb, `<text class="value" x="%.1f" y="%.1f" text-anchor="middle">%s</text>`, mid, base-h-6, esc(b.Text))
			fmt.Fprintf(&sb, `<text class="label" x="%.1f" y="%.1f" text-anchor="middle">%s</text>`, mid, base+22, esc(b.Label))
			sb.WriteString(`</g>`)
		}
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String()) // every text in it escaped above
}
