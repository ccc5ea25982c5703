//go:build goolm

package e2e_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/internal/devnet"
	"github.com/exodus-matrix/exodus/internal/devnet/encrypted"
	"github.com/exodus-matrix/exodus/internal/stack"
)

// accountMember registers an encrypting member on a stack's homeserver.
func accountMember(t *testing.T, c *crashNet, name string) *devnet.User {
	t.Helper()
	local := fmt.Sprintf("%s%d", name, time.Now().UnixNano()%1_000_000_000)
	u, err := encrypted.Register(testCtx(t), c.HS, local, "password-"+local, t.TempDir())
	if err != nil {
		t.Fatalf("register %s with encryption: %v", name, err)
	}
	t.Cleanup(func() { _ = u.Close() })
	return u
}

// TestBotAccountEncryptedCircle: the bot in mode: bot, its device the
// account's login and its room keys from the same /sync as the events,
// in an encrypted room of encrypting members: `circle here`, an
// invitation accepted with ✅, a need, a reply `commit` and the card's
// edit, all read and written encrypted; and again after a restart, with
// the same device.
func TestBotAccountEncryptedCircle(t *testing.T) {
	c := accountStack(t, "account-e2ee")
	erin, fred := accountMember(t, c, "erin"), accountMember(t, c, "fred")
	room, err := erin.CreateRoom(testCtx(t), "Our secrets", []id.UserID{c.BotID}, true)
	if err != nil {
		t.Fatal(err)
	}
	greeting, err := erin.WaitMessage(testCtx(t), room, c.BotID, devnet.BodyContains("circle here"))
	if err != nil {
		t.Fatalf("the bot's greeting: %v", err)
	}
	mustBeEncrypted(t, erin, room, greeting.ID)
	here := sent(t, erin, room, "!ex circle here")
	mustBeEncrypted(t, erin, room, here)
	mustContain(t, replyFrom(t, erin, room, c.BotID, here), "now the circle")

	invite := sent(t, erin, room, "!ex invite "+fred.ID.String())
	card, err := erin.WaitMessageAfter(testCtx(t), room, invite, c.BotID, devnet.BodyContains("Invitation"))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := fred.WaitInvite(testCtx(t), c.BotID); err != nil || got != room {
		t.Fatalf("fred's invitation: %s %v", got, err)
	}
	if err := fred.Join(testCtx(t), room); err != nil {
		t.Fatal(err)
	}
	ack, err := fred.React(testCtx(t), room, card.ID, "✅")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fred.WaitMessageAfter(testCtx(t), room, ack, c.BotID, devnet.BodyContains("accepted the invitation")); err != nil {
		t.Fatalf("fred's acceptance: %v", err)
	}

	status := sent(t, fred, room, "!ex status orange 300")
	mustBeEncrypted(t, fred, room, status)
	need := cardAfter(t, erin, room, c.BotID, status, "need")
	mustBeEncrypted(t, erin, room, need.ID)
	commit := replied(t, erin, room, need.ID, "commit 50")
	answer := replyFrom(t, erin, room, c.BotID, commit)
	mustContain(t, answer, "Your commitment: €50")
	mustBeEncrypted(t, erin, room, answer.ID)
	cardShowsFrom(t, fred, room, c.BotID, need.ID, commit, "50")

	// Restarted, the bot logs in again under the same device: its keys,
	// and the members' trust in them, stay.
	c.crash(t)
	pool := sent(t, fred, room, "!ex pool")
	mustBeEncrypted(t, fred, room, pool)
	mustBeEncrypted(t, fred, room, replyFrom(t, fred, room, c.BotID, pool).ID)
	devices, err := fred.Client.QueryKeys(testCtx(t), &mautrix.ReqQueryKeys{DeviceKeys: map[id.UserID]mautrix.DeviceIDList{c.BotID: nil}})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(devices.DeviceKeys[c.BotID]); n != 1 {
		t.Fatalf("the bot's account has %d devices with keys after a restart, want its one", n)
	}
	botSentOnlyCiphertext(t, erin, room, c.BotID)
}

// botSentOnlyCiphertext fails if the homeserver holds a message event of
// bot's in room other than m.room.encrypted and reactions.
func botSentOnlyCiphertext(t *testing.T, u *devnet.User, room id.RoomID, bot id.UserID) {
	t.Helper()
	resp, err := u.Client.Messages(testCtx(t), room, "", "", mautrix.DirectionBackward, nil, 1000)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, evt := range resp.Chunk {
		if evt.Sender != bot || evt.StateKey != nil {
			continue
		}
		n++
		if evt.Type != event.EventEncrypted && evt.Type != event.EventReaction {
			t.Errorf("the bot sent %s in plaintext into an encrypted room: %s", evt.ID, evt.Type.Type)
		}
	}
	if n == 0 {
		t.Fatal("the homeserver holds no message from the bot in the room")
	}
}

