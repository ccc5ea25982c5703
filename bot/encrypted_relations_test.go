package bot_test

import (
	"encoding/base64"
	"encoding/json"
	"testing"

	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/ledger"
)

// sealedEvent is a raw m.room.encrypted event of session "s" whose
// ciphertext holds an event of type typ with content; its relation, if
// any, travels in clear beside the ciphertext, and inside it too when
// inside is set (mautrix's crypto sends it in both places, the Rust SDK's
// only in clear).
func (w *aidWorld) sealedEvent(sender, typ string, content map[string]any, inside bool) (id.EventID, json.RawMessage) {
	rel := content["m.relates_to"]
	if !inside {
		plain := map[string]any{}
		for k, v := range content {
			if k != "m.relates_to" {
				plain[k] = v
			}
		}
		content = plain
	}
	payload, _ := json.Marshal(map[string]any{"type": typ, "content": content, "room_id": w.circle})
	wire := map[string]any{"algorithm": "m.megolm.v1.aes-sha2", "sender_key": "key", "device_id": "DEV",
		"session_id": "s", "ciphertext": "event:" + base64.StdEncoding.EncodeToString(payload)}
	if rel != nil {
		wire["m.relates_to"] = rel
	}
	return w.event("m.room.encrypted", w.circle, sender, wire, nil)
}

// Reactions and poll answers sent encrypted count as in clear: the intake
// hands the bot the decrypted m.reaction or poll response, its relation
// put back from the clear part when the ciphertext has none. On alice's
// need: bob's ❤️ in clear (Element), carol's encrypted in both forms; on
// an initiative's poll: dave's and bob's answers encrypted, in both forms.
func TestEncryptedReactionsAndPollAnswersCount(t *testing.T) {
	w, _ := encryptingWorld(t)
	w.intake.SetDecrypter(&fakeDecrypter{keys: map[id.SessionID]bool{"s": true}, trust: id.TrustStateUnset})
	need, cards := w.openNeed()
	card := cards[w.circle]
	w.react(w.circle, bob, card, "❤️")
	_, heart := w.sealedEvent(carol, "m.reaction", reactionContent(card, "❤️"), false)
	w.deliver(heart)
	_, heart = w.sealedEvent(dave, "m.reaction", reactionContent(card, "❤️"), true)
	w.deliver(heart)
	for _, who := range []string{bob, carol, dave} {
		if p := w.promise(need, ledger.UserID(who)); p == nil || p.State != ledger.PromiseIntention {
			t.Fatalf("%s's ❤️ on the need: %+v; want an intention", who, p)
		}
	}

	k := w.sentCount()
	w.say(w.circle, alice, `!ex initiative "Roof" 100 by 2026-12-20`)
	poll, initiative := w.cardOf(w.circle, "initiative_poll", k)
	ref := map[string]any{"rel_type": "m.reference", "event_id": poll}
	_, vote := w.sealedEvent(dave, "org.matrix.msc3381.poll.response", map[string]any{"m.relates_to": ref,
		"org.matrix.msc3381.poll.response": map[string]any{"answers": []string{"a2500"}}}, false)
	w.deliver(vote)
	_, vote = w.sealedEvent(bob, "m.poll.response", map[string]any{"m.relates_to": ref, "m.selections": []string{"a5000"}}, true)
	w.deliver(vote)
	for who, minor := range map[string]int64{dave: 2500, bob: 5000} {
		if p := w.promise(initiative, ledger.UserID(who)); p == nil || p.State != ledger.PromiseIntention || p.Amount.Minor != minor {
			t.Fatalf("%s's encrypted poll answer: %+v; want an intention of %d", who, p, minor)
		}
	}
}
