package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/internal/devnet"
	"github.com/exodus-matrix/exodus/internal/stack"
)

// fedStacks starts two stacks whose homeservers federate (127.0.0.1:<p>
// and 127.0.0.2:<p>), each with its own bot and database.
func fedStacks(t *testing.T) (one, two *stack.Stack) {
	t.Helper()
	return fedStacksWith(t, nil)
}

// fedStacksWith is fedStacks, with more options for the stack of host i
// (nil: none).
func fedStacksWith(t *testing.T, more func(i int, opt *stack.Options)) (one, two *stack.Stack) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	hosts := []string{"127.0.0.1", "127.0.0.2"}
	// The federation ports are chosen first: each bot's config lists the
	// other bot, by its user ID, among the bots it trusts.
	ports, bots := make([]int, 2), make([]string, 2)
	for i, host := range hosts {
		p, err := devnet.FreePortOn(host)
		if err != nil {
			t.Fatal(err)
		}
		ports[i], bots[i] = p, id.NewUserID("exodus", devnet.FederationServerName(host, p)).String()
	}
	stacks := make([]*stack.Stack, 2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i, host := range hosts {
		// The tick is slow on purpose: a takeover does not wait for it.
		settings := map[string]any{"bot.reconcile_interval": "1s", "cycle.tick_interval": "1h", "bot.takeover_after": "4s",
			"bot.trusted_bots": []string{bots[1-i]}}
		dir, err := os.MkdirTemp("", "exodus-fed-")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if t.Failed() {
				t.Logf("files of the stack on %s kept in %s", host, dir)
			} else {
				_ = os.RemoveAll(dir)
			}
		})
		opt := stack.Options{Dir: dir, Host: host, Federate: true, FederationPort: ports[i], Settings: settings}
		if more != nil {
			more(i, &opt)
		}
		wg.Go(func() {
			stacks[i], errs[i] = stack.Start(ctx, opt)
		})
	}
	wg.Wait()
	for _, s := range stacks {
		if s != nil {
			t.Cleanup(s.Stop)
		}
	}
	for i, err := range errs {
		if err != nil {
			t.Fatalf("stack on %s: %v", hosts[i], err)
		}
	}
	return stacks[0], stacks[1]
}

// fedMember registers a user on a stack's homeserver.
func fedMember(t *testing.T, s *stack.Stack, name string) *devnet.User {
	t.Helper()
	local := fmt.Sprintf("%s%d", name, time.Now().UnixNano()%1_000_000)
	u, err := s.HS.Register(testCtx(t), local, "password-"+local)
	if err != nil {
		t.Fatalf("register %s: %v", name, err)
	}
	return u
}

// sayTo sends a message and waits for bot's reply to it.
func sayTo(t *testing.T, u *devnet.User, room id.RoomID, bot id.UserID, body string) *event.Event {
	t.Helper()
	sent, err := u.Send(testCtx(t), room, body)
	if err != nil {
		t.Fatalf("%s says %q: %v", u.ID, body, err)
	}
	return replyFrom(t, u, room, bot, sent)
}

// replyFrom waits for bot's reply to an event.
func replyFrom(t *testing.T, u *devnet.User, room id.RoomID, bot id.UserID, to id.EventID) *event.Event {
	t.Helper()
	evt, err := u.WaitMessageAfter(testCtx(t), room, to, bot, func(e *event.Event) bool {
		msg, ok := e.Content.Parsed.(*event.MessageEventContent)
		return ok && msg.RelatesTo.GetReplyTo() == to
	})
	if err != nil {
		t.Fatalf("waiting for %s's reply to %s: %v", bot, to, err)
	}
	return evt
}

// dmWith opens a direct chat with a bot and waits for its greeting.
func dmWith(t *testing.T, u *devnet.User, bot id.UserID) id.RoomID {
	t.Helper()
	room, err := u.CreateDM(testCtx(t), bot)
	if err != nil {
		t.Fatalf("create DM: %v", err)
	}
	if _, err := u.WaitMessage(testCtx(t), room, bot, devnet.BodyContains("Exodus")); err != nil {
		t.Fatalf("greeting from %s: %v", bot, err)
	}
	return room
}

