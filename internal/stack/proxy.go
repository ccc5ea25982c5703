package stack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"time"
)

// ProxyMode is what a Proxy does with the requests it gets.
type ProxyMode int

const (
	// ProxyPass forwards every request to the homeserver and its answer
	// back.
	ProxyPass ProxyMode = iota
	// ProxyHoldSends holds each send (a request whose path contains
	// "/send/": an event sent into a room) without forwarding it, until
	// Release answers it 502 Bad Gateway; it never reaches the
	// homeserver. Other requests pass. With the bot killed while a send
	// is held, this is a crash between the commit of what the bot must say
	// and its send.
	ProxyHoldSends
	// ProxyHoldAnswers forwards each send to the homeserver but holds the
	// homeserver's answer until Release, which answers 502 Bad Gateway
	// instead. Other requests pass. With the bot killed while an answer is
	// held, this is a crash after the homeserver took a message and before
	// the bot recorded it sent.
	ProxyHoldAnswers
	// ProxyDown answers 502 Bad Gateway to every request, as a reverse
	// proxy in front of a dead homeserver does.
	ProxyDown
	// ProxyHoldSyncs forwards each /sync of the bot's (mode: bot) but
	// holds the homeserver's answer, if it comes in this mode (a /sync
	// asked before included), when it holds the text HoldSyncWith names,
	// until Release, which answers 502 Bad Gateway instead. Other
	// requests pass. With the bot killed while a batch is held, this is a
	// crash after the homeserver gave a batch and before the bot recorded
	// it.
	ProxyHoldSyncs
)

// Proxy is an HTTP reverse proxy on loopback that a test puts between the
// bot and its homeserver (Options.Proxy) and switches between modes to
// simulate failures: see ProxyMode. It is safe for concurrent use.
type Proxy struct {
	// URL is where the proxy listens, e.g. http://127.0.0.1:40123.
	URL string

	srv *http.Server

	mu      sync.Mutex
	rp      *httputil.ReverseProxy // nil until SetTarget
	mode    ProxyMode
	only    func(Held) bool // which sends a hold mode holds; nil: all
	syncHas string          // the text of a /sync answer ProxyHoldSyncs holds
	held    []*heldRequest  // waiting for Release, oldest first
	changed chan struct{}   // closed (and replaced) when held grows or out shrinks
	sends   map[string]int  // sends forwarded to the homeserver, by path
	out     int             // sends forwarded whose answer has not come back
	closed  bool
}

// Held is a request held by the proxy (or whose answer it holds).
type Held struct {
	// Path is the request's path; a send's ends with its transaction ID.
	Path string
	// Body is the request's body: a send's is the event content.
	Body []byte
}

// heldRequest is a request held until release is closed.
type heldRequest struct {
	Held
	release chan struct{}
}

// maxBody bounds the body of a request the proxy reads.
const maxBody = 1 << 20

// errReleased is why a held answer is not passed on.
var errReleased = errors.New("stack: the proxy dropped the homeserver's answer")

// holdAnswerKey marks, in a request's context, a send whose answer is held.
type holdAnswerKey struct{}

// NewProxy listens on a free port of 127.0.0.1; it forwards nothing until
// SetTarget (stack.Start calls it for Options.Proxy). Close stops it.
func NewProxy() (*Proxy, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("stack: proxy: %w", err)
	}
	p := &Proxy{URL: "http://" + l.Addr().String(), changed: make(chan struct{}), sends: map[string]int{}}
	p.srv = &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = p.srv.Serve(l) }()
	return p, nil
}

