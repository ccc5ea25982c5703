package web_test

import (
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
)

// getEncoded fetches path asking for the given Accept-Encoding itself, so
// the client does not undo the compression: the answer is read raw.
func getEncoded(t *testing.T, b *browser, path, accept string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.h.srv.URL+path, nil)
	if accept != "" {
		req.Header.Set("Accept-Encoding", accept)
	}
	resp, err := b.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, raw
}

// gunzip reads a gzip body whole.
func gunzip(t *testing.T, raw []byte) string {
	t.Helper()
	zr, err := gzip.NewReader(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("bad gzip: %v", err)
	}
	return string(plain)
}

func TestAnswersAreGzippedWhenAccepted(t *testing.T) {
	h := newHarness(t)
	b := h.login(alice)
	token := h.token(alice, ledger.ScopeRead)
	for _, c := range []struct{ what, path, want string }{
		{"a page", "/", "</html>"},
		{"the style", "/static/style.css", ".menu-toggle"},
		{"the script", "/static/menu.js", "aria-expanded"},
		{"the network picture", "/network.svg", "</svg>"},
		{"the API's description", "/api/v1/openapi.json", `"openapi"`},
	} {
		resp, raw := getEncoded(t, b, c.path, "br;q=1.0, gzip;q=0.8")
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d", c.what, resp.StatusCode)
			continue
		}
		if resp.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("%s: encoding %q, vary %q", c.what, resp.Header.Get("Content-Encoding"), resp.Header.Get("Vary"))
			continue
		}
		if resp.ContentLength >= 0 && resp.ContentLength != int64(len(raw)) {
			t.Errorf("%s: Content-Length %d for %d bytes", c.what, resp.ContentLength, len(raw))
		}
		plain := gunzip(t, raw)
		if !strings.Contains(plain, c.want) {
			t.Errorf("%s: no %q in the unzipped body", c.what, c.want)
		}
		if len(raw) >= len(plain) && len(plain) > 1000 {
			t.Errorf("%s: %d bytes gzipped for %d plain", c.what, len(raw), len(plain))
		}
		// The same answer for a client that accepts no gzip is plain.
		resp, raw = getEncoded(t, b, c.path, "identity")
		if resp.Header.Get("Content-Encoding") != "" || string(raw) != plain {
			t.Errorf("%s: without gzip: encoding %q, body differs: %v", c.what, resp.Header.Get("Content-Encoding"), string(raw) != plain)
		}
	}
	// An API answer of a token's client is JSON, gzipped too.
	req, _ := http.NewRequest(http.MethodGet, h.srv.URL+"/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(gunzip(t, raw), string(alice)) {
		t.Errorf("API: %d %q", resp.StatusCode, resp.Header.Get("Content-Encoding"))
	}
	// gzip;q=0 refuses it.
	if resp, _ := getEncoded(t, b, "/", "gzip;q=0, identity"); resp.Header.Get("Content-Encoding") != "" {
		t.Errorf("gzip;q=0: encoding %q", resp.Header.Get("Content-Encoding"))
	}
}

// A byte range is of the plain file: it is sent as it is.
func TestRangesAreNotGzipped(t *testing.T) {
	h := newHarness(t)
	b := h.browser()
	req, _ := http.NewRequest(http.MethodGet, h.srv.URL+"/static/style.css", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	req.Header.Set("Range", "bytes=0-9")
	resp, err := b.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusPartialContent || resp.Header.Get("Content-Encoding") != "" || len(raw) != 10 {
		t.Errorf("range: %d %q %d bytes", resp.StatusCode, resp.Header.Get("Content-Encoding"), len(raw))
	}
}
