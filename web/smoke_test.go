package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestLoginLinkOpensTheDashboard(t *testing.T) {
	h := newHarness(t)
	b := h.login(alice)
	page := b.get("/")
	if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, string(alice)) {
		t.Fatalf("dashboard: %d\n%s", page.StatusCode, page.Body)
	}
}

func TestLoginLinkWorksOnce(t *testing.T) {
	h := newHarness(t)
	secret := h.link(alice)
	first := h.browser().post("/login", url.Values{"t": {secret}})
	if first.StatusCode != http.StatusSeeOther {
		t.Fatalf("first use: %d", first.StatusCode)
	}
	again := h.browser().post("/login", url.Values{"t": {secret}})
	if again.StatusCode != http.StatusUnauthorized || !strings.Contains(again.Body, "used already") {
		t.Fatalf("second use: %d\n%s", again.StatusCode, again.Body)
	}
}