// SetTarget points the proxy at the homeserver's base URL (loopback only).
func (p *Proxy) SetTarget(base string) error {
	u, err := url.Parse(base)
	if err != nil {
		return fmt.Errorf("stack: proxy target: %w", err)
	}
	if ip := net.ParseIP(u.Hostname()); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("stack: proxy target %s is not on loopback", base)
	}
	rp := &httputil.ReverseProxy{
		Rewrite:        func(r *httputil.ProxyRequest) { r.SetURL(u) },
		Transport:      settling{http.DefaultTransport},
		ModifyResponse: p.modifyResponse,
		ErrorHandler: func(w http.ResponseWriter, _ *http.Request, _ error) {
			w.WriteHeader(http.StatusBadGateway) // quietly: a dead homeserver is what tests simulate
		},
	}
	p.mu.Lock()
	p.rp = rp
	p.mu.Unlock()
	return nil
}

// HoldOnly narrows what ProxyHoldSends and ProxyHoldAnswers hold to the
// sends match accepts (the others pass); nil, the default, holds every
// send.
func (p *Proxy) HoldOnly(match func(Held) bool) {
	p.mu.Lock()
	p.only = match
	p.mu.Unlock()
}

// HoldSyncWith names the text whose /sync answers ProxyHoldSyncs holds
// (an event ID, say).
func (p *Proxy) HoldSyncWith(text string) {
	p.mu.Lock()
	p.syncHas = text
	p.mu.Unlock()
}

// holdSyncKey marks, in a request's context, a /sync whose answer may be
// held.
type holdSyncKey struct{}

// SetMode switches the proxy's mode for the requests that arrive from now
// on; requests held already stay held until Release.
func (p *Proxy) SetMode(m ProxyMode) {
	p.mu.Lock()
	p.mode = m
	p.mu.Unlock()
}

// Sends counts the sends forwarded to the homeserver (each retry counts).
func (p *Proxy) Sends() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, c := range p.sends {
		n += c
	}
	return n
}

// SendsOf counts the sends to path forwarded to the homeserver: a send
// retried with the same transaction ID counts each time.
func (p *Proxy) SendsOf(path string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.sends[path]
}

// SendCounts counts the sends forwarded to the homeserver by path (a
// path ends with the send's transaction ID).
func (p *Proxy) SendCounts() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return maps.Clone(p.sends)
}

// WaitHeld waits until at least n requests are held, and returns those
// held, oldest first.
func (p *Proxy) WaitHeld(ctx context.Context, n int) ([]Held, error) {
	for {
		p.mu.Lock()
		held := make([]Held, len(p.held))
		for i, h := range p.held {
			held[i] = h.Held
		}
		changed := p.changed
		p.mu.Unlock()
		if len(held) >= n {
			return held, nil
		}
		select {
		case <-ctx.Done():
			return held, fmt.Errorf("stack: %d of %d requests held: %w", len(held), n, ctx.Err())
		case <-changed:
		}
	}
}

// Release lets every held request go: each is answered 502 Bad Gateway
// (a held send without ever reaching the homeserver). It returns how many
// it released.
func (p *Proxy) Release() int {
	p.mu.Lock()
	held := p.held
	p.held = nil
	p.mu.Unlock()
	for _, h := range held {
		close(h.release)
	}
	return len(held)
}

// Close releases the held requests and stops the proxy.
func (p *Proxy) Close() error {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.Release()
	return p.srv.Close()
}

// ServeHTTP handles one request of the bot's as the mode says.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.Contains(r.URL.Path, "/send/") {
		p.mu.Lock()
		mode, rp := p.mode, p.rp
		p.mu.Unlock()
		if rp == nil || mode == ProxyDown {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		if strings.HasSuffix(r.URL.Path, "/sync") { // held or not by the mode when it answers: a /sync waits long
			r = r.WithContext(context.WithValue(r.Context(), holdSyncKey{}, true))
		}
		rp.ServeHTTP(w, r)
		return
	}
	held := Held{Path: r.URL.Path}
	var err error
	if held.Body, err = io.ReadAll(io.LimitReader(r.Body, maxBody)); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(held.Body)), int64(len(held.Body))
	rp, mode := p.route(held)
	switch {
	case rp == nil || mode == ProxyDown:
		w.WriteHeader(http.StatusBadGateway)
	case mode == ProxyHoldSends:
		p.hold(held)
		w.WriteHeader(http.StatusBadGateway)
	default:
		done := p.settled()
		defer done()
		ctx := context.WithValue(r.Context(), settledKey{}, done)
		if mode == ProxyHoldAnswers {
			ctx = context.WithValue(ctx, holdAnswerKey{}, held)
		}
		rp.ServeHTTP(w, r.WithContext(ctx))
	}
}

