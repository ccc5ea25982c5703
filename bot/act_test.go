package bot_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/bot"
	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/ledger/access"
	"github.com/exodus-matrix/exodus/ledger/grammar"
)

// command parses what a member would type in the direct chat.
func (w *aidWorld) command(text string) ledger.Command {
	w.t.Helper()
	cmd, _, err := grammar.Parse(text, grammar.Options{Direct: true, DefaultCurrency: "EUR"})
	if err != nil {
		w.t.Fatalf("grammar.Parse(%q): %v", text, err)
	}
	return cmd
}

// carolsNeed makes carol orange for 300 in the first circle and returns
// the need and its card there.
func (w *aidWorld) carolsNeed() (ledger.NeedID, id.EventID) {
	w.t.Helper()
	w.say(w.circle, carol, "!ex status orange 300")
	st, err := w.svc.Aid.StatusOf(w.ctx, carol)
	if err != nil || st.Need == "" {
		w.t.Fatalf("carol's status %+v, %v", st, err)
	}
	cards, err := w.svc.Aid.CardsOf(w.ctx, st.Need)
	if err != nil {
		w.t.Fatal(err)
	}
	for _, c := range cards {
		if c.Kind == ledger.CardNeed && c.Circle == w.circle {
			return st.Need, id.EventID(c.Event)
		}
	}
	w.t.Fatalf("no card of carol's need in the circle: %v", cards)
	return "", ""
}

func (w *aidWorld) opCount() int {
	w.t.Helper()
	ops, err := w.store.Aid.Ops(w.ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	return len(ops)
}

// webActions are the web_action notices among msgs.
func webActions(msgs []sentMessage) []sentMessage {
	var out []sentMessage
	for _, m := range msgs {
		if typ, _ := ns(m); typ == "web_action" {
			out = append(out, m)
		}
	}
	return out
}

func TestActPostsTheActionThenAppliesItKeyedByThePost(t *testing.T) {
	w := newWebWorld(t, webURL)
	need, card := w.carolsNeed()
	k, ops := w.sentCount(), w.opCount()
	reply, err := w.bot.WebActor().Act(w.ctx, ledger.Request{Member: bob, Need: need, Command: w.command("intend 50")})
	if err != nil {
		t.Fatalf("Act: %v (%+v)", err, reply)
	}
	sent := w.sentSince(k)
	notices := webActions(sent)
	if len(notices) != 1 {
		t.Fatalf("%d web_action notices; want 1 (sent %v)", len(notices), sent)
	}
	notice := notices[0]
	if notice.Room != id.RoomID(w.circle) || reply.Room != ledger.RoomID(w.circle) || reply.Event != ledger.EventID(notice.ID) {
		t.Errorf("notice in %s, reply %+v; want the circle room and the notice's event", notice.Room, reply)
	}
	_, data := ns(notice)
	if data["member"] != bob || data["verb"] != "intend" || data["need"] != string(need) || minor(data, "amount") != 5000 || data["at"] == nil {
		t.Errorf("notice data %v", data)
	}
	if !strings.Contains(body(notice), bob) || !strings.Contains(body(notice), "intend 50") {
		t.Errorf("notice %q does not name bob and the action", body(notice))
	}

	// Applied keyed by the notice: one op more, and the promise is the
	// notice's event.
	if got := w.opCount(); got != ops+1 {
		t.Errorf("%d ops recorded; want %d", got, ops+1)
	}
	p := w.promise(need, bob)
	if p == nil || p.ID != ledger.PromiseID(notice.ID) || p.UpdatedBy != ledger.EventID(notice.ID) || p.State != ledger.PromiseIntention || p.Amount.Minor != 5000 {
		t.Fatalf("bob's promise %+v; want an intention of 50 keyed by %s", p, notice.ID)
	}

	// The answer is the reply's text, and is posted under the notice.
	if !strings.Contains(reply.Text, "Your intention: €50") {
		t.Errorf("reply text %q", reply.Text)
	}
	var answers []sentMessage
	for _, m := range inRoom(sent, w.circle) {
		if repliesTo(m, notice.ID) {
			answers = append(answers, m)
		}
	}
	if len(answers) != 1 || body(answers[0]) != reply.Text {
		t.Errorf("answers to the notice %v; want one with the reply's text %q", answers, reply.Text)
	}
	if typ, _ := ns(answers[0]); typ != "web_answer" {
		t.Errorf("answer type %q", typ)
	}
	// The notice comes before the answer, and the card shows the intention.
	if sent[0].ID != notice.ID {
		t.Errorf("the first message sent is %v; want the notice", sent[0])
	}
	expectEdited(t, sent, map[ledger.CircleID]id.EventID{w.circle: card}, 5000)
}

func TestActRefusedPostsNothing(t *testing.T) {
	w := newWebWorld(t, webURL)
	need, _ := w.carolsNeed()
	cases := []struct {
		name string
		req  ledger.Request
		key  string
	}{
		{"intend on one's own need", ledger.Request{Member: carol, Need: need, Command: w.command("intend 50")}, "promise.self"},
		{"commit in another currency", ledger.Request{Member: bob, Need: need, Command: w.command("commit 50 USD")}, "promise.currency"},
		{"commit more than the need", ledger.Request{Member: bob, Need: need, Command: w.command("commit 5000")}, "promise.over_target"},
		{"intend on no need", ledger.Request{Member: bob, Command: w.command("intend 50")}, "need.reply_to_card"},
		{"initiative outside a circle", ledger.Request{Member: "@erin:test", Command: w.command(`initiative "Roof" 500 by 2026-12-20`)}, ""},
		{"an unknown need", ledger.Request{Member: bob, Need: "$nope", Command: w.command("intend 50")}, "need.not_found"},
	}
	if err := w.svc.Members.SetDirectRoom(w.ctx, "@erin:test", "!dm-erin:test"); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		k, ops, before := w.sentCount(), w.opCount(), w.snapshot(need)
		reply, err := w.bot.WebActor().Act(w.ctx, c.req)
		e := ledger.AsError(err)
		if e == nil || (c.key != "" && e.Key != c.key) {
			t.Errorf("%s: error %v; want %s", c.name, err, c.key)
			continue
		}
		if sent := w.sentSince(k); len(sent) != 0 {
			t.Errorf("%s: posted %v; want nothing", c.name, sent)
		}
		if w.opCount() != ops || w.snapshot(need) != before {
			t.Errorf("%s: the ledger changed", c.name)
		}
		if reply == nil || reply.Event != "" || reply.Text == "" || !strings.HasPrefix(reply.Text, w.bot.WebActor().Explain(ledger.LangEN, err)) {
			t.Errorf("%s: reply %+v; want the refusal explained (%q)", c.name, reply, w.bot.WebActor().Explain(ledger.LangEN, err))
		}
	}

	// The checks left nothing behind: the same action, now acceptable,
	// is applied.
	if _, err := w.bot.WebActor().Act(w.ctx, ledger.Request{Member: bob, Need: need, Command: w.command("commit 50")}); err != nil {
		t.Fatalf("commit after the refusals: %v", err)
	}
	if p := w.promise(need, bob); p == nil || p.State != ledger.PromiseCommitment {
		t.Errorf("bob's promise %+v; want a commitment", p)
	}
}

