//go:build goolm

package e2e_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.mau.fi/util/dbutil"
	_ "go.mau.fi/util/dbutil/litestream" // the sqlite3-fk-wal driver of the member's crypto store
	"gopkg.in/yaml.v3"
	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/crypto"
	"maunium.net/go/mautrix/crypto/cryptohelper"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/bot/e2ee"
	"github.com/exodus-matrix/exodus/internal/devnet"
	"github.com/exodus-matrix/exodus/internal/stack"
)

// botKeys is what a member's /keys/query says of the bot: its one device
// with keys, the device's signing key, and its cross-signing keys.
type botKeys struct {
	device              id.DeviceID
	signing             id.Ed25519
	master, selfSigning id.Ed25519
	signedBySelfSigning bool
}

// queryBotKeys asks the homeserver, as member u, for the bot's keys.
func queryBotKeys(t *testing.T, u *devnet.User, bot id.UserID) botKeys {
	t.Helper()
	resp, err := u.Client.QueryKeys(testCtx(t), &mautrix.ReqQueryKeys{DeviceKeys: mautrix.DeviceKeysRequest{bot: {}}})
	if err != nil {
		t.Fatalf("keys/query: %v", err)
	}
	devices := resp.DeviceKeys[bot]
	if len(devices) != 1 {
		t.Fatalf("the bot has %d devices with keys, want 1: %v", len(devices), devices)
	}
	var k botKeys
	for dev, keys := range devices {
		k.device, k.signing = dev, keys.Keys.GetEd25519(dev)
		if k.signing == "" || keys.Keys.GetCurve25519(dev) == "" {
			t.Fatalf("the bot's device %s has no identity keys: %v", dev, keys.Keys)
		}
		master, selfSigning := resp.MasterKeys[bot], resp.SelfSigningKeys[bot]
		k.master, k.selfSigning = master.FirstKey(), selfSigning.FirstKey()
		_, k.signedBySelfSigning = keys.Signatures[bot][id.NewKeyID(id.KeyAlgorithmEd25519, string(k.selfSigning))]
	}
	return k
}