var tokenRe = regexp.MustCompile("ext_[A-Za-z0-9_-]+")

// digestOf asks a bot's API for a circle's digest with a member's token.
func digestOf(t *testing.T, s *stack.Stack, token string, circle id.RoomID) (digest string, promises int) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.WebURL+"/api/v1/circles/"+url.PathEscape(circle.String())+"/digest", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var d struct {
		Digest   string `json:"digest"`
		Promises int    `json:"promises"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &d) != nil {
		t.Fatalf("digest from %s: %d %s", s.BotID, resp.StatusCode, body)
	}
	return d.Digest, d.Promises
}

// sameDigest waits until both bots show the same digest of the circle
// (the follower may be a moment behind) and returns it.
func sameDigest(t *testing.T, one, two *stack.Stack, tokOne, tokTwo string, circle id.RoomID, promises int) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		d1, p1 := digestOf(t, one, tokOne, circle)
		d2, p2 := digestOf(t, two, tokTwo, circle)
		if d1 == d2 && p1 == promises {
			return d1
		}
		if time.Now().After(deadline) {
			t.Fatalf("digests differ: %s (%d promises) on %s, %s (%d promises) on %s", d1, p1, one.BotID, d2, p2, two.BotID)
		}
		time.Sleep(time.Second) // within the API's rate limit
	}
}

// TestFederatedCircle runs a circle with members on two homeservers and a
// bot on each (the second joining when the circle has a past): a guarantee
// and a whole need lifecycle across servers, the
// same digest on both bots, the answering bot stopped and the other one
// taking over.
func TestFederatedCircle(t *testing.T) {
	one, two := fedStacks(t)
	alice, bob := fedMember(t, one, "alice"), fedMember(t, two, "bob")

	// alice makes a circle with her bot and brings in bob (a guarantee
	// across servers), then bob's bot.
	aliceDM := dmWith(t, alice, one.BotID)
	circle := fedCircle(t, one, "Bridge", alice, aliceDM, bob)

	// bob's need, answered from the other server.
	status, err := bob.Send(testCtx(t), circle, "!ex status orange 150")
	if err != nil {
		t.Fatal(err)
	}
	card := cardAfter(t, alice, circle, one.BotID, status, "need")
	heart := react(t, alice, circle, card.ID, "❤️")
	if _, err := bob.WaitMessageAfter(testCtx(t), circle, heart, one.BotID, devnet.BodyContains("intended €100")); err != nil {
		t.Fatalf("card after ❤️: %v", err)
	}
	// Only now does bob's community bring its bot into the circle: bot two
	// catches up with the room's history (the guarantee, the need, the ❤️)
	// and follows from then on.
	if _, err := alice.Client.InviteUser(testCtx(t), circle, &mautrix.ReqInviteUser{UserID: two.BotID}); err != nil {
		t.Fatalf("invite bot two: %v", err)
	}
	waitJoined(t, alice, circle, two.BotID)

	reply, err := alice.Reply(testCtx(t), circle, card.ID, "commit 60")
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, replyFrom(t, alice, circle, one.BotID, reply), "Your commitment: €60")
	// alice says "sent" in her direct chat, replying to the commitment
	// notice there: bot two never sees that room, so bot one records the
	// op in the circle for every bot.
	notice, err := alice.WaitMessage(testCtx(t), aliceDM, one.BotID, func(e *event.Event) bool {
		ns, _ := e.Content.Raw["org.exodus"].(map[string]any)
		return ns["type"] == "commitment"
	})
	if err != nil {
		t.Fatalf("commitment notice: %v", err)
	}
	reply, err = alice.Reply(testCtx(t), aliceDM, notice.ID, "sent")
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, replyFrom(t, alice, aliceDM, one.BotID, reply), "as sent")
	// The record is an event clients do not render, not a message.
	record, err := bob.WaitMessageAfter(testCtx(t), circle, status, one.BotID, func(e *event.Event) bool {
		ops, _ := e.Content.Raw["ops"].([]any)
		op, _ := func() (map[string]any, bool) {
			if len(ops) == 0 {
				return nil, false
			}
			m, ok := ops[0].(map[string]any)
			return m, ok
		}()
		return e.Type.Type == recordType && op["event"] == reply.String()
	})
	if err != nil {
		t.Fatalf("the record of alice's sent: %v", err)
	}
	// Its body, for whoever reads the raw event, names no member: push
	// rules read a body for members' names.
	if c := record.Content.Raw; c["actor"] != alice.ID.String() || c["verb"] != "sent" || c["event"] != reply.String() ||
		c["msgtype"] != nil || devnet.Body(record) == "" || strings.Contains(devnet.Body(record), alice.ID.Localpart()) {
		t.Fatalf("the record's content: %v", c)
	}
	// Bot two applies it: only through the record does it know of alice's
	// sent, and until it applies it the two ledgers differ.
	bobDM := dmWith(t, bob, two.BotID)
	tokOne := tokenOf(t, alice, aliceDM, one.BotID)
	tokTwo := tokenOf(t, bob, bobDM, two.BotID)
	sameDigest(t, one, two, tokOne, tokTwo, circle, 1)
	mustContain(t, sayTo(t, bob, circle, one.BotID, "!ex got "+alice.ID.String()), "€60")

	// alice ❤️ again, then takes the ❤️ back: bot one finds the removal in
	// the room and records both ops there (a redacted reaction keeps no
	// trace of its card, and a rebuild needs them).
	again := react(t, alice, circle, card.ID, "❤️")
	if _, err := bob.WaitMessageAfter(testCtx(t), circle, again, one.BotID, devnet.BodyContains("intended €90")); err != nil {
		t.Fatalf("card after the second ❤️: %v", err)
	}
	if _, err := alice.Redact(testCtx(t), circle, again, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := bob.WaitMessageAfter(testCtx(t), circle, again, one.BotID, func(e *event.Event) bool {
		return e.Type.Type == recordType && e.Content.Raw["kind"] == "relay.unreact"
	}); err != nil {
		t.Fatalf("the record of the removed ❤️: %v", err)
	}
	noRelayMessages(t, bob, circle)

	// The trust list spans every circle a bot sees: bob's own circle on
	// server two, with carol, joins the graph of the circle from server
	// one, so carol's list reaches alice through bob.
	carol := fedMember(t, two, "carol")
	home := fedCircle(t, two, "Home", bob, bobDM, carol)
	mustContain(t, sayTo(t, carol, home, two.BotID, "!ex list"), bob.ID.Localpart(), alice.ID.Localpart())

	// Both bots computed the same ledger.
	digest := sameDigest(t, one, two, tokOne, tokTwo, circle, 2)
	t.Logf("both bots: %s", digest)

	// Bot one stops; bob's command goes unanswered; bot two takes over,
	// says so, and answers from then on.
	one.StopBot()
	unanswered, err := bob.Send(testCtx(t), circle, "!ex list")
	if err != nil {
		t.Fatal(err)
	}
	takeover, err := bob.WaitMessageAfter(testCtx(t), circle, unanswered, two.BotID, func(e *event.Event) bool {
		ns, _ := e.Content.Raw["org.exodus"].(map[string]any)
		return ns["type"] == "takeover"
	})
	if err != nil {
		t.Fatalf("waiting for bot two to take over: %v", err)
	}
	mustContain(t, takeover, "answers in this circle", "for 4 s")
	mustContain(t, sayTo(t, bob, circle, two.BotID, "!ex list"), alice.ID.Localpart())
	// Where Dendrite did not push bot two's invitation into the circle, bot
	// two found it by a sync, once: the sync lists it still, every second,
	// and the bot does not join again.
	logTwo, err := os.ReadFile(filepath.Join(filepath.Dir(two.ConfigPath), "exodus.log"))
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, line := range strings.Split(string(logTwo), "\n") {
		if strings.Contains(line, "Found an invitation the homeserver did not push") && strings.Contains(line, circle.String()) {
			found++
		}
	}
	if found > 1 {
		t.Errorf("bot two acted %d times on its invitation into the circle found by sync; want once at most", found)
	}

	// Each bot, stopped, rebuilds its ledger from the rooms' history on a
	// cleared database: the same digest.
	two.StopBot()
	for _, s := range []*stack.Stack{one, two} {
		if got := rebuiltDigest(t, s, circle); got != digest {
			t.Errorf("%s rebuilt the circle's digest as %s, want %s", s.BotID, got, digest)
		}
	}

	// Bot two starts on an empty database: it rebuilds from the rooms
	// before serving, and shows the same digest through its API.
	if err := os.Remove(two.DBPath); err != nil {
		t.Fatal(err)
	}
	_ = os.Remove(two.DBPath + "-wal")
	_ = os.Remove(two.DBPath + "-shm")
	if err := two.StartBot(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	if got, _ := digestOf(t, two, tokenOf(t, bob, bobDM, two.BotID), circle); got != digest {
		t.Errorf("after a start on an empty database, bot two's digest is %s, want %s", got, digest)
	}
}

// recordType is the event type of a bot's records of ops taken in a
// direct chat (bot.RecordType), which clients do not render.
const recordType = "org.exodus.record"

// noRelayMessages fails the test if a bot posted into room a message
// members read for a record of an op taken elsewhere (the "📒 Recorded…"
// notices rooms held before record events).
func noRelayMessages(t *testing.T, u *devnet.User, room id.RoomID) {
	t.Helper()
	events, err := u.Messages(testCtx(t), room)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		if e.Type.Type != event.EventMessage.Type {
			continue
		}
		ns, _ := e.Content.Raw["org.exodus"].(map[string]any)
		if ns["type"] == "relay" || strings.Contains(devnet.Body(e), "📒") {
			t.Fatalf("%s posted a record as a message members read: %q", e.Sender, devnet.Body(e))
		}
	}
}

// rebuiltDigest runs `exodus rebuild -force` for a stopped stack's bot and
// returns the circle's digest it prints.
func rebuiltDigest(t *testing.T, s *stack.Stack, circle id.RoomID) string {
	t.Helper()
	bin, err := stack.BuildExodus(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.CommandContext(testCtx(t), bin, "rebuild", "-c", s.ConfigPath, "-force").CombinedOutput()
	if err != nil {
		t.Fatalf("exodus rebuild for %s: %v\n%s", s.BotID, err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		fields := strings.Split(line, "\t")
		if len(fields) == 5 && fields[0] == circle.String() {
			return fields[4]
		}
	}
	t.Fatalf("no digest of %s in the rebuild's output:\n%s", circle, out)
	return ""
}

// waitJoined waits until user is joined to room, as u sees it.
func waitJoined(t *testing.T, u *devnet.User, room id.RoomID, user id.UserID) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := u.Client.JoinedMembers(testCtx(t), room)
		if err == nil {
			if _, ok := resp.Joined[user]; ok {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not join %s: %v", user, room, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// tokenOf makes a read-only API token for u with a bot, in their direct chat.
func tokenOf(t *testing.T, u *devnet.User, dm id.RoomID, bot id.UserID) string {
	t.Helper()
	answer := sayTo(t, u, dm, bot, "token new digest")
	tok := tokenRe.FindString(devnet.Body(answer))
	if tok == "" || !strings.HasPrefix(tok, "ext_") {
		t.Fatalf("no token in %q", devnet.Body(answer))
	}
	return tok
}
