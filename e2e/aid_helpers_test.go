package e2e_test

import (
	"database/sql"
	"strings"
	"testing"

	// The SQLite driver, to read what the bot's ledger holds.
	_ "github.com/mattn/go-sqlite3"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/internal/devnet"
)

// circleOf builds a circle owned by owner with the others as guarantors of
// the owner (each accepts by command), all joined.
func circleOf(t *testing.T, name string, owner *devnet.User, others ...*devnet.User) id.RoomID {
	t.Helper()
	dm := openDM(t, owner)
	mustContain(t, say(t, owner, dm, "circle "+name), name)
	circle := joinInvite(t, owner, env.BotID)
	botSays(t, owner, circle, "Welcome to the circle")
	for _, o := range others {
		inviteAndJoin(t, owner, o, circle)
		mustContain(t, say(t, o, circle, "!ex accept"), "accepted the invitation")
	}
	return circle
}

// needCard waits for the need card of owner posted after the event after.
func needCard(t *testing.T, u *devnet.User, room id.RoomID, after id.EventID, owner id.UserID) *event.Event {
	t.Helper()
	evt, err := u.WaitMessageAfter(testCtx(t), room, after, env.BotID, func(e *event.Event) bool {
		ns, _ := e.Content.Raw["org.exodus"].(map[string]any)
		d, _ := ns["data"].(map[string]any)
		rel, _ := e.Content.Raw["m.relates_to"].(map[string]any)
		return ns["type"] == "need" && d["owner"] == owner.String() && rel == nil
	})
	if err != nil {
		t.Fatalf("waiting for the need card of %s: %v", owner, err)
	}
	return evt
}

// cardShows waits until the bot has edited card (after the event after) so
// that its text contains every substring, and returns the new content's
// machine-readable data.
func cardShows(t *testing.T, u *devnet.User, room id.RoomID, card, after id.EventID, subs ...string) map[string]any {
	t.Helper()
	return cardShowsFrom(t, u, room, env.BotID, card, after, subs...)
}

// cardShowsFrom is cardShows for the card of bot (of a stack of its own).
func cardShowsFrom(t *testing.T, u *devnet.User, room id.RoomID, bot id.UserID, card, after id.EventID, subs ...string) map[string]any {
	t.Helper()
	evt, err := u.WaitMessageAfter(testCtx(t), room, after, bot, func(e *event.Event) bool {
		rel, _ := e.Content.Raw["m.relates_to"].(map[string]any)
		fresh, _ := e.Content.Raw["m.new_content"].(map[string]any)
		if rel == nil || rel["rel_type"] != "m.replace" || rel["event_id"] != card.String() || fresh == nil {
			return false
		}
		body, _ := fresh["body"].(string)
		for _, s := range subs {
			if !strings.Contains(body, s) {
				return false
			}
		}
		return true
	})
	if err != nil {
		t.Fatalf("waiting for card %s to show %q: %v", card, subs, err)
	}
	fresh := evt.Content.Raw["m.new_content"].(map[string]any)
	ns, _ := fresh["org.exodus"].(map[string]any)
	d, _ := ns["data"].(map[string]any)
	return d
}

// minor reads an amount's minor units from card data.
func minor(d map[string]any, key string) int64 {
	a, _ := d[key].(map[string]any)
	f, _ := a["minor"].(float64)
	return int64(f)
}

// replyCmd sends body as a reply to the event to and returns the bot's answer.
func replyCmd(t *testing.T, u *devnet.User, room id.RoomID, to id.EventID, body string) *event.Event {
	t.Helper()
	sent, err := u.Reply(testCtx(t), room, to, body)
	if err != nil {
		t.Fatal(err)
	}
	return replyTo(t, u, room, sent)
}

// react reacts to an event and returns the reaction's ID.
func react(t *testing.T, u *devnet.User, room id.RoomID, to id.EventID, key string) id.EventID {
	t.Helper()
	evt, err := u.React(testCtx(t), room, to, key)
	if err != nil {
		t.Fatal(err)
	}
	return evt
}

// dmOf waits for the bot to open a direct chat with u, or returns the one u
// opened.
func dmOf(t *testing.T, u *devnet.User, known id.RoomID) id.RoomID {
	t.Helper()
	if known != "" {
		return known
	}
	return joinInvite(t, u, env.BotID)
}

// promiseState reads a promise's state and amount from the bot's database.
type promiseRow struct {
	State  string
	Amount int64
}

// promisesOf lists what the ledger holds for giver toward owner's needs,
// oldest first.
func promisesOf(t *testing.T, giver, owner id.UserID) []promiseRow {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+env.DBPath+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT state, amount_minor FROM promises WHERE giver = ? AND beneficiary = ?
		ORDER BY created_at, promise_id`, giver.String(), owner.String())
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []promiseRow
	for rows.Next() {
		var r promiseRow
		if err := rows.Scan(&r.State, &r.Amount); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// statusOf reads a member's status from the bot's database ("green" if none).
func statusOf(t *testing.T, u id.UserID) string {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+env.DBPath+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st := "green"
	err = db.QueryRow(`SELECT status FROM statuses WHERE user_id = ?`, u.String()).Scan(&st)
	if err != nil && err != sql.ErrNoRows {
		t.Fatal(err)
	}
	return st
}

// wantPromises fails unless the ledger holds exactly want.
func wantPromises(t *testing.T, giver, owner id.UserID, want ...promiseRow) {
	t.Helper()
	got := promisesOf(t, giver, owner)
	if len(got) != len(want) {
		t.Fatalf("promises of %s to %s = %v, want %v", giver, owner, got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("promises of %s to %s = %v, want %v", giver, owner, got, want)
		}
	}
}

// confirmedHalf is the history the health and report tests read: in a
// circle of alice, bob and carol, toward alice's need of €300 a month bob
// commits 100 and carol 50; bob sends and alice confirms.
type confirmedHalf struct {
	alice, bob, carol *devnet.User
	circle            id.RoomID
	aliceDM, bobDM    id.RoomID
}

// oneOfTwoConfirmed makes that history in a new circle named name.
func oneOfTwoConfirmed(t *testing.T, name string) confirmedHalf {
	t.Helper()
	f := confirmedHalf{alice: member(t, "alice"), bob: member(t, "bob"), carol: member(t, "carol")}
	f.circle = circleOf(t, name, f.alice, f.bob, f.carol)
	f.aliceDM = openDM(t, f.alice)
	mustContain(t, say(t, f.alice, f.aliceDM, "status orange 300"), "€300 a month")
	card := needCard(t, f.bob, f.circle, "", f.alice.ID)
	mustContain(t, replyCmd(t, f.bob, f.circle, card.ID, "commit 100"), "Your commitment: €100")
	mustContain(t, replyCmd(t, f.carol, f.circle, card.ID, "commit 50"), "Your commitment: €50")
	f.bobDM = dmOf(t, f.bob, "")
	mustContain(t, say(t, f.bob, f.bobDM, "sent"), "as sent")
	botSays(t, f.alice, f.aliceDM, "says they sent you €100")
	mustContain(t, say(t, f.alice, f.aliceDM, "got "+f.bob.ID.String()), "confirmed receiving €100")
	return f
}
