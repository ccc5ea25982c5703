package devnet_test

import (
	"context"
	"testing"
	"time"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/internal/devnet"
)

func TestHomeserverRoundTrip(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute) // includes a possible first build
	defer cancel()

	hs, err := devnet.Start(ctx, devnet.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := hs.Stop(); err != nil {
			t.Errorf("stop: %v", err)
		}
		if t.Failed() {
			t.Logf("dendrite log tail:\n%s", hs.LogTail())
		}
	})
	t.Logf("dendrite at %s (%s)", hs.URL, hs.Dir)

	alice, err := hs.Register(ctx, "alice", "alice-password")
	if err != nil {
		t.Fatal(err)
	}
	bob, err := hs.Register(ctx, "bob", "bob-password")
	if err != nil {
		t.Fatal(err)
	}
	if want := hs.UserID("alice"); alice.ID != want {
		t.Fatalf("alice is %s, want %s", alice.ID, want)
	}

	room, err := alice.CreateRoom(ctx, "devnet test", []id.UserID{bob.ID}, false)
	if err != nil {
		t.Fatal(err)
	}
	hello, err := alice.Send(ctx, room, "hello bob")
	if err != nil {
		t.Fatal(err)
	}

	invited, err := bob.WaitInvite(ctx, alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	if invited != room {
		t.Fatalf("invite for %s, want %s", invited, room)
	}
	if err := bob.Join(ctx, room); err != nil {
		t.Fatal(err)
	}

	waitCtx, waitCancel := context.WithTimeout(ctx, 15*time.Second)
	defer waitCancel()
	got, err := bob.WaitMessage(waitCtx, room, alice.ID, devnet.BodyContains("hello"))
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != hello || devnet.Body(got) != "hello bob" {
		t.Fatalf("got %s %q, want %s", got.ID, devnet.Body(got), hello)
	}

	// The reply arrives after the first message; a repeated wait must not
	// return the same event again.
	reply, err := bob.Reply(ctx, room, hello, "hi alice")
	if err != nil {
		t.Fatal(err)
	}
	got, err = alice.WaitMessageAfter(waitCtx, room, hello, bob.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != reply || got.Content.AsMessage().RelatesTo.GetReplyTo() != hello {
		t.Fatalf("got %s (reply to %s), want %s replying to %s", got.ID, got.Content.AsMessage().RelatesTo.GetReplyTo(), reply, hello)
	}
	if _, err := bob.React(ctx, room, hello, "👍"); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.WaitMessage(waitCtx, room, bob.ID, devnet.IsType(event.EventReaction)); err != nil {
		t.Fatal(err)
	}
	short, shortCancel := context.WithTimeout(ctx, time.Second)
	defer shortCancel()
	if evt, err := bob.WaitMessage(short, room, alice.ID, devnet.BodyContains("hello")); err == nil {
		t.Fatalf("WaitMessage returned %s a second time", evt.ID)
	}

	all, err := alice.Messages(ctx, room)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) == 0 || all[0].Type != event.StateCreate {
		t.Fatalf("timeline does not start with m.room.create: %d events", len(all))
	}

	dm, err := bob.CreateDM(ctx, alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := alice.WaitInvite(waitCtx, bob.ID); err != nil || got != dm {
		t.Fatalf("DM invite: got %s, %v; want %s", got, err, dm)
	}

	// A second login of the same account works and sees the same room.
	again, err := hs.Login(ctx, "bob", "bob-password")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := again.Messages(ctx, room); err != nil {
		t.Fatal(err)
	}
}
