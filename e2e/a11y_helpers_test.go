package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// axePath is axe-core's script as `make js-tools` installs it (npm ci in
// tools/axe, at the version its package-lock.json pins).
var axePath = filepath.Join("..", "tools", "axe", "node_modules", "axe-core", "axe.min.js")

// axeSource reads axe-core's script; a machine without it fails the test,
// saying how to install it: the audit is part of the suite, never skipped.
func axeSource(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatalf("axe-core is not installed (%v): run `make js-tools` (npm ci in tools/axe), as `make test` does", err)
	}
	return string(b)
}

// axeViolation is one rule a page breaks, as axe-core reports it.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  []any  `json:"target"`
		HTML    string `json:"html"`
		Summary string `json:"summary"`
	} `json:"nodes"`
}

// String is the violation as a failure shows it: the rule, what it asks,
// and each element that breaks it.
func (v axeViolation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s", v.ID, v.Impact, v.Help)
	for _, n := range v.Nodes {
		fmt.Fprintf(&b, "\n    %v %s\n      %s", n.Target, n.HTML, strings.ReplaceAll(n.Summary, "\n", "\n      "))
	}
	return b.String()
}

// awaitPromise makes an evaluation wait for the promise it returns.
func awaitPromise(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }

// axeRun injects axe-core into the page shown and runs every rule it runs
// by default (WCAG 2 A and AA, and its best practices).
const axeRun = `axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations.map(v => ({
  id: v.id, impact: v.impact, help: v.help,
  nodes: v.nodes.map(n => ({target: n.target, html: n.html, summary: n.failureSummary}))})))`

// audit runs axe-core on the page shown and fails the test for each
// violation, naming its rule, its help and the elements breaking it.
func audit(t *testing.T, ctx context.Context, src, what string) {
	t.Helper()
	var found []axeViolation
	run(t, ctx, "axe on "+what,
		chromedp.Evaluate(src+";true", nil),
		chromedp.Evaluate(axeRun, &found, awaitPromise),
	)
	for _, v := range found {
		t.Errorf("%s: %s", what, v)
	}
}

// focused describes the element that has the keyboard's focus.
type focused struct {
	Tag      string `json:"tag"`
	Href     string `json:"href"`
	Text     string `json:"text"`
	Class    string `json:"class"`
	Expanded string `json:"expanded"`
	// InNav: the element is in the navigation of the pages.
	InNav bool `json:"inNav"`
	// Shown: the element is laid out, inside the window.
	Shown bool `json:"shown"`
}

// String is the element as a failure names it.
func (f focused) String() string {
	return fmt.Sprintf("<%s class=%q href=%q> %q", f.Tag, f.Class, f.Href, f.Text)
}

const focusedJS = `(() => {
  const e = document.activeElement, r = e.getBoundingClientRect();
  return {tag: e.tagName.toLowerCase(), href: e.getAttribute("href") || "", text: e.textContent.trim().replace(/\s+/g, " "),
    class: e.getAttribute("class") || "", expanded: e.getAttribute("aria-expanded") || "", inNav: !!e.closest("nav.main"),
    shown: r.width > 0 && r.height > 0 && r.right > 0 && r.left < innerWidth && r.bottom > 0 && r.top < innerHeight + scrollY};
})()`

// press presses one key with the keyboard and returns what then has the
// focus.
func press(t *testing.T, ctx context.Context, key string) focused {
	t.Helper()
	var f focused
	run(t, ctx, "press a key", chromedp.KeyEvent(key), chromedp.Evaluate(focusedJS, &f))
	return f
}

// tabUntil presses Tab until match holds for the focused element,
// returning every element passed on the way (the matching one last); it
// fails after max presses.
func tabUntil(t *testing.T, ctx context.Context, max int, match func(focused) bool) []focused {
	t.Helper()
	var seen []focused
	for range max {
		f := press(t, ctx, kb.Tab)
		seen = append(seen, f)
		if match(f) {
			return seen
		}
	}
	t.Fatalf("%d presses of Tab did not reach it; the focus went through:\n%v", max, seen)
	return nil
}

// visible tells whether the element sel matches is laid out on the page,
// larger than the one pixel of a visually hidden text.
func visible(t *testing.T, ctx context.Context, sel string) bool {
	t.Helper()
	var shown bool
	run(t, ctx, "is "+sel+" shown", chromedp.Evaluate(
		`(() => { const e = document.querySelector(`+"`"+sel+"`"+`); if (!e) return false; const r = e.getBoundingClientRect(); return r.width > 1 && r.height > 1 && getComputedStyle(e).visibility !== "hidden"; })()`,
		&shown))
	return shown
}

// textOf is the text of the first element sel matches, spaces folded.
func textOf(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	var s string
	run(t, ctx, "read "+sel, chromedp.Text(sel, &s, chromedp.ByQuery))
	return strings.Join(strings.Fields(s), " ")
}

// mustHave fails unless text holds every one of wants.
func mustHave(t *testing.T, what, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, text)
		}
	}
}

// accessibleNames are the names the browser's accessibility tree gives the
// elements of a role ("button", "link") on the page shown: what a screen
// reader announces. The tree is read raw, as Chromium sends it: the
// protocol's typed decoder refuses values newer than it knows.
func accessibleNames(t *testing.T, ctx context.Context, role string) []string {
	t.Helper()
	type value struct {
		Value any `json:"value"`
	}
	var tree struct {
		Nodes []struct {
			Ignored bool   `json:"ignored"`
			Role    *value `json:"role"`
			Name    *value `json:"name"`
		} `json:"nodes"`
	}
	run(t, ctx, "the accessibility tree", chromedp.ActionFunc(func(ctx context.Context) error {
		var raw json.RawMessage
		if err := cdp.Execute(ctx, "Accessibility.getFullAXTree", nil, &raw); err != nil {
			return err
		}
		return json.Unmarshal(raw, &tree)
	}))
	var names []string
	for _, n := range tree.Nodes {
		if n.Ignored || n.Role == nil || n.Name == nil || n.Role.Value != role {
			continue
		}
		if name, ok := n.Name.Value.(string); ok {
			names = append(names, name)
		}
	}
	return names
}
