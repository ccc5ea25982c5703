package replica_test

import (
	"context"
	"testing"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/bot"
	"github.com/exodus-matrix/exodus/bot/replica"
	"github.com/exodus-matrix/exodus/ledger"
)

// fakeDecrypter "decrypts" the events it holds the plaintext of, with the
// trust state given; others have no key.
type fakeDecrypter struct {
	plain map[id.EventID]*event.Event
	trust map[id.EventID]id.TrustState
	asked int
}

func (f *fakeDecrypter) Decrypt(_ context.Context, evt *event.Event) (*event.Event, error) {
	f.asked++
	p, ok := f.plain[evt.ID]
	if !ok {
		return nil, bot.ErrNoKey
	}
	dec := *p
	dec.Type.Class = event.MessageEventType
	if err := dec.Content.ParseRaw(dec.Type); err != nil {
		return nil, err
	}
	dec.Mautrix.TrustState = f.trust[evt.ID]
	return &dec, nil
}

// encrypt replaces the event in the world's history with its ciphertext
// as a homeserver serves it, keeping its plaintext in d.
func encrypt(w *rebuildWorld, d *fakeDecrypter, room id.RoomID, evt id.EventID, trust id.TrustState) {
	for i, e := range w.history[room] {
		if e.ID != evt {
			continue
		}
		d.plain[evt], d.trust[evt] = e, trust
		_, enc := w.build(e.Timestamp, "m.room.encrypted", room, e.Sender.String(), nil, map[string]any{
			"algorithm": "m.megolm.v1.aes-sha2", "ciphertext": "AAAA", "session_id": "s", "sender_key": "k", "device_id": "D"})
		w.history[room][i] = timelineEvent(w.t, enc)
		w.history[room][i].ID = evt
		return
	}
	w.t.Fatalf("no event %s in %s", evt, room)
}

// An encrypted circle's history rebuilds as the live bot saw it: the
// events are decrypted and pass the intake's trust policy; an event with
// no key, or with a key not proven to be its sender's device, is counted
// undecryptable and the rebuild goes on.
func TestRebuildDecryptsHistory(t *testing.T) {
	w := newRebuildWorld(t, 1000)
	const circle = id.RoomID("!c:test")
	w.happen(true, "m.room.create", circle, botUser, ptr(""), map[string]any{"creator": botUser})
	w.member(circle, botUser, botUser, "join", false)
	w.happen(true, bot.CircleStateType.Type, circle, botUser, ptr(""), map[string]any{"name": "Secret", "pledge_minor": 1000,
		"currency": "EUR", "lang": "en", "owner": ann, "answering_bot": botUser, "version": 1})
	w.member(circle, ann, ann, "join", false)
	status := w.say(circle, ann, "!ex status orange 300", "")
	lost := w.say(circle, ann, "hello, whose key never came", "")
	forwarded := w.say(circle, ann, "a key forwarded by someone else", "")

	d := &fakeDecrypter{plain: map[id.EventID]*event.Event{}, trust: map[id.EventID]id.TrustState{}}
	encrypt(w, d, circle, status, id.TrustStateCrossSignedTOFU)
	encrypt(w, d, circle, forwarded, id.TrustStateForwarded)
	encrypt(w, d, circle, lost, id.TrustStateUnset)
	delete(d.plain, lost)

	rc := replica.NewReplayClock(ledger.NewManualClock(w.clock.Now()))
	h := newBareHarness(t, rc, 1000)
	h.cli.timeline = w.timelines()
	h.replica.SetDecrypter(d)
	report, err := h.replica.Rebuild(h.ctx, replica.Options{Clock: rc})
	if err != nil {
		t.Fatal(err)
	}
	if report.Undecryptable != 2 || report.Failed != 0 {
		t.Errorf("undecryptable %d (want 2: no key, forwarded), failed %d", report.Undecryptable, report.Failed)
	}
	live, err := w.svc.Aid.StatusOf(w.ctx, ann)
	if err != nil || live.Need == "" {
		t.Fatalf("live need: %+v %v", live, err)
	}
	rebuilt, err := h.svc.Aid.StatusOf(h.ctx, ann)
	if err != nil || rebuilt.Need != live.Need {
		t.Errorf("rebuilt need %q, live %q (%v): the encrypted status was not read", rebuilt.Need, live.Need, err)
	}

	// Without a decrypter every encrypted event the bot followed is
	// undecryptable.
	h2 := newBareHarness(t, rc, 1000)
	h2.cli.timeline = w.timelines()
	report, err = h2.replica.Rebuild(h2.ctx, replica.Options{Clock: rc})
	if err != nil {
		t.Fatal(err)
	}
	if report.Undecryptable != 3 {
		t.Errorf("without a device: %d undecryptable, want 3", report.Undecryptable)
	}
	if st, _ := h2.svc.Aid.StatusOf(h2.ctx, ann); st.Need != "" {
		t.Errorf("without a device the encrypted status was read: %+v", st)
	}
}
