package devnet_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/internal/devnet"
)

// startFederated starts one federating server per host, concurrently.
func startFederated(t *testing.T, ctx context.Context, hosts ...string) []*devnet.Homeserver {
	t.Helper()
	if _, err := devnet.BuildTools(ctx); err != nil { // once, not racing per server
		t.Fatal(err)
	}
	servers := make([]*devnet.Homeserver, len(hosts))
	errs := make([]error, len(hosts))
	var wg sync.WaitGroup
	for i, host := range hosts {
		wg.Go(func() {
			servers[i], errs[i] = devnet.Start(ctx, devnet.Options{Dir: t.TempDir(), Host: host, Federate: true})
		})
	}
	wg.Wait()
	for _, hs := range servers {
		if hs == nil {
			continue
		}
		t.Cleanup(func() {
			if err := hs.Stop(); err != nil {
				t.Errorf("stop %s: %v", hs.ServerName, err)
			}
			if t.Failed() {
				t.Logf("%s log tail:\n%s", hs.ServerName, hs.LogTail())
			}
		})
	}
	for i, err := range errs {
		if err != nil {
			t.Fatalf("starting the server on %s: %v", hosts[i], err)
		}
	}
	return servers
}

func TestFederation(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute) // includes a possible first build
	defer cancel()

	start := time.Now()
	servers := startFederated(t, ctx, "127.0.0.1", "127.0.0.2")
	t.Logf("two federating servers up in %s", time.Since(start).Round(time.Millisecond))
	hs1, hs2 := servers[0], servers[1]
	for _, hs := range servers {
		if !strings.HasPrefix(hs.ServerName, hs.Host+":") || hs.FederationURL != "https://"+hs.ServerName {
			t.Fatalf("server name %q, federation URL %q, host %s", hs.ServerName, hs.FederationURL, hs.Host)
		}
		if !strings.HasPrefix(hs.URL, "http://"+hs.Host+":") {
			t.Fatalf("client URL %q", hs.URL)
		}
		t.Logf("%s: client API %s, federation %s", hs.ServerName, hs.URL, hs.FederationURL)
	}

	a, err := hs1.Register(ctx, "a", "a-password")
	if err != nil {
		t.Fatal(err)
	}
	b, err := hs2.Register(ctx, "b", "b-password")
	if err != nil {
		t.Fatal(err)
	}
	if want := id.UserID("@b:" + hs2.ServerName); b.ID != want {
		t.Fatalf("b is %s, want %s", b.ID, want)
	}

	step, stepCancel := context.WithTimeout(ctx, 60*time.Second)
	defer stepCancel()
	t0 := time.Now()
	room, err := a.CreateRoom(step, "federation", []id.UserID{b.ID}, false)
	if err != nil {
		t.Fatal(err)
	}
	invited, err := b.WaitInvite(step, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if invited != room {
		t.Fatalf("invite for %s, want %s", invited, room)
	}
	if err := b.Join(step, room); err != nil {
		t.Fatal(err)
	}
	t.Logf("invite and join over federation: %s", time.Since(t0).Round(time.Millisecond))

	// A must see B's join before its message is certain to reach B's server.
	if _, err := a.WaitMessage(step, room, b.ID, func(evt *event.Event) bool {
		return evt.Type.Type == event.StateMember.Type && evt.GetStateKey() == b.ID.String()
	}); err != nil {
		t.Fatal(err)
	}

	t0 = time.Now()
	hello, err := a.Send(step, room, "hello from "+hs1.ServerName)
	if err != nil {
		t.Fatal(err)
	}
	got, err := b.WaitMessage(step, room, a.ID, devnet.BodyContains("hello from"))
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != hello {
		t.Fatalf("b got %s, want %s", got.ID, hello)
	}
	t.Logf("a -> b: %s", time.Since(t0).Round(time.Millisecond))

	t0 = time.Now()
	reply, err := b.Send(step, room, "hello from "+hs2.ServerName)
	if err != nil {
		t.Fatal(err)
	}
	got, err = a.WaitMessageAfter(step, room, hello, b.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != reply || devnet.Body(got) != "hello from "+hs2.ServerName {
		t.Fatalf("a got %s %q, want %s", got.ID, devnet.Body(got), reply)
	}
	t.Logf("b -> a: %s", time.Since(t0).Round(time.Millisecond))
}

func TestFederateOptions(t *testing.T) {
	ctx := context.Background()
	if _, err := devnet.Start(ctx, devnet.Options{Dir: t.TempDir(), Host: "10.0.0.1"}); err == nil {
		t.Fatal("a non-loopback host was accepted")
	}
	if _, err := devnet.Start(ctx, devnet.Options{Dir: t.TempDir(), Federate: true, ServerName: "example.org"}); err == nil {
		t.Fatal("Federate with an unreachable server name was accepted")
	}
	if got := devnet.FederationServerName("127.0.0.2", 8448); got != "127.0.0.2:8448" {
		t.Fatalf("FederationServerName = %q", got)
	}
}
