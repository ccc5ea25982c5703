//go:build goolm

package e2e_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/internal/devnet"
	"github.com/exodus-matrix/exodus/internal/stack"
)

// TestEncryptedCircleOfTwoBots: two communities' bots, each on its own
// homeserver and trusting the other, in one encrypted circle. Bot one
// answers there from the start: erin (server one) makes the circle, fred
// (server two) joins and accepts with an encrypted ✅, posts a need, erin
// ❤️s it encrypted and commits in an encrypted reply. Only then is bot two
// invited: the history before it joined was never shared with its device,
// so its catch-up asks bot one for those room keys, bot one forwards them
// (a trusted bot's device cross-signed by its owner, a circle both are
// in), and bot two replays the history: both bots hold the same ledger.
// Then, live, both read the members' encrypted commands and bot two follows
// bot one's encrypted cards: erin's need and fred's encrypted commitment
// to it are in both ledgers. Bot two, stopped, rebuilds the same ledger
// from the room's history with the keys it was forwarded.
func TestEncryptedCircleOfTwoBots(t *testing.T) {
	one, two := fedStacks(t)
	erin, fred := stackMember(t, one, "erin"), stackMember(t, two, "fred")
	// erin's room, where she gives bot one the power to publish the
	// circle's state (which tells bot two which bot answers).
	room := encryptedRoomWith(t, one, erin)
	var pl event.PowerLevelsEventContent
	if err := erin.Client.StateEvent(testCtx(t), room, event.StatePowerLevels, "", &pl); err != nil {
		t.Fatal(err)
	}
	pl.SetUserLevel(one.BotID, 100)
	if _, err := erin.Client.SendStateEvent(testCtx(t), room, event.StatePowerLevels, "", &pl); err != nil {
		t.Fatal(err)
	}
	circleLifeIn(t, one, room, erin, fred)

	if _, err := erin.Client.InviteUser(testCtx(t), room, &mautrix.ReqInviteUser{UserID: two.BotID}); err != nil {
		t.Fatalf("invite bot two: %v", err)
	}
	waitJoined(t, erin, room, two.BotID)
	erinDM, fredDM := dmWith(t, erin, one.BotID), dmWith(t, fred, two.BotID)
	tokOne, tokTwo := tokenOf(t, erin, erinDM, one.BotID), tokenOf(t, fred, fredDM, two.BotID)
	caughtUp := sameDigestOf(t, one, two, tokOne, tokTwo, room, 1)
	t.Logf("both bots after bot two caught up: %s", caughtUp)
	if n := keysAskedIn(t, two, room); n == 0 {
		t.Error("bot two's catch-up asked bot one for no room key: the history was read some other way")
	}

	// Live: erin's encrypted need, answered by bot one with an encrypted
	// card; fred's encrypted commitment to it.
	status, err := erin.Send(testCtx(t), room, "!ex status orange 120")
	if err != nil {
		t.Fatal(err)
	}
	mustBeEncrypted(t, erin, room, status)
	card, err := fred.WaitMessageAfter(testCtx(t), room, status, one.BotID, func(e *event.Event) bool {
		ns, _ := e.Content.Raw["org.exodus"].(map[string]any)
		return ns["type"] == "need" && e.Content.Raw["m.relates_to"] == nil
	})
	if err != nil {
		t.Fatalf("erin's need card: %v", err)
	}
	mustBeEncrypted(t, fred, room, card.ID)
	commit, err := fred.Reply(testCtx(t), room, card.ID, "commit 30")
	if err != nil {
		t.Fatal(err)
	}
	mustBeEncrypted(t, fred, room, commit)
	mustContain(t, replyFrom(t, fred, room, one.BotID, commit), "Your commitment: €30")
	live := sameDigestOf(t, one, two, tokOne, tokTwo, room, 2)
	if live == caughtUp {
		t.Fatal("the digest did not change with erin's need and fred's commitment")
	}
	noPlaintextFromBotOf(t, erin, room, two.BotID)

	// The forwarded keys are bot two's: stopped, it rebuilds the circle
	// from the room's history, from before it joined, with them.
	two.StopBot()
	out := runExodus(t, "rebuild", "-c", two.ConfigPath, "-force")
	if got := digestIn(t, out, room); got != live || !strings.Contains(out, " 0 undecryptable") {
		t.Fatalf("bot two's rebuild gives %s (live %s), or read not all:\n%s", got, live, out)
	}
}

// sameDigestOf waits until both bots show the same digest of the circle
// with promises promises (the follower may be behind: its catch-up waits
// for forwarded room keys) and returns it.
func sameDigestOf(t *testing.T, one, two *stack.Stack, tokOne, tokTwo string, circle id.RoomID, promises int) string {
	t.Helper()
	ctx := testCtx(t)
	for {
		d1, p1 := digestOf(t, one, tokOne, circle)
		d2, p2 := digestOf(t, two, tokTwo, circle)
		if d1 == d2 && p1 == promises && p2 == promises {
			return d1
		}
		if ctx.Err() != nil {
			t.Fatalf("digests differ: %s (%d promises) on %s, %s (%d promises) on %s; want %d promises",
				d1, p1, one.BotID, d2, p2, two.BotID, promises)
		}
		time.Sleep(time.Second) // within the API's rate limit
	}
}

// keysAskedIn is how many times a stack's bot asked the trusted bots for
// room keys in its catch-ups of room, or asked again, as its log says
// (a line with keys_asked above zero, in the console's format or JSON).
func keysAskedIn(t *testing.T, s *stack.Stack, room id.RoomID) int {
	t.Helper()
	log, err := os.ReadFile(filepath.Join(filepath.Dir(s.ConfigPath), "exodus.log"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, line := range strings.Split(string(log), "\n") {
		asked := strings.Contains(line, "Caught up with the history") || strings.Contains(line, "Asked the trusted bots again")
		if !asked || !strings.Contains(line, room.String()) {
			continue
		}
		if m := keysAskedField.FindStringSubmatch(line); m != nil && m[1] != "0" {
			n++
		}
	}
	return n
}

// keysAskedField is the keys_asked field of a log line: keys_asked=N in
// the console's format (its value after a colour code), "keys_asked":N in
// JSON.
var keysAskedField = regexp.MustCompile(`keys_asked(?:=|":)(?:\x1b\[[0-9;]*m)?(\d+)`)

// noPlaintextFromBotOf fails if the homeserver holds a message event from
// bot in room other than m.room.encrypted and reactions (a following bot
// never writes into a circle another bot answers in; if it did, it must
// encrypt).
func noPlaintextFromBotOf(t *testing.T, u *devnet.User, room id.RoomID, bot id.UserID) {
	t.Helper()
	resp, err := u.Client.Messages(testCtx(t), room, "", "", mautrix.DirectionBackward, nil, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, evt := range resp.Chunk {
		if evt.Sender == bot && evt.StateKey == nil && evt.Type != event.EventEncrypted && evt.Type != event.EventReaction {
			t.Errorf("%s sent %s in plaintext into an encrypted room: %s", bot, evt.ID, evt.Type.Type)
		}
	}
}
