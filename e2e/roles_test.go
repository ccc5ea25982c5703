package e2e_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/internal/devnet"
	"github.com/exodus-matrix/exodus/internal/stack"
)

// stackUser registers a plain (not encrypting) member on s's homeserver.
func stackUser(t *testing.T, s *stack.Stack, name string) *devnet.User {
	t.Helper()
	local := fmt.Sprintf("%s%d", name, time.Now().UnixNano()%1_000_000_000)
	u, err := s.HS.Register(testCtx(t), local, "password-"+local)
	if err != nil {
		t.Fatalf("register %s: %v", name, err)
	}
	return u
}

// circleRoles is what GET /api/v1/circles/{id} says of a circle's roles.
type circleRoles struct {
	Owner    id.UserID   `json:"owner"`
	CoOwners []id.UserID `json:"co_owners"`
	Members  []struct {
		Member id.UserID `json:"member"`
	} `json:"members"`
}

// rolesOf asks a bot's API for a circle's roles and members.
func rolesOf(t *testing.T, s *stack.Stack, token string, circle id.RoomID) circleRoles {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.WebURL+"/api/v1/circles/"+url.PathEscape(circle.String()), nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var r circleRoles
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &r) != nil {
		t.Fatalf("circle from %s: %d %s", s.BotID, resp.StatusCode, body)
	}
	return r
}

// memberIDs are the members a circleRoles lists.
func (r circleRoles) memberIDs() []id.UserID {
	var out []id.UserID
	for _, m := range r.Members {
		out = append(out, m.Member)
	}
	return out
}

// joinedTo reports whether user is joined to room, as u sees it.
func joinedTo(t *testing.T, u *devnet.User, room id.RoomID, user id.UserID) bool {
	t.Helper()
	resp, err := u.Client.JoinedMembers(testCtx(t), room)
	if err != nil {
		t.Fatal(err)
	}
	_, ok := resp.Joined[user]
	return ok
}

