package bot_test

import (
	"strings"
	"testing"
	"time"

	"maunium.net/go/mautrix/id"
)

// needPosts are the need cards the bot posted (not edits), in order.
func needPosts(sent []sentMessage) []sentMessage {
	var out []sentMessage
	for _, m := range sent {
		ns, _ := m.Content["org.exodus"].(map[string]any)
		if ns["type"] == "need" && m.Content["m.relates_to"] == nil {
			out = append(out, m)
		}
	}
	return out
}

// TestSenderPostTakenThenReplaced: the homeserver takes a need card but
// its answer is lost; before the bot sends the card again, the need
// changes and a newer text replaces the pending card. The card must not
// be posted twice: sent again under its first transaction ID, it is
// answered with the event posted first, which the ledger records as the
// card and the newer text edits.
func TestSenderPostTakenThenReplaced(t *testing.T) {
	w := newAidWorld(t)
	w.bot.Sender().MaxBackoff = time.Millisecond
	w.cli.txns = map[string]id.EventID{}
	w.say(w.circle, alice, "!ex status orange 300")
	before := len(w.cli.sent)
	lost := false
	w.cli.lose = func(m sentMessage) bool { // bob's card: taken, its answer lost
		if len(needPosts([]sentMessage{m})) == 1 && !lost {
			lost = true
			return true
		}
		return false
	}
	w.say(w.circle, bob, "!ex status orange 200")
	posts := needPosts(w.cli.sent[before:])
	if len(posts) != 1 {
		t.Fatalf("%d posts of bob's card when its answer was lost, want 1", len(posts))
	}
	time.Sleep(5 * time.Millisecond) // past the backoff
	w.say(w.circle, bob, "!ex status orange 250")

	sent := w.cli.messages()[before:]
	if posts := needPosts(sent); len(posts) != 1 {
		t.Fatalf("bob's card was posted %d times, want once", len(posts))
	}
	st, err := w.svc.StatusOf(w.ctx, bob)
	if err != nil {
		t.Fatal(err)
	}
	cards, err := w.svc.CardsOf(w.ctx, st.Need)
	if err != nil || len(cards) != 1 || id.EventID(cards[0].Event) != posts[0].ID {
		t.Fatalf("the ledger's cards of bob's need: %+v (%v), want the one posted, %s", cards, err, posts[0].ID)
	}
	last := sent[len(sent)-1]
	for _, m := range sent {
		if rel, _ := m.Content["m.relates_to"].(map[string]any); rel["rel_type"] == "m.replace" && rel["event_id"] == posts[0].ID.String() {
			last = m
		}
	}
	fresh, _ := last.Content["m.new_content"].(map[string]any)
	if body, _ := fresh["body"].(string); !strings.Contains(body, "250 EUR") {
		t.Fatalf("the card's latest edit: %v, want it to show 250 EUR", last.Content)
	}
}
