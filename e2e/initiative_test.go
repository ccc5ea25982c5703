package e2e_test

import (
	"testing"
	"time"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/internal/devnet"
)

// initiativeCard waits for the card of an initiative posted after the event
// after, and for its poll; it returns both.
func initiativeCard(t *testing.T, u *devnet.User, room id.RoomID, after id.EventID) (card, poll *event.Event) {
	t.Helper()
	ctx := testCtx(t)
	card, err := u.WaitMessageAfter(ctx, room, after, env.BotID, func(e *event.Event) bool {
		ns, _ := e.Content.Raw["org.exodus"].(map[string]any)
		rel, _ := e.Content.Raw["m.relates_to"].(map[string]any)
		return ns["type"] == "initiative" && rel == nil
	})
	if err != nil {
		t.Fatalf("waiting for the initiative card: %v", err)
	}
	poll, err = u.WaitMessageAfter(ctx, room, after, env.BotID, devnet.IsType(event.EventUnstablePollStart))
	if err != nil {
		t.Fatalf("waiting for the initiative poll: %v", err)
	}
	return card, poll
}

// TestInitiativeFunded: an initiative reached by intentions (a poll answer
// and an amount in reply), converted by its backers, funded, and done.
func TestInitiativeFunded(t *testing.T) {
	nina, omar, pia := member(t, "nina"), member(t, "omar"), member(t, "pia")
	circle := circleOf(t, "Projects", nina, omar, pia)
	omarDM, piaDM, ninaDM := openDM(t, omar), openDM(t, pia), openDM(t, nina)
	by := time.Now().UTC().AddDate(0, 0, 30).Format("2006-01-02")
	sent, err := nina.Send(testCtx(t), circle, `!ex initiative "Playground" 100 by `+by)
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, replyTo(t, nina, circle, sent), "Playground", "€100")
	card, poll := initiativeCard(t, omar, circle, sent)
	mustContain(t, card, "Playground", "€100", "days left")
	answers := poll.Content.Raw["org.matrix.msc3381.poll.start"].(map[string]any)["answers"].([]any)
	var half string
	for _, a := range answers {
		if a.(map[string]any)["org.matrix.msc1767.text"] == "€50" {
			half = a.(map[string]any)["id"].(string)
		}
	}
	if half == "" {
		t.Fatalf("no €50 answer in the poll: %v", answers)
	}

	// omar answers the poll; pia replies with an amount: reached.
	vote, err := omar.Client.SendMessageEvent(testCtx(t), circle, event.EventUnstablePollResponse, map[string]any{
		"m.relates_to":                     map[string]any{"rel_type": "m.reference", "event_id": poll.ID},
		"org.matrix.msc3381.poll.response": map[string]any{"answers": []string{half}},
	})
	if err != nil {
		t.Fatal(err)
	}
	cardShows(t, omar, circle, card.ID, vote.EventID, "intended €50")
	wantPromises(t, omar.ID, nina.ID, promiseRow{"intention", 5000})
	mustContain(t, replyCmd(t, pia, circle, card.ID, "50"), "Your intention: €50")
	reached := botSays(t, omar, omarDM, "have reached its price")
	botSays(t, pia, piaDM, "have reached its price")

	// They convert: omar by replying to his notice, pia with 🤝: funded.
	mustContain(t, replyCmd(t, omar, omarDM, reached.ID, "commit"), "Your commitment: €50")
	shake := react(t, pia, circle, card.ID, "🤝")
	d := cardShows(t, omar, circle, card.ID, shake, "Funded.")
	if minor(d, "committed") != 10000 {
		t.Fatalf("card after funding: %v", d)
	}
	botSays(t, nina, ninaDM, "is funded")

	// nina marks it done with a report; the backers read it.
	mustContain(t, say(t, nina, circle, "!ex done Built it, thank you all"), "is done")
	cardShows(t, omar, circle, card.ID, card.ID, "Done.", "Built it")
	botSays(t, pia, piaDM, "The initiator reports: Built it, thank you all")
	wantPromises(t, omar.ID, nina.ID, promiseRow{"commitment", 5000})
	wantPromises(t, pia.ID, nina.ID, promiseRow{"commitment", 5000})
}

// TestInitiativeExpires: an initiative whose deadline passes before it is
// funded releases its intentions, and its backers are told.
func TestInitiativeExpires(t *testing.T) {
	rita, sam := member(t, "rita"), member(t, "sam")
	circle := circleOf(t, "Bench", rita, sam)
	samDM := openDM(t, sam)
	by := time.Now().UTC().Add(90 * time.Second).Format("2006-01-02 15:04")
	sent, err := rita.Send(testCtx(t), circle, `!ex initiative "Bench" 200 by `+by)
	if err != nil {
		t.Fatal(err)
	}
	card, _ := initiativeCard(t, sam, circle, sent)
	heart := react(t, sam, circle, card.ID, "❤️")
	cardShows(t, sam, circle, card.ID, heart, "intended €100")
	ctx, cancel := contextFor(t, 3*time.Minute) // the deadline is up to 90 s away
	defer cancel()
	if _, err := sam.WaitMessage(ctx, samDM, env.BotID, devnet.BodyContains("was not funded by its deadline")); err != nil {
		t.Fatalf("waiting for the expiry notice: %v", err)
	}
	cardShows(t, sam, circle, card.ID, heart, "deadline passed")
	wantPromises(t, sam.ID, rita.ID, promiseRow{"released", 10000})
}
