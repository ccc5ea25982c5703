package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

// healthHistory: alice needs 300; bob commits 100 and carol 50; bob sends
// and alice confirms bob's. One of two commitments, 100 of 150, is
// confirmed.
func healthHistory(w *aidWorld) {
	w.t.Helper()
	need, cards := w.openNeed()
	w.reply(w.circle, bob, cards[w.circle], "commit 100")
	w.reply(w.circle, carol, cards[w.circle], "commit 50")
	w.say(dm(bob), bob, "sent")
	w.say(dm(alice), alice, "got "+bob)
	if p := w.promise(need, bob); p == nil || p.State != ledger.PromiseFulfilled {
		w.t.Fatalf("bob's promise: %+v", p)
	}
	w.clock.Set(time.Date(2026, 9, 30, 12, 0, 0, 0, time.UTC)) // this month is the events'
}

// TestHealthOfACircle: `health` in a circle's room answers there with the
// circle's figures: the share confirmed by count and by value, what is
// still owed, the median time to confirm, and this month's given against
// the pool.
func TestHealthOfACircle(t *testing.T) {
	w := newAidWorld(t)
	healthHistory(w)
	w.say(w.circle, dave, "!ex health")
	got := w.answer(w.circle)
	for _, want := range []string{"the circle Test", "**50 %** of the commitments (1 of 2)",
		"By value, in EUR: **66 %**, €100 confirmed of €150 committed", "about 85 %",
		"awaiting confirmation: 0", "Still owed, not sent: 1", "Overdue (past their deadline, not confirmed): 0",
		"Median time from commitment to confirmation: 6 s", "This month: €100 given"} {
		if !strings.Contains(got, want) {
			t.Errorf("health lacks %q:\n%s", want, got)
		}
	}
}

// TestHealthInRussian: the same figures in Russian, plurals included.
func TestHealthInRussian(t *testing.T) {
	w := newAidWorld(t)
	healthHistory(w)
	w.say(w.circle, dave, "!ex здоровье")
	got := w.answer(w.circle)
	for _, want := range []string{"обязательства круга Test", "**50 %** обязательств (1 из 2)",
		"По сумме, в EUR: **66 %**, подтверждено 100\u00a0€ из обещанных 150\u00a0€", "около 85 %",
		"Ещё не отправлено: 1", "Медианное время от обязательства до подтверждения: 6 с"} {
		if !strings.Contains(got, want) {
			t.Errorf("health lacks %q:\n%s", want, got)
		}
	}
}

// TestHealthOfAMember: `health @bob` answers in the asker's direct chat
// with the commitments bob gave; bare in a direct chat, the asker's own.
func TestHealthOfAMember(t *testing.T) {
	w := newAidWorld(t)
	healthHistory(w)
	w.say(dm(dave), dave, "health "+bob)
	got := w.answer(dm(dave))
	for _, want := range []string{"commitments @bob:test gave", "**100 %** of the commitments (1 of 1)"} {
		if !strings.Contains(got, want) {
			t.Errorf("bob's health lacks %q:\n%s", want, got)
		}
	}
	w.say(dm(carol), carol, "health")
	if got := w.answer(dm(carol)); !strings.Contains(got, "**0 %** of the commitments (0 of 1)") || !strings.Contains(got, "Still owed, not sent: 1") {
		t.Errorf("carol's own health:\n%s", got)
	}
	w.say(dm(dave), dave, "health")
	if got := w.answer(dm(dave)); !strings.Contains(got, "No commitments yet.") {
		t.Errorf("dave's own health:\n%s", got)
	}
}

// TestHealthOfAStrangerRefused: a member who shares no circle with bob is
// not shown bob's figures, in their language, and nothing is recorded.
func TestHealthOfAStrangerRefused(t *testing.T) {
	w := newAidWorld(t)
	healthHistory(w)
	const zed = "@zed:test"
	if err := w.svc.Circles.SetMembership(w.ctx, w.circle2, zed, true); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.Members.SetDirectRoom(w.ctx, zed, dm(zed)); err != nil {
		t.Fatal(err)
	}
	w.say(dm(zed), zed, "health "+bob)
	if got := w.answer(dm(zed)); !strings.Contains(got, "share no circle") || strings.Contains(got, "commitments") {
		t.Errorf("a stranger asked bob's health: %s", got)
	}
	w.say(dm(zed), zed, "здоровье "+bob)
	if got := w.answer(dm(zed)); !strings.Contains(got, "нет общего круга") {
		t.Errorf("in Russian: %s", got)
	}
	w.say(w.circle, zed, "!ex health") // in the room of a circle zed is not a member of
	if got := w.answer(w.circle); !strings.Contains(got, "not a member of this circle") || strings.Contains(got, "confirmed") {
		t.Errorf("a non-member asked the circle's health: %s", got)
	}
	w.say(dm(zed), zed, "health "+alice) // alice shares circle2 with zed
	if got := w.answer(dm(zed)); !strings.Contains(got, "No commitments yet.") {
		t.Errorf("alice's health for zed: %s", got)
	}
}

// TestHealthEscapesTheCircleName: the circle's name is shown as written,
// never as Markdown or HTML.
func TestHealthEscapesTheCircleName(t *testing.T) {
	w := newAidWorld(t)
	const c3 = ledger.CircleID("!circle3:test")
	_, err := w.svc.Circles.Create(w.ctx, ledger.Action{Event: "$create3", Actor: "@owner:test", At: w.svc.Now()},
		ledger.CircleSpec{ID: c3, Name: "**Loud** <b>x</b> _it_"})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.svc.Circles.SetMembership(w.ctx, c3, dave, true); err != nil {
		t.Fatal(err)
	}
	w.say(c3, dave, "!ex health")
	m := w.lastIn(c3)
	html, _ := m.Content["formatted_body"].(string)
	if strings.Contains(html, "<strong>Loud</strong>") || strings.Contains(html, "<b>x</b>") || strings.Contains(html, "<em>it</em>") {
		t.Errorf("the name was rendered as markup: %s", html)
	}
	if !strings.Contains(body(m), "Loud") || !strings.Contains(html, "&lt;b&gt;x&lt;/b&gt;") {
		t.Errorf("the name is not shown as written: %q / %q", body(m), html)
	}
}
