package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/bot"
	"github.com/exodus-matrix/exodus/ledger"
)

// An op a member takes in the direct chat with the answering bot is
// recorded in the circle as a record event, which clients do not show, not
// as a message: its content names the actor, the verb, the event and the
// ops; the other bot applies it.
func TestDirectActionIsRecordedAsARecordEvent(t *testing.T) {
	w := newFedWorld(t)
	k := len(w.a.cli.messages())
	dmEvent := w.direct(w.a, bob, "status orange 100", w.b)
	var records []sentMessage
	for _, m := range inRoom(w.a.cli.messages()[k:], w.circle) {
		if isRecord(m) {
			records = append(records, m)
			continue
		}
		if typ, _ := ns(m); typ == "relay" || strings.Contains(body(m), "📒") || strings.Contains(body(m), "Recorded") {
			t.Fatalf("the relay was posted as a message members read: %v", m)
		}
	}
	if len(records) != 1 {
		t.Fatalf("records in the circle: %v, want one", records)
	}
	c := records[0].Content
	ops, _ := c["ops"].([]any)
	op, _ := func() (map[string]any, bool) {
		if len(ops) != 1 {
			return nil, false
		}
		m, ok := ops[0].(map[string]any)
		return m, ok
	}()
	if c["kind"] != "relay.op" || c["actor"] != bob || c["verb"] != "status" || c["event"] != string(dmEvent) ||
		c["version"] != float64(1) || op["event"] != string(dmEvent) || op["actor"] != bob ||
		!strings.Contains(body(records[0]), "status") || c["msgtype"] != nil {
		t.Fatalf("record content %v", c)
	}
	// Its body names no member (push rules read bodies for names), and it
	// mentions nobody.
	if m, ok := c["m.mentions"].(map[string]any); !ok || len(m) != 0 || strings.Contains(body(records[0]), "bob") {
		t.Fatalf("record content %v", c)
	}
	if need := w.needOf(w.b, bob); need == "" {
		t.Fatal("botB did not apply the record")
	}
	w.sameLedger()
}

// A relay in the m.notice form rooms held before record events is still
// followed, and the same op in both forms counts once.
func TestOldFormRelayIsStillFollowed(t *testing.T) {
	w := newFedWorld(t)
	k := len(w.a.cli.messages())
	w.direct(w.a, bob, "status orange 100") // botB is not fed the record
	w.a.fed = len(w.a.cli.messages())
	var rec sentMessage
	for _, m := range inRoom(w.a.cli.messages()[k:], w.circle) {
		if isRecord(m) {
			rec = m
		}
	}
	if rec.ID == "" {
		t.Fatal("botA recorded nothing")
	}
	if st, _ := w.b.svc.Aid.StatusOf(w.b.ctx, bob); st.Need != "" {
		t.Fatalf("botB knew bob's need before any record: %+v", st)
	}
	old := map[string]any{"msgtype": "m.notice", "body": "📒 Recorded for every bot of this circle",
		bot.Namespace: map[string]any{"type": "relay", "data": map[string]any{"ops": rec.Content["ops"]}}}
	w.feed(w.event("m.room.message", botA, old, nil), w.b)
	w.needOf(w.b, bob)
	w.sameLedger()
	before := w.b.digest(t, w.circle)
	w.feed(w.eventID(rec.ID, bot.RecordType.Type, botA, rec.Content, nil), w.b)
	if after := w.b.digest(t, w.circle); after != before {
		t.Fatal("the same op recorded in both forms counted twice")
	}
}

// A record event counts only from the circle's answering bot: a member, a
// listed bot that does not answer there, and an unlisted bot forge one in
// vain; the same record from the answering bot counts.
func TestForgedRecordEventsChangeNothing(t *testing.T) {
	w := newFedWorld(t)
	w.say(alice, "", "!ex status orange 150")
	need := w.needOf(w.a, alice)
	w.react(bob, w.cardIn(w.a, need), "❤️")
	w.sameLedger()
	at := fedStart.Add(-time.Minute)
	forged := func(event string) map[string]any {
		return map[string]any{"body": "forged", "kind": "relay.op", "actor": bob, "verb": "withdraw", "need": string(need),
			"event": event, "version": 1, "ops": []any{map[string]any{"kind": "withdraw", "event": event, "actor": bob,
				"at": at, "need": string(need)}}}
	}
	for i, sender := range []string{owner, alice, string(botB), string(rogue)} {
		w.feed(w.event(bot.RecordType.Type, sender, forged("$forged"+string(rune('a'+i))), nil), w.a, w.b)
		for _, p := range []*peer{w.a, w.b} {
			if q := p.promise(need, bob); q == nil || q.State != ledger.PromiseIntention {
				t.Fatalf("%s: bob's promise after a record from %s: %+v", p.user, sender, q)
			}
		}
	}
	w.feed(w.event(bot.RecordType.Type, botA, forged("$real"), nil), w.b)
	if q := w.b.promise(need, bob); q == nil || q.State != ledger.PromiseWithdrawn {
		t.Fatalf("botB: bob's promise after the answering bot's record: %+v", q)
	}
}