// forgetDatabase removes the bot's database (the bot stopped): its next
// start is a first one.
func forgetDatabase(t *testing.T, c *crashNet) {
	t.Helper()
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(c.DBPath + suffix); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
}

// TestBotAccountToken: the bot of an access token (bot.access_token)
// takes the token's device as its own, keys and all, and answers an
// encrypted direct chat; a token of a device that has another client's
// keys is refused at start, in one line naming the key and the fix.
func TestBotAccountToken(t *testing.T) {
	c := accountStack(t, "account-token")
	c.StopBot()
	forgetDatabase(t, c)
	login, err := c.HS.Login(testCtx(t), c.BotID.Localpart(), stack.AccountPassword)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SetAccountToken(login.Client.AccessToken); err != nil {
		t.Fatal(err)
	}
	if err := c.StartBot(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	erin := accountMember(t, c, "erin")
	dm, err := erin.CreateEncryptedDM(testCtx(t), c.BotID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := erin.WaitMessage(testCtx(t), dm, c.BotID, devnet.BodyContains("Exodus")); err != nil {
		t.Fatalf("greeting: %v", err)
	}
	help := sent(t, erin, dm, "help")
	mustBeEncrypted(t, erin, dm, help)
	mustBeEncrypted(t, erin, dm, replyFrom(t, erin, dm, c.BotID, help).ID)
	keys, err := erin.Client.QueryKeys(testCtx(t), &mautrix.ReqQueryKeys{DeviceKeys: map[id.UserID]mautrix.DeviceIDList{c.BotID: nil}})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := keys.DeviceKeys[c.BotID][login.Client.DeviceID]; !ok {
		t.Fatalf("the token's device %s has no keys of the bot's", login.Client.DeviceID)
	}

	// A client's own login, keys uploaded, given to the bot.
	c.StopBot()
	forgetDatabase(t, c)
	other, err := encrypted.Login(testCtx(t), c.HS, c.BotID.Localpart(), stack.AccountPassword, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = other.Close() })
	if err := c.SetAccountToken(other.Client.AccessToken); err != nil {
		t.Fatal(err)
	}
	if err := c.StartBot(testCtx(t)); err == nil {
		t.Fatal("the bot started on a device with another client's keys")
	}
	log, err := os.ReadFile(filepath.Join(c.dir, "exodus.log"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(log), "exodus: bot.access_token: the device has another client's encryption keys: device "+other.Client.DeviceID.String()+"; make a fresh login") {
		t.Fatalf("the refusal does not name bot.access_token:\n%s", tail(string(log), 2000))
	}
}

// tail is the end of s, at most n bytes.
func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// TestBotAccountEncryptedRemindAndRebuild: the rest of the encrypted
// scenario with the bot in mode: bot. In an encrypted circle (an encrypted
// ✅ and ❤️ among the rest), the bot opens encrypted direct chats with
// the giver and the receiver of a commitment, the giver's reminder reaches
// the receiver encrypted; then, the bot stopped, `exodus rebuild`, logged
// in as the account, decrypts the history into the live ledger.
func TestBotAccountEncryptedRemindAndRebuild(t *testing.T) {
	c := accountStack(t, "account-e2ee-rebuild")
	erin, fred := accountMember(t, c, "erin"), accountMember(t, c, "fred")
	room := encryptedCircleLife(t, c.Stack, erin, fred)

	erinDM := joinInvite(t, erin, c.BotID)
	mustBeEncryptedRoom(t, erin, erinDM)
	details, err := erin.WaitMessage(testCtx(t), erinDM, c.BotID, devnet.BodyContains("payment details"))
	if err != nil {
		t.Fatal(err)
	}
	mustBeEncrypted(t, erin, erinDM, details.ID)
	fredDM := joinInvite(t, fred, c.BotID)
	mustBeEncryptedRoom(t, fred, fredDM)
	sentIt := replied(t, erin, erinDM, details.ID, "sent")
	mustContain(t, replyFrom(t, erin, erinDM, c.BotID, sentIt), "as sent")
	remind := sent(t, erin, erinDM, "remind "+fred.ID.String())
	mustBeEncrypted(t, erin, erinDM, remind)
	mustContain(t, replyFrom(t, erin, erinDM, c.BotID, remind), "reminded")
	reminder, err := fred.WaitMessage(testCtx(t), fredDM, c.BotID, devnet.BodyContains("reminds you that they sent you €50"))
	if err != nil {
		t.Fatal(err)
	}
	mustBeEncrypted(t, fred, fredDM, reminder.ID)
	botSentOnlyCiphertext(t, fred, fredDM, c.BotID)

	live, promises := digestOf(t, c.Stack, tokenOf(t, erin, erinDM, c.BotID), room)
	if promises != 1 {
		t.Fatalf("live: %d promises, want 1", promises)
	}
	c.StopBot()
	out := runExodus(t, "rebuild", "-c", c.ConfigPath, "-force")
	if got := digestIn(t, out, room); got != live || !strings.Contains(out, " 0 undecryptable") {
		t.Fatalf("a rebuild from the encrypted rooms gives %s (live %s), or read not all:\n%s", got, live, out)
	}
	if err := c.StartBot(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	help := sent(t, fred, room, "!ex help")
	mustBeEncrypted(t, fred, room, help)
	mustContain(t, replyFrom(t, fred, room, c.BotID, help), "Commands")
}

// signOut deletes the bot account's device dev, as a member of the
// community signing the bot's session out from Element would (the
// account's password, through user-interactive auth).
func signOut(t *testing.T, c *crashNet, dev id.DeviceID) {
	t.Helper()
	owner, err := c.HS.Login(testCtx(t), c.BotID.Localpart(), stack.AccountPassword)
	if err != nil {
		t.Fatal(err)
	}
	del := func(body any) (int, []byte) {
		data, _ := json.Marshal(body)
		req, _ := http.NewRequestWithContext(testCtx(t), http.MethodDelete, c.HS.URL+"/_matrix/client/v3/devices/"+url.PathEscape(dev.String()), bytes.NewReader(data))
		req.Header.Set("Authorization", "Bearer "+owner.Client.AccessToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, out
	}
	var uia struct {
		Session string `json:"session"`
	}
	if code, body := del(map[string]any{}); code != http.StatusUnauthorized || json.Unmarshal(body, &uia) != nil || uia.Session == "" {
		t.Fatalf("deleting the bot's device without auth: %d %s", code, body)
	}
	auth := map[string]any{"type": mautrix.AuthTypePassword, "session": uia.Session, "password": stack.AccountPassword,
		"identifier": map[string]any{"type": mautrix.IdentifierTypeUser, "user": c.BotID.Localpart()}}
	if code, body := del(map[string]any{"auth": auth}); code != http.StatusOK {
		t.Fatalf("deleting the bot's device: %d %s", code, body)
	}
	if _, err := owner.Client.Logout(testCtx(t)); err != nil {
		t.Fatal(err)
	}
}

// TestBotAccountSignedOut: the bot's session of mode: bot is signed out
// (its device deleted, keys and all) while it runs: it stops, saying so;
// started again, it logs in under the same device, puts its keys back and
// signs them with its cross-signing keys, and a member's encrypted direct
// chat goes on, the bot's device trusted as before.
func TestBotAccountSignedOut(t *testing.T) {
	c := accountStack(t, "account-signout")
	erin := accountMember(t, c, "erin")
	dm, err := erin.CreateEncryptedDM(testCtx(t), c.BotID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := erin.WaitMessage(testCtx(t), dm, c.BotID, devnet.BodyContains("Exodus")); err != nil {
		t.Fatalf("greeting: %v", err)
	}
	devices := botDevices(t, erin, c.BotID)
	if len(devices) != 1 {
		t.Fatalf("the bot's account has devices %v, want its one", devices)
	}
	dev := devices[0]
	signOut(t, c, dev)
	logPath := filepath.Join(c.dir, "exodus.log")
	for {
		log, _ := os.ReadFile(logPath)
		if strings.Contains(string(log), "no longer knows the bot's login") {
			break
		}
		select {
		case <-testCtx(t).Done():
			t.Fatalf("the bot did not stop on its revoked login:\n%s", tail(string(log), 2000))
		case <-time.After(200 * time.Millisecond):
		}
	}
	c.KillBot() // gone already: reaped
	if err := c.StartBot(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	if got := botDevices(t, erin, c.BotID); len(got) != 1 || got[0] != dev {
		t.Fatalf("after the restart the bot's devices are %v, want %s again", got, dev)
	}
	if trust, err := encrypted.Trust(testCtx(t), erin, c.BotID, dev); err != nil || trust != id.TrustStateCrossSignedTOFU {
		t.Fatalf("erin's client trusts the bot's device as %s (%v), want %s", trust, err, id.TrustStateCrossSignedTOFU)
	}
	help := sent(t, erin, dm, "help")
	mustBeEncrypted(t, erin, dm, help)
	mustBeEncrypted(t, erin, dm, replyFrom(t, erin, dm, c.BotID, help).ID)
}

// botDevices are the bot's devices with keys, as u's client asks the
// homeserver.
func botDevices(t *testing.T, u *devnet.User, bot id.UserID) []id.DeviceID {
	t.Helper()
	resp, err := u.Client.QueryKeys(testCtx(t), &mautrix.ReqQueryKeys{DeviceKeys: map[id.UserID]mautrix.DeviceIDList{bot: nil}})
	if err != nil {
		t.Fatal(err)
	}
	var out []id.DeviceID
	for dev := range resp.DeviceKeys[bot] {
		out = append(out, dev)
	}
	return out
}
