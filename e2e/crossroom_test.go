package e2e_test

import (
	"database/sql"
	"testing"

	"maunium.net/go/mautrix/event"
)

// needState reads a need's state from the bot's database.
func needState(t *testing.T, need string) string {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+env.DBPath+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var st string
	if err := db.QueryRow(`SELECT state FROM needs WHERE need_id = ?`, need).Scan(&st); err != nil {
		t.Fatalf("need %s: %v", need, err)
	}
	return st
}

// TestRelationsAcrossRoomsCountNowhere: a reply, a reaction or a poll
// answer names the event it relates to by ID, and any ID can be named from
// any room. pete, in another circle, approves nora's claim from his direct
// chat, and olga, in both circles, backs her need with a ❤️ sent in the
// other circle: neither counts. olga, replying in the claim's circle,
// approves it.
func TestRelationsAcrossRoomsCountNowhere(t *testing.T) {
	nora, olga, pete := member(t, "nora"), member(t, "olga"), member(t, "pete")
	near := circleOf(t, "Near", nora, olga)
	far := circleOf(t, "Far", pete, olga)
	peteDM := openDM(t, pete)

	mustContain(t, say(t, olga, near, "!ex kassa 50"), "€50")
	sent, err := nora.Send(testCtx(t), near, "!ex claim 30 roof")
	if err != nil {
		t.Fatal(err)
	}
	claimCard := cardAfter(t, olga, near, env.BotID, sent, "claim")
	claim, _ := cardData(claimCard)["need"].(string)
	status, err := nora.Send(testCtx(t), near, "!ex status orange 100")
	if err != nil {
		t.Fatal(err)
	}
	needCard := cardAfter(t, olga, near, env.BotID, status, "need")
	need, _ := cardData(needCard)["need"].(string)

	// pete cannot read the card, but a client lets him name it.
	approve, err := pete.Client.SendMessageEvent(testCtx(t), peteDM, event.EventMessage, map[string]any{
		"msgtype": "m.text", "body": "approve",
		"m.relates_to": map[string]any{"m.in_reply_to": map[string]any{"event_id": claimCard.ID}}})
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, replyTo(t, pete, peteDM, approve.EventID), "Reply to a need card")
	// olga, in both circles, reacts in the other one to the need's card.
	if _, err := olga.Client.SendMessageEvent(testCtx(t), far, event.EventReaction, map[string]any{
		"m.relates_to": map[string]any{"rel_type": "m.annotation", "event_id": needCard.ID, "key": "❤️"}}); err != nil {
		t.Fatal(err)
	}
	mustContain(t, say(t, pete, far, "!ex pool"), "Pool") // the bot handled what came before
	if st := needState(t, claim); st != "proposed" {
		t.Fatalf("the claim after pete's approval from his chat: %s", st)
	}
	if got := promisesOf(t, olga.ID, nora.ID); len(got) != 0 {
		t.Fatalf("olga's ❤️ from another circle made promises %v toward need %s", got, need)
	}

	mustContain(t, replyCmd(t, olga, near, claimCard.ID, "approve"), "approved the claim")
	if st := needState(t, claim); st != "open" {
		t.Fatalf("the claim after olga's approval: %s", st)
	}
}
