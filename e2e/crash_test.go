package e2e_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/internal/devnet"
	"github.com/exodus-matrix/exodus/internal/stack"
)

// The crash tests. Each runs a stack of its own, with a proxy between
// the bot and Dendrite, kills the bot with SIGKILL or cuts it off from the
// homeserver at a chosen point, and counts, once everything settled, the
// bot's answers to each command (messages whose m.in_reply_to is the
// command) and the edits of each card.

// crashCircle makes a circle of alice's with bob, on a crash stack, and
// returns alice's direct chat with the bot and the circle.
func crashCircle(t *testing.T, c *crashNet, alice, bob *devnet.User) (dm, circle id.RoomID) {
	t.Helper()
	dm = dmWith(t, alice, c.BotID)
	return dm, fedCircle(t, c.Stack, "Crash", alice, dm, bob)
}

// onlyOnce fails unless the timeline holds exactly one answer to cmd.
func onlyOnce(t *testing.T, all []*event.Event, bot id.UserID, cmd id.EventID) *event.Event {
	t.Helper()
	answers := answersTo(all, bot, cmd)
	if len(answers) != 1 {
		for _, a := range answers {
			t.Logf("answer %s: %q", a.ID, devnet.Body(a))
		}
		t.Fatalf("%d answers to %s, want exactly one", len(answers), cmd)
	}
	return answers[0]
}

// TestCrashBeforeSend kills the bot after it committed a member's command
// (the ledger change, the inbox mark and the answer in the outbox) and
// before the answer reached the homeserver: started again, the bot sends
// the answer once, and the command changed the ledger once.
func TestCrashBeforeSend(t *testing.T) {
	c := crashStack(t, "crash-send", nil)
	alice, bob := fedMember(t, c.Stack, "alice"), fedMember(t, c.Stack, "bob")
	dm, circle := crashCircle(t, c, alice, bob)

	c.proxy.SetMode(stack.ProxyHoldSends)
	cmd := sent(t, bob, circle, "!ex status orange 120")
	c.heldReply(t, cmd) // the commit happened: the answer is being sent
	c.crash(t)

	all := settled(t, c.BotID, alice, circle, "!ex pool", time.Minute)
	mustContain(t, onlyOnce(t, all, c.BotID, cmd), "€120 a month")
	cards := 0
	var card *event.Event
	for _, e := range all {
		if ns, _ := e.Content.Raw["org.exodus"].(map[string]any); e.Sender == c.BotID && ns["type"] == "need" && e.Content.Raw["m.relates_to"] == nil {
			cards, card = cards+1, e
		}
	}
	if cards != 1 {
		t.Fatalf("%d need cards after the crash, want one", cards)
	}
	var needs struct {
		Needs []needJSON `json:"needs"`
	}
	tok := tokenOf(t, alice, dm, c.BotID)
	apiGet(t, c.Stack, tok, "/api/v1/needs", &needs)
	if len(needs.Needs) != 1 || needs.Needs[0].Owner != bob.ID.String() || needs.Needs[0].Progress.Target.Minor != 12000 {
		t.Fatalf("the ledger's needs after the crash: %+v, want bob's one of €120", needs.Needs)
	}
	if d := cardData(card); d["need"] != needs.Needs[0].ID {
		t.Fatalf("the card shows need %v, the ledger holds %s", d["need"], needs.Needs[0].ID)
	}
	noneTwice(t, c.Stack)
}

// TestCrashBeforeCardEdit kills the bot after it committed an intention
// made by replying to a need card (an answer and an edit of the card in
// the outbox), before either was sent: started again, the bot answers
// once, edits the card once, and the card's latest edit shows the ledger's
// figures.
func TestCrashBeforeCardEdit(t *testing.T) {
	c := crashStack(t, "crash-edit", nil)
	alice, bob := fedMember(t, c.Stack, "alice"), fedMember(t, c.Stack, "bob")
	dm, circle := crashCircle(t, c, alice, bob)
	status := sent(t, bob, circle, "!ex status orange 200")
	card := cardAfter(t, alice, circle, c.BotID, status, "need")
	before := settled(t, c.BotID, alice, circle, "!ex pool", time.Minute)
	edits := len(editsOf(before, c.BotID, card.ID))

	c.proxy.SetMode(stack.ProxyHoldSends)
	cmd := replied(t, alice, circle, card.ID, "intend 40")
	c.heldReply(t, cmd)
	c.crash(t)

	cardShowsFrom(t, alice, circle, c.BotID, card.ID, cmd, "intended €40")
	all := settled(t, c.BotID, alice, circle, "!ex pool", time.Minute)
	mustContain(t, onlyOnce(t, all, c.BotID, cmd), "Your intention: €40")
	after := editsOf(all, c.BotID, card.ID)
	if len(after) != edits+1 {
		t.Fatalf("%d edits of the card after the intention, want %d", len(after), edits+1)
	}
	n := needOf(t, c.Stack, tokenOf(t, alice, dm, c.BotID), cardData(card)["need"].(string))
	if diff := figuresDiffer(editData(after[len(after)-1]), n); diff != "" {
		t.Fatalf("the card's latest edit differs from the ledger: %s", diff)
	}
	if len(n.Promises) != 1 || n.Promises[0].Giver != alice.ID.String() || n.Promises[0].Amount.Minor != 4000 {
		t.Fatalf("the need's promises: %+v, want alice's one intention of €40", n.Promises)
	}
	noneTwice(t, c.Stack)
}

