package bot_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"go.mau.fi/util/dbutil"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"
	"maunium.net/go/mautrix/sqlstatestore"

	"github.com/exodus-matrix/exodus/bot"
)

// statefulWorld is an encrypting aid world whose intake keeps the Matrix
// state store in the bot's database (sqlstatestore, as cmd/exodus wires
// it), which the sender reads to tell which rooms are encrypted.
func statefulWorld(t *testing.T) *aidWorld {
	w, _ := encryptingWorld(t)
	states := sqlstatestore.NewSQLStateStore(w.store.DB(), dbutil.ZeroLogger(zerolog.Nop()), false)
	if err := states.Upgrade(w.ctx); err != nil {
		t.Fatal(err)
	}
	w.intake = bot.NewIntake(w.store, hsToken, w.bot, states, w.clock, nil)
	w.bot.Sender().SetEncryptionStates(states)
	return w
}

// encryptionEvent is a raw m.room.encryption state event in room.
func (w *aidWorld) encryptionEvent(room any, sender string) json.RawMessage {
	_, raw := w.event("m.room.encryption", room, sender, map[string]any{"algorithm": "m.megolm.v1.aes-sha2"},
		map[string]any{"state_key": ""})
	return raw
}

// botMembership is a raw m.room.member event making the bot's membership
// in room membership, sent by sender.
func (w *aidWorld) botMembership(room any, sender, membership string) json.RawMessage {
	_, raw := w.event("m.room.member", room, sender, map[string]any{"membership": membership},
		map[string]any{"state_key": "@exodus:test"})
	return raw
}

// mustBeSealed fails unless every message is encrypted (want true) or none
// is (want false), and there is at least one.
func mustBeSealed(t *testing.T, msgs []sentMessage, want bool) {
	t.Helper()
	if len(msgs) == 0 {
		t.Fatal("no message sent")
	}
	for _, m := range msgs {
		if (m.Type == "m.room.encrypted") != want {
			t.Errorf("sent %s (encrypted wanted: %v): %v", m.Type, want, m.Content)
		}
	}
}

// The hot path: answers into an unencrypted room cost one question to the
// homeserver, the first; then the state store, which the intake keeps up to
// date, tells.
func TestUnencryptedRoomIsAskedOnce(t *testing.T) {
	w := statefulWorld(t)
	k := w.cli.count()
	for range 3 {
		w.say(w.circle, bob, "!ex help")
	}
	sent := inRoom(w.sentSince(k), w.circle)
	mustBeSealed(t, sent, false)
	if len(sent) < 3 || w.cli.asked(w.circle) != 1 {
		t.Fatalf("%d messages into the circle asked the homeserver %d times, want once", len(sent), w.cli.asked(w.circle))
	}
}

// Encryption turned on in a room the bot checked before: the very message
// the bot sends next goes out encrypted, without asking the homeserver
// again, even before the intake reached the m.room.encryption event (it is
// recorded in the state store when the transaction is taken).
func TestEncryptionTurnedOnIsSeenAtOnce(t *testing.T) {
	w := statefulWorld(t)
	w.say(w.circle, bob, "!ex help") // the circle checked: unencrypted
	k := w.cli.count()
	_, cmd := w.event("m.room.message", w.circle, bob, map[string]any{"msgtype": "m.text", "body": "!ex help"}, nil)
	if code := w.put(t, hsToken, "cmd", cmd); code != http.StatusOK {
		t.Fatalf("transaction refused: %d", code)
	}
	if _, err := w.intake.Drain(w.ctx); err != nil { // the answer waits in the outbox
		t.Fatal(err)
	}
	w.cli.mu.Lock()
	w.cli.encrypted[id.RoomID(w.circle)] = true
	w.cli.mu.Unlock()
	if code := w.put(t, hsToken, "encryption", w.encryptionEvent(w.circle, alice)); code != http.StatusOK {
		t.Fatalf("transaction refused: %d", code)
	}
	mustBeSealed(t, inRoom(w.sentSince(k), w.circle), true) // sent, not drained yet

	k = w.cli.count()
	w.drain(t)
	w.say(w.circle, bob, "!ex help")
	mustBeSealed(t, inRoom(w.sentSince(k), w.circle), true)
	if n := w.cli.asked(w.circle); n != 1 {
		t.Fatalf("asked the homeserver %d times, want once", n)
	}
}

// A room the bot left and joined again may have been encrypted while it
// was out (it heard nothing of it then): the homeserver is asked again.
func TestRejoinedRoomIsAskedAgain(t *testing.T) {
	w := statefulWorld(t)
	w.say(w.circle, bob, "!ex help")
	w.deliver(w.botMembership(w.circle, alice, "leave"))
	w.cli.mu.Lock()
	w.cli.encrypted[id.RoomID(w.circle)] = true // while the bot was out
	w.cli.mu.Unlock()
	w.deliver(w.botMembership(w.circle, "@exodus:test", "join"))
	k := w.cli.count()
	w.say(w.circle, bob, "!ex help")
	mustBeSealed(t, inRoom(w.sentSince(k), w.circle), true)
	if n := w.cli.asked(w.circle); n != 2 {
		t.Fatalf("asked the homeserver %d times, want twice (before and after the rejoin)", n)
	}
}

