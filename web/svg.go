package web

import (
	"encoding/xml"
	"fmt"
	"math"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/exodus-matrix/exodus/ledger"
)

// trustGraph is what the network picture reads of the trust graph
// (*ledger.Graph).
type trustGraph interface {
	TrustListHead(u ledger.UserID, n int) (ledger.TrustList, ledger.TrustSize)
	Direct(u ledger.UserID) []ledger.UserID
}

// svgMaxNodes bounds the members the picture draws besides the member:
// direct ones first, then the nearest indirect ones.
const svgMaxNodes = 60

// The picture's geometry.
const (
	svgSize     = 720
	svgCentreX  = 360
	svgCentreY  = 380
	svgInner    = 150 // radius of the ring of direct members
	svgOuter    = 290 // radius of the ring of indirect members
	svgMaxLabel = 14  // runes of a label
)

// svgWords are the picture's words in the member's language.
type svgWords struct {
	Title, Me, Direct, Indirect, More string
}

// svgNode is one member drawn.
type svgNode struct {
	id    ledger.UserID
	class string
	x, y  float64
}

// drawNetwork draws the trust network around me: me at the centre, the
// direct members on an inner ring (filled, with solid edges to the
// centre), the indirect ones on an outer ring (hollow and dashed), and a
// line for every guarantee between two members drawn. The same graph
// always gives the same bytes.
func drawNetwork(g trustGraph, me ledger.UserID, w svgWords) []byte {
	tl, size := g.TrustListHead(me, svgMaxNodes)
	direct := tl.Direct[:min(len(tl.Direct), svgMaxNodes)]
	indirect := tl.Indirect[:min(len(tl.Indirect), svgMaxNodes-len(direct))]
	more := size.Count() - len(direct) - len(indirect)

	nodes := []svgNode{{id: me, class: "node me", x: svgCentreX, y: svgCentreY}}
	ring := func(us []ledger.UserID, radius float64, class string) {
		for i, u := range us {
			a := -math.Pi/2 + 2*math.Pi*float64(i)/float64(len(us))
			if class == "node indirect" {
				a += math.Pi / float64(max(len(us), 1)) // between the direct ones' spokes
			}
			nodes = append(nodes, svgNode{id: u, class: class, x: svgCentreX + radius*math.Cos(a), y: svgCentreY + radius*math.Sin(a)})
		}
	}
	ring(direct, svgInner, "node direct")
	ring(indirect, svgOuter, "node indirect")
	at := make(map[ledger.UserID]int, len(nodes))
	for i, n := range nodes {
		at[n.id] = i
	}

	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-labelledby="svg-title">`,
		svgSize, svgSize+20, svgSize, svgSize+20)
	sb.WriteString("\n<title id=\"svg-title\">" + esc(w.Title) + "</title>\n")
	sb.WriteString(`<rect class="bg" x="0" y="0" width="100%" height="100%" fill="#fbfcfd"/>` + "\n")

	// Edges first, under the nodes.
	writeEdges(&sb, g, nodes, at)
	writeNodes(&sb, nodes)

	// The legend, top left.
	sb.WriteString(`<g class="legend" font-family="sans-serif" font-size="12" fill="#23313f">` + "\n")
	sb.WriteString(`<circle cx="20" cy="20" r="7" fill="#1f6f50"/><text x="34" y="24">` + esc(w.Me) + "</text>\n")
	sb.WriteString(`<circle cx="20" cy="42" r="6" fill="#2e8b62"/><text x="34" y="46">` + esc(fmt.Sprintf(w.Direct, len(tl.Direct))) + "</text>\n")
	sb.WriteString(`<circle cx="20" cy="64" r="6" fill="#ffffff" stroke="#6b7c93" stroke-dasharray="3 2"/><text x="34" y="68">` +
		esc(fmt.Sprintf(w.Indirect, len(tl.Indirect))) + "</text>\n")
	sb.WriteString("</g>\n")
	if more > 0 {
		fmt.Fprintf(&sb, `<text class="more" x="%d" y="%d" text-anchor="middle" font-family="sans-serif" font-size="13" fill="#23313f">%s</text>`+"\n",
			svgCentreX, svgSize+10, esc(fmt.Sprintf(w.More, more)))
	}
	sb.WriteString("</svg>\n")
	return []byte(sb.String())
}

// writeEdges draws each guarantee between two drawn members once, in the
// order of the nodes: solid from the member, lighter between direct ones,
// dashed to indirect ones. at is each node's index.
func writeEdges(sb *strings.Builder, g trustGraph, nodes []svgNode, at map[ledger.UserID]int) {
	sb.WriteString(`<g class="edges">` + "\n")
	for i, n := range nodes {
		for _, v := range g.Direct(n.id) {
			j, ok := at[v]
			if !ok || j <= i {
				continue
			}
			m := nodes[j]
			switch {
			case i == 0:
				fmt.Fprintf(sb, `<line class="edge me" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#2e8b62" stroke-width="2"/>`+"\n", n.x, n.y, m.x, m.y)
			case n.class == "node direct" && m.class == "node direct":
				fmt.Fprintf(sb, `<line class="edge" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#9bbfae" stroke-width="1.5"/>`+"\n", n.x, n.y, m.x, m.y)
			default:
				fmt.Fprintf(sb, `<line class="edge far" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#b8c2cc" stroke-width="1" stroke-dasharray="4 3"/>`+"\n", n.x, n.y, m.x, m.y)
			}
		}
	}
	sb.WriteString("</g>\n")
}

