package stack_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/internal/stack"
)

// The paths the proxy tests use: a send (its transaction ID last) and
// another request.
const (
	send  = "/_matrix/client/v3/rooms/!r:localhost/send/m.room.message/txn1"
	other = "/_matrix/client/v3/joined_rooms"
)

// proxyRig is a proxy in front of a stand-in homeserver that counts the
// requests reaching it; one whose path ends in "/slow" is answered only
// once slow is closed.
type proxyRig struct {
	p       *stack.Proxy
	reached atomic.Int32
	slow    chan struct{}
	codes   chan int // statuses of requests sent in the background
	ctx     context.Context
}

func newProxyRig(t *testing.T) *proxyRig {
	t.Helper()
	r := &proxyRig{slow: make(chan struct{}), codes: make(chan int, 4)}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if strings.HasSuffix(req.URL.Path, "/slow") {
			<-r.slow // the homeserver still handling it
		}
		if body, err := io.ReadAll(req.Body); err != nil || string(body) != "{}" {
			w.WriteHeader(http.StatusBadRequest) // the body must reach the homeserver whole
			return
		}
		r.reached.Add(1)
		_, _ = w.Write([]byte(`{"event_id":"$x"}`))
	}))
	t.Cleanup(hs.Close)
	p, err := stack.NewProxy()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	if err := p.SetTarget(hs.URL); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	r.p, r.ctx = p, ctx
	return r
}

// background sends a PUT to path through the proxy in a goroutine; its
// status comes on r.codes.
func (r *proxyRig) background(t *testing.T, path string) {
	go func() { r.codes <- put(t, r.p, path) }()
}

// TestProxyPassAndDown: without a target the proxy answers 502; passing,
// requests reach the homeserver and sends are counted; down, nothing
// does.
func TestProxyPassAndDown(t *testing.T) {
	p, err := stack.NewProxy()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if got := put(t, p, other); got != http.StatusBadGateway {
		t.Fatalf("without a target: %d, want 502", got)
	}
	r := newProxyRig(t)
	if put(t, r.p, send) != http.StatusOK || put(t, r.p, other) != http.StatusOK || r.reached.Load() != 2 {
		t.Fatalf("passing: %d reached", r.reached.Load())
	}
	if r.p.Sends() != 1 || r.p.SendsOf(send) != 1 || len(r.p.SendCounts()) != 1 {
		t.Fatalf("sends counted: %d, %v", r.p.Sends(), r.p.SendCounts())
	}
	r.p.SetMode(stack.ProxyDown)
	if put(t, r.p, send) != http.StatusBadGateway || put(t, r.p, other) != http.StatusBadGateway || r.reached.Load() != 2 {
		t.Fatalf("down: %d reached", r.reached.Load())
	}
}

// TestProxyHoldSends: a held send never reaches the homeserver and is
// answered 502 once released; other requests pass meanwhile; HoldOnly
// narrows what is held.
func TestProxyHoldSends(t *testing.T) {
	r := newProxyRig(t)
	r.p.SetMode(stack.ProxyHoldSends)
	r.background(t, send)
	if held, err := r.p.WaitHeld(r.ctx, 1); err != nil || held[0].Path != send || string(held[0].Body) != "{}" {
		t.Fatalf("held %v: %v", held, err)
	}
	if got := put(t, r.p, other); got != http.StatusOK || r.reached.Load() != 1 {
		t.Fatalf("another request while a send is held: %d, %d reached", got, r.reached.Load())
	}
	if n := r.p.Release(); n != 1 || <-r.codes != http.StatusBadGateway || r.reached.Load() != 1 || r.p.Sends() != 0 {
		t.Fatalf("released %d; the held send reached the homeserver (%d)", n, r.reached.Load())
	}
	r.p.HoldOnly(func(h stack.Held) bool { return strings.HasSuffix(h.Path, "/txn2") })
	if got := put(t, r.p, send); got != http.StatusOK || r.reached.Load() != 2 {
		t.Fatalf("a send HoldOnly refuses: %d, %d reached", got, r.reached.Load())
	}
	r.background(t, strings.Replace(send, "txn1", "txn2", 1))
	if _, err := r.p.WaitHeld(r.ctx, 1); err != nil || r.p.Release() != 1 || <-r.codes != http.StatusBadGateway {
		t.Fatalf("a send HoldOnly accepts was not held: %v", err)
	}
	short, stop := context.WithTimeout(r.ctx, 50*time.Millisecond)
	defer stop()
	if _, err := r.p.WaitHeld(short, 1); err == nil {
		t.Fatal("WaitHeld returned with nothing held")
	}
}

// TestProxyHoldAnswers: the homeserver takes a send whose answer the
// proxy holds; released, the client gets 502.
func TestProxyHoldAnswers(t *testing.T) {
	r := newProxyRig(t)
	r.p.SetMode(stack.ProxyHoldAnswers)
	r.background(t, send)
	if _, err := r.p.WaitHeld(r.ctx, 1); err != nil || r.reached.Load() != 1 {
		t.Fatalf("held answer: %v, %d reached", err, r.reached.Load())
	}
	select {
	case c := <-r.codes:
		t.Fatalf("the answer was not held: %d", c)
	case <-time.After(100 * time.Millisecond):
	}
	if r.p.Release(); <-r.codes != http.StatusBadGateway {
		t.Fatal("a released answer was passed on")
	}
	r.background(t, send) // the same send again
	if _, err := r.p.WaitHeld(r.ctx, 1); err != nil || r.p.Release() != 1 || <-r.codes != http.StatusBadGateway {
		t.Fatalf("a send again was not held: %v", err)
	}
	if r.p.SendsOf(send) != 2 || r.reached.Load() != 2 {
		t.Fatalf("the send reached the homeserver %d times, want 2", r.p.SendsOf(send))
	}
}

// TestProxyWaitIdle: WaitIdle waits for the sends still at the homeserver.
func TestProxyWaitIdle(t *testing.T) {
	r := newProxyRig(t)
	r.background(t, strings.Replace(send, "txn1", "slow", 1))
	for r.p.Sends() != 1 {
		time.Sleep(time.Millisecond)
	}
	idle := make(chan error, 1)
	go func() { idle <- r.p.WaitIdle(r.ctx) }()
	select {
	case err := <-idle:
		t.Fatalf("WaitIdle returned (%v) while a send was at the homeserver", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(r.slow)
	if err := <-idle; err != nil || <-r.codes != http.StatusOK {
		t.Fatalf("WaitIdle after the send came back: %v", err)
	}
}

// put sends a PUT through the proxy and returns the status (0 on an
// error, reported; it may run in a goroutine of its own).
func put(t *testing.T, p *stack.Proxy, path string) int {
	req, err := http.NewRequest(http.MethodPut, p.URL+path, strings.NewReader("{}"))
	if err == nil {
		var resp *http.Response
		if resp, err = http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			return resp.StatusCode
		}
	}
	t.Error(err)
	return 0
}