// A direct chat the bot opens to say something is asked about before the
// first message goes in: the state store knows nothing of a room just
// created (one created encrypted gets an encrypted first message).
func TestNewDirectChatIsAsked(t *testing.T) {
	w := statefulWorld(t)
	if err := w.svc.Members.SetDirectRoom(w.ctx, bob, ""); err != nil {
		t.Fatal(err)
	}
	var room id.RoomID
	w.cli.onCreate = func() {
		room = id.RoomID(fmt.Sprintf("!room%d:test", w.cli.n+1)) // the ID the fake gives it
		w.cli.encrypted[room] = true
	}
	_, card := w.carolsNeed()
	k := w.sentCount()
	w.reply(w.circle, bob, card, "commit 10") // carol's payment details go to bob's direct chat
	if len(w.cli.created) != 1 {
		t.Fatalf("rooms created: %d, want 1", len(w.cli.created))
	}
	mustBeSealed(t, inRoom(w.sentSince(k), room), true)
	if n := w.cli.asked(room); n != 1 {
		t.Fatalf("asked the homeserver %d times about the new chat, want once", n)
	}
}

// brokenStates is a state store that cannot be read.
type brokenStates struct{}

func (brokenStates) IsEncrypted(context.Context, id.RoomID) (bool, error) {
	return false, errors.New("database is locked")
}

func (brokenStates) SetEncryptionEvent(context.Context, id.RoomID, *event.EncryptionEventContent) error {
	return nil
}

// A state store that cannot tell holds the message (it is not sent in
// plaintext on a guess), even in a room checked before.
func TestUnreadableStateStoreHoldsTheMessage(t *testing.T) {
	w := statefulWorld(t)
	w.say(w.circle, bob, "!ex help")
	w.bot.Sender().SetEncryptionStates(brokenStates{})
	now := time.Now()
	w.bot.Sender().Now = func() time.Time { return now }
	k := w.cli.count()
	w.say(w.circle, bob, "!ex help")
	if got := inRoom(w.sentSince(k), w.circle); len(got) != 0 || w.backlog() == 0 {
		t.Fatalf("sent %v while the store could not be read; waiting %d", got, w.backlog())
	}
}

// arrivalsWatcher records what a member watcher that listens for arrivals
// is told, in order.
type arrivalsWatcher struct{ told []string }

func (a *arrivalsWatcher) MemberArrived(_ context.Context, evt *event.Event) {
	a.told = append(a.told, "arrived "+evt.GetStateKey()+" "+string(evt.Content.AsMember().Membership))
}

func (a *arrivalsWatcher) HandleMemberEvent(_ context.Context, evt *event.Event) {
	a.told = append(a.told, "read "+evt.GetStateKey()+" "+string(evt.Content.AsMember().Membership))
}

// A member watcher that listens for arrivals is told of a transaction's
// membership events when it is received, in their order, before the intake
// reads them (and tells it again).
func TestMembersArriveBeforeTheIntakeReadsThem(t *testing.T) {
	w := statefulWorld(t)
	watcher := &arrivalsWatcher{}
	w.intake.SetMemberWatcher(watcher)
	_, join := w.event("m.room.member", w.circle, "@dave:test", map[string]any{"membership": "join"},
		map[string]any{"state_key": "@dave:test"})
	_, leave := w.event("m.room.member", w.circle, bob, map[string]any{"membership": "leave"}, map[string]any{"state_key": bob})
	_, msg := w.event("m.room.message", w.circle, bob, map[string]any{"msgtype": "m.text", "body": "bye"}, nil)
	if code := w.put(t, hsToken, "arrivals", join, msg, leave); code != http.StatusOK {
		t.Fatalf("transaction refused: %d", code)
	}
	want := fmt.Sprint([]string{"arrived @dave:test join", "arrived " + bob + " leave"})
	if got := fmt.Sprint(watcher.told); got != want {
		t.Fatalf("told before the intake read them: %s, want %s", got, want)
	}
	w.drain(t)
	want = fmt.Sprint([]string{"arrived @dave:test join", "arrived " + bob + " leave", "read @dave:test join", "read " + bob + " leave"})
	if got := fmt.Sprint(watcher.told); got != want {
		t.Errorf("told: %s, want %s", got, want)
	}
}

// The same in mode: bot: an m.room.encryption event in a /sync batch is
// recorded in the state store with the batch, before the worker reaches it.
func TestSyncedEncryptionIsSeenAtOnce(t *testing.T) {
	w := statefulWorld(t)
	w.say(w.circle, bob, "!ex help") // the circle checked: unencrypted
	k := w.cli.count()
	_, cmd := w.event("m.room.message", w.circle, bob, map[string]any{"msgtype": "m.text", "body": "!ex help"}, nil)
	room := id.RoomID(w.circle)
	syncer := bot.NewSyncer(w.intake, &syncServer{}, w.store)
	if err := syncer.Apply(w.ctx, "s0", batch("s1", room, syncEvent(t, cmd))); err != nil {
		t.Fatal(err)
	}
	if _, err := w.intake.Drain(w.ctx); err != nil { // the answer waits in the outbox
		t.Fatal(err)
	}
	w.cli.mu.Lock()
	w.cli.encrypted[room] = true
	w.cli.mu.Unlock()
	if err := syncer.Apply(w.ctx, "s1", batch("s2", room, syncEvent(t, w.encryptionEvent(w.circle, alice)))); err != nil {
		t.Fatal(err)
	}
	mustBeSealed(t, inRoom(w.sentSince(k), w.circle), true) // sent, the batch not drained yet
	if n := w.cli.asked(w.circle); n != 1 {
		t.Fatalf("asked the homeserver %d times, want once", n)
	}
}
