package web_test

import (
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// luminance is a colour's relative luminance (WCAG 2), from "#rrggbb".
func luminance(t *testing.T, hex string) float64 {
	t.Helper()
	if len(hex) != 7 || hex[0] != '#' {
		t.Fatalf("not a #rrggbb colour: %q", hex)
	}
	var l float64
	for i, w := range []float64{0.2126, 0.7152, 0.0722} {
		v, err := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		if err != nil {
			t.Fatalf("colour %q: %v", hex, err)
		}
		c := float64(v) / 255
		if c <= 0.03928 {
			c /= 12.92
		} else {
			c = math.Pow((c+0.055)/1.055, 2.4)
		}
		l += w * c
	}
	return l
}

// contrast is the WCAG contrast ratio of two colours.
func contrast(t *testing.T, a, b string) float64 {
	la, lb := luminance(t, a), luminance(t, b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

// TestStyleContrast checks the colours axe-core cannot see in a static
// page: the focus ring and the fields' borders (3:1, WCAG 1.4.11) and the
// days of other months in the calendar (4.5:1 for text).
func TestStyleContrast(t *testing.T) {
	b, err := os.ReadFile("static/style.css")
	if err != nil {
		t.Fatal(err)
	}
	css := string(b)
	vars := map[string]string{}
	for _, m := range regexp.MustCompile(`(--[a-z0-9-]+):\s*(#[0-9a-fA-F]{6});`).FindAllStringSubmatch(css, -1) {
		vars[m[1]] = strings.ToLower(m[2])
	}
	for _, c := range []struct {
		what, fg, bg string
		min          float64
	}{
		{"the focus ring on a card", vars["--focus"], "#ffffff", 3},
		{"the focus ring on the page", vars["--focus"], vars["--bg"], 3},
		{"the focus ring in the header (white)", "#ffffff", vars["--accent"], 3},
		{"a field's border", vars["--field-line"], "#ffffff", 3},
		{"a day of another month", vars["--muted"], "#f8f9fa", 4.5},
		{"muted text on the page", vars["--muted"], vars["--bg"], 4.5},
	} {
		if r := contrast(t, c.fg, c.bg); r < c.min {
			t.Errorf("%s: %s on %s is %.2f:1, want %.1f:1", c.what, c.fg, c.bg, r, c.min)
		}
	}
	for _, rule := range []string{
		"outline: 3px solid var(--focus)",
		".top a:focus-visible, .top button:focus-visible { outline-color: #fff; }",
		"border: 1px solid var(--field-line)",
		".cal td.out { background: #f8f9fa; color: var(--muted); }",
	} {
		if !strings.Contains(css, rule) {
			t.Errorf("the style lacks %q", rule)
		}
	}
}
