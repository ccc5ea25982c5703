package replica_test

import (
	"context"
	"testing"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/ledger"
)

// askingDecrypter is a fakeDecrypter that asks the trusted bots for the
// keys it lacks: the keys of held arrive when the test says so.
type askingDecrypter struct {
	*fakeDecrypter
	held  map[id.EventID]*event.Event
	asked []id.SessionID
}

func (a *askingDecrypter) RequestHistoryKey(_ context.Context, evt *event.Event) (bool, error) {
	s, _ := evt.Content.Raw["session_id"].(string)
	a.asked = append(a.asked, id.SessionID(s))
	return true, nil
}

// A bot that joins an encrypted circle later finds its history's keys
// missing: its catch-up asks the trusted bots for them, each session once,
// and when they arrive replays the history again: both bots then hold the
// same ledger of the circle.
func TestCatchUpAsksTrustedBotsForKeys(t *testing.T) {
	w, _, _ := recordWorld(t)
	var secret []id.EventID // ann's status and ben's commit
	for _, e := range w.history[recordCircle] {
		if body := e.Content.Raw["body"]; body == "!ex status orange 300" || body == "!ex commit 20" {
			secret = append(secret, e.ID)
		}
	}
	d := &askingDecrypter{fakeDecrypter: &fakeDecrypter{plain: map[id.EventID]*event.Event{}, trust: map[id.EventID]id.TrustState{}},
		held: map[id.EventID]*event.Event{}}
	if len(secret) != 2 {
		t.Fatalf("ann's status and ben's commit: %v", secret)
	}
	for _, e := range secret {
		encrypt(w, d.fakeDecrypter, recordCircle, e, id.TrustStateCrossSignedTOFU)
		d.held[e] = d.plain[e]
		delete(d.plain, e)
	}

	h := followerCatchesUp(t, w, d)
	if len(d.asked) != 1 || d.asked[0] != "s" {
		t.Fatalf("the catch-up asked for %v, want the one session s", d.asked)
	}
	live, err := w.svc.Aid.CircleLedger(w.ctx, ledger.CircleID(recordCircle))
	if err != nil {
		t.Fatal(err)
	}
	if caught, err := h.svc.Aid.CircleLedger(h.ctx, ledger.CircleID(recordCircle)); err == nil && caught.Digest() == live.Digest() {
		t.Fatal("the ledgers are the same without the need's keys")
	}
	h.drain(t) // nothing arrived: nothing is asked again
	if len(d.asked) != 1 {
		t.Fatalf("asked again before any key came: %v", d.asked)
	}

	// The keys arrive (forwarded by the trusted bot): the history is
	// replayed again, and the ledgers are the same.
	for e, p := range d.held {
		d.plain[e] = p
	}
	h.replica.KeyArrived(h.ctx, "s")
	h.drain(t)
	caught, err := h.svc.Aid.CircleLedger(h.ctx, ledger.CircleID(recordCircle))
	if err != nil {
		t.Fatal(err)
	}
	if live.Digest() != caught.Digest() {
		t.Fatalf("the ledgers differ:\nlive:\n%s\ncaught up:\n%s", live.Canonical(), caught.Canonical())
	}
	if len(d.asked) != 1 {
		t.Errorf("asked %v, want the one session once", d.asked)
	}
}
