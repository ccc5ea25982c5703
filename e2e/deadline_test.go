package e2e_test

import "testing"

// TestRedDeadlineWarning: an emergency collection of one day that still
// lacks commitments warns its owner and its givers in their direct chats,
// each in their language, with what is missing, when its last day comes
// within the cycle's warning time (cycle.deadline_warning: 23h59m45s in
// these tests, so a one-day collection warns 15 s after it opened).
func TestRedDeadlineWarning(t *testing.T) {
	kim, leo, mia := member(t, "kim"), member(t, "leo"), member(t, "mia")
	circle := circleOf(t, "Deadline", kim, leo, mia)
	kimDM, leoDM, miaDM := openDM(t, kim), openDM(t, leo), openDM(t, mia)
	mustContain(t, say(t, kim, kimDM, "status red 300 1"), "€300")
	card := needCard(t, leo, circle, "", kim.ID)
	mustContain(t, replyCmd(t, leo, circle, card.ID, "commit 100"), "€100")
	mustContain(t, replyCmd(t, mia, circle, card.ID, "обязательство 50"), "50\u00a0€")

	owner := botSays(t, kim, kimDM, "Your emergency collection ends soon")
	mustContain(t, owner, "Still missing: **€150** of €300 (€150 committed)")
	if kind, d := data(t, owner); kind != "deadline_warning" || d["missing"] != "150 EUR" {
		t.Errorf("the owner's warning is %q with %v, want deadline_warning missing 150 EUR", kind, d)
	}
	mustContain(t, botSays(t, leo, leoDM, "ends soon"), "Still missing: **€150** of €300")
	mustContain(t, botSays(t, mia, miaDM, "скоро закончится"), "Не хватает: **150\u00a0€** из 300\u00a0€")
}
