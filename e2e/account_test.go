package e2e_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/internal/devnet"
	"github.com/exodus-matrix/exodus/internal/stack"
)

// The bot as an ordinary account (mode: bot): a user registered with a
// password on Dendrite, no appservice registration, its events from its
// own /sync. Each test runs a stack of its own.

// accountStack starts a stack whose bot runs in mode: bot.
func accountStack(t *testing.T, name string) *crashNet {
	t.Helper()
	return crashStackOf(t, name, stack.Options{Account: true})
}

// accountCircle: in a room alice made, with the bot invited, alice makes
// the room a circle (`circle here`), invites bob, who joins and accepts
// with ✅; it returns the room.
func accountCircle(t *testing.T, c *crashNet, alice, bob *devnet.User) id.RoomID {
	t.Helper()
	room, err := alice.CreateRoom(testCtx(t), "Neighbours", []id.UserID{c.BotID}, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := alice.WaitMessage(testCtx(t), room, c.BotID, devnet.BodyContains("circle here")); err != nil {
		t.Fatalf("the bot's greeting in the room: %v", err)
	}
	mustContain(t, sayTo(t, alice, room, c.BotID, "!ex circle here"), "now the circle", "Neighbours")
	invite := sent(t, alice, room, "!ex invite "+bob.ID.String())
	card, err := alice.WaitMessageAfter(testCtx(t), room, invite, c.BotID, devnet.BodyContains("Invitation"))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := bob.WaitInvite(testCtx(t), c.BotID); err != nil || got != room {
		t.Fatalf("bob's invitation: %s %v", got, err)
	}
	if err := bob.Join(testCtx(t), room); err != nil {
		t.Fatal(err)
	}
	ack, err := bob.React(testCtx(t), room, card.ID, "✅")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := alice.WaitMessageAfter(testCtx(t), room, ack, c.BotID, devnet.BodyContains("accepted the invitation")); err != nil {
		t.Fatalf("bob's acceptance: %v", err)
	}
	return room
}

// TestBotAccountCircle: the bot, an ordinary account, joins a member's
// room when invited, makes it a circle, invites a member who accepts with
// ✅, posts a need's card, takes an intention made on the web organizer
// and a reply `commit`, and edits the card: the whole core of Exodus
// without an appservice.
func TestBotAccountCircle(t *testing.T) {
	c := accountStack(t, "account")
	alice, bob := fedMember(t, c.Stack, "alice"), fedMember(t, c.Stack, "bob")
	dm := dmWith(t, alice, c.BotID) // an invitation the bot's /sync brought
	mustContain(t, sayTo(t, alice, dm, c.BotID, "help"), "Commands")
	room := accountCircle(t, c, alice, bob)

	status := sent(t, bob, room, "!ex status orange 300")
	need := cardAfter(t, alice, room, c.BotID, status, "need")
	webOnAnAccount(t, c, alice, bob, room, need)
	commit := replied(t, alice, room, need.ID, "commit 50")
	mustContain(t, replyFrom(t, alice, room, c.BotID, commit), "Your commitment: €50")
	cardShowsFrom(t, bob, room, c.BotID, need.ID, commit, "50")
	all := settled(t, c.BotID, alice, room, "!ex pool", time.Minute)
	onlyOnce(t, all, c.BotID, status)
	onlyOnce(t, all, c.BotID, commit)
	noneTwice(t, c.Stack)

	// The health (on the web listener: nothing listens for a homeserver)
	// tells the account's /sync, for the events and for the device alike.
	code, body := get(t, c.WebURL+"/health")
	var rep struct {
		Status string                    `json:"status"`
		Checks map[string]map[string]any `json:"checks"`
	}
	if err := json.Unmarshal([]byte(body), &rep); err != nil || code != http.StatusOK || rep.Status != "ok" {
		t.Fatalf("health: %d %s (%v)", code, body, err)
	}
	if enc := rep.Checks["encryption"]; rep.Checks["transactions"]["last_received"] == nil || enc["ok"] != true ||
		enc["enabled"] != true || enc["cross_signed"] != true || enc["last_sync"] == nil {
		t.Errorf("health of mode: bot: %s", body)
	}

	// The account's password is in the config only: not in the log (at
	// debug, which shows the login request), not in the database.
	for _, path := range []string{filepath.Join(c.dir, "exodus.log"), c.DBPath, c.DBPath + "-wal"} {
		data, err := os.ReadFile(path)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		if strings.Contains(string(data), stack.AccountPassword) {
			t.Errorf("%s holds the account's password", path)
		}
	}
}

// TestBotAccountCrashMidBatch kills the bot (SIGKILL) twice in the middle
// of its /sync intake: once after the homeserver gave it a batch with a
// member's command and before the bot recorded it, once after it recorded
// and handled a command whose answer it had not sent yet, with another
// command recorded behind it. Started again, the bot answers each command
// once, and its need card is posted once.
func TestBotAccountCrashMidBatch(t *testing.T) {
	c := accountStack(t, "account-crash")
	alice, bob := fedMember(t, c.Stack, "alice"), fedMember(t, c.Stack, "bob")
	room := accountCircle(t, c, alice, bob)

	// A batch given, not recorded: the restart syncs from the token
	// before it and is given it again.
	c.proxy.HoldSyncWith("status orange 120")
	c.proxy.SetMode(stack.ProxyHoldSyncs)
	first := sent(t, bob, room, "!ex status orange 120")
	if _, err := c.proxy.WaitHeld(testCtx(t), 1); err != nil {
		t.Fatalf("the batch with the command: %v", err)
	}
	c.crash(t)
	need := cardAfter(t, alice, room, c.BotID, first, "need")
	replyFrom(t, alice, room, c.BotID, first) // nothing left to send before the next crash

	// Recorded and handled, not sent; a second command recorded behind.
	c.proxy.HoldOnly(func(h stack.Held) bool { return strings.Contains(h.Path, room.String()) })
	c.proxy.SetMode(stack.ProxyHoldSends)
	commit := replied(t, alice, room, need.ID, "commit 30")
	c.heldReply(t, commit)
	second := sent(t, alice, room, "!ex pool")
	waitRecorded(t, c, second)
	c.crash(t)

	all := settled(t, c.BotID, alice, room, "!ex pool", time.Minute)
	mustContain(t, onlyOnce(t, all, c.BotID, first), "€120 a month")
	mustContain(t, onlyOnce(t, all, c.BotID, commit), "Your commitment: €30")
	onlyOnce(t, all, c.BotID, second)
	cards := 0
	for _, e := range all {
		if ns, _ := e.Content.Raw["org.exodus"].(map[string]any); e.Sender == c.BotID && ns["type"] == "need" && e.Content.Raw["m.relates_to"] == nil {
			cards++
		}
	}
	if cards != 1 {
		t.Fatalf("%d need cards after the crashes, want one", cards)
	}
	noneTwice(t, c.Stack)
}

// waitRecorded waits until the bot's inbox holds the event.
func waitRecorded(t *testing.T, c *crashNet, evt id.EventID) {
	t.Helper()
	db := openRO(t, c.DBPath)
	ctx := testCtx(t)
	for {
		var n int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM inbox WHERE event_id = ?`, evt.String()).Scan(&n); err == nil && n == 1 {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the bot never recorded %s", evt)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// TestBotAccountFederatedCircle: a circle of alice's, answered by her
// community's appservice bot, with bob of another server, whose
// community's bot is an ordinary account (mode: bot). Invited once the
// circle has a past, the account bot catches up, follows in silence and
// computes the same ledger; stopped, it rebuilds the same from the rooms.
func TestBotAccountFederatedCircle(t *testing.T) {
	one, two := fedStacksWith(t, func(i int, opt *stack.Options) { opt.Account = i == 1 })
	alice, bob := fedMember(t, one, "alice"), fedMember(t, two, "bob")
	aliceDM := dmWith(t, alice, one.BotID)
	circle := fedCircle(t, one, "Bridge", alice, aliceDM, bob)
	status := sent(t, bob, circle, "!ex status orange 150")
	card := cardAfter(t, alice, circle, one.BotID, status, "need")
	heart := react(t, alice, circle, card.ID, "❤️")
	if _, err := bob.WaitMessageAfter(testCtx(t), circle, heart, one.BotID, devnet.BodyContains("intended €100")); err != nil {
		t.Fatalf("card after ❤️: %v", err)
	}

	if _, err := alice.Client.InviteUser(testCtx(t), circle, &mautrix.ReqInviteUser{UserID: two.BotID}); err != nil {
		t.Fatalf("invite the account bot: %v", err)
	}
	waitJoined(t, alice, circle, two.BotID)
	commit := replied(t, alice, circle, card.ID, "commit 60")
	mustContain(t, replyFrom(t, alice, circle, one.BotID, commit), "Your commitment: €60")
	bobDM := dmWith(t, bob, two.BotID)
	digest := sameDigest(t, one, two, tokenOf(t, alice, aliceDM, one.BotID), tokenOf(t, bob, bobDM, two.BotID), circle, 1)
	all, err := alice.Messages(testCtx(t), circle)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range all {
		if e.Sender == two.BotID && e.Type == event.EventMessage {
			t.Errorf("the following bot spoke in the circle: %q", devnet.Body(e))
		}
	}
	two.StopBot()
	if got := rebuiltDigest(t, two, circle); got != digest {
		t.Errorf("the account bot rebuilt the circle's digest as %s, want %s", got, digest)
	}
}

// webOnAnAccount: the web organizer of a bot in mode: bot. alice asks for
// a login link in her direct chat, logs in, sees bob's need on her
// dashboard and intends €20 on its page; the bot posts the action into the
// circle, and the need's card shows it.
func webOnAnAccount(t *testing.T, c *crashNet, alice, bob *devnet.User, room id.RoomID, need *event.Event) {
	t.Helper()
	dm := dmWith(t, alice, c.BotID)
	link := loginLinkRe.FindString(devnet.Body(sayTo(t, alice, dm, c.BotID, "web")))
	if link == "" || !strings.HasPrefix(link, c.WebURL) {
		t.Fatalf("no login link to %s in the bot's answer", c.WebURL)
	}
	_, d := data(t, need)
	needID, _ := d["need"].(string)
	ctx := browser(t)
	var dashboard, flash string
	run(t, ctx, "log in and intend",
		chromedp.Navigate(link),
		chromedp.WaitVisible(`#login`, chromedp.ByQuery),
		chromedp.Click(`#login`, chromedp.ByQuery),
		chromedp.WaitVisible(`a[href="/needs/`+needID+`"]`, chromedp.ByQuery),
		chromedp.Text(`main`, &dashboard, chromedp.ByQuery),
		chromedp.Navigate(c.WebURL+"/needs/"+needID),
		chromedp.WaitVisible(`form[action$="/intend"] input[name="amount"]`, chromedp.ByQuery),
		chromedp.SetValue(`form[action$="/intend"] input[name="amount"]`, "20", chromedp.ByQuery),
		chromedp.Click(`form[action$="/intend"] button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash`, chromedp.ByQuery),
		chromedp.Text(`.flash`, &flash, chromedp.ByQuery),
	)
	if !strings.Contains(dashboard, bob.ID.Localpart()) || !strings.Contains(flash, "intention") {
		t.Fatalf("the web organizer of mode: bot: dashboard %q, flash %q", dashboard, flash)
	}
	posted, err := bob.WaitMessageAfter(testCtx(t), room, need.ID, c.BotID, func(e *event.Event) bool {
		ns, _ := e.Content.Raw["org.exodus"].(map[string]any)
		d, _ := ns["data"].(map[string]any)
		return ns["type"] == "web_action" && d["member"] == alice.ID.String() && d["verb"] == "intend"
	})
	if err != nil {
		t.Fatalf("waiting for the web action in the circle: %v", err)
	}
	mustContain(t, posted, "on the web", "intend 20 EUR")
	cardShowsFrom(t, bob, room, c.BotID, need.ID, posted.ID, "intended €20")
}
