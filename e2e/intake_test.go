package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/internal/devnet"
)

// rawEvent fetches an event as the homeserver stores it, in the shape an
// appservice transaction carries.
func rawEvent(t *testing.T, u *devnet.User, room id.RoomID, evt id.EventID) json.RawMessage {
	t.Helper()
	var raw json.RawMessage
	url := u.Client.BuildClientURL("v3", "rooms", room, "event", evt)
	if _, err := u.Client.MakeRequest(testCtx(t), http.MethodGet, url, nil, &raw); err != nil {
		t.Fatalf("fetch event %s: %v", evt, err)
	}
	return raw
}

// putTransaction sends a transaction to the bot as the homeserver would.
func putTransaction(t *testing.T, token, txnID string, events ...json.RawMessage) int {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"events": events})
	req, _ := http.NewRequestWithContext(testCtx(t), http.MethodPut,
		env.BotURL+"/_matrix/app/v1/transactions/"+txnID, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("PUT transaction: %v", err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// botMessagesSince counts the bot's messages after an event in a room.
func botMessagesSince(t *testing.T, u *devnet.User, room id.RoomID, after id.EventID) []*event.Event {
	t.Helper()
	all, err := u.Messages(testCtx(t), room)
	if err != nil {
		t.Fatal(err)
	}
	var out []*event.Event
	seen := false
	for _, e := range all {
		if e.ID == after {
			seen = true
			continue
		}
		if seen && e.Sender == env.BotID && e.Type.Type == event.EventMessage.Type {
			out = append(out, e)
		}
	}
	return out
}

// TestRetriedTransactionAndReplay sends the same member events to the bot
// again, as a retried transaction and as a replay in a new transaction, and
// checks that nothing changes: no second card, no second guarantee, no
// second answer.
func TestRetriedTransactionAndReplay(t *testing.T) {
	alice, bob := member(t, "alice"), member(t, "bob")
	dm := openDM(t, alice)
	say(t, alice, dm, "circle Replay")
	circle := joinInvite(t, alice, env.BotID)
	card := inviteAndJoin(t, alice, bob, circle)
	accept, err := bob.Send(testCtx(t), circle, "!ex accept")
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, replyTo(t, bob, circle, accept), "accepted the invitation")
	before := say(t, alice, circle, "!ex list")
	mustContain(t, before, "1 member**")

	// The events that changed the ledger: the invite command, the card
	// reaction-free acceptance, and a pool question.
	inviteCmd := findSent(t, alice, circle, "!ex invite")
	events := []json.RawMessage{rawEvent(t, alice, circle, inviteCmd), rawEvent(t, bob, circle, accept), rawEvent(t, alice, circle, card.ID)}
	txn := fmt.Sprintf("replay-%d", time.Now().UnixNano())
	for i := 0; i < 2; i++ { // a retry reuses the transaction ID
		if code := putTransaction(t, env.HSToken, txn, events...); code != http.StatusOK {
			t.Fatalf("retried transaction answered %d", code)
		}
	}
	if code := putTransaction(t, env.HSToken, txn+"-new", events...); code != http.StatusOK {
		t.Fatalf("replayed transaction answered %d", code)
	}
	// The bot handles events in arrival order: once it answers this marker,
	// it has handled the replayed events too.
	marker := say(t, alice, circle, "!ex list")
	mustContain(t, marker, "1 member**")
	for _, e := range botMessagesSince(t, alice, circle, before.ID) {
		if e.ID != marker.ID {
			t.Fatalf("the replay made the bot say something: %q", devnet.Body(e))
		}
	}
}

// findSent finds the newest message of u in room that starts with prefix.
func findSent(t *testing.T, u *devnet.User, room id.RoomID, prefix string) id.EventID {
	t.Helper()
	all, err := u.Messages(testCtx(t), room)
	if err != nil {
		t.Fatal(err)
	}
	for i := len(all) - 1; i >= 0; i-- {
		if all[i].Sender == u.ID && strings.HasPrefix(devnet.Body(all[i]), prefix) {
			return all[i].ID
		}
	}
	t.Fatalf("no message %q from %s", prefix, u.ID)
	return ""
}

// TestWrongHSToken checks that a transaction with a wrong or missing token
// is refused and its events are not handled.
func TestWrongHSToken(t *testing.T) {
	alice := member(t, "alice")
	dm := openDM(t, alice)
	ask := say(t, alice, dm, "pool")
	forged := rawEvent(t, alice, dm, findSent(t, alice, dm, "pool"))
	// A forged copy with a new ID must not be handled either.
	var m map[string]any
	_ = json.Unmarshal(forged, &m)
	m["event_id"] = "$forged" + fmt.Sprint(time.Now().UnixNano())
	forged, _ = json.Marshal(m)
	for _, token := range []string{"wrong-token", ""} {
		if code := putTransaction(t, token, fmt.Sprintf("bad-%d", time.Now().UnixNano()), forged); code != http.StatusUnauthorized && code != http.StatusForbidden {
			t.Fatalf("token %q: status %d, want 401 or 403", token, code)
		}
	}
	marker := say(t, alice, dm, "help")
	for _, e := range botMessagesSince(t, alice, dm, ask.ID) {
		if e.ID != marker.ID {
			t.Fatalf("a refused transaction made the bot say %q", devnet.Body(e))
		}
	}
	_ = context.Background
}

// TestAnswerIsRenderedWhenSent: the bot keeps its answer in the outbox as a
// draft and renders it when it sends it; alice reads, through the real
// homeserver, an answer rendered as ever: a notice replying to her command,
// its Markdown as HTML in formatted_body and its plain body, its
// machine-readable part under org.exodus, and nothing of the draft's form.
func TestAnswerIsRenderedWhenSent(t *testing.T) {
	alice := member(t, "alice")
	dm := openDM(t, alice)
	say(t, alice, dm, "circle Drafts")
	circle := joinInvite(t, alice, env.BotID)
	ans := say(t, alice, circle, "!ex pool")
	msg, _ := ans.Content.Parsed.(*event.MessageEventContent)
	if msg == nil || msg.MsgType != event.MsgNotice || msg.Format != event.FormatHTML {
		t.Fatalf("answer %v, want an HTML notice", ans.Content.Raw)
	}
	if !strings.Contains(msg.FormattedBody, "<strong>Pool of your trust list:</strong>") || strings.Contains(msg.Body, "<") ||
		!strings.Contains(msg.Body, "Pool of your trust list") {
		t.Fatalf("answer body %q, formatted %q; want the Markdown rendered", msg.Body, msg.FormattedBody)
	}
	if kind, d := data(t, ans); kind != "pool" || d["count"] == nil {
		t.Fatalf("org.exodus %q %v, want the pool's data", kind, d)
	}
	for _, k := range []string{"org.exodus.draft", "md", "kind"} {
		if _, ok := ans.Content.Raw[k]; ok {
			t.Fatalf("the answer shows its draft's %q: %v", k, ans.Content.Raw)
		}
	}
}