// route decides what becomes of a send: the mode it is handled in
// (ProxyPass for one HoldOnly refuses), counting it out to the homeserver
// when it is forwarded, in one step with reading the mode (WaitIdle).
func (p *Proxy) route(held Held) (*httputil.ReverseProxy, ProxyMode) {
	p.mu.Lock()
	defer p.mu.Unlock()
	mode := p.mode
	if (mode == ProxyHoldSends || mode == ProxyHoldAnswers) && p.only != nil && !p.only(held) {
		mode = ProxyPass
	}
	if p.rp != nil && (mode == ProxyPass || mode == ProxyHoldAnswers) {
		p.sends[held.Path]++
		p.out++
	}
	return p.rp, mode
}

// settled returns what marks a send counted out as come back, once.
func (p *Proxy) settled() func() {
	var once sync.Once
	return func() {
		once.Do(func() {
			p.mu.Lock()
			p.out--
			p.signal()
			p.mu.Unlock()
		})
	}
}

// settledKey carries, in a forwarded send's context, what marks it come
// back from the homeserver.
type settledKey struct{}

// settling is the transport to the homeserver: a send is come back as soon
// as the homeserver's answer (or a failure) is, before it is passed on.
type settling struct{ next http.RoundTripper }

// RoundTrip forwards one request.
func (t settling) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(r)
	if done, ok := r.Context().Value(settledKey{}).(func()); ok {
		done()
	}
	return resp, err
}

// WaitIdle waits until no send forwarded to the homeserver is still
// waiting for its answer. With ProxyHoldSends set first, the homeserver is
// then handling no send of the bot's, and gets none until the mode changes.
func (p *Proxy) WaitIdle(ctx context.Context) error {
	for {
		p.mu.Lock()
		out, changed := p.out, p.changed
		p.mu.Unlock()
		if out == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("stack: %d sends still at the homeserver: %w", out, ctx.Err())
		case <-changed:
		}
	}
}

// signal wakes the waiters (WaitHeld, WaitIdle); p.mu is held.
func (p *Proxy) signal() {
	close(p.changed)
	p.changed = make(chan struct{})
}

// modifyResponse holds the homeserver's answer to a send marked to be
// held, then drops it.
func (p *Proxy) modifyResponse(resp *http.Response) error {
	if resp.Request == nil {
		return nil
	}
	if resp.Request.Context().Value(holdSyncKey{}) != nil {
		return p.holdSync(resp)
	}
	held, ok := resp.Request.Context().Value(holdAnswerKey{}).(Held)
	if !ok {
		return nil
	}
	p.hold(held)
	return errReleased
}

// holdSync holds, then drops, the homeserver's answer to a /sync when it
// holds the text of HoldSyncWith; it passes the others on.
func (p *Proxy) holdSync(resp *http.Response) error {
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	p.mu.Lock()
	text, mode := p.syncHas, p.mode
	p.mu.Unlock()
	if mode != ProxyHoldSyncs || text == "" || !bytes.Contains(body, []byte(text)) {
		return nil
	}
	p.hold(Held{Path: resp.Request.URL.Path, Body: body})
	return errReleased
}

// hold blocks until Release (or Close).
func (p *Proxy) hold(held Held) {
	h := &heldRequest{Held: held, release: make(chan struct{})}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.held = append(p.held, h)
	p.signal()
	p.mu.Unlock()
	<-h.release
}
