package e2e_test

import (
	"testing"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/internal/devnet"
	"github.com/exodus-matrix/exodus/internal/pushcheck"
)

// TestNotificationsReachWhoMustAct evaluates, as each member's client does,
// the push rules on the bot's real events fetched from Dendrite: with the
// rules Dendrite serves each member (a server without intentional
// mentions) and with the spec's current default rules. A message asking a
// member to act (payment details after committing, "sent, please confirm",
// a reminder, an invitation to vouch) notifies and highlights that member; answers,
// cards and their edits notify nobody; no message highlights a bystander,
// and a member's "@room" pings nobody.
func TestNotificationsReachWhoMustAct(t *testing.T) {
	alice, bob, carol, dave := member(t, "alice"), member(t, "bob"), member(t, "carol"), member(t, "dave")
	circle := circleOf(t, "Reach", alice, bob, carol)
	inviteAndJoin(t, alice, dave, circle)
	mustContain(t, say(t, dave, circle, "!ex accept"), "accepted the invitation")
	everyone := []*devnet.User{alice, bob, carol, dave}
	// The control: a member's message naming bob in its plain body
	// highlights him, on Dendrite's rules.
	hello, err := alice.Send(testCtx(t), circle, "hello "+bob.ID.String())
	if err != nil {
		t.Fatal(err)
	}
	if v := verdicts(t, bob, fetch(t, bob, circle, hello)); !v[0].Highlight {
		t.Fatalf("a member's message naming bob does not highlight him on Dendrite's rules: %v", v[0])
	}
	bobDM := openDM(t, bob)
	mustContain(t, say(t, bob, bobDM, "requisites IBAN DE02 1234 5678"), "IBAN DE02 1234 5678")

	// bob's need card and its edits notify nobody, though they name him.
	status, err := bob.Send(testCtx(t), circle, "!ex status orange 300")
	if err != nil {
		t.Fatal(err)
	}
	expectReach(t, replyTo(t, bob, circle, status), "", everyone...)
	card := needCard(t, alice, circle, status, bob.ID)
	expectReach(t, card, "", everyone...)

	// carol commits: the answer is quiet; her payment details notify her.
	answer := replyCmd(t, carol, circle, card.ID, "commit 50")
	mustContain(t, answer, "Your commitment: €50")
	expectReach(t, answer, "", everyone...)
	expectReach(t, cardEdit(t, alice, circle, card.ID, answer.ID), "", everyone...)
	carolDM := dmOf(t, carol, "")
	details := botSays(t, carol, carolDM, "IBAN DE02 1234 5678")
	expectReach(t, details, carol.ID, carol)

	// carol says she sent it: bob is asked to confirm, and notified.
	mustContain(t, replyCmd(t, carol, carolDM, details.ID, "sent"), "as sent")
	expectReach(t, botSays(t, bob, bobDM, "says they sent you €50"), bob.ID, bob)
	// carol reminds him: the answer is quiet, the reminder notifies bob.
	reminded := say(t, carol, carolDM, "remind "+bob.ID.String())
	mustContain(t, reminded, "reminded")
	expectReach(t, reminded, "", carol)
	expectReach(t, botSays(t, bob, bobDM, "reminds you that they sent you €50"), bob.ID, bob)

	// carol invites dave to vouch: the card notifies dave, highlights no other.
	sent, err := carol.Send(testCtx(t), circle, "!ex invite "+dave.ID.String())
	if err != nil {
		t.Fatal(err)
	}
	invitation, err := carol.WaitMessageAfter(testCtx(t), circle, sent, env.BotID, devnet.BodyContains("Invitation"))
	if err != nil {
		t.Fatal(err)
	}
	expectReach(t, invitation, dave.ID, everyone...)

	// Answers naming other members highlight nobody.
	expectReach(t, say(t, alice, circle, "!ex list"), "", everyone...)
	expectReach(t, say(t, dave, circle, "!ex chain "+bob.ID.String()), "", everyone...)
	expectReach(t, say(t, alice, circle, "!ex pool"), "", everyone...)

	// An SOS is a message of the room: it notifies, yet its "@room" and the
	// user ID its author typed highlight nobody.
	sos, err := dave.Send(testCtx(t), circle, "!ex sos @room please help, "+carol.ID.String())
	if err != nil {
		t.Fatal(err)
	}
	shout, err := dave.WaitMessageAfter(testCtx(t), circle, sos, env.BotID, devnet.BodyContains("SOS from"))
	if err != nil {
		t.Fatal(err)
	}
	expectReach(t, shout, "", everyone...)
	if v := verdicts(t, alice, shout); !v[0].Notify {
		t.Errorf("the SOS does not notify alice on Dendrite: %v", v[0])
	}
}

