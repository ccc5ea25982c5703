package e2e_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/internal/devnet"
	"github.com/exodus-matrix/exodus/internal/stack"
)

// crashNet is a stack of a crash test's own (its bot gets killed, its
// homeserver cut off or restarted), with a proxy between the bot and
// Dendrite.
type crashNet struct {
	*stack.Stack
	proxy *stack.Proxy
	dir   string
}

// crashStack starts a crashNet whose bot has the settings (beside a fast
// reconciliation and no command rate limit to speak of); it stops when
// the test ends, and its files are kept if the test failed (always, with
// EXODUS_E2E_KEEP=1).
func crashStack(t *testing.T, name string, settings map[string]any) *crashNet {
	t.Helper()
	return crashStackOf(t, name, stack.Options{Settings: settings})
}

// crashStackOf is crashStack with more options (opt.Settings as
// crashStack's settings; Dir and Proxy are set here).
func crashStackOf(t *testing.T, name string, opt stack.Options) *crashNet {
	t.Helper()
	settings := opt.Settings
	dir, err := os.MkdirTemp("", "exodus-"+name+"-")
	if err != nil {
		t.Fatal(err)
	}
	proxy, err := stack.NewProxy()
	if err != nil {
		t.Fatal(err)
	}
	all := map[string]any{"bot.reconcile_interval": "1s", "bot.commands_per_minute": 600}
	for k, v := range settings {
		all[k] = v
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	opt.Dir, opt.Proxy, opt.Settings = dir, proxy, all
	s, err := stack.Start(ctx, opt)
	if err != nil {
		_ = proxy.Close()
		t.Fatalf("files kept in %s: %v", dir, err)
	}
	t.Cleanup(func() {
		s.Stop()
		if t.Failed() || os.Getenv("EXODUS_E2E_KEEP") == "1" {
			t.Logf("files of the stack kept in %s (exodus.log, dendrite/dendrite.log)", dir)
		} else {
			_ = os.RemoveAll(dir)
		}
	})
	t.Cleanup(func() { _ = proxy.Close() }) // first: a held request must not hold up the bot's stop
	return &crashNet{Stack: s, proxy: proxy, dir: dir}
}

// crash kills the bot with SIGKILL while the proxy holds what it was
// sending, lets the held requests go (none reaches the homeserver
// afterwards) and starts the bot again.
func (c *crashNet) crash(t *testing.T) {
	t.Helper()
	c.KillBot()
	c.proxy.SetMode(stack.ProxyPass)
	c.proxy.Release()
	if err := c.StartBot(testCtx(t)); err != nil {
		t.Fatal(err)
	}
}

// heldReply waits for the proxy to hold one request and checks it is the
// bot's reply to the command cmd; it returns the request's path.
func (c *crashNet) heldReply(t *testing.T, cmd id.EventID) string {
	t.Helper()
	held, err := c.proxy.WaitHeld(testCtx(t), 1)
	if err != nil {
		t.Fatal(err)
	}
	var content event.MessageEventContent
	if err := json.Unmarshal(held[0].Body, &content); err != nil || content.RelatesTo.GetReplyTo() != cmd {
		t.Fatalf("the send held is not the reply to %s: %s %s", cmd, held[0].Path, held[0].Body)
	}
	return held[0].Path
}

// sent sends body into room as u and returns the event.
func sent(t *testing.T, u *devnet.User, room id.RoomID, body string) id.EventID {
	t.Helper()
	evt, err := u.Send(testCtx(t), room, body)
	if err != nil {
		t.Fatalf("%s says %q: %v", u.ID, body, err)
	}
	return evt
}

// replied sends body as u's reply to the event to and returns the reply.
func replied(t *testing.T, u *devnet.User, room id.RoomID, to id.EventID, body string) id.EventID {
	t.Helper()
	evt, err := u.Reply(testCtx(t), room, to, body)
	if err != nil {
		t.Fatalf("%s replies %q: %v", u.ID, body, err)
	}
	return evt
}

// settled sends a marker command into room ("!ex pool" in a circle,
// "pool" in a direct chat) and waits for the bot's answer to it (at most
// wait): the bot delivers in order per room, so every message it owed the
// room before is there. It returns the room's timeline then.
func settled(t *testing.T, bot id.UserID, u *devnet.User, room id.RoomID, marker string, wait time.Duration) []*event.Event {
	t.Helper()
	cmd := sent(t, u, room, marker)
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if _, err := u.WaitMessageAfter(ctx, room, cmd, bot, repliesTo(cmd)); err != nil {
		t.Fatalf("waiting for the answer to the marker in %s: %v", room, err)
	}
	all, err := u.Messages(testCtx(t), room)
	if err != nil {
		t.Fatal(err)
	}
	return all
}

// repliesTo matches a message replying to the event to.
func repliesTo(to id.EventID) func(*event.Event) bool {
	return func(e *event.Event) bool {
		msg, ok := e.Content.Parsed.(*event.MessageEventContent)
		return ok && msg.RelatesTo.GetReplyTo() == to
	}
}

// answersTo are the bot's messages in a timeline replying to the event cmd.
func answersTo(all []*event.Event, bot id.UserID, cmd id.EventID) []*event.Event {
	var out []*event.Event
	match := repliesTo(cmd)
	for _, e := range all {
		if e.Sender == bot && e.Type == event.EventMessage && match(e) {
			out = append(out, e)
		}
	}
	return out
}

// editsOf are the bot's m.replace edits of card in a timeline, oldest
// first.
func editsOf(all []*event.Event, bot id.UserID, card id.EventID) []*event.Event {
	var out []*event.Event
	for _, e := range all {
		rel, _ := e.Content.Raw["m.relates_to"].(map[string]any)
		if e.Sender == bot && rel != nil && rel["rel_type"] == "m.replace" && rel["event_id"] == card.String() {
			out = append(out, e)
		}
	}
	return out
}

// editData is the machine-readable data of an edit's new content.
func editData(e *event.Event) map[string]any {
	fresh, _ := e.Content.Raw["m.new_content"].(map[string]any)
	ns, _ := fresh["org.exodus"].(map[string]any)
	d, _ := ns["data"].(map[string]any)
	return d
}

// minorJSON is an amount in the API, by its minor units.
type minorJSON struct {
	Minor int64 `json:"minor"`
}

// needJSON is what the API tells of a need.
type needJSON struct {
	ID       string `json:"id"`
	Owner    string `json:"owner"`
	State    string `json:"state"`
	Progress struct {
		Target    minorJSON `json:"target"`
		Intended  minorJSON `json:"intended"`
		Committed minorJSON `json:"committed"`
		Confirmed minorJSON `json:"confirmed"`
		Missing   minorJSON `json:"missing"`
	} `json:"progress"`
	Promises []struct {
		Giver  string    `json:"giver"`
		State  string    `json:"state"`
		Amount minorJSON `json:"amount"`
	} `json:"promises"`
}

// apiGet reads path of a stack's API with a member's token into out.
func apiGet(t *testing.T, s *stack.Stack, token, path string, out any) {
	t.Helper()
	req, _ := http.NewRequestWithContext(testCtx(t), http.MethodGet, s.WebURL+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, out) != nil {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, body)
	}
}

