//go:build goolm

package encrypted_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/internal/devnet"
	"github.com/exodus-matrix/exodus/internal/devnet/encrypted"
)

// TestEncryptedMembers: two encrypting members talk in an encrypted room
// through the devnet helpers (message, reply, encrypted and clear
// reactions); the homeserver and a plain member see only m.room.encrypted;
// a member who restarts its client keeps its device and reads on; a member
// joining later reads what comes after its join.
func TestEncryptedMembers(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute) // includes a possible first build
	defer cancel()
	hs, err := devnet.Start(ctx, devnet.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := hs.Stop(); err != nil {
			t.Errorf("stop: %v", err)
		}
		if t.Failed() {
			t.Logf("dendrite log tail:\n%s", hs.LogTail())
		}
	})
	aliceDir := t.TempDir()
	alice := register(ctx, t, hs, "alice", aliceDir)
	bob := register(ctx, t, hs, "bob", t.TempDir())
	eve, err := hs.Register(ctx, "eve", "eve-password") // a plain client: reads what the server has
	if err != nil {
		t.Fatal(err)
	}

	room, err := alice.CreateRoom(ctx, "secrets", []id.UserID{bob.ID, eve.ID}, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []*devnet.User{bob, eve} {
		if got, err := u.WaitInvite(ctx, alice.ID); err != nil || got != room {
			t.Fatalf("%s: invite %s, %v; want %s", u.ID, got, err, room)
		}
		if err := u.Join(ctx, room); err != nil {
			t.Fatal(err)
		}
	}

	hello, err := alice.Send(ctx, room, "the secret is 4711")
	if err != nil {
		t.Fatal(err)
	}
	got := wait(ctx, t, bob, room, alice.ID, devnet.BodyContains("secret"))
	if got.ID != hello || !got.Mautrix.WasEncrypted || devnet.Body(got) != "the secret is 4711" {
		t.Fatalf("bob read %s %q (was encrypted: %v), want %s", got.ID, devnet.Body(got), got.Mautrix.WasEncrypted, hello)
	}
	onServer(ctx, t, eve, room, hello, "4711")

	reply, err := bob.Reply(ctx, room, hello, "got 4711")
	if err != nil {
		t.Fatal(err)
	}
	got = wait(ctx, t, alice, room, bob.ID, nil)
	if got.ID != reply || got.Content.AsMessage().RelatesTo.GetReplyTo() != hello || devnet.Body(got) != "got 4711" {
		t.Fatalf("alice read %s %q replying to %s; want %s replying to %s", got.ID, devnet.Body(got),
			got.Content.AsMessage().RelatesTo.GetReplyTo(), reply, hello)
	}
	onServer(ctx, t, eve, room, reply, "4711")

	heart, err := bob.ReactEncrypted(ctx, room, hello, "❤️")
	if err != nil {
		t.Fatal(err)
	}
	got = wait(ctx, t, alice, room, bob.ID, devnet.IsType(event.EventReaction))
	if rel := got.Content.AsReaction().RelatesTo; got.ID != heart || rel.EventID != hello || rel.Key != "❤️" {
		t.Fatalf("alice read reaction %s %+v, want %s ❤️ on %s", got.ID, rel, heart, hello)
	}
	// The relation stays in clear (mautrix copies m.relates_to out of the
	// ciphertext, as the spec asks), the reaction's key included: the server
	// sees which event got a ❤️, though not as an m.reaction.
	onServer(ctx, t, eve, room, heart, "")
	thumb, err := bob.React(ctx, room, hello, "👍") // as Element does: in clear
	if err != nil {
		t.Fatal(err)
	}
	if got = wait(ctx, t, alice, room, bob.ID, devnet.IsType(event.EventReaction)); got.ID != thumb || got.Mautrix.WasEncrypted {
		t.Fatalf("alice read %s (was encrypted: %v), want the clear reaction %s", got.ID, got.Mautrix.WasEncrypted, thumb)
	}

	// An encrypted direct chat, as Element makes them.
	dm, err := bob.CreateEncryptedDM(ctx, alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := alice.WaitInvite(ctx, bob.ID); err != nil || got != dm {
		t.Fatalf("alice: DM invite %s, %v; want %s", got, err, dm)
	}
	if err := alice.Join(ctx, dm); err != nil {
		t.Fatal(err)
	}
	psst, err := bob.Send(ctx, dm, "psst, 4711")
	if err != nil {
		t.Fatal(err)
	}
	if got = wait(ctx, t, alice, dm, bob.ID, nil); got.ID != psst || !got.Mautrix.WasEncrypted || devnet.Body(got) != "psst, 4711" {
		t.Fatalf("alice read %s %q in the DM (was encrypted: %v), want %s", got.ID, devnet.Body(got), got.Mautrix.WasEncrypted, psst)
	}

	// Alice restarts her client: same device, same keys, and she reads on.
	device := alice.Client.DeviceID
	if err := alice.Close(); err != nil {
		t.Fatal(err)
	}
	alice = login(ctx, t, hs, "alice", aliceDir)
	if alice.Client.DeviceID != device {
		t.Fatalf("after a restart alice has device %s, want %s", alice.Client.DeviceID, device)
	}
	if _, err := bob.Send(ctx, room, "after your restart"); err != nil {
		t.Fatal(err)
	}
	wait(ctx, t, alice, room, bob.ID, devnet.BodyContains("after your restart"))
	all, err := alice.Messages(ctx, room)
	if err != nil {
		t.Fatal(err)
	}
	if !readable(all, hello, "the secret is 4711") {
		t.Fatal("after a restart alice no longer reads her first message")
	}

	// Carol joins later: what was said before stays unreadable to her and
	// does not hold her up; what comes after she reads.
	carol := register(ctx, t, hs, "carol", t.TempDir())
	if _, err := alice.Client.InviteUser(ctx, room, &mautrix.ReqInviteUser{UserID: carol.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := carol.WaitInvite(ctx, alice.ID); err != nil {
		t.Fatal(err)
	}
	if err := carol.Join(ctx, room); err != nil {
		t.Fatal(err)
	}
	welcome, err := alice.Send(ctx, room, "welcome carol")
	if err != nil {
		t.Fatal(err)
	}
	if got := wait(ctx, t, carol, room, alice.ID, nil); got.ID != welcome {
		t.Fatalf("carol read %s %q first, want %s", got.ID, devnet.Body(got), welcome)
	}
	if all, err = carol.Messages(ctx, room); err != nil {
		t.Fatal(err)
	}
	if readable(all, hello, "the secret is 4711") {
		t.Fatal("carol reads a message sent before she was invited")
	}

	// Bob opens a second client, a new device: alice's next message reaches
	// it (her session is renewed for the new device) and the history it has
	// no keys for does not hold it up.
	bob2 := login(ctx, t, hs, "bob", t.TempDir())
	if bob2.Client.DeviceID == bob.Client.DeviceID {
		t.Fatal("bob's second client has his first device")
	}
	both, err := alice.Send(ctx, room, "to both of bob's devices")
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []*devnet.User{bob, bob2} {
		if got := wait(ctx, t, u, room, alice.ID, devnet.BodyContains("both")); got.ID != both {
			t.Fatalf("%s on %s read %s %q, want %s", u.ID, u.Client.DeviceID, got.ID, devnet.Body(got), both)
		}
	}
}

func register(ctx context.Context, t *testing.T, hs *devnet.Homeserver, name, dir string) *devnet.User {
	t.Helper()
	u, err := encrypted.Register(ctx, hs, name, name+"-password", dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = u.Close() })
	return u
}

func login(ctx context.Context, t *testing.T, hs *devnet.Homeserver, name, dir string) *devnet.User {
	t.Helper()
	u, err := encrypted.Login(ctx, hs, name, name+"-password", dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = u.Close() })
	return u
}

// wait is WaitMessage bounded to 30 seconds.
func wait(ctx context.Context, t *testing.T, u *devnet.User, room id.RoomID, from id.UserID, match func(*event.Event) bool) *event.Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	evt, err := u.WaitMessage(ctx, room, from, match)
	if err != nil {
		t.Fatal(err)
	}
	return evt
}

// onServer checks that the event as the homeserver serves it (to eve, a
// member with no crypto) is m.room.encrypted and does not contain secret
// (if not "").
func onServer(ctx context.Context, t *testing.T, eve *devnet.User, room id.RoomID, evtID id.EventID, secret string) {
	t.Helper()
	evt, err := eve.Event(ctx, room, evtID)
	if err != nil {
		t.Fatal(err)
	}
	if evt.Type != event.EventEncrypted || secret != "" && strings.Contains(string(evt.Content.VeryRaw), secret) {
		t.Fatalf("the server holds %s as %s: %s", evtID, evt.Type.Type, evt.Content.VeryRaw)
	}
	got := wait(ctx, t, eve, room, "", func(e *event.Event) bool { return e.ID == evtID })
	if got.Type != event.EventEncrypted {
		t.Fatalf("a member without crypto reads %s as %s", evtID, got.Type.Type)
	}
}

// readable reports whether events hold evtID decrypted with body.
func readable(events []*event.Event, evtID id.EventID, body string) bool {
	for _, e := range events {
		if e.ID == evtID {
			return e.Mautrix.WasEncrypted && devnet.Body(e) == body
		}
	}
	return false
}
