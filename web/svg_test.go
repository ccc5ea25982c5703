package web

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

// graphOf builds a trust graph from pairs of members who guarantee each
// other.
func graphOf(pairs ...[2]ledger.UserID) *ledger.Graph {
	var gs []ledger.Guarantee
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for i, p := range pairs {
		gs = append(gs, ledger.NewGuarantee(p[0], p[1], "!c:x", ledger.Amount{Minor: 10000, Currency: "EUR"},
			ledger.EventID(fmt.Sprintf("$g%d", i)), at))
	}
	return ledger.NewGraph(gs, nil)
}

// svgElement is an element of the picture, as parsed.
type svgElement struct {
	name, class, id, text string
}

// parseSVG reads the picture with encoding/xml (failing on malformed XML)
// and returns its elements in order, with each one's direct text.
func parseSVG(t *testing.T, b []byte) []svgElement {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(b))
	var out []svgElement
	var stack []int
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the picture is no valid XML: %v\n%s", err, b)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			e := svgElement{name: tok.Name.Local}
			for _, a := range tok.Attr {
				switch a.Name.Local {
				case "class":
					e.class = a.Value
				case "data-id":
					e.id = a.Value
				}
			}
			out = append(out, e)
			stack = append(stack, len(out)-1)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				out[stack[len(stack)-1]].text += string(tok)
			}
		}
	}
	if len(out) == 0 || out[0].name != "svg" {
		t.Fatalf("no svg root:\n%s", b)
	}
	return out
}

// countClass counts the elements of a class.
func countClass(es []svgElement, class string) int {
	n := 0
	for _, e := range es {
		if e.class == class {
			n++
		}
	}
	return n
}

var testWords = svgWords{Title: "Network", Me: "You", Direct: "direct (%[1]v)", Indirect: "indirect (%[1]v)", More: "+%[1]v more"}

func TestNetworkPictureDrawsDirectAndIndirectMembers(t *testing.T) {
	const (
		a    ledger.UserID = "@a:x"
		b    ledger.UserID = "@b:x"
		c    ledger.UserID = "@c:x"
		d    ledger.UserID = "@d:x"
		e    ledger.UserID = "@e:x"
		evil ledger.UserID = "@<script>:x"
		far  ledger.UserID = "@far:y" // in another component
	)
	g := graphOf([2]ledger.UserID{a, b}, [2]ledger.UserID{a, c}, [2]ledger.UserID{b, c}, [2]ledger.UserID{b, d},
		[2]ledger.UserID{d, e}, [2]ledger.UserID{c, evil}, [2]ledger.UserID{far, "@other:y"})
	out := drawNetwork(g, a, testWords)
	es := parseSVG(t, out)

	if n := countClass(es, "node me"); n != 1 {
		t.Errorf("%d centre nodes", n)
	}
	if n := countClass(es, "node direct"); n != 2 {
		t.Errorf("%d direct nodes, want b and c", n)
	}
	if n := countClass(es, "node indirect"); n != 3 {
		t.Errorf("%d indirect nodes, want d, e and the evil one", n)
	}
	// a-b and a-c to the centre; b-c between direct members; b-d, d-e and
	// c-evil reaching indirect ones.
	if n := countClass(es, "edge me"); n != 2 {
		t.Errorf("%d edges to the centre", n)
	}
	if n := countClass(es, "edge"); n != 1 {
		t.Errorf("%d edges between direct members", n)
	}
	if n := countClass(es, "edge far"); n != 3 {
		t.Errorf("%d edges to indirect members", n)
	}
	ids := map[string]string{}
	for _, el := range es {
		if strings.HasPrefix(el.class, "node") {
			ids[el.id] = el.class
		}
	}
	want := map[string]string{"@a:x": "node me", "@b:x": "node direct", "@c:x": "node direct", "@d:x": "node indirect",
		"@e:x": "node indirect", "@<script>:x": "node indirect"}
	for id, class := range want {
		if ids[id] != class {
			t.Errorf("%s: class %q, want %q", id, ids[id], class)
		}
	}
	if _, ok := ids[string(far)]; ok {
		t.Error("a member of another component is drawn")
	}
	// Hollow, dashed circles for the indirect, filled for the direct.
	if !bytes.Contains(out, []byte(`r="8" fill="#ffffff" stroke="#6b7c93" stroke-width="1.5" stroke-dasharray="3 2"`)) {
		t.Error("indirect members are not hollow and dashed")
	}
	// The evil ID is text, escaped, never markup.
	if bytes.Contains(out, []byte("<script")) {
		t.Errorf("a raw tag in the picture:\n%s", out)
	}
	if !bytes.Contains(out, []byte("&lt;script&gt;")) {
		t.Errorf("the evil label is missing:\n%s", out)
	}
	found := false
	for _, el := range es {
		if el.name == "text" && el.text == "<script>" {
			found = true
		}
	}
	if !found {
		t.Error("the evil member's label does not read back as its localpart")
	}
	// The legend, in the words given.
	legend := string(out)
	for _, w := range []string{">You<", ">direct (2)<", ">indirect (3)<"} {
		if !strings.Contains(legend, w) {
			t.Errorf("no %q in the legend", w)
		}
	}
	if countClass(es, "more") != 0 {
		t.Error("a +N more note without more members")
	}
	// The same graph always gives the same picture.
	if again := drawNetwork(g, a, testWords); !bytes.Equal(out, again) {
		t.Error("the picture is not deterministic")
	}
}

func TestNetworkPictureIsCapped(t *testing.T) {
	var pairs [][2]ledger.UserID
	for i := range 100 {
		pairs = append(pairs, [2]ledger.UserID{"@hub:x", ledger.UserID(fmt.Sprintf("@m%03d:x", i))})
	}
	pairs = append(pairs, [2]ledger.UserID{"@m000:x", "@deep:x"})
	out := drawNetwork(graphOf(pairs...), "@hub:x", testWords)
	es := parseSVG(t, out)
	if n := countClass(es, "node direct"); n != svgMaxNodes {
		t.Errorf("%d direct nodes drawn, want %d", n, svgMaxNodes)
	}
	if n := countClass(es, "node indirect"); n != 0 {
		t.Errorf("%d indirect nodes drawn past the cap", n)
	}
	var more string
	for _, el := range es {
		if el.class == "more" {
			more = el.text
		}
	}
	if more != "+41 more" {
		t.Errorf("more: %q", more)
	}
}

func TestNetworkPictureOfALoneMember(t *testing.T) {
	es := parseSVG(t, drawNetwork(graphOf(), "@alone:x", testWords))
	if countClass(es, "node me") != 1 || countClass(es, "node direct")+countClass(es, "node indirect") != 0 {
		t.Errorf("a lone member's picture: %+v", es)
	}
}
