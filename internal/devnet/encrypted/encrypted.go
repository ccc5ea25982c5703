//go:build goolm

// Package encrypted makes devnet users that are encrypting members, as
// Element users are: each has its own device with mautrix's crypto
// (cryptohelper, logged in with the password) and a crypto store in a SQLite
// file of its own. Their messages in encrypted rooms go out as
// m.room.encrypted, and the devnet.User helpers (WaitMessage, Messages, …)
// see the events they read decrypted. They answer the room key requests of
// other users' devices as Element does (keyshare.go).
//
// mautrix's crypto needs the goolm build tag (pure-Go olm; without it the
// build looks for libolm's olm/olm.h), so does every package importing this
// one: go test -tags goolm.
package encrypted

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"go.mau.fi/util/dbutil"
	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/crypto"
	"maunium.net/go/mautrix/crypto/cryptohelper"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/internal/devnet"
)

// Register creates the account localpart (open registration, no device)
// and logs it in as an encrypting member whose crypto store is a SQLite
// file in dir (a t.TempDir()). Close the user when done.
func Register(ctx context.Context, hs *devnet.Homeserver, localpart, password, dir string) (*devnet.User, error) {
	cli, err := mautrix.NewClient(hs.URL, "", "")
	if err != nil {
		return nil, err
	}
	_, err = cli.RegisterDummy(ctx, &mautrix.ReqRegister[any]{Username: localpart, Password: password, InhibitLogin: true})
	if err != nil {
		return nil, fmt.Errorf("encrypted: registering %s: %w", localpart, err)
	}
	return Login(ctx, hs, localpart, password, dir)
}

// Login logs the existing account localpart in as an encrypting member with
// its crypto store in dir. If dir already holds the store of an earlier
// Login (a member restarting its client), the same device and keys are
// used again; otherwise a new device is created and its keys uploaded.
func Login(ctx context.Context, hs *devnet.Homeserver, localpart, password, dir string) (*devnet.User, error) {
	cli, err := mautrix.NewClient(hs.URL, "", "")
	if err != nil {
		return nil, err
	}
	// A syncer without Dispatch: cryptohelper then decrypts nothing in the
	// background (no goroutines waiting for keys); the User decrypts what it
	// reads, when it reads it.
	def := mautrix.NewDefaultSyncer()
	cli.Syncer = quietSyncer{def, def}
	path := filepath.Join(dir, localpart+"-crypto.db")
	db, err := dbutil.NewWithDialect("file:"+path+"?_txlock=immediate", "sqlite3-fk-wal")
	if err != nil {
		return nil, fmt.Errorf("encrypted: opening %s: %w", path, err)
	}
	helper, err := cryptohelper.NewCryptoHelper(cli, []byte("devnet-pickle-"+localpart), db)
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("encrypted: crypto for %s: %w", localpart, err)
	}
	helper.LoginAs = &mautrix.ReqLogin{
		Type:                     mautrix.AuthTypePassword,
		Identifier:               mautrix.UserIdentifier{Type: mautrix.IdentifierTypeUser, User: localpart},
		Password:                 password,
		InitialDeviceDisplayName: "devnet encrypted",
	}
	if err := helper.Init(ctx); err != nil {
		_ = helper.Close()
		return nil, fmt.Errorf("encrypted: logging %s in with crypto: %w", localpart, err)
	}
	cli.Crypto = helper // SendMessageEvent now encrypts in encrypted rooms
	answerKeyRequestsAsElement(helper.Machine())
	m := &member{cli: cli, helper: helper, members: map[id.RoomID]string{}}
	return devnet.NewEncryptedUser(cli, password, m), nil
}

// Machine returns the olm machine of an encrypting member made here (for
// trust checks: Machine(u).ResolveTrustContext), or nil for another user.
func Machine(u *devnet.User) *crypto.OlmMachine {
	if helper, ok := u.Client.Crypto.(*cryptohelper.CryptoHelper); ok {
		return helper.Machine()
	}
	return nil
}

// quietSyncer is a DefaultSyncer without its Dispatch method.
type quietSyncer struct {
	mautrix.Syncer
	mautrix.ExtensibleSyncer
}

// member is the devnet.Encryption of one encrypting member.
type member struct {
	cli    *mautrix.Client
	helper *cryptohelper.CryptoHelper

	mu sync.Mutex
	// members is, per room, the joined and invited members when this device
	// last sent there: the megolm session is renewed when they change.
	members map[id.RoomID]string
}

var _ devnet.Encryption = (*member)(nil)

// ProcessSync runs the response through the syncer cryptohelper hooked:
// to-device keys, device lists and one-time keys, member events and the
// state store.
func (m *member) ProcessSync(ctx context.Context, resp *mautrix.RespSync, since string) error {
	return m.cli.Syncer.ProcessResponse(ctx, resp, since)
}

// PrepareSend fetches the room's state (the state store then knows whether
// the room is encrypted and who is in it) and drops the outbound megolm
// session when the members or their devices changed since the last send,
// so that the next message's key goes to every member's devices (a member
// who joined between two syncs included).
func (m *member) PrepareSend(ctx context.Context, roomID id.RoomID) error {
	if _, err := m.cli.State(ctx, roomID); err != nil {
		return fmt.Errorf("fetching the room state: %w", err)
	}
	users, err := m.cli.StateStore.GetRoomJoinedOrInvitedMembers(ctx, roomID)
	if err != nil {
		return fmt.Errorf("reading the members: %w", err)
	}
	names := make([]string, len(users))
	for i, u := range users {
		names[i] = u.String()
	}
	slices.Sort(names)
	key := strings.Join(names, " ")
	// A device added since the last send (a member's new client, the bot's
	// device after its keys were uploaded) renews the session too: the sync
	// may not have told us yet, the server's key list does.
	if _, err := m.helper.Machine().FetchKeys(ctx, users, true); err != nil {
		return fmt.Errorf("fetching the members' devices: %w", err)
	}
	m.mu.Lock()
	changed := m.members[roomID] != key
	m.members[roomID] = key
	m.mu.Unlock()
	if changed {
		if err := m.helper.Machine().CryptoStore.RemoveOutboundGroupSession(ctx, roomID); err != nil {
			return fmt.Errorf("renewing the megolm session: %w", err)
		}
	}
	return nil
}

// Decrypt decrypts an m.room.encrypted event with the keys the device has.
func (m *member) Decrypt(ctx context.Context, evt *event.Event) (*event.Event, error) {
	if evt.Content.Parsed == nil {
		if err := evt.Content.ParseRaw(evt.Type); err != nil {
			return nil, err
		}
	}
	return m.helper.Decrypt(ctx, evt)
}

// Encrypt encrypts content for the room, sharing a megolm session with the
// members' devices first when needed.
func (m *member) Encrypt(ctx context.Context, roomID id.RoomID, typ event.Type, content any) (*event.EncryptedEventContent, error) {
	return m.helper.Encrypt(ctx, roomID, typ, content)
}

// Close closes the crypto store.
func (m *member) Close() error { return m.helper.Close() }
