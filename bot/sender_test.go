package bot_test

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/bot"
	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/ledger/access"
)

// restart is the bot anew over the same database, as after kill -9: a new
// ledger service (its book read back from the store), bot, sender and
// intake; cli stands for the same homeserver.
func (w *aidWorld) restart(cli bot.Client, fake *fakeClient) {
	w.t.Helper()
	w.svc = ledger.NewService(w.store.Ledger(), ledger.NewManualClock(w.svc.Now()), ledger.DefaultConfig())
	w.bot = hook(bot.New(bot.Config{UserID: "@exodus:test", Prefix: "!ex", CommandsPerMinute: 1000,
		BotUsers: []*regexp.Regexp{regexp.MustCompile(`^@exodus:`)}}, cli, w.svc, access.New(w.store.Ledger(), w.svc), w.store), fake)
	w.intake = bot.NewIntake(w.store, hsToken, w.bot, nil, w.svc, nil)
}

// backlog is how many messages wait in the outbox.
func (w *aidWorld) backlog() int {
	w.t.Helper()
	b, err := w.store.OutboxBacklog(w.ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	return b.Messages
}

// answersTo are the msgs replying to evt.
func answersTo(msgs []sentMessage, evt id.EventID) []sentMessage {
	var out []sentMessage
	for _, m := range msgs {
		if repliesTo(m, evt) {
			out = append(out, m)
		}
	}
	return out
}

// A member's intention by replying to a card: the bot handles it and is
// killed before it sends anything. The restarted bot answers once and
// edits the card once, with the ledger's figures; the event is not handled
// again.
func TestAnswerAndCardEditSurviveACrashBeforeTheirSend(t *testing.T) {
	w := newAidWorld(t)
	need, cards := w.openNeed()
	k := w.cli.count()
	cmd, raw := w.event("m.room.message", w.circle, bob, map[string]any{"msgtype": "m.text", "body": "50",
		"m.relates_to": map[string]any{"m.in_reply_to": map[string]any{"event_id": cards[w.circle]}}}, nil)
	if code := w.put(t, hsToken, "txn-crash", raw); code != http.StatusOK {
		t.Fatalf("transaction refused: %d", code)
	}
	if n, err := w.intake.Drain(w.ctx); err != nil || n != 1 {
		t.Fatalf("drain: %d, %v", n, err)
	}
	if w.cli.count() != k || w.backlog() == 0 {
		t.Fatalf("before the crash: %d sent, %d waiting; want nothing sent and the answer waiting", w.cli.count()-k, w.backlog())
	}

	w.restart(w.cli, w.cli) // kill -9, then start again
	if n, err := w.intake.Drain(w.ctx); err != nil || n != 0 {
		t.Fatalf("the restarted bot handled %d events again (%v)", n, err)
	}
	sent := w.sentSince(k)
	if got := answersTo(sent, cmd); len(got) != 1 {
		t.Fatalf("answers to bob's intention after the restart: %d, want 1: %v", len(got), sent)
	}
	expectEdited(t, sent, cards, 5000)
	for circle, card := range cards {
		if n := len(editsOf(sent, card)); n != 1 {
			t.Errorf("card in %s edited %d times, want once", circle, n)
		}
	}
	if p := w.promise(need, bob); p == nil || p.Amount.Minor != 5000 {
		t.Fatalf("bob's promise after the restart: %+v", p)
	}
	if w.backlog() != 0 {
		t.Fatalf("%d messages still waiting", w.backlog())
	}
}

// lossyClient passes sends to the homeserver but loses the first n
// answers, as a crash right after the homeserver took a message would.
type lossyClient struct {
	*fakeClient
	lose int
}

func (c *lossyClient) SendMessageEvent(ctx context.Context, room id.RoomID, typ event.Type, content any, extra ...mautrix.ReqSendEvent) (*mautrix.RespSendEvent, error) {
	resp, err := c.fakeClient.SendMessageEvent(ctx, room, typ, content, extra...)
	if err == nil && c.lose > 0 {
		c.lose--
		return nil, errors.New("connection reset by peer")
	}
	return resp, err
}

// The homeserver took a message but the bot never heard: the retry carries
// the same transaction ID, and the homeserver gives back the same event
// instead of posting it again.
func TestRetriedSendIsDeduplicatedByItsTransactionID(t *testing.T) {
	w := newAidWorld(t)
	lossy := &lossyClient{fakeClient: w.cli, lose: 1}
	w.restart(lossy, w.cli)
	now := time.Now()
	w.bot.Sender().Now = func() time.Time { now = now.Add(time.Hour); return now } // every retry is due
	k := w.cli.count()
	cmd := w.say(dm(bob), bob, "!ex my")
	if got := answersTo(w.sentSince(k), cmd); len(got) != 1 {
		t.Fatalf("answers to bob's command: %d, want 1", len(got))
	}
	if w.backlog() != 0 || lossy.lose != 0 {
		t.Fatalf("waiting %d, answers still to lose %d", w.backlog(), lossy.lose)
	}
}

// failing is an error a homeserver answers with status code.
func failing(code int) error {
	return mautrix.HTTPError{Response: &http.Response{StatusCode: code}, RespError: &mautrix.RespError{ErrCode: "M_UNKNOWN"}}
}

// While the homeserver fails for one room, that room's messages wait, in
// order, and other rooms' go on; once it answers again, they are all sent
// once, in the order they were written.
func TestSenderHoldsARoomWhileItFailsAndKeepsItsOrder(t *testing.T) {
	w := newAidWorld(t)
	later := time.Now()
	w.bot.Sender().Now = func() time.Time { return later }
	w.cli.fail = func(room id.RoomID) error {
		if room == id.RoomID(dm(bob)) {
			return failing(http.StatusBadGateway)
		}
		return nil
	}
	k := w.cli.count()
	first := w.say(dm(bob), bob, "!ex my")
	carols := w.say(dm(carol), carol, "!ex my")
	second := w.say(dm(bob), bob, "!ex to me")
	if got := w.sentSince(k); len(got) != 1 || len(answersTo(got, carols)) != 1 {
		t.Fatalf("while bob's room fails: sent %v; want carol's answer only", got)
	}
	if w.backlog() != 2 {
		t.Fatalf("waiting %d, want bob's 2 answers", w.backlog())
	}
	w.cli.fail = nil
	w.cli.messages() // not due yet: put off after the failure
	if w.backlog() != 2 {
		t.Fatalf("sent before the backoff ran out: waiting %d", w.backlog())
	}
	later = later.Add(10 * time.Minute)
	got := inRoom(w.sentSince(k), dm(bob))
	if len(got) != 2 || len(answersTo(got[:1], first)) != 1 || len(answersTo(got[1:], second)) != 1 {
		t.Fatalf("bob's answers after the homeserver is back: %v; want first then second", got)
	}
}

// A message the homeserver refuses for good (the bot is not in the room)
// is dropped, and does not hold back anything else.
func TestSenderDropsWhatTheHomeserverRefusesForGood(t *testing.T) {
	w := newAidWorld(t)
	w.cli.fail = func(room id.RoomID) error {
		if room == id.RoomID(dm(bob)) {
			return failing(http.StatusForbidden)
		}
		return nil
	}
	k := w.cli.count()
	w.say(dm(bob), bob, "!ex my")
	carols := w.say(dm(carol), carol, "!ex my")
	if got := w.sentSince(k); len(got) != 1 || len(answersTo(got, carols)) != 1 || w.backlog() != 0 {
		t.Fatalf("sent %v, waiting %d; want carol's answer sent and bob's dropped", got, w.backlog())
	}
}

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

// The homeserver takes a need card but its answer is lost; before the bot
// sends the card again, the need changes and a newer text replaces the
// pending card. The card is not posted twice: sent again under its first
// transaction ID, it is answered with the event posted first, which the
// ledger records as the card and the newer text edits.
func TestSenderPostTakenThenReplaced(t *testing.T) {
	w := newAidWorld(t)
	later := time.Now()
	w.bot.Sender().Now = func() time.Time { return later }
	w.say(w.circle, alice, "!ex status orange 300")
	before := w.cli.count()
	lost := false
	w.cli.lose = func(m sentMessage) bool { // bob's card: taken, its answer lost
		if len(needPosts([]sentMessage{m})) == 1 && !lost {
			lost = true
			return true
		}
		return false
	}
	w.say(w.circle, bob, "!ex status orange 200")
	if posts := needPosts(w.sentSince(before)); len(posts) != 1 {
		t.Fatalf("%d posts of bob's card when its answer was lost, want 1", len(posts))
	}
	later = later.Add(time.Hour) // past the backoff
	w.say(w.circle, bob, "!ex status orange 250")

	sent := w.sentSince(before)
	posts := needPosts(sent)
	if len(posts) != 1 {
		t.Fatalf("bob's card was posted %d times, want once", len(posts))
	}
	st, err := w.svc.Aid.StatusOf(w.ctx, bob)
	if err != nil {
		t.Fatal(err)
	}
	cards, err := w.svc.Aid.CardsOf(w.ctx, st.Need)
	if err != nil || len(cards) != 1 || id.EventID(cards[0].Event) != posts[0].ID {
		t.Fatalf("the ledger's cards of bob's need: %+v (%v), want the one posted, %s", cards, err, posts[0].ID)
	}
	edits := editsOf(sent, posts[0].ID)
	if len(edits) == 0 {
		t.Fatalf("bob's card was never edited: %v", sent)
	}
	fresh, _ := edits[len(edits)-1].Content["m.new_content"].(map[string]any)
	if body, _ := fresh["body"].(string); !strings.Contains(body, "€250") {
		t.Fatalf("the card's latest edit: %v, want it to show €250", edits[len(edits)-1].Content)
	}
}

// TestSenderSendsARowRenderedByAnOlderVersion: a message an older version
// wrote to the outbox already rendered (before drafts) is sent as it was
// kept, after the drafts written since render theirs.
func TestSenderSendsARowRenderedByAnOlderVersion(t *testing.T) {
	h := newHarness(t)
	k := len(h.cli.messages())
	old := `{"body":"Pool: **x**","format":"org.matrix.custom.html","formatted_body":"<p>Pool</p>",` +
		`"m.mentions":{},"msgtype":"m.notice","org.exodus":{"type":"pool"}}`
	if err := h.store.PutOutbox(h.ctx, ledger.OutboxMessage{Room: ledger.RoomID(h.circle),
		EventType: event.EventMessage.Type, Content: []byte(old)}); err != nil {
		t.Fatal(err)
	}
	if code := h.put(t, hsToken, "t1", message("$help", string(h.circle), alice, "!ex help")); code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	h.drain(t)
	sent := h.cli.messages()[k:]
	if len(sent) != 2 || sent[0].Content["body"] != "Pool: **x**" || sent[0].Content["formatted_body"] != "<p>Pool</p>" {
		t.Fatalf("sent %v; want the old row as it was kept, then the answer", sent)
	}
	if html, _ := sent[1].Content["formatted_body"].(string); !strings.Contains(html, "<") {
		t.Fatalf("answer sent as %v; want it rendered", sent[1].Content)
	}
}
