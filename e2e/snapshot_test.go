package e2e_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRestartFromTheBookSnapshot: bob goes orange, alice intends €40 and
// carol commits €25 by replying to his card. The bot, with a journal of
// one op and a snapshot due after one more, is killed and started: it
// writes the book's snapshot (at start, or at a minute's tick before);
// killed and started again, it loads the book from that snapshot, and
// alice's commitment after the restart shows on the card with everything
// before it (€65 committed), as the API says too.
func TestRestartFromTheBookSnapshot(t *testing.T) {
	c := crashStack(t, "snapshot", map[string]any{"ledger.journal_ops": 1, "ledger.snapshot_every": 1})
	alice, bob, carol := fedMember(t, c.Stack, "alice"), fedMember(t, c.Stack, "bob"), fedMember(t, c.Stack, "carol")
	dm := dmWith(t, alice, c.BotID)
	circle := fedCircle(t, c.Stack, "Snapshot", alice, dm, bob, carol)
	status := sent(t, bob, circle, "!ex status orange 300")
	card := cardAfter(t, alice, circle, c.BotID, status, "need")
	intend := replied(t, alice, circle, card.ID, "intend 40")
	cardShowsFrom(t, alice, circle, c.BotID, card.ID, intend, "intended €40")
	commit := replied(t, carol, circle, card.ID, "commit 25")
	cardShowsFrom(t, alice, circle, c.BotID, card.ID, commit, "committed €25")

	c.crash(t)
	lastLoad(t, c) // replayed every op, or the snapshot of a tick
	waitLog(t, c, "Wrote the mutual-aid book's snapshot")
	c.crash(t)
	if got := lastLoad(t, c); !strings.Contains(got, "Loaded the mutual-aid book from its snapshot") {
		t.Fatalf("the second restart: %s, want the book loaded from its snapshot", got)
	}

	again := replied(t, alice, circle, card.ID, "commit")
	d := cardShowsFrom(t, alice, circle, c.BotID, card.ID, again, "committed €65")
	if minor(d, "committed") != 6500 || minor(d, "missing") != 23500 {
		t.Fatalf("the card after the restart from the snapshot: %v", d)
	}
	n := needOf(t, c.Stack, tokenOf(t, alice, dm, c.BotID), cardData(card)["need"].(string))
	if len(n.Promises) != 2 {
		t.Fatalf("the need's promises after the restart: %+v, want alice's and carol's", n.Promises)
	}
}

// botLog reads the bot's log (every start appends to it).
func botLog(t *testing.T, c *crashNet) string {
	t.Helper()
	log, err := os.ReadFile(filepath.Join(c.dir, "exodus.log"))
	if err != nil {
		t.Fatal(err)
	}
	return string(log)
}

// waitLog waits until the bot's log holds substr.
func waitLog(t *testing.T, c *crashNet, substr string) {
	t.Helper()
	for !strings.Contains(botLog(t, c), substr) {
		select {
		case <-testCtx(t).Done():
			t.Fatalf("the bot never logged %q:\n%s", substr, logTail(botLog(t, c)))
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// lastLoad waits until the bot's latest start logged how it loaded the
// mutual-aid book (one such line per start) and returns that line.
func lastLoad(t *testing.T, c *crashNet) string {
	t.Helper()
	const marker = "Loaded the mutual-aid book"
	starts := strings.Count(botLog(t, c), "Exodus is running")
	for {
		log := botLog(t, c)
		if strings.Count(log, marker) >= starts {
			line := log[strings.LastIndex(log, marker):]
			if i := strings.IndexByte(line, '\n'); i >= 0 {
				line = line[:i]
			}
			return line
		}
		select {
		case <-testCtx(t).Done():
			t.Fatalf("the bot did not log how it loaded the book:\n%s", logTail(log))
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// logTail is the end of a log, for a failure's message.
func logTail(log string) string {
	return log[max(0, len(log)-3000):]
}
