package devnet_test

import (
	"context"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/internal/devnet"
)

// TestHomeserverRestart restarts Dendrite on its directory: the same
// address answers, a user's access token still works, the room and its
// messages are still there, and Stop stops the new process.
func TestHomeserverRestart(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute) // includes a possible first build
	defer cancel()
	hs, err := devnet.Start(ctx, devnet.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = hs.Stop()
		if t.Failed() {
			t.Logf("dendrite log tail:\n%s", hs.LogTail())
		}
	})
	alice, err := hs.Register(ctx, "alice", "alice-password")
	if err != nil {
		t.Fatal(err)
	}
	room, err := alice.CreateRoom(ctx, "restart", nil, false)
	if err != nil {
		t.Fatal(err)
	}
	before, err := alice.Send(ctx, room, "before")
	if err != nil {
		t.Fatal(err)
	}
	url, old := hs.URL, hs.Done()
	if err := hs.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case <-old:
	default:
		t.Fatal("the first process still runs after Restart")
	}
	if hs.URL != url {
		t.Fatalf("URL changed from %s to %s", url, hs.URL)
	}
	after, err := alice.Send(ctx, room, "after") // the same access token
	if err != nil {
		t.Fatal(err)
	}
	all, err := alice.Messages(ctx, room)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range all {
		seen[e.ID.String()] = true
	}
	if !seen[before.String()] || !seen[after.String()] {
		t.Fatalf("after the restart the room holds %d events, without %s or %s", len(all), before, after)
	}
	if err := hs.Stop(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-hs.Done():
	case <-time.After(devnet.StopTimeout):
		t.Fatal("Stop after Restart left Dendrite running")
	}
}
