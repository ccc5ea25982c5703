package bot_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/bot"
	"github.com/exodus-matrix/exodus/ledger"
)

// fakeDecrypter "decrypts" an event whose session's key it has: the
// ciphertext is the body of the m.text message inside, trusted as trust.
type fakeDecrypter struct {
	mu    sync.Mutex
	keys  map[id.SessionID]bool
	trust id.TrustState
	calls int
	asked []id.SessionID
}

func (d *fakeDecrypter) RequestKey(_ context.Context, evt *event.Event) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.asked = append(d.asked, evt.Content.AsEncrypted().SessionID)
	return nil
}

func (d *fakeDecrypter) Decrypt(_ context.Context, evt *event.Event) (*event.Event, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.calls++
	c := evt.Content.AsEncrypted()
	if !d.keys[c.SessionID] {
		return nil, bot.ErrNoKey
	}
	if payload, ok := strings.CutPrefix(string(c.MegolmCiphertext), "event:"); ok {
		return d.asMautrix(evt, payload)
	}
	return &event.Event{ID: evt.ID, RoomID: evt.RoomID, Sender: evt.Sender, Timestamp: evt.Timestamp,
		Type: event.EventMessage, Content: event.Content{Parsed: &event.MessageEventContent{MsgType: event.MsgText, Body: string(c.MegolmCiphertext)}},
		Mautrix: event.MautrixInfo{TrustState: d.trust, WasEncrypted: true}}, nil
}

// asMautrix is the event a payload (base64 of {"type", "content"}) decrypts into, as
// mautrix's DecryptMegolmEvent makes it: the relation sent in clear beside
// the ciphertext is put back into a content without one (the Rust SDK
// sends it only there), the content is parsed when its type is known.
func (d *fakeDecrypter) asMautrix(evt *event.Event, payload string) (*event.Event, error) {
	var inner struct {
		Type    string         `json:"type"`
		Content map[string]any `json:"content"`
	}
	plain, err := base64.StdEncoding.DecodeString(payload)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(plain, &inner); err != nil {
		return nil, err
	}
	if rel, ok := evt.Content.Raw["m.relates_to"]; ok && inner.Content["m.relates_to"] == nil {
		inner.Content["m.relates_to"] = rel
	}
	raw, _ := json.Marshal(inner.Content)
	dec := &event.Event{ID: evt.ID, RoomID: evt.RoomID, Sender: evt.Sender, Timestamp: evt.Timestamp,
		Type: event.Type{Type: inner.Type, Class: evt.Type.Class}, Mautrix: event.MautrixInfo{TrustState: d.trust, WasEncrypted: true}}
	if err := json.Unmarshal(raw, &dec.Content); err != nil {
		return nil, err
	}
	if err := dec.Content.ParseRaw(dec.Type); err != nil && !errors.Is(err, event.ErrUnsupportedContentType) {
		return nil, err
	}
	return dec, nil
}

func (d *fakeDecrypter) give(session id.SessionID) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.keys[session] = true
}

// encrypted is a raw m.room.encrypted event of session carrying body.
func encrypted(evtID, room, sender string, session id.SessionID, body string) json.RawMessage {
	raw, _ := json.Marshal(map[string]any{
		"event_id": evtID, "room_id": room, "sender": sender, "type": "m.room.encrypted",
		"origin_server_ts": 1_790_000_000_000, "content": map[string]any{"algorithm": "m.megolm.v1.aes-sha2",
			"sender_key": "key", "device_id": "DEV", "session_id": string(session), "ciphertext": body},
	})
	return raw
}

func decryptingHarness(t *testing.T, trust id.TrustState) (*harness, *fakeDecrypter) {
	h := newHarness(t)
	d := &fakeDecrypter{keys: map[id.SessionID]bool{}, trust: trust}
	h.intake.SetDecrypter(d)
	return h, d
}

func invitations(t *testing.T, h *harness, who ledger.UserID) int {
	t.Helper()
	pending, err := h.store.Trust.PendingInvitations(h.ctx, h.circle, who)
	if err != nil {
		t.Fatal(err)
	}
	return len(pending)
}

// TestEncryptedCommandIsHandledDecrypted: an encrypted command whose key
// the bot has is handled as the command it carries.
func TestEncryptedCommandIsHandledDecrypted(t *testing.T) {
	h, d := decryptingHarness(t, id.TrustStateCrossSignedTOFU)
	d.give("s1")
	h.put(t, hsToken, "t1", encrypted("$e1", string(h.circle), "@alice:test", "s1", "!ex invite @bob:test"))
	h.drain(t)
	if n := invitations(t, h, "@bob:test"); n != 1 {
		t.Fatalf("pending invitations = %d, want 1", n)
	}
}

