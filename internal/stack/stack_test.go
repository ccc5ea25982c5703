package stack_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/internal/devnet"
	"github.com/exodus-matrix/exodus/internal/stack"
)

// TestFederatingStacks starts two stacks whose homeservers federate, each
// with its own bot, and checks each bot answers a user of its own server.
func TestFederatingStacks(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute) // includes possible builds
	defer cancel()
	// Build once up front so the two starts do not both wait on it.
	if _, err := devnet.BuildTools(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := stack.BuildExodus(ctx); err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	hosts := []string{"127.0.0.1", "127.0.0.2"}
	stacks := make([]*stack.Stack, len(hosts))
	errs := make([]error, len(hosts))
	dirs := make([]string, len(hosts))
	var wg sync.WaitGroup
	for i, host := range hosts {
		dirs[i] = t.TempDir()
		wg.Go(func() {
			stacks[i], errs[i] = stack.Start(ctx, stack.Options{Dir: dirs[i], Host: host, Federate: true})
		})
	}
	wg.Wait()
	for i, s := range stacks {
		if s == nil {
			continue
		}
		t.Cleanup(func() {
			s.Stop()
			if t.Failed() {
				t.Logf("%s: dendrite log tail:\n%s\n(bot log in %s)", s.HS.ServerName, s.HS.LogTail(), dirs[i])
			}
		})
	}
	for i, err := range errs {
		if err != nil {
			t.Fatalf("stack on %s: %v", hosts[i], err)
		}
	}
	t.Logf("two federating stacks up in %s", time.Since(start).Round(time.Millisecond))

	for i, s := range stacks {
		if !strings.HasPrefix(s.HS.ServerName, hosts[i]+":") || s.BotID != id.UserID("@exodus:"+s.HS.ServerName) {
			t.Fatalf("server %s, bot %s", s.HS.ServerName, s.BotID)
		}
	}

	users := make([]*devnet.User, len(stacks))
	for i, s := range stacks {
		u, err := s.HS.Register(ctx, "member", "member-password")
		if err != nil {
			t.Fatal(err)
		}
		users[i] = u
	}

	// Each bot answers `help` in a direct chat with a user of its server.
	for i, s := range stacks {
		u := users[i]
		step, stepCancel := context.WithTimeout(ctx, 60*time.Second)
		t0 := time.Now()
		dm, err := u.CreateDM(step, s.BotID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := u.WaitMessage(step, dm, s.BotID, devnet.BodyContains("Exodus")); err != nil {
			t.Fatal(err)
		}
		sent, err := u.Send(step, dm, "help")
		if err != nil {
			t.Fatal(err)
		}
		reply, err := u.WaitMessageAfter(step, dm, sent, s.BotID, func(e *event.Event) bool {
			msg, ok := e.Content.Parsed.(*event.MessageEventContent)
			return ok && msg.RelatesTo.GetReplyTo() == sent
		})
		stepCancel()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(devnet.Body(reply), "Commands") {
			t.Fatalf("%s answered help with %q", s.BotID, devnet.Body(reply))
		}
		t.Logf("%s answered help in %s", s.BotID, time.Since(t0).Round(time.Millisecond))
	}

	// The two homeservers federate: a user of one reaches a user of the other.
	step, stepCancel := context.WithTimeout(ctx, 60*time.Second)
	defer stepCancel()
	room, err := users[0].CreateRoom(step, "across", []id.UserID{users[1].ID}, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := users[1].WaitInvite(step, users[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := users[1].Join(step, room); err != nil {
		t.Fatal(err)
	}
	sent, err := users[1].Send(step, room, "hello across")
	if err != nil {
		t.Fatal(err)
	}
	got, err := users[0].WaitMessage(step, room, users[1].ID, devnet.BodyContains("hello across"))
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != sent {
		t.Fatalf("got %s, want %s", got.ID, sent)
	}
}
