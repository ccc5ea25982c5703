package e2e_test

import (
	"testing"

	"github.com/chromedp/chromedp"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/internal/devnet"
)

// chainOf makes three members in a circle, ula owing vic 40 and vic owing
// zed 60 (ula → vic → zed), and returns them, their direct chats and the
// ID of the chain the clearing proposal shows ula.
func chainOf(t *testing.T) (ula, vic, zed *devnet.User, dms map[id.UserID]id.RoomID, chainID string) {
	t.Helper()
	ula, vic, zed = member(t, "ula"), member(t, "vic"), member(t, "zed")
	circle := circleOf(t, "Chain", ula, vic, zed)
	dms = map[id.UserID]id.RoomID{}
	for _, u := range []*devnet.User{ula, vic, zed} {
		dms[u.ID] = openDM(t, u)
	}
	cards := map[id.UserID]id.EventID{}
	for _, u := range []*devnet.User{vic, zed} {
		sent, err := u.Send(testCtx(t), circle, "!ex status orange 100")
		if err != nil {
			t.Fatal(err)
		}
		cards[u.ID] = needCard(t, u, circle, sent, u.ID).ID
	}
	mustContain(t, replyCmd(t, ula, circle, cards[vic.ID], "commit 40"), "Your commitment")
	mustContain(t, replyCmd(t, vic, circle, cards[zed.ID], "commit 60"), "Your commitment")
	proposal := say(t, ula, dms[ula.ID], "clearing")
	mustContain(t, proposal, "Chains that can be shortened (1)")
	_, d := data(t, proposal)
	plans, _ := d["plans"].([]any)
	if len(plans) != 1 {
		t.Fatalf("clearing data %v", d)
	}
	chains, _ := plans[0].(map[string]any)["chains"].([]any)
	if len(chains) != 1 {
		t.Fatalf("chains %v", chains)
	}
	chain, _ := chains[0].(map[string]any)
	chainID, _ = chain["id"].(string)
	if chainID == "" || chain["from"] != ula.ID.String() || chain["via"] != vic.ID.String() || chain["to"] != zed.ID.String() {
		t.Fatalf("chain %v, want ula → vic → zed with an ID", chain)
	}
	mustContain(t, proposal, chainID)
	return ula, vic, zed, dms, chainID
}

// TestClearingChain: ula owes vic 40, vic owes zed 60; `clearing` proposes
// the chain ula → vic → zed, and once all three agree (vic in Russian) it
// is shortened: ula's 40 to vic counts as fulfilled, ula owes zed 40, and
// vic still owes zed 20.
func TestClearingChain(t *testing.T) {
	ula, vic, zed, dms, chainID := chainOf(t)
	say(t, vic, dms[vic.ID], "lang ru")
	mustContain(t, say(t, ula, dms[ula.ID], "clearing agree "+chainID), "1 of 3")
	botSays(t, vic, dms[vic.ID], "соглашается сократить цепочку")
	mustContain(t, say(t, vic, dms[vic.ID], "клиринг согласен "+chainID), "2 из 3")
	wantPromises(t, ula.ID, vic.ID, promiseRow{"commitment", 4000})
	mustContain(t, say(t, zed, dms[zed.ID], "clearing agree "+chainID), "All three agreed")
	botSays(t, ula, dms[ula.ID], "All three agreed")
	botSays(t, vic, dms[vic.ID], "Все трое согласны")
	wantPromises(t, ula.ID, vic.ID, promiseRow{"fulfilled", 4000})
	wantPromises(t, ula.ID, zed.ID, promiseRow{"commitment", 4000})
	wantPromises(t, vic.ID, zed.ID, promiseRow{"commitment", 2000})
}

// TestClearingPageInBrowser: after ula and vic agreed in the chat, zed
// opens the clearing page: it shows the chain, its ID, "2 of 3 agreed" and
// who; zed agrees there, and the page then has nothing left to agree to
// while the ledger holds the shortened debts.
func TestClearingPageInBrowser(t *testing.T) {
	ula, vic, zed, dms, chainID := chainOf(t)
	mustContain(t, say(t, ula, dms[ula.ID], "clearing agree "+chainID), "1 of 3")
	mustContain(t, say(t, vic, dms[vic.ID], "clearing agree "+chainID), "2 of 3")

	answer := say(t, zed, dms[zed.ID], "web")
	link := loginLinkRe.FindString(devnet.Body(answer))
	if link == "" {
		t.Fatalf("no login link in %q", devnet.Body(answer))
	}
	ctx := browser(t)
	run(t, ctx, "log in", chromedp.Navigate(link), chromedp.WaitVisible(`#login`, chromedp.ByQuery),
		chromedp.Click(`#login`, chromedp.ByQuery), chromedp.WaitVisible(`nav a[href="/clearing"]`, chromedp.ByQuery))
	run(t, ctx, "the clearing page", chromedp.Navigate(env.WebURL+"/clearing"), chromedp.WaitVisible(`article.clearing`, chromedp.ByQuery))
	screenshot(t, ctx, "clearing")
	card := textOf(t, ctx, "article.clearing")
	mustHave(t, "the chain's card", card, "Chain", chainID, ula.ID.Localpart(), vic.ID.Localpart(), zed.ID.Localpart(),
		"€40", "2 of 3 agreed")
	run(t, ctx, "agree", chromedp.Click(`article.clearing form button`, chromedp.ByQuery), chromedp.WaitVisible(`.flash`, chromedp.ByQuery))
	mustHave(t, "after agreeing", textOf(t, ctx, ".flash"), "Your agreement is recorded")
	mustHave(t, "the page after", textOf(t, ctx, "main"), "You are in no cycle and no chain")
	botSays(t, ula, dms[ula.ID], "All three agreed")
	wantPromises(t, ula.ID, zed.ID, promiseRow{"commitment", 4000})
	wantPromises(t, vic.ID, zed.ID, promiseRow{"commitment", 2000})
}