func TestActViewsPostNothing(t *testing.T) {
	w := newWebWorld(t, webURL)
	need, _ := w.carolsNeed()
	if _, err := w.bot.WebActor().Act(w.ctx, ledger.Request{Member: bob, Need: need, Command: w.command("intend 50")}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ text, want string }{
		{"my", "What you promised"},
		{"kassa", "The kassa"},
		{"clearing", ""},
		{"about", ""},
	} {
		k, ops := w.sentCount(), w.opCount()
		reply, err := w.bot.WebActor().Act(w.ctx, ledger.Request{Member: bob, Command: w.command(c.text)})
		if err != nil {
			t.Errorf("%s: %v", c.text, err)
			continue
		}
		if sent := w.sentSince(k); len(sent) != 0 {
			t.Errorf("%s posted %v; want nothing", c.text, sent)
		}
		if w.opCount() != ops || reply.Event != "" || reply.Text == "" || !strings.Contains(reply.Text, c.want) ||
			strings.Contains(reply.Text, "answered in our direct chat") {
			t.Errorf("%s: reply %+v", c.text, reply)
		}
	}
	reply, _ := w.bot.WebActor().Act(w.ctx, ledger.Request{Member: bob, Command: w.command("my")})
	if !strings.Contains(reply.Text, "50") || !strings.Contains(reply.Text, carol) {
		t.Errorf("my: %q; want bob's intention toward carol", reply.Text)
	}
}

