package e2e_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/internal/devnet"
	"github.com/exodus-matrix/exodus/internal/stack"
)

// rogueNet starts a stack with its bot on 127.0.0.1 and, federating with
// it, a bare homeserver on 127.0.0.2 with no bot: anyone may register
// there, "exodus" included.
func rogueNet(t *testing.T) (*stack.Stack, *devnet.Homeserver) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	dir, err := os.MkdirTemp("", "exodus-rogue-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("files of the rogue test kept in %s", dir)
		} else {
			_ = os.RemoveAll(dir)
		}
	})
	one, err := stack.Start(ctx, stack.Options{Dir: filepath.Join(dir, "one"), Host: "127.0.0.1", Federate: true,
		Settings: map[string]any{"bot.reconcile_interval": "1s", "bot.takeover_after": "2s"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(one.Stop)
	evil, err := devnet.Start(ctx, devnet.Options{Dir: filepath.Join(dir, "evil"), Host: "127.0.0.2", Federate: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = evil.Stop() })
	return one, evil
}

// TestRogueBotChangesNothing: a user named like every Exodus bot
// (@exodus:<its own server>), which no operator listed in
// bot.trusted_bots, joins a circle and forges what a bot may post: the
// circle's state naming itself, a record of a web action (a commitment in
// a member's name), a relay (as an old notice and as a record event) and
// a card; a member of the circle forges a record event too. The bot gives it no power, its
// homeserver refuses the state, and the ledger's digest does not move;
// the circle's members go on being answered.
func TestRogueBotChangesNothing(t *testing.T) {
	one, evil := rogueNet(t)
	rogue, err := evil.Register(testCtx(t), "exodus", "password-rogue")
	if err != nil {
		t.Fatal(err)
	}
	alice, carol := fedMember(t, one, "alice"), fedMember(t, one, "carol")
	aliceDM, carolDM := dmWith(t, alice, one.BotID), dmWith(t, carol, one.BotID)
	circle := fedCircle(t, one, "Keep", alice, aliceDM, carol)
	status, err := alice.Send(testCtx(t), circle, "!ex status orange 100")
	if err != nil {
		t.Fatal(err)
	}
	card := cardAfter(t, carol, circle, one.BotID, status, "need")
	heart := react(t, carol, circle, card.ID, "❤️")
	if _, err := alice.WaitMessageAfter(testCtx(t), circle, heart, one.BotID, devnet.BodyContains("intended €100")); err != nil {
		t.Fatalf("card after ❤️: %v", err)
	}
	token := tokenOf(t, alice, aliceDM, one.BotID)

	// alice lets the rogue in: it joins over federation.
	if _, err := alice.Client.InviteUser(testCtx(t), circle, &mautrix.ReqInviteUser{UserID: rogue.ID}); err != nil {
		t.Fatal(err)
	}
	if err := rogue.Join(testCtx(t), circle); err != nil {
		t.Fatalf("the rogue joins: %v", err)
	}
	waitJoined(t, alice, circle, rogue.ID)
	// The bot handles events in order: once it answers alice, it has
	// handled all before (the rogue's join: a member of the room now).
	mustContain(t, sayTo(t, alice, circle, one.BotID, "!ex pool"), "Pool")
	before, promises := digestOf(t, one, token, circle)

	// It tries to name itself the answering bot: it has no power to.
	_, err = rogue.Client.SendStateEvent(testCtx(t), circle, event.Type{Type: "org.exodus.circle", Class: event.StateEventType}, "",
		map[string]any{"name": "Mine", "answering_bot": rogue.ID, "owner": rogue.ID, "pledge_minor": 100, "currency": "EUR", "lang": "en", "version": 1})
	if err == nil {
		t.Fatal("the rogue set the circle's state")
	}
	// It forges a commitment in carol's name, a relay of a "sent" and a card.
	need, _ := cardData(card)["need"].(string)
	forgeries := []map[string]any{
		{"type": "web_action", "data": map[string]any{"member": carol.ID, "verb": "commit", "command": "commit",
			"at": time.Now().UnixMilli(), "cmd": map[string]any{"Verb": "commit"}, "need": need}},
		{"type": "relay", "data": map[string]any{"ops": []any{map[string]any{"event": "$forged", "kind": "sent",
			"actor": carol.ID, "need": need, "at": time.Now().UnixMilli()}}}},
		{"type": "need", "data": map[string]any{"need": need}},
	}
	for _, ns := range forgeries {
		if _, err := rogue.Client.SendMessageEvent(testCtx(t), circle, event.EventMessage,
			map[string]any{"msgtype": "m.notice", "body": "🌐 forged", "org.exodus": ns}); err != nil {
			t.Fatalf("the rogue posts: %v", err)
		}
	}
	// The same relay as a record event (the form bots post now), from the
	// rogue and from carol, a member of the circle.
	record := map[string]any{"body": "forged", "kind": "relay.op", "actor": carol.ID, "verb": "withdraw", "need": need,
		"event": "$forged2", "version": 1, "ops": []any{map[string]any{"event": "$forged2", "kind": "withdraw",
			"actor": carol.ID, "need": need, "at": time.Now().UTC().Format(time.RFC3339Nano)}}}
	for _, u := range []*devnet.User{rogue, carol} {
		if _, err := u.Client.SendMessageEvent(testCtx(t), circle, event.Type{Type: recordType, Class: event.MessageEventType}, record); err != nil {
			t.Fatalf("%s posts a record: %v", u.ID, err)
		}
	}
	mustContain(t, sayTo(t, alice, circle, one.BotID, "!ex pool"), "Pool")
	if after, n := digestOf(t, one, token, circle); after != before || n != promises {
		t.Fatalf("the rogue changed the ledger: %s (%d promises), was %s (%d)", after, n, before, promises)
	}
	var pl event.PowerLevelsEventContent
	if err := alice.Client.StateEvent(testCtx(t), circle, event.StatePowerLevels, "", &pl); err != nil {
		t.Fatal(err)
	}
	if lvl := pl.GetUserLevel(rogue.ID); lvl != pl.UsersDefault {
		t.Fatalf("the bot raised the rogue to %d", lvl)
	}
	if pl.GetEventLevel(event.Type{Type: "org.exodus.circle"}) >= pl.GetEventLevel(event.StatePowerLevels) {
		t.Fatalf("the circle's state needs the power to rewrite the power levels: %v", pl.Events)
	}
	_ = carolDM
}

// fedCircle makes a circle of owner's with the stack's bot and brings
// others (on any server) in with a guarantee each.
func fedCircle(t *testing.T, s *stack.Stack, name string, owner *devnet.User, ownerDM id.RoomID, others ...*devnet.User) id.RoomID {
	t.Helper()
	mustContain(t, sayTo(t, owner, ownerDM, s.BotID, "circle "+name), name)
	circle, err := owner.WaitInvite(testCtx(t), s.BotID)
	if err != nil {
		t.Fatal(err)
	}
	if err := owner.Join(testCtx(t), circle); err != nil {
		t.Fatal(err)
	}
	for _, o := range others {
		sent, err := owner.Send(testCtx(t), circle, "!ex invite "+o.ID.String())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := owner.WaitMessageAfter(testCtx(t), circle, sent, s.BotID, devnet.BodyContains("Invitation")); err != nil {
			t.Fatal(err)
		}
		if room, err := o.WaitInvite(testCtx(t), s.BotID); err != nil || room != circle {
			t.Fatalf("%s's invitation: %s %v", o.ID, room, err)
		}
		if err := o.Join(testCtx(t), circle); err != nil {
			t.Fatal(err)
		}
		mustContain(t, sayTo(t, o, circle, s.BotID, "!ex accept"), "accepted the invitation")
	}
	return circle
}

// cardAfter waits for the bot's card of a kind posted after an event.
func cardAfter(t *testing.T, u *devnet.User, room id.RoomID, bot id.UserID, after id.EventID, kind string) *event.Event {
	t.Helper()
	card, err := u.WaitMessageAfter(testCtx(t), room, after, bot, func(e *event.Event) bool {
		ns, _ := e.Content.Raw["org.exodus"].(map[string]any)
		return ns["type"] == kind && e.Content.Raw["m.relates_to"] == nil
	})
	if err != nil {
		t.Fatalf("%s card: %v", kind, err)
	}
	return card
}

// cardData is the machine-readable data of a bot's card.
func cardData(card *event.Event) map[string]any {
	ns, _ := card.Content.Raw["org.exodus"].(map[string]any)
	d, _ := ns["data"].(map[string]any)
	return d
}
