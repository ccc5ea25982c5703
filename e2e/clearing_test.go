package e2e_test

import (
	"testing"

	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/internal/devnet"
)

// TestClearingCycle: three members each committed to the next one's need;
// `clearing` proposes the cycle, and once all three agree it is cleared:
// the commitments count as fulfilled, and the rest of the larger stays owed.
func TestClearingCycle(t *testing.T) {
	wes, xia, yan := member(t, "wes"), member(t, "xia"), member(t, "yan")
	circle := circleOf(t, "Clearing", wes, xia, yan)
	users := []*devnet.User{wes, xia, yan}
	dms := map[id.UserID]id.RoomID{}
	cards := map[id.UserID]id.EventID{}
	for _, u := range users {
		dms[u.ID] = openDM(t, u)
		sent, err := u.Send(testCtx(t), circle, "!ex status orange 100")
		if err != nil {
			t.Fatal(err)
		}
		cards[u.ID] = needCard(t, u, circle, sent, u.ID).ID
	}
	amounts := []string{"40", "60", "40"}
	for i, u := range users {
		next := users[(i+1)%len(users)]
		mustContain(t, replyCmd(t, u, circle, cards[next.ID], "commit "+amounts[i]), "Your commitment")
	}
	mustContain(t, say(t, wes, dms[wes.ID], "clearing"), "Clearing of open commitments", "€40 less on each debt")
	proposal := say(t, wes, dms[wes.ID], "clearing")
	_, d := data(t, proposal)
	plans, _ := d["plans"].([]any)
	if len(plans) != 1 {
		t.Fatalf("clearing data %v", d)
	}
	cycles, _ := plans[0].(map[string]any)["cycles"].([]any)
	if len(cycles) != 1 {
		t.Fatalf("cycles %v", cycles)
	}
	cycleID := cycles[0].(map[string]any)["id"].(string)
	mustContain(t, say(t, wes, dms[wes.ID], "clearing agree "+cycleID), "1 of 3")
	botSays(t, xia, dms[xia.ID], "agreed to clear cycle")
	mustContain(t, say(t, xia, dms[xia.ID], "clearing agree "+cycleID), "2 of 3")
	mustContain(t, say(t, yan, dms[yan.ID], "клиринг согласен "+cycleID), "погашен")
	botSays(t, wes, dms[wes.ID], "is cleared")
	wantPromises(t, wes.ID, xia.ID, promiseRow{"fulfilled", 4000})
	wantPromises(t, yan.ID, wes.ID, promiseRow{"fulfilled", 4000})
	// xia owed yan 60: 40 cleared, 20 still owed.
	got := promisesOf(t, xia.ID, yan.ID)
	if len(got) != 2 || got[0] != (promiseRow{"commitment", 2000}) || got[1] != (promiseRow{"fulfilled", 4000}) {
		t.Fatalf("xia's promises to yan %v, want €20 still committed and 40 cleared", got)
	}
}
