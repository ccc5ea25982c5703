// Command exodus-demo runs the whole system locally: a real Dendrite
// homeserver, the Exodus bot, and a demo circle whose members invited and
// vouched for each other. It prints how to connect a Matrix client.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/internal/devnet"
	"github.com/exodus-matrix/exodus/internal/stack"
)

func main() {
	dir := flag.String("dir", ".demo", "where the homeserver and the bot keep their files (wiped at start)")
	hsPort := flag.Int("hs-port", 8008, "the homeserver's port on 127.0.0.1")
	botPort := flag.Int("bot-port", 29330, "the bot's port on 127.0.0.1")
	webPort := flag.Int("web-port", 8009, "the web organizer's port on 127.0.0.1")
	flag.Parse()
	// Ctrl-C (SIGINT) or SIGTERM cancels ctx: a build in progress is
	// killed with its compilers, the bot and Dendrite are stopped.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Stdout, ports{dir: *dir, hs: *hsPort, bot: *botPort, web: *webPort})
	switch {
	case err != nil && ctx.Err() != nil:
		fmt.Fprintln(os.Stderr, "exodus-demo: interrupted; everything it started is stopped.")
		os.Exit(130)
	case err != nil:
		fmt.Fprintln(os.Stderr, "exodus-demo:", err)
		os.Exit(1)
	}
}

// demoMembers are the demo's accounts; every password is "exodus-demo".
var demoMembers = []string{"alice", "bob", "carol"}

const demoPassword = "exodus-demo"

// setupTimeout bounds starting Dendrite and the bot and seeding the demo
// circle; the builds before it have no deadline.
const setupTimeout = 5 * time.Minute

// ports says where the demo keeps its files and listens; 0 picks a free
// port.
type ports struct {
	dir          string
	hs, bot, web int
}

// run builds what is missing, starts the stack, seeds the demo circle,
// prints how to connect to out, and runs until ctx is cancelled; it stops
// every process it started before it returns.
func run(ctx context.Context, out io.Writer, p ports) error {
	abs, err := filepath.Abs(p.dir)
	if err != nil {
		return err
	}
	if err := os.RemoveAll(abs); err != nil {
		return err
	}
	if err := stack.Build(ctx, out); err != nil {
		return err
	}
	fmt.Fprintln(out, "Starting Dendrite and the bot, and setting up the demo circle…")
	setup, cancel := context.WithTimeout(ctx, setupTimeout)
	defer cancel()
	s, err := stack.Start(setup, stack.Options{Dir: abs, HSPort: p.hs, BotPort: p.bot, WebPort: p.web, LogLevel: "info"})
	if err != nil {
		return setupError(ctx, err, abs)
	}
	defer func() {
		fmt.Fprintln(out, "Stopping the bot and Dendrite…")
		s.Stop()
		fmt.Fprintln(out, "Stopped.")
	}()
	circle, err := seed(setup, s)
	if err != nil {
		return setupError(ctx, fmt.Errorf("failed to set up the demo circle: %w", err), abs)
	}
	printWelcome(out, s, circle, abs)
	<-ctx.Done()
	fmt.Fprintln(out)
	return nil
}

// setupError adds to an error of the start where to look, and says so when
// the setup ran out of time.
func setupError(ctx context.Context, err error, dir string) error {
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
		err = fmt.Errorf("the homeserver and the bot were not ready within %s: %w", setupTimeout, err)
	}
	return fmt.Errorf("%w\n(logs: %s)", err, filepath.Join(dir, "exodus.log")+", "+filepath.Join(dir, "dendrite", "dendrite.log"))
}

// seed registers the demo members; alice creates a circle, invites bob and
// carol, and both accept (bob with ✅ on the card, carol with a command);
// then carol asks for support and bob intends to help.
func seed(ctx context.Context, s *stack.Stack) (id.RoomID, error) {
	users := map[string]*devnet.User{}
	for _, name := range demoMembers {
		u, err := s.HS.Register(ctx, name, demoPassword)
		if err != nil {
			return "", err
		}
		users[name] = u
	}
	alice := users["alice"]
	dm, err := alice.CreateDM(ctx, s.BotID)
	if err != nil {
		return "", err
	}
	if _, err := waitBot(ctx, alice, dm, "", s.BotID); err != nil {
		return "", err
	}
	if _, err := alice.Send(ctx, dm, "circle Demo circle"); err != nil {
		return "", err
	}
	circle, err := alice.WaitInvite(ctx, s.BotID)
	if err != nil {
		return "", err
	}
	if err := alice.Join(ctx, circle); err != nil {
		return "", err
	}
	for _, name := range []string{"bob", "carol"} {
		if err := inviteAndAccept(ctx, s, alice, users[name], circle, name == "bob"); err != nil {
			return "", err
		}
	}
	return circle, needsHelp(ctx, s, users["carol"], users["bob"], circle)
}