func TestActOtherChangesArePostedAfterwards(t *testing.T) {
	w := newWebWorld(t, webURL)
	if err := w.svc.Members.SetDirectRoom(w.ctx, bob, "!dm-bob:test"); err != nil {
		t.Fatal(err)
	}
	// A profile change goes to bob's direct chat, where he would type it,
	// never to a circle room (payment details are private).
	for _, c := range []struct{ text, saved string }{{"about I mend bikes", "Saved"}, {"requisites IBAN DE02 1234", "IBAN DE02 1234"}} {
		k := w.sentCount()
		reply, err := w.bot.WebActor().Act(w.ctx, ledger.Request{Member: bob, Command: w.command(c.text)})
		if err != nil {
			t.Fatal(err)
		}
		sent := w.sentSince(k)
		notices := webActions(sent)
		if len(notices) != 1 || notices[0].Room != "!dm-bob:test" || reply.Event != ledger.EventID(notices[0].ID) {
			t.Fatalf("%s: sent %v, reply %+v; want one notice in bob's direct chat", c.text, sent, reply)
		}
		if len(sent) != 2 || !repliesTo(sent[1], notices[0].ID) || body(sent[1]) != reply.Text || !strings.Contains(reply.Text, c.saved) {
			t.Errorf("%s: sent %v, reply %q; want the answer under the notice", c.text, sent, reply.Text)
		}
		for _, m := range sent {
			if m.Room == id.RoomID(w.circle) {
				t.Errorf("%s: posted into the circle: %v", c.text, m)
			}
		}
	}
	if p, err := w.svc.Members.Profile(w.ctx, bob); err != nil || p.About != "I mend bikes" {
		t.Errorf("profile %+v, %v", p, err)
	}

	// A change about the circle goes to the circle.
	k := w.sentCount()
	if _, err := w.bot.WebActor().Act(w.ctx, ledger.Request{Member: bob, Command: w.command("invite @zed:test")}); err != nil {
		t.Fatal(err)
	}
	if n := webActions(w.sentSince(k)); len(n) != 1 || n[0].Room != id.RoomID(w.circle) {
		t.Errorf("notices %v; want one in bob's circle", n)
	}

	// A member in no circle acts in the direct chat.
	const erin = "@erin:test"
	if err := w.svc.Members.SetDirectRoom(w.ctx, erin, "!dm-erin:test"); err != nil {
		t.Fatal(err)
	}
	k = w.sentCount()
	if _, err := w.bot.WebActor().Act(w.ctx, ledger.Request{Member: erin, Command: w.command("about hello")}); err != nil {
		t.Fatal(err)
	}
	if n := webActions(w.sentSince(k)); len(n) != 1 || n[0].Room != "!dm-erin:test" {
		t.Errorf("notices %v; want one in erin's direct chat", n)
	}
}

func TestActRefusesChatOnlyVerbsAndOtherCircles(t *testing.T) {
	w := newWebWorld(t, webURL)
	k := w.sentCount()
	for _, v := range []ledger.Verb{ledger.VerbHelp, ledger.VerbWeb, ledger.VerbToken, ledger.VerbCircle} {
		reply, err := w.bot.WebActor().Act(w.ctx, ledger.Request{Member: bob, Command: ledger.Command{Verb: v}})
		if e := ledger.AsError(err); e == nil || e.Key != "web.chat_only" {
			t.Errorf("%s: %v; want web.chat_only", v, err)
		}
		if reply == nil || !strings.Contains(reply.Text, "chat command") {
			t.Errorf("%s: reply %+v", v, reply)
		}
	}
	// bob is not in the second circle.
	reply, err := w.bot.WebActor().Act(w.ctx, ledger.Request{Member: bob, Circle: w.circle2, Command: w.command("status orange 100")})
	if e := ledger.AsError(err); e == nil || e.Key != "web.not_member" || e.Code != ledger.EForbidden {
		t.Errorf("acting in another circle: %v; want web.not_member", err)
	}
	if reply == nil || reply.Text != "You are not a member of that circle." {
		t.Errorf("reply %+v", reply)
	}
	if sent := w.sentSince(k); len(sent) != 0 {
		t.Errorf("posted %v; want nothing", sent)
	}
	if st, _ := w.svc.Aid.StatusOf(w.ctx, bob); st.Status != ledger.StatusGreen {
		t.Errorf("bob's status changed: %+v", st)
	}
}

func TestActAnswersInTheMembersLanguage(t *testing.T) {
	w := newWebWorld(t, webURL)
	if got := w.bot.WebActor().Explain(ledger.LangRU, ledger.Errorf(ledger.EForbidden, "web.not_member")); got != "Вы не участник этого круга." {
		t.Errorf("Explain in Russian: %q", got)
	}
	if got := w.bot.WebActor().Explain(ledger.LangEN, ledger.Errorf(ledger.EForbidden, "web.not_member")); got != "You are not a member of that circle." {
		t.Errorf("Explain in English: %q", got)
	}
	if got := w.bot.WebActor().Explain(ledger.LangRU, ledger.ErrAlreadyApplied); got == "" {
		t.Error("Explain of an internal error is empty")
	}
	w.say(dm(bob), bob, "!ex lang ru")
	reply, err := w.bot.WebActor().Act(w.ctx, ledger.Request{Member: bob, Circle: w.circle2, Command: w.command("status orange 100")})
	if err == nil || reply.Text != "Вы не участник этого круга." {
		t.Errorf("reply to a Russian speaker: %+v, %v", reply, err)
	}
}

