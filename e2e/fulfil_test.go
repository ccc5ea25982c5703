package e2e_test

import "testing"

// TestRemindAndForgive: the beneficiary asks a giver to convert an
// intention (the giver commits by replying to the notice), a second
// reminder too soon is refused, and forgiving releases a giver.
func TestRemindAndForgive(t *testing.T) {
	kim, leo, mia := member(t, "kim"), member(t, "leo"), member(t, "mia")
	circle := circleOf(t, "Remind", kim, leo, mia)
	kimDM, leoDM, miaDM := openDM(t, kim), openDM(t, leo), openDM(t, mia)
	mustContain(t, say(t, kim, kimDM, "статус оранжевый 100"), "100\u00a0€")
	card := needCard(t, leo, circle, "", kim.ID)
	react(t, leo, circle, card.ID, "❤️")
	// kim typed Russian, so her notices are in Russian.
	botSays(t, kim, kimDM, "Намерение помочь вам суммой 100\u00a0€ — от участника")
	mustContain(t, replyCmd(t, mia, circle, card.ID, "обязательство 40"), "40\u00a0€")

	// kim asks leo to convert; leo commits by replying to the notice.
	mustContain(t, say(t, kim, kimDM, "remind "+leo.ID.String()), "reminded")
	notice := botSays(t, leo, leoDM, "asks you to turn your intention of €100 into a commitment")
	if kind, _ := data(t, notice); kind != "conversion" {
		t.Fatalf("notice kind = %q, want conversion", kind)
	}
	mustContain(t, replyCmd(t, leo, leoDM, notice.ID, "commit"), "Your commitment: €100")
	wantPromises(t, leo.ID, kim.ID, promiseRow{"commitment", 10000})
	mustContain(t, say(t, kim, kimDM, "remind "+leo.ID.String()), "already reminded")

	// kim forgives mia; mia is told; leo cannot forgive what kim owes nobody.
	mustContain(t, say(t, kim, kimDM, "простить "+mia.ID.String()), "40\u00a0€")
	botSays(t, mia, miaDM, "освободил вас от обязательства на 40\u00a0€")
	wantPromises(t, mia.ID, kim.ID, promiseRow{"forgiven", 4000})
	mustContain(t, say(t, leo, leoDM, "forgive "+kim.ID.String()), "no open commitment to you")
	cardShows(t, leo, circle, card.ID, card.ID, "committed €100", "missing €0")
}