// TestEncryptedCommandWaitsForItsKey: a command whose key has not come is
// parked, not dropped, while later events go on; once the key comes, it is
// handled; it survives a new intake (a restart) meanwhile.
func TestEncryptedCommandWaitsForItsKey(t *testing.T) {
	h, d := decryptingHarness(t, id.TrustStateCrossSignedTOFU)
	h.put(t, hsToken, "t1", encrypted("$e1", string(h.circle), "@alice:test", "s1", "!ex invite @bob:test"),
		message("$m2", string(h.circle), "@alice:test", "!ex invite @carol:test"))
	h.drain(t)
	if invitations(t, h, "@bob:test") != 0 || invitations(t, h, "@carol:test") != 1 {
		t.Fatal("want the later plain command handled and the encrypted one waiting")
	}
	calls := d.calls
	h.drain(t)
	if d.calls != calls {
		t.Fatal("a parked event was tried again before its key came")
	}
	restarted := bot.NewIntake(h.store, hsToken, h.bot, nil, h.clock, nil)
	restarted.SetDecrypter(d)
	h.intake = restarted
	d.give("s1")
	h.intake.KeyArrived(h.ctx, "s1")
	h.drain(t)
	if n := invitations(t, h, "@bob:test"); n != 1 {
		t.Fatalf("pending invitations of bob = %d, want 1 once the key came", n)
	}
}

// TestEncryptedEventOfAnotherDeviceIsRefused: an event decrypted with keys
// not proven to be the sender's device's is not acted on.
func TestEncryptedEventOfAnotherDeviceIsRefused(t *testing.T) {
	for _, trust := range []id.TrustState{id.TrustStateDeviceKeyMismatch, id.TrustStateUnknownDevice, id.TrustStateForwarded, id.TrustStateBackup} {
		h, d := decryptingHarness(t, trust)
		d.give("s1")
		h.put(t, hsToken, "t1", encrypted("$e1", string(h.circle), "@alice:test", "s1", "!ex invite @bob:test"))
		h.drain(t)
		if n := invitations(t, h, "@bob:test"); n != 0 {
			t.Errorf("trust %s: the command was acted on", trust)
		}
	}
}

// TestEncryptedEventWithAForwardedKeyWaits: an event whose session the bot
// holds only as forwarded (by a trusted bot, for a catch-up) is not acted
// on; it waits for the sender's own key, and is handled when it arrives.
func TestEncryptedEventWithAForwardedKeyWaits(t *testing.T) {
	h, d := decryptingHarness(t, id.TrustStateForwarded)
	d.give("s1")
	h.put(t, hsToken, "t1", encrypted("$e1", string(h.circle), "@alice:test", "s1", "!ex invite @bob:test"))
	h.drain(t)
	if n := invitations(t, h, "@bob:test"); n != 0 {
		t.Fatal("the command was acted on with a forwarded key")
	}
	d.mu.Lock()
	d.trust = id.TrustStateCrossSignedTOFU // alice's own key came
	d.mu.Unlock()
	h.intake.KeyArrived(h.ctx, "s1")
	h.drain(t)
	if n := invitations(t, h, "@bob:test"); n != 1 {
		t.Fatalf("pending invitations of bob = %d, want 1 once alice's own key came", n)
	}
}

// TestEncryptedEventGivenUpAfterADay: an event whose key never comes is
// given up after KeyWait, and its sender told once.
func TestEncryptedEventGivenUpAfterADay(t *testing.T) {
	h, _ := decryptingHarness(t, id.TrustStateCrossSignedTOFU)
	h.put(t, hsToken, "t1", encrypted("$e1", string(h.circle), "@alice:test", "s1", "!ex invite @bob:test"),
		encrypted("$e2", string(h.circle), "@alice:test", "s1", "!ex invite @carol:test"))
	h.drain(t)
	h.clock.Advance(bot.KeyWait - time.Minute)
	h.intake.KeyArrived(h.ctx, "")
	h.drain(t)
	if len(h.cli.messages()) != 0 {
		t.Fatalf("the bot spoke before giving up: %v", h.cli.messages())
	}
	if n, last := h.intake.GivenUp(); n != 0 || !last.IsZero() {
		t.Fatalf("given up on %d events (last %v) before a day", n, last)
	}
	h.clock.Advance(2 * time.Minute)
	h.intake.KeyArrived(h.ctx, "")
	h.drain(t)
	if n, last := h.intake.GivenUp(); n != 2 || !last.Equal(h.clock.Now()) {
		t.Errorf("given up on %d events, last at %v; want 2, at %v", n, last, h.clock.Now())
	}
	msgs := h.cli.messages()
	if len(msgs) != 1 || !strings.Contains(fmt.Sprint(msgs[0].Content["body"]), "could not read a message") {
		t.Fatalf("want one message telling alice, got %v", msgs)
	}
	if n, err := h.store.CountPending(h.ctx); err != nil || n != 0 {
		t.Fatalf("pending = %d (%v), want 0", n, err)
	}
}

