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

// TestProxyModes drives each mode of the proxy against a stand-in
// homeserver that counts what reaches it.
func TestProxyModes(t *testing.T) {
	var reached, bad atomic.Int32
	slow := make(chan struct{})
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/slow") {
			<-slow // the homeserver still handling it
		}
		reached.Add(1)
		if body, err := io.ReadAll(r.Body); err != nil || string(body) != "{}" {
			bad.Add(1) // the body must reach the homeserver whole
		}
		_, _ = w.Write([]byte(`{"event_id":"$x"}`))
	}))
	defer hs.Close()
	p, err := stack.NewProxy()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	const send = "/_matrix/client/v3/rooms/!r:localhost/send/m.room.message/txn1"
	const other = "/_matrix/client/v3/joined_rooms"
	if got := put(t, p, other); got != http.StatusBadGateway {
		t.Fatalf("without a target: %d, want 502", got)
	}
	if err := p.SetTarget(hs.URL); err != nil {
		t.Fatal(err)
	}
	if got := put(t, p, send); got != http.StatusOK || reached.Load() != 1 || p.Sends() != 1 {
		t.Fatalf("pass: %d, %d reached, %d sends", got, reached.Load(), p.Sends())
	}

	// Held sends never reach the homeserver; other requests pass.
	p.SetMode(stack.ProxyHoldSends)
	codes := make(chan int, 1)
	go func() { codes <- put(t, p, send) }()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if held, err := p.WaitHeld(ctx, 1); err != nil || held[0].Path != send || string(held[0].Body) != "{}" {
		t.Fatalf("held %v: %v", held, err)
	}
	if got := put(t, p, other); got != http.StatusOK || reached.Load() != 2 {
		t.Fatalf("another request while a send is held: %d, %d reached", got, reached.Load())
	}
	if n := p.Release(); n != 1 || <-codes != http.StatusBadGateway || reached.Load() != 2 {
		t.Fatalf("released %d; the held send reached the homeserver (%d)", n, reached.Load())
	}

	// A held answer: the homeserver took the send, the client gets 502.
	p.SetMode(stack.ProxyHoldAnswers)
	go func() { codes <- put(t, p, send) }()
	if _, err := p.WaitHeld(ctx, 1); err != nil || reached.Load() != 3 {
		t.Fatalf("held answer: %v, %d reached", err, reached.Load())
	}
	select {
	case c := <-codes:
		t.Fatalf("the answer was not held: %d", c)
	case <-time.After(100 * time.Millisecond):
	}
	if p.Release(); <-codes != http.StatusBadGateway {
		t.Fatal("a released answer was passed on")
	}
	if p.SendsOf(send) != 2 || p.Sends() != 2 || len(p.SendCounts()) != 1 {
		t.Fatalf("sends forwarded: %d of %s, %d in all; want 2", p.SendsOf(send), send, p.Sends())
	}

	// Only the sends HoldOnly accepts are held.
	p.HoldOnly(func(h stack.Held) bool { return strings.HasSuffix(h.Path, "/txn2") })
	p.SetMode(stack.ProxyHoldSends)
	if got := put(t, p, send); got != http.StatusOK || reached.Load() != 4 {
		t.Fatalf("a send HoldOnly refuses: %d, %d reached", got, reached.Load())
	}
	go func() { codes <- put(t, p, strings.Replace(send, "txn1", "txn2", 1)) }()
	if _, err := p.WaitHeld(ctx, 1); err != nil || p.Release() != 1 || <-codes != http.StatusBadGateway {
		t.Fatalf("a send HoldOnly accepts was not held: %v", err)
	}
	p.HoldOnly(nil)
	// WaitIdle waits for the sends still at the homeserver.
	p.SetMode(stack.ProxyPass)
	go func() { codes <- put(t, p, strings.Replace(send, "txn1", "slow", 1)) }()
	for p.Sends() != 4 {
		time.Sleep(time.Millisecond)
	}
	idle := make(chan error, 1)
	go func() { idle <- p.WaitIdle(ctx) }()
	select {
	case err := <-idle:
		t.Fatalf("WaitIdle returned (%v) while a send was at the homeserver", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(slow)
	if err := <-idle; err != nil || <-codes != http.StatusOK {
		t.Fatalf("WaitIdle after the send came back: %v", err)
	}
	if bad.Load() != 0 {
		t.Fatalf("%d requests reached the homeserver without their body", bad.Load())
	}
	p.SetMode(stack.ProxyDown)
	if got := put(t, p, other); got != http.StatusBadGateway || reached.Load() != 5 {
		t.Fatalf("down: %d, %d reached", got, reached.Load())
	}
	short, stop := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer stop()
	if _, err := p.WaitHeld(short, 1); err == nil {
		t.Fatal("WaitHeld returned with nothing held")
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
