package bot_test

import (
	"strings"
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
)

// statusNeed has u type status text in the circle and returns the need it
// opened and its card there.
func statusNeed(w *aidWorld, u ledger.UserID, text string) ledger.NeedID {
	w.t.Helper()
	w.say(w.circle, string(u), "!ex status "+text)
	st, err := w.svc.Aid.StatusOf(w.ctx, u)
	if err != nil || st.Need == "" {
		w.t.Fatalf("no need after status %s: %+v %v (answer %q)", text, st, err, w.answer(w.circle))
	}
	return st.Need
}

// TestHelpInHoursThroughTheChat: alice asks for 4 h a month; bob intends
// 2 (the card's unit, hours) and commits, carol's money is refused with
// what to type, bob sends and alice confirms; the card shows hours.
func TestHelpInHoursThroughTheChat(t *testing.T) {
	w := newAidWorld(t)
	need := statusNeed(w, alice, "orange 4 h")
	if got := w.answer(w.circle); !strings.Contains(got, "4\u00a0h") {
		t.Errorf("status answer %q; want 4 h", got)
	}
	card := w.cardIn(need, w.circle)
	w.reply(w.circle, bob, card, "intend 2")
	if p := w.promise(need, bob); p == nil || p.Amount != (ledger.Amount{Minor: 200, Currency: ledger.Hours}) {
		t.Fatalf("bob's intention %+v; want 2 h", p)
	}
	w.reply(w.circle, carol, card, "commit 20 EUR")
	if got := w.answer(w.circle); !strings.Contains(got, "asks for hours of help") || w.promise(need, carol) != nil {
		t.Errorf("money toward hours: answered %q, promise %+v", got, w.promise(need, carol))
	}
	w.reply(w.circle, bob, card, "commit")
	w.say(dm(bob), bob, "sent")
	w.say(dm(alice), alice, "got "+bob)
	if p := w.promise(need, bob); p == nil || p.State != ledger.PromiseFulfilled {
		t.Fatalf("bob's promise %+v; want fulfilled", p)
	}
	text, data := latestCard(w.cli.messages(), card)
	for _, want := range []string{"4\u00a0h a month", "confirmed 2\u00a0h", "missing 2\u00a0h"} {
		if !strings.Contains(text, want) {
			t.Errorf("card lacks %q:\n%s", want, text)
		}
	}
	if target, _ := data["target"].(map[string]any); target["currency"] != string(ledger.Hours) {
		t.Errorf("card data target %v; want in HOUR", data["target"])
	}
	// The health figures count hours by value of their own.
	w.say(w.circle, carol, "!ex health")
	if got := w.answer(w.circle); !strings.Contains(got, "By value, in hours: **100 %**, 2\u00a0h confirmed of 2\u00a0h committed") {
		t.Errorf("health answered %q", got)
	}
}

// TestAThingThroughTheChat: carol asks for a lift to the hospital; dave
// commits with a bare commit, sends, carol confirms and is green again.
func TestAThingThroughTheChat(t *testing.T) {
	w := newAidWorld(t)
	need := statusNeed(w, carol, `red "a lift to the hospital" 2 days`)
	card := w.cardIn(need, w.circle)
	w.reply(w.circle, dave, card, "commit")
	w.say(dm(dave), dave, "sent")
	w.say(dm(carol), carol, "got "+dave)
	text, _ := latestCard(w.cli.messages(), card)
	for _, want := range []string{"a lift to the hospital", "confirmed 1\u00a0item"} {
		if !strings.Contains(text, want) {
			t.Errorf("card lacks %q:\n%s", want, text)
		}
	}
	if st, _ := w.svc.Aid.StatusOf(w.ctx, carol); st.Status != ledger.StatusGreen {
		t.Errorf("carol is %s; want green once the lift is confirmed", st.Status)
	}
}

// TestMoneyOnlyRefusalsInTheChat: the kassa and a circle's pledge refuse
// hours, in the member's language, and change nothing.
func TestMoneyOnlyRefusalsInTheChat(t *testing.T) {
	w := newAidWorld(t)
	w.say(w.circle, bob, "!ex kassa 3 h")
	if got := w.answer(w.circle); !strings.Contains(got, "Only money here") {
		t.Errorf("kassa 3 h answered %q", got)
	}
	w.say(w.circle, bob, "!ex касса 3 ч")
	if got := w.answer(w.circle); !strings.Contains(got, "Здесь только деньги") {
		t.Errorf("касса 3 ч answered %q", got)
	}
	if got := w.kassaOf(bob); got != "" {
		t.Errorf("bob's kassa %q; want none", got)
	}
	w.say(dm(dave), dave, `!ex status orange "a weekly *lift*"`)
	w.say(dm(dave), dave, `!ex status orange "a weekly *lift*"`)
	if got := w.answer(dm(dave)); !strings.Contains(got, "already orange with a weekly *lift* a month") {
		t.Errorf("the same thing again answered %q", got)
	}
	w.say(w.circle, carol, "!ex status orange 2 items")
	if got := w.answer(w.circle); !strings.Contains(got, "Say what you need in quotes") {
		t.Errorf("things without a name answered %q", got)
	}
}

// TestHelpInKindInRussian: typed in Russian, a status in hours and a thing
// are answered in Russian, with the units and the thing as written.
func TestHelpInKindInRussian(t *testing.T) {
	w := newAidWorld(t)
	w.say(dm(alice), alice, "!ex статус оранжевый 4 ч")
	if got := w.answer(dm(alice)); !strings.Contains(got, "вам нужно 4\u00a0ч в месяц") {
		t.Errorf("оранжевый 4 ч answered %q", got)
	}
	w.say(dm(carol), carol, "!ex статус красный «подвезти в больницу» 2 дня")
	if got := w.answer(dm(carol)); !strings.Contains(got, "вам нужно подвезти в больницу в течение 2 дней") {
		t.Errorf("красный «подвезти в больницу» answered %q", got)
	}
	st, _ := w.svc.Aid.StatusOf(w.ctx, alice)
	w.reply(w.circle, bob, w.cardIn(st.Need, w.circle), "!ex намерение 20 EUR")
	if got := w.answer(w.circle); !strings.Contains(got, "Здесь просят часы помощи") {
		t.Errorf("намерение 20 EUR toward hours answered %q", got)
	}
	w.say(dm(bob), bob, "!ex статус оранжевый 1,234 ч")
	if got := w.answer(dm(bob)); !strings.Contains(got, "Часы считаются до сотых") {
		t.Errorf("1,234 ч answered %q", got)
	}
	w.say(dm(bob), bob, "!ex статус оранжевый 5000 ч")
	if got := w.answer(dm(bob)); !strings.Contains(got, "не больше 1\u00a0000\u00a0ч") {
		t.Errorf("5000 ч answered %q", got)
	}
}
