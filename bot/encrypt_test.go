package bot_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/bot"
	"github.com/exodus-matrix/exodus/ledger"
)

// sealer stands for the bot's device: it "encrypts" by wrapping the
// plaintext, and counts what it encrypted per room.
type sealer struct {
	mu    sync.Mutex
	rooms map[id.RoomID]int
}

func (s *sealer) Encrypt(_ context.Context, room id.RoomID, typ event.Type, content json.RawMessage) (*event.EncryptedEventContent, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rooms == nil {
		s.rooms = map[id.RoomID]int{}
	}
	s.rooms[room]++
	return &event.EncryptedEventContent{Algorithm: id.AlgorithmMegolmV1, SessionID: "s", MegolmCiphertext: append([]byte(typ.Type+":"), content...)}, nil
}

// encryptingWorld is an aid world whose bot reads and writes encrypted
// rooms, bob's direct chat being one.
func encryptingWorld(t *testing.T) (*aidWorld, *sealer) {
	w := newAidWorld(t, func(c *bot.Config) { c.Decrypts = true })
	w.cli.encrypted = map[id.RoomID]bool{id.RoomID(dm(bob)): true}
	s := &sealer{}
	w.bot.Sender().SetEncrypter(s)
	return w, s
}

// The guard against the top risk of encryption: with a device, nothing
// the bot says in an encrypted room goes out in plaintext. bob's answer
// in his encrypted direct chat is m.room.encrypted; the unencrypted
// circle is still written in the clear.
func TestNoPlaintextIntoAnEncryptedRoom(t *testing.T) {
	w, s := encryptingWorld(t)
	k := w.cli.count()
	w.say(dm(bob), bob, "!ex my")
	w.say(w.circle, bob, "!ex help")
	sent := w.sentSince(k)
	var inDM, inCircle int
	for _, m := range sent {
		switch m.Room {
		case id.RoomID(dm(bob)):
			inDM++
			if m.Type != "m.room.encrypted" {
				t.Errorf("plaintext %s into the encrypted chat: %v", m.Type, m.Content)
			}
		case id.RoomID(w.circle):
			inCircle++
			if m.Type == "m.room.encrypted" {
				t.Errorf("encrypted into the unencrypted circle: %v", m.Content)
			}
		}
	}
	if inDM == 0 || inCircle == 0 || s.rooms[id.RoomID(dm(bob))] != inDM {
		t.Fatalf("sent %d into the chat (%d encrypted), %d into the circle", inDM, s.rooms[id.RoomID(dm(bob))], inCircle)
	}
}

// stateless is a homeserver that cannot tell any room's state.
type stateless struct{ *fakeClient }

func (stateless) StateEvent(context.Context, id.RoomID, event.Type, string, any) error {
	return failing(http.StatusBadGateway)
}

// When the homeserver cannot tell whether a room is encrypted, the bot's
// message waits (it is not sent in plaintext on a guess); once it can, the
// message goes out encrypted.
func TestUnknownEncryptionHoldsTheMessage(t *testing.T) {
	w, _ := encryptingWorld(t)
	w.restart(stateless{w.cli}, w.cli)
	w.bot.Sender().SetEncrypter(&sealer{})
	now := time.Now()
	w.bot.Sender().Now = func() time.Time { return now }
	k := w.cli.count()
	w.say(dm(bob), bob, "!ex my")
	if got := inRoom(w.sentSince(k), dm(bob)); len(got) != 0 || w.backlog() == 0 {
		t.Fatalf("sent %v while the room's encryption was unknown; waiting %d", got, w.backlog())
	}
	w.restart(w.cli, w.cli)
	w.bot.Sender().SetEncrypter(&sealer{})
	w.bot.Sender().Now = func() time.Time { return now.Add(time.Hour) } // the retry is due
	got := inRoom(w.sentSince(k), dm(bob))
	if len(got) == 0 || w.backlog() != 0 {
		t.Fatalf("after the homeserver answers: sent %v, waiting %d", got, w.backlog())
	}
	for _, m := range got {
		if m.Type != "m.room.encrypted" {
			t.Fatalf("plaintext into the encrypted chat: %v", m)
		}
	}
}

// A web action in an encrypted circle is not posted in plaintext (its
// record is sent inside the action's transaction, where nothing is
// encrypted): it is applied all the same, and everything the bot says
// about it there goes out encrypted.
func TestWebActionInAnEncryptedCircleIsNotPostedInPlaintext(t *testing.T) {
	w := newWebWorld(t, webURL)
	need, _ := w.carolsNeed()
	w.cli.encrypted = map[id.RoomID]bool{id.RoomID(w.circle): true}
	w.bot.Sender().SetEncrypter(&sealer{})
	k, ops := w.sentCount(), w.opCount()
	reply, err := w.bot.WebActor().Act(w.ctx, ledger.Request{Member: bob, Need: need, Command: w.command("intend 50")})
	if err != nil {
		t.Fatalf("Act: %v (%+v)", err, reply)
	}
	if w.opCount() != ops+1 || !strings.Contains(reply.Text, "Your intention: €50") {
		t.Fatalf("ops %d (want %d), reply %q", w.opCount(), ops+1, reply.Text)
	}
	for _, m := range inRoom(w.sentSince(k), w.circle) {
		if m.Type != "m.room.encrypted" {
			t.Errorf("plaintext %s into the encrypted circle: %v", m.Type, m.Content)
		}
	}
}
