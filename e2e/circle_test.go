package e2e_test

import (
	"testing"
)

// TestCircleHereDeclineAndSOS makes an existing group room a circle, has an
// invitee decline, and sends sos messages up to the rate limit.
func TestCircleHereDeclineAndSOS(t *testing.T) {
	alice, bob, carol := member(t, "alice"), member(t, "bob"), member(t, "carol")
	ctx := testCtx(t)
	room, err := alice.CreateRoom(ctx, "Neighbours", nil, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := alice.Client.InviteUser(ctx, room, inviteReq(env.BotID)); err != nil {
		t.Fatal(err)
	}
	botSays(t, alice, room, "circle here")

	// Before it is a circle, invitations are refused with a hint.
	mustContain(t, say(t, alice, room, "!ex invite "+bob.ID.String()), "not a circle", "!ex circle here")
	mustContain(t, say(t, alice, room, "!ex circle here"), "now the circle", "Neighbours")
	mustContain(t, say(t, alice, room, "!ex circle here"), "already a circle")

	// The owner changes the pledge; bob, not the owner, cannot.
	inviteAndJoin(t, alice, bob, room)
	mustContain(t, say(t, bob, room, "!ex circle pledge 50"), "Only the owner")
	mustContain(t, say(t, bob, room, "!ex decline"), "declined the invitation")
	mustContain(t, say(t, bob, room, "!ex accept"), "no open invitation")
	mustContain(t, say(t, alice, room, "!ex circle pledge 50 EUR"), "€50")

	// carol accepts; the pledge on the new card is the new one.
	card := inviteAndJoinPledge(t, alice, carol, room, "€50")
	if _, err := carol.React(testCtx(t), room, card.ID, "✅"); err != nil {
		t.Fatal(err)
	}
	botSays(t, carol, room, "accepted the invitation")

	// sos reaches the circle; the third within a day is refused (limit 2 in these tests).
	mustContain(t, say(t, alice, room, "!ex sos the roof is leaking"), "went to 1 member of")
	botSays(t, carol, room, "SOS from")
	mustContain(t, say(t, alice, room, "!ex сос ещё раз"), "отправлено 1 участнику")
	mustContain(t, say(t, alice, room, "!ex sos again"), "at most 2 SOS messages")
}