// racingDecrypter is a fakeDecrypter whose key for a session arrives (and
// KeyArrived is called) while the event is being decrypted, too late for
// that decryption.
type racingDecrypter struct {
	*fakeDecrypter
	intake *bot.Intake
	ctx    context.Context
}

func (d racingDecrypter) Decrypt(ctx context.Context, evt *event.Event) (*event.Event, error) {
	dec, err := d.fakeDecrypter.Decrypt(ctx, evt)
	if err != nil {
		d.give(evt.Content.AsEncrypted().SessionID)
		d.intake.KeyArrived(d.ctx, evt.Content.AsEncrypted().SessionID) // nothing parked yet
	}
	return dec, err
}

// TestKeyArrivingDuringDecryptionWakesTheEvent: a key that arrives while its
// event is being decrypted, just before the event is parked, still wakes it.
func TestKeyArrivingDuringDecryptionWakesTheEvent(t *testing.T) {
	h, d := decryptingHarness(t, id.TrustStateCrossSignedTOFU)
	h.intake.SetDecrypter(racingDecrypter{fakeDecrypter: d, intake: h.intake, ctx: h.ctx})
	h.put(t, hsToken, "t1", encrypted("$e1", string(h.circle), "@alice:test", "s1", "!ex invite @bob:test"))
	h.drain(t)
	if n := invitations(t, h, "@bob:test"); n != 1 {
		t.Fatalf("pending invitations = %d, want 1: the event stayed parked", n)
	}
}

// TestMissingKeyIsAskedForAgain: an event still without its key when it is
// woken a minute or more after it was parked has its key asked for again;
// not before.
func TestMissingKeyIsAskedForAgain(t *testing.T) {
	h, d := decryptingHarness(t, id.TrustStateCrossSignedTOFU)
	h.put(t, hsToken, "t1", encrypted("$e1", string(h.circle), "@alice:test", "s1", "!ex invite @bob:test"))
	h.drain(t)
	h.intake.KeyArrived(h.ctx, "")
	h.drain(t)
	if len(d.asked) != 0 {
		t.Fatalf("asked for %v within a minute", d.asked)
	}
	h.clock.Advance(2 * time.Minute)
	h.intake.KeyArrived(h.ctx, "")
	h.drain(t)
	if len(d.asked) != 1 || d.asked[0] != "s1" {
		t.Fatalf("asked for %v, want s1 once", d.asked)
	}
	d.give("s1")
	h.intake.KeyArrived(h.ctx, "s1")
	h.drain(t)
	if n := invitations(t, h, "@bob:test"); n != 1 {
		t.Fatalf("pending invitations = %d, want 1", n)
	}
}

// TestDecryptionsAreCounted: each attempt at an encrypted event is counted
// by what came of it.
func TestDecryptionsAreCounted(t *testing.T) {
	m := &recordedMetrics{}
	h := newHarness(t, func(c *bot.Config) { c.Metrics = m })
	d := &fakeDecrypter{keys: map[id.SessionID]bool{}, trust: id.TrustStateCrossSignedTOFU}
	h.intake.SetDecrypter(d)
	h.put(t, hsToken, "t1", encrypted("$e1", string(h.circle), "@alice:test", "s1", "!ex invite @bob:test"))
	h.drain(t)
	d.give("s1")
	h.intake.KeyArrived(h.ctx, "s1")
	h.drain(t)
	want := []bot.DecryptResult{bot.DecryptParked, bot.DecryptOK}
	if !slices.Equal(m.decrypts, want) {
		t.Fatalf("counted %v, want %v", m.decrypts, want)
	}
}

// TestEncryptedEventWithoutSessionIsNotParked: an event with no session to
// wait for is recorded as failed, not parked forever nor handled.
func TestEncryptedEventWithoutSessionIsNotParked(t *testing.T) {
	h, _ := decryptingHarness(t, id.TrustStateCrossSignedTOFU)
	h.put(t, hsToken, "t1", encrypted("$e1", string(h.circle), "@alice:test", "", "!ex invite @bob:test"))
	h.drain(t)
	if n, err := h.store.CountPending(h.ctx); err != nil || n != 0 {
		t.Fatalf("pending = %d (%v), want 0", n, err)
	}
}