// TestBotDevice: the bot has one encryption device, with keys, that its
// own cross-signing keys sign, so that a member's client trusts it as the
// bot's own (cross-signed, trust on first use); a restart keeps the
// device, its keys and the cross-signing keys; neither the pickle key nor
// any key reaches the log.
func TestBotDevice(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	s := ownStack(t, "exodus-device-", stack.Options{})
	dir := filepath.Dir(s.DBPath) // the stack's files
	alice, err := s.HS.Register(ctx, "alice", "alice-password")
	if err != nil {
		t.Fatal(err)
	}
	first := queryBotKeys(t, alice, s.BotID)
	if first.master == "" || first.selfSigning == "" || !first.signedBySelfSigning {
		t.Fatalf("the bot's device is not cross-signed: %+v", first)
	}
	cli, mach := encryptingMember(t, s, dir, "alice", "alice-password")
	if trust := resolveTrust(t, mach, s.BotID, first.device); trust != id.TrustStateCrossSignedTOFU {
		t.Errorf("a member's client trusts the bot's device as %s, want %s", trust, id.TrustStateCrossSignedTOFU)
	}

	s.StopBot()
	if err := s.StartBot(ctx); err != nil {
		t.Fatal(err)
	}
	if again := queryBotKeys(t, alice, s.BotID); again != first {
		t.Errorf("after a restart the bot's keys changed:\nbefore %+v\nafter  %+v", first, again)
	}
	log, err := os.ReadFile(filepath.Join(dir, "exodus.log"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(log), "Made the bot's cross-signing keys"); n != 1 {
		t.Errorf("the bot made cross-signing keys %d times, want once", n)
	}
	key := pickleKey(t, s.ConfigPath)
	if strings.Contains(string(log), key) {
		t.Error("the pickle key reached the bot's log")
	}
	recovery := recoveryKey(t, s, key)
	if strings.Contains(string(log), recovery) || strings.Contains(string(log), strings.ReplaceAll(recovery, " ", "")) {
		t.Error("the recovery key reached the bot's log")
	}
	roomKeyArrives(t, s, alice, cli)

	// A new database for the same bot: it starts (the rooms rebuild its
	// ledger) with a new, unsigned device and says so; the cross-signing
	// keys stay the ones made at the first start.
	s.StopBot()
	for _, suffix := range []string{"", "-wal", "-shm"} {
		_ = os.Remove(s.DBPath + suffix)
	}
	if err := s.StartBot(ctx); err != nil {
		t.Fatal(err)
	}
	resp, err := alice.Client.QueryKeys(testCtx(t), &mautrix.ReqQueryKeys{DeviceKeys: mautrix.DeviceKeysRequest{s.BotID: {}}})
	if err != nil {
		t.Fatal(err)
	}
	if master := resp.MasterKeys[s.BotID]; master.FirstKey() != first.master || len(resp.DeviceKeys[s.BotID]) != 2 {
		t.Errorf("on a new database: master key %s (want %s), %d devices (want the old and a new one)",
			master.FirstKey(), first.master, len(resp.DeviceKeys[s.BotID]))
	}
	log, err = os.ReadFile(filepath.Join(dir, "exodus.log"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(log), "its database has no recovery key") || strings.Count(string(log), "Made the bot's cross-signing keys") != 1 {
		t.Error("on a new database the bot did not warn of its unsigned device, or made cross-signing keys again")
	}
}

// roomKeyArrives: a member's encrypted message in a room with the bot
// sends the bot's device the room key (a to-device message), which its
// /sync loop stores in the bot's database before it saves its sync token.
func roomKeyArrives(t *testing.T, s *stack.Stack, alice *devnet.User, cli *mautrix.Client) {
	t.Helper()
	ctx := testCtx(t)
	room, err := alice.CreateRoom(ctx, "keys", []id.UserID{s.BotID}, true)
	if err != nil {
		t.Fatal(err)
	}
	for { // the member's client must see the bot joined before it shares the room key
		m, err := cli.StateStore.GetMember(ctx, room, s.BotID)
		if err == nil && m.Membership == event.MembershipJoin {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("the member's client never saw the bot join: %v", err)
		}
		time.Sleep(devnet.PollInterval)
	}
	if _, err := cli.SendMessageEvent(ctx, room, event.EventMessage, &event.MessageEventContent{MsgType: event.MsgText, Body: "hello"}); err != nil {
		t.Fatal(err)
	}
	db := openRO(t, s.DBPath)
	for {
		var sessions int
		var token string
		err := db.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM crypto_megolm_inbound_session WHERE room_id = ?),
			(SELECT sync_token FROM crypto_account)`, room).Scan(&sessions, &token)
		if err == nil && sessions > 0 && token != "" {
			return
		}
		if ctx.Err() != nil {
			t.Fatalf("the room key never reached the bot's database: %d sessions, sync token %q, %v", sessions, token, err)
		}
		time.Sleep(devnet.PollInterval)
	}
}

// encryptingMember logs localpart in again as a new device with
// mautrix's crypto (its store in dir), syncing until the test ends, and
// returns its client (which encrypts in encrypted rooms) and olm machine.
func encryptingMember(t *testing.T, s *stack.Stack, dir, localpart, password string) (*mautrix.Client, *crypto.OlmMachine) {
	t.Helper()
	cli, err := mautrix.NewClient(s.HS.URL, "", "")
	if err != nil {
		t.Fatal(err)
	}
	db, err := dbutil.NewWithDialect("file:"+filepath.Join(dir, localpart+"-crypto.db")+"?_txlock=immediate", "sqlite3-fk-wal")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	helper, err := cryptohelper.NewCryptoHelper(cli, []byte(localpart+"-pickle"), db)
	if err != nil {
		t.Fatal(err)
	}
	helper.LoginAs = &mautrix.ReqLogin{Type: mautrix.AuthTypePassword,
		Identifier: mautrix.UserIdentifier{Type: mautrix.IdentifierTypeUser, User: localpart}, Password: password}
	if err := helper.Init(testCtx(t)); err != nil {
		t.Fatalf("%s's crypto: %v", localpart, err)
	}
	cli.Crypto = helper
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = cli.SyncWithContext(ctx) }()
	t.Cleanup(func() { cancel(); <-done; _ = helper.Close() })
	return cli, helper.Machine()
}

// resolveTrust is how far the member's machine trusts a device of user.
func resolveTrust(t *testing.T, mach *crypto.OlmMachine, user id.UserID, device id.DeviceID) id.TrustState {
	t.Helper()
	ctx := testCtx(t)
	dev, err := mach.GetOrFetchDevice(ctx, user, device)
	if err != nil {
		t.Fatalf("fetch the bot's device: %v", err)
	}
	trust, err := mach.ResolveTrustContext(ctx, dev)
	if err != nil {
		t.Fatalf("resolve trust: %v", err)
	}
	return trust
}

// recoveryKey reads the bot's recovery key from its database with the
// pickle key: it is stored there, encrypted.
func recoveryKey(t *testing.T, s *stack.Stack, pickleKey string) string {
	t.Helper()
	db, err := dbutil.NewWithDialect("file:"+s.DBPath+"?_txlock=immediate", "sqlite3-fk-wal")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cs, err := e2ee.OpenStore(testCtx(t), db, s.BotID, []byte(pickleKey))
	if err != nil {
		t.Fatal(err)
	}
	key, err := cs.GetSecret(testCtx(t), "org.exodus.recovery_key")
	if err != nil || len(key) < 40 {
		t.Fatalf("the bot's recovery key: %q, %v", key, err)
	}
	return key
}

// pickleKey reads encryption.pickle_key from the bot's config.
func pickleKey(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Encryption struct {
			PickleKey string `yaml:"pickle_key"`
		} `yaml:"encryption"`
	}
	if err := yaml.Unmarshal(data, &cfg); err != nil || len(cfg.Encryption.PickleKey) < 32 {
		t.Fatalf("pickle key in %s: %v", path, err)
	}
	return cfg.Encryption.PickleKey
}
