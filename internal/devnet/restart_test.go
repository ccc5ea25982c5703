package devnet_test

import (
	"context"
	"testing"
	"time"

	"maunium.net/go/mautrix/id"

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
	// Dendrite answers a send before its room server has stored the event,
	// so the history is asked again until it holds both (or the test's
	// deadline passes).
	var all int
	for {
		seen, n, err := eventsIn(ctx, alice, room)
		if err != nil {
			t.Fatal(err)
		}
		if all = n; seen[before.String()] && seen[after.String()] {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("after the restart the room holds %d events, without %s or %s", all, before, after)
		case <-time.After(100 * time.Millisecond):
		}
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

// eventsIn returns the IDs of the events in room's history as user sees
// it, and how many there are.
func eventsIn(ctx context.Context, user *devnet.User, room id.RoomID) (map[string]bool, int, error) {
	all, err := user.Messages(ctx, room)
	if err != nil {
		return nil, 0, err
	}
	seen := map[string]bool{}
	for _, e := range all {
		seen[e.ID.String()] = true
	}
	return seen, len(all), nil
}