// writeNodes draws the members, each with its ID as a tooltip and a label.
func writeNodes(sb *strings.Builder, nodes []svgNode) {
	sb.WriteString("<g class=\"nodes\">\n")
	for _, n := range nodes {
		fmt.Fprintf(sb, `<g class="%s" data-id="%s">`, n.class, esc(string(n.id)))
		fmt.Fprintf(sb, "<title>%s</title>", esc(string(n.id)))
		switch n.class {
		case "node me":
			fmt.Fprintf(sb, `<circle cx="%.1f" cy="%.1f" r="16" fill="#1f6f50" stroke="#12422f" stroke-width="2"/>`, n.x, n.y)
		case "node direct":
			fmt.Fprintf(sb, `<circle cx="%.1f" cy="%.1f" r="10" fill="#2e8b62" stroke="#1f6f50" stroke-width="1.5"/>`, n.x, n.y)
		default:
			fmt.Fprintf(sb, `<circle cx="%.1f" cy="%.1f" r="8" fill="#ffffff" stroke="#6b7c93" stroke-width="1.5" stroke-dasharray="3 2"/>`, n.x, n.y)
		}
		fmt.Fprintf(sb, `<text x="%.1f" y="%.1f" text-anchor="middle" font-family="sans-serif" font-size="11" fill="#23313f" stroke="#fbfcfd" stroke-width="3" paint-order="stroke">%s</text>`,
			n.x, n.y+24, esc(label(n.id)))
		sb.WriteString("</g>\n")
	}
	sb.WriteString("</g>\n")
}

// label is the short name a node shows: the localpart, cut to a length.
func label(u ledger.UserID) string {
	l := u.Localpart()
	if utf8.RuneCountInString(l) > svgMaxLabel {
		l = string([]rune(l)[:svgMaxLabel-1]) + "…"
	}
	return l
}

// esc escapes a text for XML, in content and in attributes.
func esc(s string) string {
	var sb strings.Builder
	_ = xml.EscapeText(&sb, []byte(s))
	return sb.String()
}

// networkSVG serves the picture of the member's trust network.
func (pg *pages) networkSVG(w http.ResponseWriter, r *http.Request, c *caller) {
	g, err := pg.trust.Graph(r.Context())
	if err != nil {
		pg.view.pageError(w, r, c, err)
		return
	}
	l := c.Lang
	body := drawNetwork(g, c.Member, svgWords{Title: tr(l, "network.picture"), Me: tr(l, "network.legend_me"),
		Direct: tr(l, "network.legend_direct"), Indirect: tr(l, "network.legend_indirect"), More: tr(l, "network.more")})
	w.Header().Set("Content-Type", "image/svg+xml; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(body)
}