// fetch reads event evt of room as u's client gets it from Dendrite.
func fetch(t *testing.T, u *devnet.User, room id.RoomID, evt id.EventID) *event.Event {
	t.Helper()
	got, err := u.Event(testCtx(t), room, evt)
	if err != nil {
		t.Fatalf("%s reading %s: %v", u.ID, evt, err)
	}
	return got
}

// cardEdit waits for the bot's edit of card after the event after.
func cardEdit(t *testing.T, u *devnet.User, room id.RoomID, card, after id.EventID) *event.Event {
	t.Helper()
	evt, err := u.WaitMessageAfter(testCtx(t), room, after, env.BotID, func(e *event.Event) bool {
		rel, _ := e.Content.Raw["m.relates_to"].(map[string]any)
		return rel != nil && rel["rel_type"] == "m.replace" && rel["event_id"] == card.String()
	})
	if err != nil {
		t.Fatalf("waiting for an edit of %s: %v", card, err)
	}
	return evt
}

// expectReach fails unless evt notifies and highlights asked (if any) and
// highlights no other member, and, when it is a notice, notifies nobody:
// for every member, on the rules Dendrite serves them and on the spec's.
func expectReach(t *testing.T, evt *event.Event, asked id.UserID, members ...*devnet.User) {
	t.Helper()
	quiet := evt.Content.Raw["msgtype"] == string(event.MsgNotice)
	if asked != "" && quiet {
		t.Errorf("%s asks %s to act but is a notice: %q", evt.ID, asked, devnet.Body(evt))
	}
	for _, u := range members {
		for i, v := range verdicts(t, u, evt) {
			rules := [...]string{"Dendrite's rules", "the spec's default rules"}[i]
			switch {
			case u.ID == asked && !(v.Notify && v.Highlight):
				t.Errorf("%s: the message asking %s to act does not notify them (%v): %q", rules, u.ID, v, devnet.Body(evt))
			case u.ID != asked && v.Highlight:
				t.Errorf("%s: a message highlights bystander %s (%v): %q", rules, u.ID, v, devnet.Body(evt))
			case quiet && v.Notify:
				t.Errorf("%s: a quiet message notifies %s (%v): %q", rules, u.ID, v, devnet.Body(evt))
			}
		}
	}
}

// verdicts is what u's client makes of evt: on the push rules Dendrite
// serves u (legacy mention rules applied unless Dendrite advertises
// intentional mentions), then on the spec's default rules.
func verdicts(t *testing.T, u *devnet.User, evt *event.Event) [2]pushcheck.Verdict {
	t.Helper()
	ctx := testCtx(t)
	served, err := u.Client.GetPushRules(ctx)
	if err != nil {
		t.Fatalf("%s's push rules: %v", u.ID, err)
	}
	room := roomAsSeenBy(t, u, evt.RoomID)
	return [2]pushcheck.Verdict{
		pushcheck.Evaluate(served, intentionalMentions(t, u), room, evt),
		pushcheck.Evaluate(pushcheck.SpecDefaults(u.ID), true, room, evt),
	}
}

// intentionalMentions reports whether the homeserver advertises
// intentional mentions, as matrix-js-sdk decides it (v1.7, or MSC3952).
func intentionalMentions(t *testing.T, u *devnet.User) bool {
	t.Helper()
	v, err := u.Client.Versions(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	return v.ContainsGreaterOrEqual(mautrix.SpecV17) || v.UnstableFeatures["org.matrix.msc3952_intentional_mentions"]
}

// roomAsSeenBy is what u's client knows of a room for its push rules: the
// joined members, u's display name there, and the power levels.
func roomAsSeenBy(t *testing.T, u *devnet.User, room id.RoomID) pushcheck.Room {
	t.Helper()
	ctx := testCtx(t)
	members, err := u.Client.JoinedMembers(ctx, room)
	if err != nil {
		t.Fatalf("%s: members of %s: %v", u.ID, room, err)
	}
	r := pushcheck.Room{Members: len(members.Joined), PowerLevels: &event.PowerLevelsEventContent{}}
	if m, ok := members.Joined[u.ID]; ok {
		r.OwnName = m.DisplayName
	}
	if err := u.Client.StateEvent(ctx, room, event.StatePowerLevels, "", r.PowerLevels); err != nil {
		t.Fatalf("%s: power levels of %s: %v", u.ID, room, err)
	}
	return r
}