// TestCircleRolesAndRebuild: on a homeserver and bot of its own, the owner
// names a co-owner (told in his chat, raised to the moderator level), who
// changes the pledge as the owner would; the owner hands the circle over
// (the new owner told); the new owner removes a member, who is told in her
// chat and kicked from the room, her promise still in the ledger. The bot,
// started again on an empty database, rebuilds the roles from the rooms.
func TestCircleRolesAndRebuild(t *testing.T) {
	s := ownStack(t, "exodus-roles-", stack.Options{})
	alice, bob, carol, dave := stackUser(t, s, "alice"), stackUser(t, s, "bob"), stackUser(t, s, "carol"), stackUser(t, s, "dave")
	dms := map[id.UserID]id.RoomID{}
	for _, u := range []*devnet.User{alice, bob, carol, dave} {
		dms[u.ID] = dmWith(t, u, s.BotID)
	}
	mustContain(t, sayTo(t, alice, dms[alice.ID], s.BotID, "circle Bridge"), "Bridge")
	circle := joinInvite(t, alice, s.BotID)
	for _, u := range []*devnet.User{bob, carol, dave} {
		sent, err := alice.Send(testCtx(t), circle, "!ex invite "+u.ID.String())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := alice.WaitMessageAfter(testCtx(t), circle, sent, s.BotID, devnet.BodyContains("Invitation")); err != nil {
			t.Fatal(err)
		}
		if got := joinInvite(t, u, s.BotID); got != circle {
			t.Fatalf("%s invited into %s, want %s", u.ID, got, circle)
		}
		mustContain(t, sayTo(t, u, circle, s.BotID, "!ex accept"), "accepted the invitation")
	}
	daveCommits(t, s, alice, dave, circle)

	mustContain(t, sayTo(t, alice, circle, s.BotID, "!ex coowner "+bob.ID.String()), "is now a co-owner of **Bridge**")
	if _, err := bob.WaitMessage(testCtx(t), dms[bob.ID], s.BotID, devnet.BodyContains("named you a co-owner of the circle")); err != nil {
		t.Fatalf("bob was not told: %v", err)
	}
	var pl event.PowerLevelsEventContent
	if err := alice.Client.StateEvent(testCtx(t), circle, event.StatePowerLevels, "", &pl); err != nil || pl.GetUserLevel(bob.ID) != 50 {
		t.Fatalf("bob's power level %d (%v), want 50", pl.GetUserLevel(bob.ID), err)
	}
	mustContain(t, sayTo(t, bob, circle, s.BotID, "!ex circle pledge 30 EUR"), "now pledges")
	mustContain(t, sayTo(t, bob, circle, s.BotID, "!ex owner "+carol.ID.String()), "Only the owner of this circle")

	mustContain(t, sayTo(t, alice, circle, s.BotID, "!ex owner "+carol.ID.String()), "is now the owner of **Bridge**")
	if _, err := carol.WaitMessage(testCtx(t), dms[carol.ID], s.BotID, devnet.BodyContains("handed the circle **Bridge** over to you")); err != nil {
		t.Fatalf("carol was not told: %v", err)
	}
	mustContain(t, sayTo(t, carol, circle, s.BotID, "!ex исключить "+dave.ID.String()), "исключён из круга **Bridge**")
	if _, err := dave.WaitMessage(testCtx(t), dms[dave.ID], s.BotID, devnet.BodyContains("removed you from the circle **Bridge**")); err != nil {
		t.Fatalf("dave was not told: %v", err)
	}
	if joinedTo(t, carol, circle, dave.ID) {
		t.Fatal("dave is still in the circle's room")
	}
	wantPromisesOn(t, s, dave, dms[dave.ID])

	token := tokenOf(t, carol, dms[carol.ID], s.BotID)
	want := rolesOf(t, s, token, circle)
	if want.Owner != carol.ID || !slices.Equal(want.CoOwners, []id.UserID{alice.ID, bob.ID}) || slices.Contains(want.memberIDs(), dave.ID) {
		t.Fatalf("roles before the rebuild: %+v", want)
	}

	s.StopBot()
	for _, f := range []string{s.DBPath, s.DBPath + "-wal", s.DBPath + "-shm"} {
		_ = os.Remove(f)
	}
	if err := s.StartBot(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	got := rolesOf(t, s, tokenOf(t, carol, dms[carol.ID], s.BotID), circle)
	if got.Owner != want.Owner || !slices.Equal(got.CoOwners, want.CoOwners) || !slices.Equal(got.memberIDs(), want.memberIDs()) {
		t.Fatalf("roles after the rebuild: %+v, want %+v", got, want)
	}
	wantPromisesOn(t, s, dave, dms[dave.ID])
}

// wantPromisesOn checks that u's commitment still stands (`my` in the
// direct chat lists it).
func wantPromisesOn(t *testing.T, s *stack.Stack, u *devnet.User, dm id.RoomID) {
	t.Helper()
	mustContain(t, sayTo(t, u, dm, s.BotID, "my"), "€20")
}

// TestOwnersControlsInTheBrowser: the owner opens her circle's page in
// headless Chromium, reads the controls of the roles, names bob a
// co-owner with a click (the page says so and tags him; bob is told in
// his chat) and removes carol (the page says so; carol is told).
func TestOwnersControlsInTheBrowser(t *testing.T) {
	alice, bob, carol := member(t, "alice"), member(t, "bob"), member(t, "carol")
	circle := circleOf(t, "Roles", alice, bob, carol)
	aliceDM, bobDM, carolDM := openDM(t, alice), openDM(t, bob), openDM(t, carol)
	link := loginLinkRe.FindString(devnet.Body(say(t, alice, aliceDM, "web")))
	if link == "" {
		t.Fatal("no login link")
	}
	ctx := browser(t)
	var page, flash string
	button := func(label string) string { return `button[aria-label="` + label + `"]` }
	run(t, ctx, "the circle page with the owner's controls",
		chromedp.Navigate(link),
		chromedp.WaitVisible(`#login`, chromedp.ByQuery),
		chromedp.Click(`#login`, chromedp.ByQuery),
		chromedp.WaitVisible(`#trust-size`, chromedp.ByQuery),
		chromedp.Navigate(env.WebURL+"/circles/"+circle.String()),
		chromedp.WaitVisible(`#roles-hint`, chromedp.ByQuery),
		chromedp.Text(`main`, &page, chromedp.ByQuery),
	)
	for _, want := range []string{"You manage this circle", "Make co-owner", "Hand the circle over", "Remove", "owner"} {
		if !strings.Contains(page, want) {
			t.Fatalf("the owner's page lacks %q:\n%s", want, page)
		}
	}
	run(t, ctx, "name bob a co-owner",
		chromedp.Click(button("Make co-owner: "+bob.ID.String()), chromedp.ByQuery),
		chromedp.WaitVisible(button("Dismiss as co-owner: "+bob.ID.String()), chromedp.ByQuery),
		chromedp.Text(`main`, &page, chromedp.ByQuery),
	)
	if !strings.Contains(page, "Named a co-owner; they are told.") || !strings.Contains(page, "co-owner") {
		t.Fatalf("after naming bob the page shows:\n%s", page)
	}
	botSays(t, bob, bobDM, "named you a co-owner of the circle **Roles**")
	run(t, ctx, "remove carol",
		chromedp.Click(button("Remove "+carol.ID.String()+" from the circle"), chromedp.ByQuery),
		chromedp.WaitNotPresent(button("Remove "+carol.ID.String()+" from the circle"), chromedp.ByQuery),
		chromedp.WaitVisible(`#roles-hint`, chromedp.ByQuery),
		chromedp.Text(`main`, &flash, chromedp.ByQuery),
	)
	if !strings.Contains(flash, "Removed from the circle; they are told.") || strings.Contains(flash, carol.ID.Localpart()) {
		t.Fatalf("after removing carol the page shows:\n%s", flash)
	}
	botSays(t, carol, carolDM, "removed you from the circle **Roles**")
}

// daveCommits makes alice orange for 100 and has dave commit 20 in reply
// to her need card.
func daveCommits(t *testing.T, s *stack.Stack, alice, dave *devnet.User, circle id.RoomID) {
	t.Helper()
	sent, err := alice.Send(testCtx(t), circle, "!ex status orange 100")
	if err != nil {
		t.Fatal(err)
	}
	card, err := alice.WaitMessageAfter(testCtx(t), circle, sent, s.BotID, func(e *event.Event) bool {
		ns, _ := e.Content.Raw["org.exodus"].(map[string]any)
		return ns["type"] == "need" && e.Content.Raw["m.relates_to"] == nil
	})
	if err != nil {
		t.Fatalf("waiting for alice's need card: %v", err)
	}
	r, err := dave.Reply(testCtx(t), circle, card.ID, "commit 20")
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, replyFrom(t, dave, circle, s.BotID, r), "Your commitment: €20")
}
