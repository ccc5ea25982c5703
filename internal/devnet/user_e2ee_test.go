package devnet

import (
	"context"
	"errors"
	"testing"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"
)

// keyring is an Encryption that "decrypts" the events whose keys it holds
// (by ID) into m.room.message events; the real one is tested against
// Dendrite in internal/devnet/encrypted.
type keyring struct{ keys map[id.EventID]string }

func (k *keyring) ProcessSync(context.Context, *mautrix.RespSync, string) error { return nil }
func (k *keyring) PrepareSend(context.Context, id.RoomID) error                 { return nil }
func (k *keyring) Close() error                                                 { return nil }
func (k *keyring) Encrypt(context.Context, id.RoomID, event.Type, any) (*event.EncryptedEventContent, error) {
	return nil, errors.ErrUnsupported
}
func (k *keyring) Decrypt(_ context.Context, evt *event.Event) (*event.Event, error) {
	body, ok := k.keys[evt.ID]
	if !ok {
		return nil, errors.New("no session")
	}
	return &event.Event{ID: evt.ID, Sender: evt.Sender, RoomID: evt.RoomID, Timestamp: evt.Timestamp, Type: event.EventMessage,
		Content: event.Content{Parsed: &event.MessageEventContent{MsgType: event.MsgText, Body: body}}}, nil
}

// TestWaitsForKeys: an encrypted event whose key may still come (sent after
// the member joined and after its client started) stops the scan until it is
// decrypted; one sent before either never does.
func TestWaitsForKeys(t *testing.T) {
	const me, other = id.UserID("@me:x"), id.UserID("@other:x")
	ring := &keyring{keys: map[id.EventID]string{}}
	u := NewEncryptedUser(&mautrix.Client{UserID: me}, "", ring)
	u.e2eeSince = 2000
	enc := func(evtID id.EventID, ts int64) *event.Event {
		return &event.Event{ID: evtID, Sender: other, Type: event.EventEncrypted, Timestamp: ts,
			Content: event.Content{Parsed: &event.EncryptedEventContent{}}}
	}
	stateKey := me.String()
	join := &event.Event{ID: "$join", Sender: me, Type: event.StateMember, StateKey: &stateKey, Timestamp: 1500,
		Content: event.Content{Parsed: &event.MemberEventContent{Membership: event.MembershipJoin}}}
	log := &roomLog{events: []*event.Event{
		enc("$before-join", 1000), join, enc("$before-start", 1900), enc("$pending", 2500), enc("$later", 2600),
	}}
	u.decryptLog(context.Background(), log)
	for i, want := range []bool{false, false, false, true, true} {
		if got := u.waitsForKeys(log, i); got != want {
			t.Errorf("%s waits for keys: %v, want %v", log.events[i].ID, got, want)
		}
	}
	ring.keys["$pending"] = "now readable"
	u.decryptLog(context.Background(), log)
	if u.waitsForKeys(log, 3) || Body(log.events[3]) != "now readable" || log.undecrypted["$pending"] != nil {
		t.Fatalf("after its key came, $pending is %s %q (undecrypted: %v)", log.events[3].Type.Type, Body(log.events[3]), log.undecrypted["$pending"])
	}
	if !u.waitsForKeys(log, 4) {
		t.Fatal("$later no longer waits for its key")
	}
}