// needsHelp has carol ask for monthly support and bob answer with ❤️, so
// the demo circle shows a live need card.
func needsHelp(ctx context.Context, s *stack.Stack, carol, bob *devnet.User, circle id.RoomID) error {
	sent, err := carol.Send(ctx, circle, "!ex status orange 150")
	if err != nil {
		return err
	}
	wait, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	card, err := bob.WaitMessageAfter(wait, circle, sent, s.BotID, func(e *event.Event) bool {
		ns, _ := e.Content.Raw["org.exodus"].(map[string]any)
		return ns["type"] == "need"
	})
	if err != nil {
		return err
	}
	heart, err := bob.React(ctx, circle, card.ID, "❤️")
	if err != nil {
		return err
	}
	_, err = waitBot(ctx, bob, circle, heart, s.BotID) // the card's edit
	return err
}

func inviteAndAccept(ctx context.Context, s *stack.Stack, inviter, invitee *devnet.User, circle id.RoomID, byReaction bool) error {
	sent, err := inviter.Send(ctx, circle, "!ex invite "+invitee.ID.String())
	if err != nil {
		return err
	}
	// The invitation card, not any message of the bot's: the circle's
	// welcome may come after the command, its send racing it.
	wait, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	card, err := inviter.WaitMessageAfter(wait, circle, sent, s.BotID, func(e *event.Event) bool {
		ns, _ := e.Content.Raw["org.exodus"].(map[string]any)
		return ns["type"] == "invitation"
	})
	if err != nil {
		return err
	}
	if _, err := invitee.WaitInvite(ctx, s.BotID); err != nil {
		return err
	}
	if err := invitee.Join(ctx, circle); err != nil {
		return err
	}
	if byReaction {
		sent, err = invitee.React(ctx, circle, card.ID, "✅")
	} else {
		sent, err = invitee.Send(ctx, circle, "!ex accept")
	}
	if err != nil {
		return err
	}
	wait2, cancel2 := context.WithTimeout(ctx, time.Minute)
	defer cancel2()
	_, err = invitee.WaitMessageAfter(wait2, circle, sent, s.BotID, devnet.BodyContains("accepted the invitation"))
	return err
}

func waitBot(ctx context.Context, u *devnet.User, room id.RoomID, after id.EventID, bot id.UserID) (*event.Event, error) {
	wait, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	return u.WaitMessageAfter(wait, room, after, bot, nil)
}

// printWelcome says how to connect. It prints no token and no login link:
// a member gets those from the bot, in their direct chat.
func printWelcome(out io.Writer, s *stack.Stack, circle id.RoomID, dir string) {
	fmt.Fprintf(out, `
Exodus is running.

  Homeserver (Dendrite):  %[1]s   server name: %[2]s
  Bot:                    %[3]s   (listening for the homeserver at %[4]s)
  Demo circle:            "Demo circle"  %[5]s
  Web organizer and API:  %[8]s   (API under %[8]s/api/v1, described at /api/v1/openapi.json)

Members (password for all: %[6]s): @alice:%[2]s, @bob:%[2]s, @carol:%[2]s
They guarantee each other: alice-bob, alice-carol. carol needs monthly support
(150 EUR) and bob intends 100 EUR toward it: see the need card in the circle.

Connect a Matrix client:
  - Element (desktop or web): "Sign in" -> "Edit" homeserver -> %[1]s,
    then user "alice" (or bob, carol) and the password above. Register more users freely.
  - Any other client (nheko, fractal, gomuks...): homeserver URL %[1]s.
Talk to the bot: start a direct chat with %[3]s and type "help",
or in the demo circle type "!ex list", "!ex pool", "!ex invite @someone:%[2]s";
react ❤️ or 🤝 on carol's need card, or reply to it with an amount.

Open the web organizer: type "web" in your direct chat with the bot and open the
one-time link it sends (valid 10 minutes). For the API, type "token new mytool write"
there and send the token as "Authorization: Bearer <token>".

Files and logs: %[7]s (exodus.log, dendrite/dendrite.log). Press Ctrl-C to stop.
`, s.HS.URL, s.HS.ServerName, s.BotID, s.BotURL, circle, demoPassword, dir, s.WebURL)
}