// TestCrashAfterHomeserverTook kills the bot after the homeserver took its
// answer (the proxy holds the homeserver's response) and before the bot
// recorded it sent: started again, the bot sends it again with the same
// transaction ID, and the homeserver, which remembers it, does not post it
// a second time.
func TestCrashAfterHomeserverTook(t *testing.T) {
	c := crashStack(t, "crash-took", nil)
	alice, bob := fedMember(t, c.Stack, "alice"), fedMember(t, c.Stack, "bob")
	_, circle := crashCircle(t, c, alice, bob)

	c.proxy.SetMode(stack.ProxyHoldAnswers)
	cmd := sent(t, bob, circle, "!ex status orange 80")
	path := c.heldReply(t, cmd)
	c.crash(t)

	all := settled(t, c.BotID, alice, circle, "!ex pool", time.Minute)
	mustContain(t, onlyOnce(t, all, c.BotID, cmd), "€80 a month")
	if n := c.proxy.SendsOf(path); n != 2 {
		t.Fatalf("the answer's send (%s) reached the homeserver %d times, want twice (before and after the crash)", path, n)
	}
	noneTwice(t, c.Stack)
}

// outageCmd is a command typed while the homeserver is out of the bot's
// reach.
type outageCmd struct {
	u    *devnet.User
	room id.RoomID
	body string
	evt  id.EventID
}

// TestHomeserverOutage cuts the bot off from the homeserver (the proxy
// answers 502 to everything) for longer than 40 s while members type
// commands in a circle and in direct chats, which the homeserver still
// pushes to the bot: once the homeserver is back, each command is answered
// exactly once, in the order typed in each room.
func TestHomeserverOutage(t *testing.T) {
	c := crashStack(t, "outage", nil)
	alice, bob := fedMember(t, c.Stack, "alice"), fedMember(t, c.Stack, "bob")
	aliceDM, circle := crashCircle(t, c, alice, bob)
	bobDM := dmWith(t, bob, c.BotID)

	c.proxy.SetMode(stack.ProxyDown)
	down := time.Now()
	cmds := []*outageCmd{
		{u: bob, room: circle, body: "!ex status orange 90"},
		{u: alice, room: aliceDM, body: "pool"},
		{u: alice, room: circle, body: "!ex list"},
		{u: bob, room: bobDM, body: "requisites IBAN DE02 1234 5678"},
		{u: bob, room: circle, body: "!ex pool"},
		{u: alice, room: aliceDM, body: "status orange 30"},
		{u: bob, room: bobDM, body: "pool"},
		{u: alice, room: circle, body: "!ex pool"},
	}
	for _, cmd := range cmds {
		cmd.evt = sent(t, cmd.u, cmd.room, cmd.body)
		time.Sleep(4 * time.Second) // spread over the outage
	}
	if rest := 42*time.Second - time.Since(down); rest > 0 {
		time.Sleep(rest)
	}
	c.proxy.SetMode(stack.ProxyPass)
	t.Logf("the homeserver was out of the bot's reach for %s", time.Since(down).Round(time.Second))

	// The bot's backoff (and its client's own retries) may put the next
	// attempt off by about a minute.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	for _, cmd := range cmds {
		if _, err := cmd.u.WaitMessageAfter(ctx, cmd.room, cmd.evt, c.BotID, repliesTo(cmd.evt)); err != nil {
			t.Fatalf("no answer to %q after the outage: %v", cmd.body, err)
		}
	}
	markers := map[id.RoomID]string{circle: "!ex pool", aliceDM: "pool", bobDM: "pool"}
	owner := map[id.RoomID]*devnet.User{circle: alice, aliceDM: alice, bobDM: bob}
	for room, marker := range markers {
		all := settled(t, c.BotID, owner[room], room, marker, time.Minute)
		inOrder(t, all, c.BotID, room, cmds)
	}
	noneTwice(t, c.Stack)
}

