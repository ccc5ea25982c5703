package bot_test

import (
	"strings"
	"testing"
	"time"

	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/ledger"
)

// warningsTo lists the bodies of the deadline warnings in u's direct chat.
func (w *yearWorld) warningsTo(u ledger.UserID) []string {
	var out []string
	for _, m := range w.cli.messages() {
		ns, _ := m.Content["org.exodus"].(map[string]any)
		if m.Room == id.RoomID(dm(u)) && ns["type"] == "deadline_warning" {
			out = append(out, body(m))
		}
	}
	return out
}

// tick runs the clock once, failing the test on an error.
func (w *yearWorld) tick() {
	w.t.Helper()
	if err := w.bot.Clock().Tick(w.ctx); err != nil {
		w.t.Fatalf("tick at %s: %v", w.clock.Now(), err)
	}
}

// A red collection of three days that still lacks commitments warns its
// owner and each giver once, a day before its deadline: not earlier, not
// again on the next ticks nor after a restart; a member who gave nothing
// is not warned; each reads it in their language, the deadline in their
// time zone, with what is missing.
func TestRedDeadlineWarnsOwnerAndGiversOnce(t *testing.T) {
	w := newYearWorld(t)
	eur := func(n int64) ledger.Amount { return ledger.Amount{Minor: n * 100, Currency: "EUR"} }
	if err := w.svc.Members.SetLang(w.ctx, w.act(carol), ledger.LangRU); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Members.SetTimeZone(w.ctx, w.act(bob), "Asia/Tokyo"); err != nil {
		t.Fatal(err)
	}
	w.do(ledger.Op{Kind: ledger.OpStatus, Actor: alice, Status: ledger.StatusRed, Amount: eur(300), Days: 3})
	w.do(ledger.Op{Kind: ledger.OpCommit, Actor: bob, Need: needOf(w, alice), Amount: eur(100)})
	w.do(ledger.Op{Kind: ledger.OpCommit, Actor: carol, Need: needOf(w, alice), Amount: eur(50)})
	// Deadline: 2027-01-04 09:00 UTC (18:00 in Tokyo).
	for _, step := range []time.Duration{0, 24 * time.Hour, 23 * time.Hour} {
		w.clock.Advance(step)
		w.tick()
	}
	for _, u := range []ledger.UserID{alice, bob, carol, dave} {
		if got := w.warningsTo(u); len(got) != 0 {
			t.Fatalf("%s warned more than a day before the deadline: %q", u, got)
		}
	}
	w.clock.Advance(2 * time.Hour) // 2027-01-03 10:00: 23 h before the deadline
	w.tick()
	w.tick()
	w.start(w.st, w.st.Aid) // a restart
	w.tick()
	w.clock.Advance(12 * time.Hour)
	w.tick()
	checks := map[ledger.UserID][]string{
		alice: {"Your emergency collection ends soon", "January 4, 9:00", "**€150** of €300"},
		bob:   {"collection of @alice:test ends soon", "January 4, 6:00", "**€150** of €300"},
		carol: {"скоро закончится", "4 января, 09:00", "**150\u00a0€** из 300\u00a0€"},
	}
	for u, wants := range checks {
		got := w.warningsTo(u)
		if len(got) != 1 {
			t.Fatalf("%s got %d deadline warnings, want exactly 1: %q", u, len(got), got)
		}
		for _, want := range wants {
			if !strings.Contains(got[0], want) {
				t.Errorf("%s's warning %q lacks %q", u, got[0], want)
			}
		}
	}
	if got := w.warningsTo(dave); len(got) != 0 {
		t.Errorf("dave gave nothing and was warned: %q", got)
	}
}

// A red collection fully committed, closed before its last day, or whose
// last day passed while the bot was not ticking, is not warned of.
func TestRedDeadlineNoWarningWhenCompleteOrClosed(t *testing.T) {
	w := newYearWorld(t)
	eur := func(n int64) ledger.Amount { return ledger.Amount{Minor: n * 100, Currency: "EUR"} }
	w.do(ledger.Op{Kind: ledger.OpStatus, Actor: alice, Status: ledger.StatusRed, Amount: eur(100), Days: 3})
	w.do(ledger.Op{Kind: ledger.OpCommit, Actor: bob, Need: needOf(w, alice), Amount: eur(100)})
	w.do(ledger.Op{Kind: ledger.OpStatus, Actor: dave, Status: ledger.StatusRed, Amount: eur(100), Days: 3})
	w.do(ledger.Op{Kind: ledger.OpCommit, Actor: carol, Need: needOf(w, dave), Amount: eur(10)})
	w.do(ledger.Op{Kind: ledger.OpStatus, Actor: dave, Status: ledger.StatusGreen})
	w.do(ledger.Op{Kind: ledger.OpStatus, Actor: carol, Status: ledger.StatusRed, Amount: eur(100), Days: 2})
	w.do(ledger.Op{Kind: ledger.OpCommit, Actor: bob, Need: needOf(w, carol), Amount: eur(10)})
	w.clock.Advance(2*24*time.Hour + time.Hour)
	w.tick()
	for _, u := range []ledger.UserID{alice, bob, carol, dave} {
		if got := w.warningsTo(u); len(got) != 0 {
			t.Errorf("%s warned of a complete or closed collection: %q", u, got)
		}
	}
}

// needOf is member u's open need.
func needOf(w *yearWorld, u ledger.UserID) ledger.NeedID {
	w.t.Helper()
	st, err := w.svc.Aid.StatusOf(w.ctx, u)
	if err != nil {
		w.t.Fatal(err)
	}
	return st.Need
}

// A giver who muted reminders is not warned; the owner still is.
func TestRedDeadlineWarningIsMutedWithReminders(t *testing.T) {
	w := newYearWorld(t)
	eur := func(n int64) ledger.Amount { return ledger.Amount{Minor: n * 100, Currency: "EUR"} }
	if _, err := w.svc.Members.SetMuted(w.ctx, w.act(bob), ledger.NoticeReminder, true); err != nil {
		t.Fatal(err)
	}
	w.do(ledger.Op{Kind: ledger.OpStatus, Actor: alice, Status: ledger.StatusRed, Amount: eur(100), Days: 2})
	w.do(ledger.Op{Kind: ledger.OpCommit, Actor: bob, Need: needOf(w, alice), Amount: eur(10)})
	w.clock.Advance(25 * time.Hour)
	w.tick()
	if a, b := len(w.warningsTo(alice)), len(w.warningsTo(bob)); a != 1 || b != 0 {
		t.Errorf("warnings: alice %d, bob (muted) %d; want 1 and 0", a, b)
	}
}