// An action on a need with no card in the member's circles is taken in
// their circle, as a reply to a card there would be: the circle's pledge
// is the amount of a bare intention.
func TestActOnANeedWithoutCardUsesTheRoomsPledge(t *testing.T) {
	w := newWebWorld(t, webURL)
	const cheap, erin ledger.CircleID = "!cheap:test", "@erin:test"
	_, err := w.svc.Circles.Create(w.ctx, ledger.Action{Event: "$create-cheap", Actor: "@owner:test", At: w.svc.Now()},
		ledger.CircleSpec{ID: cheap, Name: "Cheap", Pledge: ledger.Amount{Minor: 700, Currency: "EUR"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []ledger.UserID{dave, ledger.UserID(erin)} {
		if err := w.svc.Circles.SetMembership(w.ctx, cheap, u, true); err != nil {
			t.Fatal(err)
		}
	}
	out, err := w.svc.Aid.Do(w.ctx, ledger.Op{Kind: ledger.OpStatus, Event: "$dave-orange", Actor: dave,
		Status: ledger.StatusOrange, Amount: ledger.Amount{Minor: 30000, Currency: "EUR"}, At: w.svc.Now().Add(-time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	reply, err := w.bot.WebActor().Act(w.ctx, ledger.Request{Member: ledger.UserID(erin), Need: out.Need.ID, Command: w.command("intend")})
	if err != nil {
		t.Fatal(err)
	}
	if reply.Room != ledger.RoomID(cheap) {
		t.Errorf("posted in %s; want erin's circle", reply.Room)
	}
	if p := w.promise(out.Need.ID, ledger.UserID(erin)); p == nil || p.Amount.Minor != 700 {
		t.Errorf("erin's promise %+v; want the circle's pledge, €7", p)
	}
}

// A profile change asked for in a circle (the API's general command route
// takes one) still goes to the member's direct chat: payment details
// never go to a circle room.
func TestActPersonalVerbInACircleGoesToTheDirectChat(t *testing.T) {
	w := newWebWorld(t, webURL)
	if err := w.svc.Members.SetDirectRoom(w.ctx, bob, "!dm-bob:test"); err != nil {
		t.Fatal(err)
	}
	need, _ := w.carolsNeed()
	for _, req := range []ledger.Request{
		{Member: bob, Circle: w.circle, Command: w.command("requisites IBAN DE02 9999")},
		{Member: bob, Need: need, Command: w.command("about I fix roofs")},
	} {
		k := w.sentCount()
		reply, err := w.bot.WebActor().Act(w.ctx, req)
		if err != nil {
			t.Fatalf("%+v: %v", req, err)
		}
		sent := w.sentSince(k)
		if n := webActions(sent); len(n) != 1 || n[0].Room != "!dm-bob:test" || reply.Room != "!dm-bob:test" {
			t.Errorf("%s: notices %v, reply %+v; want one in bob's direct chat", req.Command.Verb, n, reply)
		}
		for _, m := range sent {
			if m.Room == id.RoomID(w.circle) {
				t.Errorf("%s: posted into the circle: %v", req.Command.Verb, m)
			}
		}
	}
}

// The chat's bound on a member's commands holds for actions from the web:
// many sessions or tokens do not let a member flood a circle room.
func TestActSharesTheChatsRateLimit(t *testing.T) {
	w := newWebWorld(t, webURL)
	w.bot = bot.New(bot.Config{UserID: "@exodus:test", Prefix: "!ex", CommandsPerMinute: 3, WebURL: webURL,
		BotUsers: []*regexp.Regexp{regexp.MustCompile(`^@exodus:`)}}, w.cli, w.svc, access.New(w.store.Ledger(), w.svc), w.store)
	hook(w.bot, w.cli)
	for i := range 3 {
		if _, err := w.bot.WebActor().Act(w.ctx, ledger.Request{Member: bob, Command: w.command("about hello")}); err != nil {
			t.Fatalf("action %d: %v", i+1, err)
		}
	}
	k := w.sentCount()
	reply, err := w.bot.WebActor().Act(w.ctx, ledger.Request{Member: bob, Command: w.command("status orange 100")})
	if e := ledger.AsError(err); e == nil || e.Code != ledger.ERateLimited || reply == nil || !strings.Contains(reply.Text, "at most 3 a minute") {
		t.Fatalf("a fourth action in a minute: %+v, %v; want refused as too many", reply, err)
	}
	if sent := w.sentSince(k); len(sent) != 0 {
		t.Errorf("posted %v; want nothing", sent)
	}
	if st, _ := w.svc.Aid.StatusOf(w.ctx, bob); st.Status != ledger.StatusGreen {
		t.Errorf("bob's status changed: %+v", st)
	}
	// carol has her own budget.
	if _, err := w.bot.WebActor().Act(w.ctx, ledger.Request{Member: carol, Command: w.command("about hi")}); err != nil {
		t.Errorf("carol: %v", err)
	}
}
