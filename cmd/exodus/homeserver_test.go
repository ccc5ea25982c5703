package main

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/exodus-matrix/exodus/bot"
)

// fakeHomeserver answers the client-server API's register, whoami and
// display name requests as told, and counts them by path.
type fakeHomeserver struct {
	mu       sync.Mutex
	requests map[string]int
	register func(n int) (int, string) // status and body of the nth register
	whoami   func(n int) (int, string)
}

func (f *fakeHomeserver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.requests[r.URL.Path]++
	n := f.requests[r.URL.Path]
	f.mu.Unlock()
	status, body := http.StatusOK, "{}"
	switch {
	case r.URL.Path == "/_matrix/client/v3/register":
		status, body = f.register(n)
	case r.URL.Path == "/_matrix/client/v3/account/whoami":
		status, body = f.whoami(n)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

func (f *fakeHomeserver) count(path string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests["/_matrix/client/v3/"+path]
}

// answer always gives the same status and body.
func answer(status int, body string) func(int) (int, string) {
	return func(int) (int, string) { return status, body }
}

const (
	whoamiBot   = `{"user_id":"@exodus:localhost"}`
	userInUse   = `{"errcode":"M_USER_IN_USE","error":"taken"}`
	unknownTok  = `{"errcode":"M_UNKNOWN_TOKEN","error":"Supplied access_token does not match any known application service"}`
	exclusive   = `{"errcode":"M_EXCLUSIVE","error":"not in namespace"}`
	notStarted  = `<html>502 Bad Gateway</html>`
	testRegPath = "/etc/exodus/registration.yaml"
)

// wireTo wires a bot on a new database whose homeserver.address is addr,
// counting in Prometheus metrics if withMetrics (else m is nil).
func wireTo(t *testing.T, addr string, withMetrics bool) (w *parts, m *promMetrics, cfg *Config) {
	t.Helper()
	cfg = testConfig(t)
	cfg.Homeserver.Address = addr
	cfg.Database.URI = "file:" + filepath.Join(t.TempDir(), "exodus.db") + "?_txlock=immediate"
	st, err := openStore(quietCtx(), cfg, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var metrics bot.Metrics
	if withMetrics {
		m = newPromMetrics(st.CountPending, st.OutboxBacklog)
		metrics = m
	}
	if w, err = wire(quietCtx(), cfg, st, metrics); err != nil {
		t.Fatal(err)
	}
	return w, m, cfg
}

// linkTo is the link of a bot whose homeserver.address is addr, retried
// without waiting.
func linkTo(t *testing.T, addr string) botLink {
	t.Helper()
	w, _, cfg := wireTo(t, addr, false)
	l := newBotLink(cfg, w.intent, testRegPath)
	l.retryEvery = time.Millisecond
	return l
}

func linkToFake(t *testing.T, f *fakeHomeserver) botLink {
	t.Helper()
	f.requests = map[string]int{}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return linkTo(t, srv.URL)
}

func quietCtx() context.Context { return zerolog.Nop().WithContext(context.Background()) }

// An as_token the homeserver does not know ends the start at once, with
// what it means and how to fix it.
func TestRegisterTokenRefused(t *testing.T) {
	f := &fakeHomeserver{register: answer(http.StatusUnauthorized, unknownTok), whoami: answer(http.StatusUnauthorized, unknownTok)}
	l := linkToFake(t, f)
	err := registerBot(quietCtx(), l)
	want := "the homeserver at " + l.address + " refuses the as_token (M_UNKNOWN_TOKEN): it has not loaded this bot's registration, " +
		"or loaded an older one with other tokens; give it /etc/exodus/registration.yaml (Dendrite: add it to app_service_api.config_files in dendrite.yaml; " +
		"Synapse: to app_service_config_files in homeserver.yaml) and restart the homeserver"
	if err == nil || err.Error() != want {
		t.Fatalf("got  %v\nwant %s", err, want)
	}
	if n := f.count("register"); n != 1 {
		t.Fatalf("register asked %d times, want once", n)
	}
}

// A bot user outside the registration's namespace names the keys to fix;
// so does a token that registers but may not act as the bot (Dendrite,
// for a user of another server name).
func TestRegisterOutsideNamespace(t *testing.T) {
	for why, f := range map[string]*fakeHomeserver{
		"M_EXCLUSIVE":     {register: answer(http.StatusBadRequest, exclusive), whoami: answer(http.StatusOK, whoamiBot)},
		"M_UNKNOWN_TOKEN": {register: answer(http.StatusBadRequest, userInUse), whoami: answer(http.StatusUnauthorized, unknownTok)},
		"the homeserver answers as @other:localhost": {register: answer(http.StatusOK, "{}"),
			whoami: answer(http.StatusOK, `{"user_id":"@other:localhost"}`)},
	} {
		l := linkToFake(t, f)
		err := registerBot(quietCtx(), l)
		if err == nil || !strings.Contains(err.Error(), "accepts the as_token but not the bot user @exodus:localhost ("+why+")") ||
			!strings.Contains(err.Error(), "homeserver.domain") || !strings.Contains(err.Error(), "appservice.bot_localpart") {
			t.Errorf("%s: %v", why, err)
		}
	}
}

// A homeserver not answering yet is retried; once it answers, the bot is
// registered (a user already there is fine) and named.
func TestRegisterRetriesUntilTheHomeserverAnswers(t *testing.T) {
	f := &fakeHomeserver{whoami: answer(http.StatusOK, whoamiBot), register: func(n int) (int, string) {
		if n <= 3 {
			return http.StatusBadGateway, notStarted
		}
		return http.StatusBadRequest, userInUse
	}}
	l := linkToFake(t, f)
	if err := registerBot(quietCtx(), l); err != nil {
		t.Fatal(err)
	}
	if n := f.count("register"); n < 4 {
		t.Fatalf("register asked %d times, want 3 refusals and a success", n)
	}
	if f.count("account/whoami") == 0 {
		t.Fatal("whoami never asked")
	}
}

// A homeserver that never answers ends the start with one line naming
// homeserver.address.
func TestRegisterUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := "http://" + ln.Addr().String()
	ln.Close() // nothing listens there now
	l := linkTo(t, addr)
	l.wait = 0
	err = registerBot(quietCtx(), l)
	want := "the homeserver at " + addr + " does not answer (dial: connect: connection refused, for 0s): " +
		"check that it is running and that homeserver.address is its client-server API URL"
	if err == nil || err.Error() != want {
		t.Fatalf("got  %v\nwant %s", err, want)
	}
}

// Another refusal ends the start at once and says what was refused.
func TestRegisterOtherRefusal(t *testing.T) {
	f := &fakeHomeserver{register: answer(http.StatusForbidden, `{"errcode":"M_FORBIDDEN","error":"no"}`), whoami: answer(http.StatusOK, whoamiBot)}
	l := linkToFake(t, f)
	err := registerBot(quietCtx(), l)
	if err == nil || !strings.Contains(err.Error(), "refused to register the bot user @exodus:localhost: M_FORBIDDEN") {
		t.Fatal(err)
	}
	if n := f.count("register"); n != 1 {
		t.Fatalf("register asked %d times, want once", n)
	}
}

// The periodic probe tells each check what whoami says.
func TestProbeHomeserver(t *testing.T) {
	cases := []struct {
		status                   int
		body                     string
		reachable, token, regist *bool
		detail                   string
	}{
		{http.StatusOK, whoamiBot, yes(), yes(), yes(), ""},
		{http.StatusUnauthorized, unknownTok, yes(), no(), nil, "M_UNKNOWN_TOKEN"},
		{http.StatusForbidden, `{"errcode":"M_FORBIDDEN","error":"appservice has not registered this user"}`, yes(), yes(), no(), "M_FORBIDDEN"},
		{http.StatusBadGateway, notStarted, no(), nil, nil, "HTTP 502"},
		{http.StatusNotFound, `{"errcode":"M_UNRECOGNIZED"}`, yes(), nil, nil, "M_UNRECOGNIZED"},
	}
	for _, c := range cases {
		f := &fakeHomeserver{register: answer(http.StatusOK, "{}"), whoami: answer(c.status, c.body)}
		l := linkToFake(t, f)
		p := l.probeHomeserver(quietCtx(), time.Unix(0, 0))
		if !sameVerdict(p.reachable, c.reachable) || !sameVerdict(p.tokenOK, c.token) || !sameVerdict(p.registered, c.regist) || p.detail != c.detail {
			t.Errorf("%d %s: got %s %s %s %q", c.status, c.body, show(p.reachable), show(p.tokenOK), show(p.registered), p.detail)
		}
	}
}

func sameVerdict(a, b *bool) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func show(v *bool) string {
	if v == nil {
		return "unknown"
	}
	if *v {
		return "yes"
	}
	return "no"
}
