package main

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestHomeserverAnswerKinds(t *testing.T) {
	cases := []struct {
		a    hsAnswer
		kind string
	}{
		{hsAnswer{}, "unreachable"},
		{hsAnswer{status: 200}, ""},
		{hsAnswer{status: 403, errcode: "M_FORBIDDEN"}, "M_FORBIDDEN"},
		{hsAnswer{status: 404, errcode: "com.example.custom"}, "http_404"},
		{hsAnswer{status: 403, errcode: "M_FROM_A_REMOTE_SERVER"}, "http_403"}, // not a known errcode: no new label
		{hsAnswer{status: 502}, "http_502"},
	}
	for _, c := range cases {
		if got := c.a.kind(); got != c.kind {
			t.Errorf("%+v: %q, want %q", c.a, got, c.kind)
		}
	}
	if p := (hsAnswer{status: 401, errcode: "M_UNKNOWN_TOKEN"}).probe(time.Unix(0, 0)); !*p.reachable || *p.tokenOK || p.registered != nil {
		t.Errorf("unknown token: %+v", p)
	}
	if p := (hsAnswer{status: 503}).probe(time.Unix(0, 0)); *p.reachable || p.tokenOK != nil {
		t.Errorf("503: %+v", p)
	}
}

// The transport tells every answer, and hands an error answer's body on
// whole after reading its errcode (one too long to read is counted by its
// status).
func TestObservedTransport(t *testing.T) {
	small := `{"errcode":"M_LIMIT_EXCEEDED","error":"slow down"}`
	large := `{"errcode":"M_LIMIT_EXCEEDED","error":"` + strings.Repeat("x", maxErrorPeek) + `"}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/ok" {
			return
		}
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = io.WriteString(w, map[string]string{"/small": small, "/large": large}[r.URL.Path])
	}))
	defer srv.Close()
	var seen []string
	cli := &http.Client{}
	observeHomeserver(cli, func(a hsAnswer) { seen = append(seen, a.kind()) })
	for path, body := range map[string]string{"/small": small, "/large": large} {
		resp, err := cli.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(got) != body {
			t.Fatalf("%s: body changed: %d bytes, want %d", path, len(got), len(body))
		}
	}
	slices.Sort(seen) // the map's order
	resp, err := cli.Get(srv.URL + "/ok")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()
	if _, err := cli.Get(closed); err == nil {
		t.Fatal("a closed port answered")
	}
	if want := []string{"M_LIMIT_EXCEEDED", "http_429", "", "unreachable"}; !slices.Equal(seen, want) {
		t.Fatalf("seen %q, want %q", seen, want)
	}
}
