package bot_test

import (
	"strings"
	"testing"
	"time"
)

// TestReportOfAMember: `report` in a direct chat is the member's own
// month: bob gave one commitment, fulfilled; alice received two, one
// fulfilled; carol's is still owed. Naming the month gives the same, a
// month before has none.
func TestReportOfAMember(t *testing.T) {
	w := newAidWorld(t)
	healthHistory(w)
	w.say(dm(bob), bob, "report")
	wantIn(t, "bob's report", w.answer(dm(bob)), "Your report for 2026-09",
		"Given: 1 commitment, 1 fulfilled (receipt confirmed), 0 overdue; by value: €100 confirmed of €100.",
		"Received: no commitments made to you this month.")
	w.say(dm(alice), alice, "report 2026-09")
	wantIn(t, "alice's report", w.answer(dm(alice)),
		"Received: 2 commitments, 1 fulfilled (receipt confirmed), 0 overdue; by value: €100 confirmed of €150.")
	w.say(dm(alice), alice, "report 2026-08")
	wantIn(t, "alice's August", w.answer(dm(alice)), "Given: no commitments made this month.", "Received: no commitments made to you this month.")
}

// TestReportOfACircleInRussian: `отчет` in a circle's room answers there
// in Russian with the circle's figures and a line per member who gave or
// received.
func TestReportOfACircleInRussian(t *testing.T) {
	w := newAidWorld(t)
	healthHistory(w)
	w.say(w.circle, dave, "!ex отчет")
	got := w.answer(w.circle)
	wantIn(t, "the circle's report", got, "Отчёт круга Test за 2026-09",
		"Обязательств в круге: 2, исполнено (получение подтверждено) 1, просрочено 0; по сумме: подтверждено 100\u00a0€ из 150\u00a0€.",
		"@bob:test — отдано подтверждено 100\u00a0€ из 100\u00a0€ (исполнено 1, просрочено 0); получено — (исполнено 0, просрочено 0)",
		"@alice:test — отдано — (исполнено 0, просрочено 0); получено подтверждено 100\u00a0€ из 150\u00a0€ (исполнено 1, просрочено 0)")
	if strings.Contains(got, "@dave:test —") {
		t.Errorf("dave neither gave nor received and has a line:\n%s", got)
	}
}

// TestReportRefusesBadMonths: a month malformed or to come is refused with
// a clear answer, in the member's language.
func TestReportRefusesBadMonths(t *testing.T) {
	w := newAidWorld(t)
	w.clock.Set(time.Date(2026, 9, 30, 12, 0, 0, 0, time.UTC))
	w.say(dm(bob), bob, "report september")
	wantIn(t, "a malformed month", w.answer(dm(bob)), "september is not a month", "report 2026-11")
	w.say(dm(bob), bob, "report 2026-10")
	wantIn(t, "a month to come", w.answer(dm(bob)), "The month 2026-10 has not begun yet")
	w.say(dm(carol), carol, "отчет 2026-10")
	wantIn(t, "a month to come in Russian", w.answer(dm(carol)), "Месяц 2026-10 ещё не начался")
}