// inOrder checks that each command typed in room has exactly one answer
// in the timeline, and that the answers come in the order typed.
func inOrder(t *testing.T, all []*event.Event, bot id.UserID, room id.RoomID, cmds []*outageCmd) {
	t.Helper()
	at := map[id.EventID]int{}
	for i, e := range all {
		at[e.ID] = i
	}
	last := -1
	for _, cmd := range cmds {
		if cmd.room != room {
			continue
		}
		answer := onlyOnce(t, all, bot, cmd.evt)
		if at[answer.ID] < last {
			t.Fatalf("in %s, the answer to %q came before the answer to an earlier command", room, cmd.body)
		}
		last = at[answer.ID]
	}
}

// isCardPost tells the send of a need card (not an edit of one).
func isCardPost(h stack.Held) bool {
	var content map[string]any
	if json.Unmarshal(h.Body, &content) != nil || content["m.relates_to"] != nil {
		return false
	}
	ns, _ := content["org.exodus"].(map[string]any)
	return ns["type"] == "need"
}

// handled waits until the bot's inbox marks the event handled.
func handled(t *testing.T, dbPath string, evt id.EventID) {
	t.Helper()
	db := openRO(t, dbPath)
	ctx := testCtx(t)
	for {
		var done sql.NullInt64
		err := db.QueryRowContext(ctx, `SELECT done_at FROM inbox WHERE event_id = ?`, evt.String()).Scan(&done)
		if err == nil && done.Valid {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the bot did not handle %s: %v", evt, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// TestCrashCardPostReplaced kills the bot after the homeserver took a new
// need card and before the bot recorded it; started again, the bot
// handles a change of the need before it could send the card again (the
// send is held), and is killed again. Started once more, it must not post
// the card a second time: the room holds one card, whose latest text shows
// the ledger's figures.
func TestCrashCardPostReplaced(t *testing.T) {
	c := crashStack(t, "crash-post", nil)
	alice, bob := fedMember(t, c.Stack, "alice"), fedMember(t, c.Stack, "bob")
	dm, circle := crashCircle(t, c, alice, bob)

	c.proxy.HoldOnly(isCardPost)
	c.proxy.SetMode(stack.ProxyHoldAnswers)
	first := sent(t, bob, circle, "!ex status orange 100")
	if _, err := c.proxy.WaitHeld(testCtx(t), 1); err != nil {
		t.Fatal(err)
	}
	c.KillBot() // the homeserver took the card; the bot never learnt its ID
	c.proxy.Release()
	second := sent(t, bob, circle, "!ex status orange 150")
	c.proxy.SetMode(stack.ProxyHoldSends)
	if err := c.StartBot(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	handled(t, c.DBPath, second) // the new figures replaced the card's pending text
	if _, err := c.proxy.WaitHeld(testCtx(t), 1); err != nil {
		t.Fatal(err)
	}
	c.crash(t)

	all := settled(t, c.BotID, alice, circle, "!ex pool", time.Minute)
	onlyOnce(t, all, c.BotID, first)
	onlyOnce(t, all, c.BotID, second)
	var cards []*event.Event
	for _, e := range all {
		if ns, _ := e.Content.Raw["org.exodus"].(map[string]any); e.Sender == c.BotID && ns["type"] == "need" && e.Content.Raw["m.relates_to"] == nil {
			cards = append(cards, e)
		}
	}
	if len(cards) != 1 {
		t.Fatalf("the need card was posted %d times, want once", len(cards))
	}
	latest := cardData(cards[0])
	if edits := editsOf(all, c.BotID, cards[0].ID); len(edits) > 0 {
		latest = editData(edits[len(edits)-1])
	}
	n := needOf(t, c.Stack, tokenOf(t, alice, dm, c.BotID), fmt.Sprint(cardData(cards[0])["need"]))
	if diff := figuresDiffer(latest, n); diff != "" || n.Progress.Target.Minor != 15000 {
		t.Fatalf("the card differs from the ledger (target %d): %s", n.Progress.Target.Minor, diff)
	}
	noneTwice(t, c.Stack)
}