// needOf reads a need from a stack's API.
func needOf(t *testing.T, s *stack.Stack, token, need string) needJSON {
	t.Helper()
	var n needJSON
	apiGet(t, s, token, "/api/v1/needs/"+url.PathEscape(need), &n)
	return n
}

// figuresDiffer tells how a card's data differs from the ledger's
// figures of its need ("" if it does not).
func figuresDiffer(card map[string]any, n needJSON) string {
	p := n.Progress
	ledger := map[string]int64{"target": p.Target.Minor, "intended": p.Intended.Minor, "committed": p.Committed.Minor,
		"confirmed": p.Confirmed.Minor, "missing": p.Missing.Minor}
	var diff []string
	for _, k := range []string{"target", "intended", "committed", "confirmed", "missing"} {
		if got, want := minor(card, k), ledger[k]; got != want {
			diff = append(diff, fmt.Sprintf("%s %d on the card, %d in the ledger", k, got, want))
		}
	}
	if card["state"] != n.State {
		diff = append(diff, fmt.Sprintf("state %v on the card, %s in the ledger", card["state"], n.State))
	}
	return strings.Join(diff, "; ")
}

// openRO opens an SQLite database read-only, beside the process writing it.
func openRO(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// postedTwice lists the transaction IDs under which the homeserver holds
// more than one event of the bot's, with how many: a message posted
// twice, whatever it was (an answer, a card, an edit, a notice in a
// direct chat). It reads Dendrite's sync database, which keeps the
// transaction ID of each event sent by a client (Dendrite v0.15.2's
// schema).
func postedTwice(t *testing.T, s *stack.Stack) map[string]int {
	t.Helper()
	db := openRO(t, filepath.Join(s.HS.Dir, "dendrite_syncapi.db"))
	rows, err := db.QueryContext(testCtx(t), `SELECT transaction_id, COUNT(*) FROM syncapi_output_room_events
		WHERE sender = ? AND transaction_id IS NOT NULL AND transaction_id != ''
		GROUP BY transaction_id HAVING COUNT(*) > 1`, s.BotID.String())
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	twice := map[string]int{}
	for rows.Next() {
		var txn string
		var n int
		if err := rows.Scan(&txn, &n); err != nil {
			t.Fatal(err)
		}
		twice[txn] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return twice
}

// noneTwice fails if the homeserver holds a message of the bot's twice.
func noneTwice(t *testing.T, s *stack.Stack) {
	t.Helper()
	if twice := postedTwice(t, s); len(twice) > 0 {
		t.Fatalf("messages posted more than once, by transaction ID: %v", twice)
	}
}

// quiet reports whether the bot has handled each of the events (its inbox
// marks them done) and has nothing left to send (its outbox is empty).
func quiet(ctx context.Context, db *sql.DB, evts []id.EventID) (bool, error) {
	var pending int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox`).Scan(&pending); err != nil || pending > 0 {
		return false, err
	}
	for _, evt := range evts {
		var done sql.NullInt64
		err := db.QueryRowContext(ctx, `SELECT done_at FROM inbox WHERE event_id = ?`, evt.String()).Scan(&done)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && !done.Valid) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
	}
	return true, nil
}
