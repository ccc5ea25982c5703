//go:build goolm

package e2e_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/internal/devnet"
	"github.com/exodus-matrix/exodus/internal/devnet/encrypted"
	"github.com/exodus-matrix/exodus/internal/stack"
)

// TestEncryptedCircleRebuild: the room is still the record when it is
// encrypted. In an encrypted circle, encrypting members make it a circle,
// invite, accept with an encrypted ✅, post a need, ❤️ it and commit; then,
// with the bot stopped:
//   - `exodus rebuild -force` decrypts the history with the bot's stored
//     room keys and gives the live ledger, nothing undecryptable;
//   - the bot's database lost, `exodus keys restore` with the recovery key
//     (`exodus keys show` printed it) signs the bot's new device with the
//     same cross-signing keys (a member who verified the bot sees its new
//     device verified: no identity change) and restores
//     the room keys from the server-side key backup; `exodus rebuild` then
//     gives the live ledger again, nothing undecryptable, and the bot,
//     started again, answers an encrypted command.
func TestEncryptedCircleRebuild(t *testing.T) {
	s := ownStack(t, "exodus-erebuild-", stack.Options{})
	erin, fred := stackMember(t, s, "erin"), stackMember(t, s, "fred")
	room := encryptedCircleLife(t, s, erin, fred)
	dm, err := erin.CreateEncryptedDM(testCtx(t), s.BotID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := erin.WaitMessage(testCtx(t), dm, s.BotID, devnet.BodyContains("without a prefix")); err != nil {
		t.Fatal(err)
	}
	live, promises := digestOf(t, s, tokenOf(t, erin, dm, s.BotID), room)
	if promises != 1 {
		t.Fatalf("live: %d promises, want 1", promises)
	}
	backupHolds(t, s, erin, room, dm)
	s.StopBot()

	out := runExodus(t, "rebuild", "-c", s.ConfigPath, "-force")
	if got := digestIn(t, out, room); got != live || !strings.Contains(out, " 0 undecryptable") {
		t.Fatalf("a rebuild from the encrypted rooms gives %s (live %s), or read not all:\n%s", got, live, out)
	}

	recovery := restoreLostDatabase(t, s, erin)
	out = runExodus(t, "rebuild", "-c", s.ConfigPath)
	if got := digestIn(t, out, room); got != live || !strings.Contains(out, " 0 undecryptable") {
		t.Fatalf("after a restore, a rebuild gives %s (live %s), or read not all:\n%s", got, live, out)
	}
	if err := s.StartBot(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	help, err := fred.Send(testCtx(t), room, "!ex help")
	if err != nil {
		t.Fatal(err)
	}
	mustBeEncrypted(t, fred, room, help)
	mustContain(t, replyFrom(t, fred, room, s.BotID, help), "Commands")
	log, err := os.ReadFile(filepath.Join(filepath.Dir(s.ConfigPath), "exodus.log"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(log), recovery) || strings.Contains(string(log), strings.ReplaceAll(recovery, " ", "")) {
		t.Error("the recovery key reached the bot's log")
	}
}

// encryptedCircleLife: in an encrypted room erin makes a circle and
// invites fred, who accepts with an encrypted ✅; fred posts a need, erin
// ❤️s it (encrypted) and commits in an encrypted reply. It returns the
// circle.
func encryptedCircleLife(t *testing.T, s *stack.Stack, erin, fred *devnet.User) id.RoomID {
	t.Helper()
	room := encryptedRoomWith(t, s, erin)
	circleLifeIn(t, s, room, erin, fred)
	return room
}

// encryptedRoomWith: erin creates an encrypted room with s's bot, which
// joins and says how to make it a circle.
func encryptedRoomWith(t *testing.T, s *stack.Stack, erin *devnet.User) id.RoomID {
	t.Helper()
	room, err := erin.CreateRoom(testCtx(t), "Our secrets", []id.UserID{s.BotID}, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := erin.WaitMessage(testCtx(t), room, s.BotID, devnet.BodyContains("circle here")); err != nil {
		t.Fatal(err)
	}
	return room
}

// circleLifeIn is encryptedCircleLife in erin's encrypted room with s's
// bot.
func circleLifeIn(t *testing.T, s *stack.Stack, room id.RoomID, erin, fred *devnet.User) {
	t.Helper()
	mustContain(t, saidTo(t, erin, room, s.BotID, "!ex circle here"), "now the circle")
	invite, err := erin.Send(testCtx(t), room, "!ex invite "+fred.ID.String())
	if err != nil {
		t.Fatal(err)
	}
	card, err := erin.WaitMessageAfter(testCtx(t), room, invite, s.BotID, devnet.BodyContains("Invitation"))
	if err != nil {
		t.Fatal(err)
	}
	if got := joinInvite(t, fred, s.BotID); got != room {
		t.Fatalf("fred was invited into %s, want %s", got, room)
	}
	accept, err := fred.ReactEncrypted(testCtx(t), room, card.ID, "✅")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fred.WaitMessageAfter(testCtx(t), room, accept, s.BotID, devnet.BodyContains("accepted the invitation")); err != nil {
		t.Fatal(err)
	}
	status, err := fred.Send(testCtx(t), room, "!ex status orange 300")
	if err != nil {
		t.Fatal(err)
	}
	need, err := erin.WaitMessageAfter(testCtx(t), room, status, s.BotID, func(e *event.Event) bool {
		ns, _ := e.Content.Raw["org.exodus"].(map[string]any)
		return ns["type"] == "need" && e.Content.Raw["m.relates_to"] == nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := erin.ReactEncrypted(testCtx(t), room, need.ID, "❤️"); err != nil {
		t.Fatal(err)
	}
	commit, err := erin.Reply(testCtx(t), room, need.ID, "commit 50")
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, replyFrom(t, erin, room, s.BotID, commit), "Your commitment: €50")
	mustBeEncrypted(t, erin, room, commit)
}

// restoreLostDatabase, with the bot stopped: erin verifies the bot; its
// database is deleted and `exodus keys restore` runs with the recovery key
// `exodus keys show` printed (which it does not print back). The bot's
// new device is signed by the same cross-signing keys: erin's client
// trusts it as verified, no identity change. It returns the recovery key.
func restoreLostDatabase(t *testing.T, s *stack.Stack, erin *devnet.User) string {
	t.Helper()
	before := queryKeysOf(t, erin, s.BotID)
	if _, err := encrypted.CrossSign(testCtx(t), erin); err != nil {
		t.Fatal(err)
	}
	if err := encrypted.VerifyUser(testCtx(t), erin, s.BotID); err != nil {
		t.Fatal(err)
	}
	for dev := range before.devices {
		if trust, err := encrypted.Trust(testCtx(t), erin, s.BotID, dev); err != nil || trust != id.TrustStateCrossSignedVerified {
			t.Fatalf("erin verified the bot; its device %s: %s, %v", dev, trust, err)
		}
	}
	recovery := recoveryIn(t, runExodus(t, "keys", "show", "-c", s.ConfigPath))
	for _, suffix := range []string{"", "-wal", "-shm"} {
		_ = os.Remove(s.DBPath + suffix)
	}
	restored := runExodus(t, "keys", "restore", "-c", s.ConfigPath, recovery)
	if strings.Contains(restored, recovery) || strings.Contains(restored, strings.ReplaceAll(recovery, " ", "")) {
		t.Fatalf("exodus keys restore printed the recovery key:\n%s", restored)
	}
	newDevice := checkSameIdentity(t, before, queryKeysOf(t, erin, s.BotID))
	if trust, err := encrypted.Trust(testCtx(t), erin, s.BotID, newDevice); err != nil || trust != id.TrustStateCrossSignedVerified {
		t.Errorf("erin's client trusts the bot's restored device %s as %s (%v), want %s: an identity change",
			newDevice, trust, err, id.TrustStateCrossSignedVerified)
	}
	return recovery
}

// stackMember registers an encrypting member on s's homeserver.
func stackMember(t *testing.T, s *stack.Stack, name string) *devnet.User {
	t.Helper()
	local := fmt.Sprintf("%s%d", name, time.Now().UnixNano()%1_000_000_000)
	u, err := encrypted.Register(testCtx(t), s.HS, local, "password-"+local, t.TempDir())
	if err != nil {
		t.Fatalf("register %s with encryption: %v", name, err)
	}
	t.Cleanup(func() { _ = u.Close() })
	return u
}

// saidTo sends body into room and waits for bot's reply to it.
func saidTo(t *testing.T, u *devnet.User, room id.RoomID, bot id.UserID, body string) *event.Event {
	t.Helper()
	sent, err := u.Send(testCtx(t), room, body)
	if err != nil {
		t.Fatal(err)
	}
	mustBeEncrypted(t, u, room, sent)
	return replyFrom(t, u, room, bot, sent)
}

// runExodus runs the exodus binary with args and returns what it wrote;
// it fails the test if exodus fails.
func runExodus(t *testing.T, args ...string) string {
	t.Helper()
	bin, err := stack.BuildExodus(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.CommandContext(testCtx(t), bin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("exodus %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// digestIn is the circle's digest in a rebuild's output.
func digestIn(t *testing.T, out string, circle id.RoomID) string {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		if fields := strings.Split(line, "\t"); len(fields) == 5 && fields[0] == circle.String() {
			return fields[4]
		}
	}
	t.Fatalf("no digest of %s in the rebuild's output:\n%s", circle, out)
	return ""
}

// recoveryRe is a recovery key as the bot shows it.
var recoveryRe = regexp.MustCompile(`(?m)^(?:[1-9A-HJ-NP-Za-km-z]{4} ){11}[1-9A-HJ-NP-Za-km-z]{1,4}$`)

// recoveryIn is the recovery key `exodus keys show` printed.
func recoveryIn(t *testing.T, out string) string {
	t.Helper()
	key := recoveryRe.FindString(out)
	if key == "" {
		t.Fatalf("no recovery key in the output of exodus keys show:\n%s", out)
	}
	return key
}

// backupHolds waits until the homeserver's key backup of the bot holds the
// room key of every encrypted event in rooms (the bot uploads them after
// its device's /sync).
func backupHolds(t *testing.T, s *stack.Stack, u *devnet.User, rooms ...id.RoomID) {
	t.Helper()
	ctx := testCtx(t)
	cli, err := mautrix.NewClient(s.HS.URL, s.BotID, asToken(t, s))
	if err != nil {
		t.Fatal(err)
	}
	want := map[id.SessionID]bool{}
	for _, room := range rooms {
		resp, err := u.Client.Messages(ctx, room, "", "", mautrix.DirectionBackward, nil, 1000)
		if err != nil {
			t.Fatal(err)
		}
		for _, evt := range resp.Chunk {
			if evt.Type == event.EventEncrypted {
				if s, _ := evt.Content.Raw["session_id"].(string); s != "" {
					want[id.SessionID(s)] = true
				}
			}
		}
	}
	missing := len(want)
	for missing > 0 {
		missing = len(want)
		if v, err := cli.GetKeyBackupLatestVersion(ctx); err == nil {
			if keys, err := cli.GetKeyBackup(ctx, v.Version); err == nil {
				for _, rk := range keys.Rooms {
					for session := range rk.Sessions {
						if want[session] {
							missing--
						}
					}
				}
			}
		}
		if missing > 0 && ctx.Err() != nil {
			t.Fatalf("the key backup lacks %d of the %d room keys of the rooms", missing, len(want))
		}
		time.Sleep(devnet.PollInterval)
	}
}

// asToken reads appservice.as_token from the stack's config.
func asToken(t *testing.T, s *stack.Stack) string {
	t.Helper()
	data, err := os.ReadFile(s.ConfigPath)
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		AppService struct {
			ASToken string `yaml:"as_token"`
		} `yaml:"appservice"`
	}
	if err := yaml.Unmarshal(data, &cfg); err != nil || cfg.AppService.ASToken == "" {
		t.Fatalf("as_token in %s: %v", filepath.Base(s.ConfigPath), err)
	}
	return cfg.AppService.ASToken
}

// keysOf is what a member's /keys/query says of a user: the master key,
// and each device with whether the self-signing key signs it.
type keysOf struct {
	master  id.Ed25519
	devices map[id.DeviceID]bool
}

// queryKeysOf asks the homeserver, as u, for user's keys.
func queryKeysOf(t *testing.T, u *devnet.User, user id.UserID) keysOf {
	t.Helper()
	resp, err := u.Client.QueryKeys(testCtx(t), &mautrix.ReqQueryKeys{DeviceKeys: mautrix.DeviceKeysRequest{user: {}}})
	if err != nil {
		t.Fatal(err)
	}
	master, self := resp.MasterKeys[user], resp.SelfSigningKeys[user]
	k := keysOf{master: master.FirstKey(), devices: map[id.DeviceID]bool{}}
	selfSigning := id.NewKeyID(id.KeyAlgorithmEd25519, string(self.FirstKey()))
	for dev, keys := range resp.DeviceKeys[user] {
		_, k.devices[dev] = keys.Signatures[user][selfSigning]
	}
	return k
}

// checkSameIdentity fails unless after has the master key of before and a
// new device, which the bot's self-signing key signs; it returns the new
// device.
func checkSameIdentity(t *testing.T, before, after keysOf) (added id.DeviceID) {
	t.Helper()
	if after.master == "" || after.master != before.master {
		t.Errorf("the bot's master key changed in the restore: %s, was %s", after.master, before.master)
	}
	n := 0
	for dev, signed := range after.devices {
		if _, old := before.devices[dev]; old {
			continue
		}
		n, added = n+1, dev
		if !signed {
			t.Errorf("the bot's new device %s is not signed by its self-signing key", dev)
		}
	}
	if n != 1 {
		t.Fatalf("the restore added %d devices, want 1: before %v, after %v", n, before.devices, after.devices)
	}
	return added
}
