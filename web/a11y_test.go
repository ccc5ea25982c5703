package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// fieldTag is the opening tag of the form field named name on a page.
func fieldTag(t *testing.T, body, name string) string {
	t.Helper()
	re := regexp.MustCompile(`<(?:input|select|textarea)\b[^>]*\bname="` + regexp.QuoteMeta(name) + `"[^>]*>`)
	tag := re.FindString(body)
	if tag == "" {
		t.Fatalf("no field %q on the page:\n%s", name, body)
	}
	return tag
}

// markedInvalid tells whether a field's tag is marked as the refused one:
// invalid, tied to the message and focused when the page opens.
func markedInvalid(tag string) bool {
	return strings.Contains(tag, `aria-invalid="true"`) && strings.Contains(tag, `aria-describedby="flash"`) &&
		strings.Contains(tag, "autofocus")
}

func TestRefusedFieldIsMarkedAndFocused(t *testing.T) {
	h := newHarness(t)
	b := h.login(bob)
	for _, c := range []struct {
		what, path   string
		form         url.Values
		bad, allowed string
	}{
		{"a bad amount on the need page", pageOfNeed(h.need) + "/intend",
			url.Values{"amount": {"abc"}, "form": {"intend"}}, "amount", ""},
		{"too many days of red", "/status",
			url.Values{"status": {"red"}, "amount": {"300"}, "days": {"99"}, "back": {"/profile"}, "form": {"status"}}, "days", "amount"},
		{"orange without an amount", "/status",
			url.Values{"status": {"orange"}, "days": {""}, "back": {"/profile"}, "form": {"status"}}, "amount", "days"},
		{"a claim without a reason", "/kassa/claim",
			url.Values{"circle": {string(circle)}, "amount": {"40"}, "reason": {" "}, "form": {"claim"}}, "reason", "amount"},
	} {
		r := b.postForm(c.path, c.form)
		if r.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d", c.what, r.StatusCode)
			continue
		}
		mustShow(t, c.what, r, `<p id="flash" class="flash error" role="alert">`)
		if tag := fieldTag(t, r.Body, c.bad); !markedInvalid(tag) {
			t.Errorf("%s: the field %q is not marked: %s", c.what, c.bad, tag)
		}
		if c.allowed != "" {
			if tag := fieldTag(t, r.Body, c.allowed); strings.Contains(tag, "aria-invalid") || strings.Contains(tag, "autofocus") {
				t.Errorf("%s: the good field %q is marked: %s", c.what, c.allowed, tag)
			}
		}
		if n := strings.Count(r.Body, "autofocus"); n != 1 {
			t.Errorf("%s: %d fields take the focus", c.what, n)
		}
	}
	// A page that refused nothing marks nothing.
	if r := b.get("/profile"); strings.Contains(r.Body, "aria-invalid") || strings.Contains(r.Body, "autofocus") {
		t.Errorf("a fresh page marks a field:\n%s", r.Body)
	}
}

// buttonName is a button's name as a screen reader reads it: its
// aria-label if it has one, else its words without tags, spaces folded.
func buttonName(attrs, inner string) string {
	if m := regexp.MustCompile(`aria-label="([^"]*)"`).FindStringSubmatch(attrs); m != nil {
		return html.UnescapeString(m[1])
	}
	text := regexp.MustCompile(`<[^>]+>`).ReplaceAllString(inner, "")
	return strings.Join(strings.Fields(html.UnescapeString(text)), " ")
}

func TestButtonsOfAListHaveDistinctNames(t *testing.T) {
	h := newHarness(t)
	b := h.login(bob)
	// bob has one requisite already; a second one makes the list's buttons repeat.
	if r := b.postForm("/profile/requisites", url.Values{"op": {"add"}, "text": {"IBAN DE00 2"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("add a requisite: %d", r.StatusCode)
	}
	for _, p := range []string{"/profile", "/my"} {
		page := b.get(p).Body
		seen := map[string]bool{}
		buttons := regexp.MustCompile(`(?s)<button type="submit"([^>]*)>(.*?)</button>`).FindAllStringSubmatch(page, -1)
		for _, m := range buttons {
			name := buttonName(m[1], m[2])
			if seen[name] && !strings.Contains(name, "Save") {
				t.Errorf("%s: two buttons are called %q", p, name)
			}
			seen[name] = true
		}
		if p == "/profile" && !seen["Mute: Someone reminds me to act"] {
			t.Errorf("no button to mute reminders among %v", seen)
		}
	}
}

func TestMenuWorksWithAndWithoutScript(t *testing.T) {
	h := newHarness(t)
	r := h.login(alice).get("/")
	// The menu is a button that says whether it is open, controlling the
	// navigation; with no script, the navigation is simply there.
	mustShow(t, "dashboard", r, `<a class="skip" href="#main">`, `<main id="main" tabindex="-1">`,
		`<button type="button" class="menu-toggle" aria-expanded="false" aria-controls="nav-main">`,
		`<nav class="main" id="nav-main"`, `<script src="/static/menu.js"></script>`)
	if strings.Contains(r.Body, `type="checkbox" id="menu"`) {
		t.Error("the page still has the menu's hidden checkbox")
	}
	js := h.browser().get("/static/menu.js")
	if js.StatusCode != http.StatusOK || !strings.Contains(js.Header.Get("Content-Type"), "javascript") ||
		!strings.Contains(js.Body, "aria-expanded") {
		t.Errorf("menu.js: %d %q", js.StatusCode, js.Header.Get("Content-Type"))
	}
}
