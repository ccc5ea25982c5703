// Package e2e_test drives members through a real Dendrite homeserver's
// client API and reads the bot's answers from the rooms.
package e2e_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/internal/devnet"
	"github.com/exodus-matrix/exodus/internal/stack"
)

// env is the homeserver and bot shared by the tests of this package.
var env *stack.Stack

// metricsURL is where env's bot serves its Prometheus metrics.
var metricsURL string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "exodus-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	metricsPort, err := devnet.FreePort()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	metricsAddr := fmt.Sprintf("127.0.0.1:%d", metricsPort)
	metricsURL = "http://" + metricsAddr + "/metrics"
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	env, err = stack.Start(ctx, stack.Options{Dir: dir, Settings: map[string]any{"ledger.sos_limit": 2, "bot.reconcile_interval": "1s", "cycle.tick_interval": "1s", "cycle.deadline_warning": "23h59m45s",
		"metrics.enabled": true, "metrics.listen": metricsAddr}})
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, "failed to start the stack:", err)
		os.Exit(1)
	}
	code := m.Run()
	env.Stop()
	if code == 0 {
		_ = os.RemoveAll(dir)
	} else {
		fmt.Fprintln(os.Stderr, "stack files kept in", dir)
	}
	os.Exit(code)
}

// testCtx is a context bounded for one test step.
func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// member registers a fresh user whose localpart starts with name.
func member(t *testing.T, name string) *devnet.User {
	t.Helper()
	local := fmt.Sprintf("%s%d", name, time.Now().UnixNano()%1_000_000_000)
	u, err := env.HS.Register(testCtx(t), local, "password-"+local)
	if err != nil {
		t.Fatalf("register %s: %v", name, err)
	}
	return u
}

// say sends a message and returns the bot's reply to it.
func say(t *testing.T, u *devnet.User, room id.RoomID, body string) *event.Event {
	t.Helper()
	ctx := testCtx(t)
	sent, err := u.Send(ctx, room, body)
	if err != nil {
		t.Fatalf("%s says %q: %v", u.ID, body, err)
	}
	return replyTo(t, u, room, sent)
}

// replyTo waits for the bot's reply to an event.
func replyTo(t *testing.T, u *devnet.User, room id.RoomID, to id.EventID) *event.Event {
	t.Helper()
	evt, err := u.WaitMessageAfter(testCtx(t), room, to, env.BotID, func(e *event.Event) bool {
		msg, ok := e.Content.Parsed.(*event.MessageEventContent)
		return ok && msg.RelatesTo.GetReplyTo() == to
	})
	if err != nil {
		t.Fatalf("waiting for the reply to %s: %v", to, err)
	}
	return evt
}

// botSays waits for the next bot message in room whose body contains substr.
func botSays(t *testing.T, u *devnet.User, room id.RoomID, substr string) *event.Event {
	t.Helper()
	evt, err := u.WaitMessage(testCtx(t), room, env.BotID, devnet.BodyContains(substr))
	if err != nil {
		t.Fatalf("waiting for the bot to say %q: %v", substr, err)
	}
	return evt
}

// data returns the machine-readable part of a bot message.
func data(t *testing.T, evt *event.Event) (kind string, d map[string]any) {
	t.Helper()
	ns, ok := evt.Content.Raw["org.exodus"].(map[string]any)
	if !ok {
		t.Fatalf("bot message has no org.exodus content: %s", devnet.Body(evt))
	}
	kind, _ = ns["type"].(string)
	d, _ = ns["data"].(map[string]any)
	return kind, d
}

// mustContain fails unless the body of evt contains every substring.
func mustContain(t *testing.T, evt *event.Event, subs ...string) {
	t.Helper()
	body := devnet.Body(evt)
	for _, s := range subs {
		if !strings.Contains(body, s) {
			t.Fatalf("expected %q in the bot's message, got:\n%s", s, body)
		}
	}
}

// ids turns a JSON list of user IDs into strings.
func ids(v any) []string {
	list, _ := v.([]any)
	out := make([]string, len(list))
	for i, x := range list {
		out[i], _ = x.(string)
	}
	return out
}

// openDM creates a direct chat with the bot and waits for its greeting.
func openDM(t *testing.T, u *devnet.User) id.RoomID {
	t.Helper()
	room, err := u.CreateDM(testCtx(t), env.BotID)
	if err != nil {
		t.Fatalf("create DM: %v", err)
	}
	botSays(t, u, room, "Exodus")
	return room
}

// joinInvite waits for an invitation from the bot and accepts it.
func joinInvite(t *testing.T, u *devnet.User, from id.UserID) id.RoomID {
	t.Helper()
	ctx := testCtx(t)
	room, err := u.WaitInvite(ctx, from)
	if err != nil {
		t.Fatalf("%s waiting for an invite: %v", u.ID, err)
	}
	if err := u.Join(ctx, room); err != nil {
		t.Fatalf("%s joining %s: %v", u.ID, room, err)
	}
	return room
}

func inviteReq(u id.UserID) *mautrix.ReqInviteUser { return &mautrix.ReqInviteUser{UserID: u} }

// contextFor is a context bounded by d, for a step that waits on the clock.
func contextFor(t *testing.T, d time.Duration) (context.Context, context.CancelFunc) {
	t.Helper()
	return context.WithTimeout(context.Background(), d)
}
