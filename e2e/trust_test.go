package e2e_test

import (
	"strings"
	"testing"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/internal/devnet"
)

func TestTrustNetwork(t *testing.T) {
	alice, bob, carol, dave := member(t, "alice"), member(t, "bob"), member(t, "carol"), member(t, "dave")
	aliceDM := openDM(t, alice)

	// alice creates a circle from her direct chat and joins it.
	reply := say(t, alice, aliceDM, "circle Friends")
	mustContain(t, reply, "Friends", "€100")
	if kind, _ := data(t, reply); kind != "circle_created" {
		t.Fatalf("reply kind = %q, want circle_created", kind)
	}
	circle := joinInvite(t, alice, env.BotID)
	botSays(t, alice, circle, "Welcome to the circle")

	// alice invites bob; bob accepts with ✅ on the card.
	card := inviteAndJoin(t, alice, bob, circle)
	ctx := testCtx(t)
	if _, err := bob.React(ctx, circle, card.ID, "✅"); err != nil {
		t.Fatal(err)
	}
	accepted := botSays(t, alice, circle, "accepted the invitation")
	mustContain(t, accepted, bob.ID.String(), alice.ID.String())

	// bob invites carol; carol accepts with the command.
	inviteAndJoin(t, bob, carol, circle)
	mustContain(t, say(t, carol, circle, "!ex accept"), "accepted the invitation", "2 members")

	// list, chain and pool from alice's point of view.
	list := say(t, alice, circle, "!ex list")
	_, d := data(t, list)
	if got := ids(d["direct"]); len(got) != 1 || got[0] != bob.ID.String() {
		t.Fatalf("direct = %v, want [%s]", got, bob.ID)
	}
	if got := ids(d["indirect"]); len(got) != 1 || got[0] != carol.ID.String() {
		t.Fatalf("indirect = %v, want [%s]", got, carol.ID)
	}
	mustContain(t, list, "2 members")

	chain := say(t, alice, circle, "!ex chain "+carol.ID.String())
	_, d = data(t, chain)
	want := []string{alice.ID.String(), bob.ID.String(), carol.ID.String()}
	if got := ids(d["chain"]); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("chain = %v, want %v", got, want)
	}

	pool := say(t, alice, circle, "!ex pool")
	mustContain(t, pool, "€200", "2 members", "first time")

	// bob asks for a one-time code; dave uses it in a direct chat.
	say(t, bob, circle, "!ex invite")
	bobDM := joinInvite(t, bob, env.BotID)
	codeMsg := botSays(t, bob, bobDM, "one-time invitation code")
	_, d = data(t, codeMsg)
	code, _ := d["code"].(string)
	if code == "" {
		t.Fatalf("no code in %v", d)
	}
	daveDM := openDM(t, dave)
	mustContain(t, say(t, dave, daveDM, "accept "+code), "accepted the invitation")
	botSays(t, bob, bobDM, "accepted your invitation")
	joinInvite(t, dave, env.BotID) // into the circle the code belongs to
	mustContain(t, say(t, dave, daveDM, "accept "+code), "no longer open")

	pool = say(t, alice, circle, "!ex pool")
	mustContain(t, pool, "€300", "3 members", "+€100")

	// alice blocks bob: her list empties, and bob is told.
	block := say(t, alice, circle, "!ex block "+bob.ID.String())
	mustContain(t, block, "cut your guarantee")
	botSays(t, bob, bobDM, "cut their guarantee")
	mustContain(t, say(t, alice, circle, "!ex list"), "trust list is empty")
	blocked := say(t, bob, circle, "!ex invite "+alice.ID.String())
	mustContain(t, blocked, "has blocked you")
	mustContain(t, say(t, alice, circle, "!ex unblock "+bob.ID.String()), "counts again")
	mustContain(t, say(t, alice, circle, "!ex list"), "3 members")
}

// inviteAndJoin has inviter invite invitee into the circle, waits for the
// card, and has the invitee join the room. It returns the card.
func inviteAndJoin(t *testing.T, inviter, invitee *devnet.User, circle id.RoomID) *event.Event {
	t.Helper()
	return inviteAndJoinPledge(t, inviter, invitee, circle, "€100")
}

// inviteAndJoinPledge is inviteAndJoin for a circle whose pledge is pledge.
func inviteAndJoinPledge(t *testing.T, inviter, invitee *devnet.User, circle id.RoomID, pledge string) *event.Event {
	t.Helper()
	ctx := testCtx(t)
	sent, err := inviter.Send(ctx, circle, "!ex invite "+invitee.ID.String())
	if err != nil {
		t.Fatal(err)
	}
	card, err := inviter.WaitMessageAfter(ctx, circle, sent, env.BotID, devnet.BodyContains("Invitation"))
	if err != nil {
		t.Fatal(err)
	}
	kind, d := data(t, card)
	if kind != "invitation" || d["invitee"] != invitee.ID.String() || d["inviter"] != inviter.ID.String() {
		t.Fatalf("card = %s %v", kind, d)
	}
	mustContain(t, card, "I intend to help you in case of need with "+pledge+" and count on reciprocity")
	if got := joinInvite(t, invitee, env.BotID); got != circle {
		t.Fatalf("%s was invited into %s, want the circle %s", invitee.ID, got, circle)
	}
	return card
}
