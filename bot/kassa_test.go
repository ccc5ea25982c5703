package bot_test

import (
	"strings"
	"testing"

	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/ledger"
)

// kassaOf is a member's kassa maxima, "circle=amount" by circle.
func (w *aidWorld) kassaOf(u ledger.UserID) string {
	w.t.Helper()
	st, err := w.svc.Aid.StatusOf(w.ctx, u)
	if err != nil {
		w.t.Fatal(err)
	}
	var parts []string
	for _, k := range st.Kassa {
		parts = append(parts, string(k.Circle)+"="+k.Max.String())
	}
	return strings.Join(parts, ";")
}

// answer is the body of the bot's last message in room.
func (w *aidWorld) answer(room any) string {
	w.t.Helper()
	return body(w.lastIn(room))
}

// TestKassaDeclaredPerCircle: `kassa 50` typed in a circle's room declares
// the maximum for that circle; in the direct chat it is declared for the
// member's only circle, and a member of several circles is asked to type
// it in the room of the one they mean.
func TestKassaDeclaredPerCircle(t *testing.T) {
	w := newAidWorld(t)
	w.say(w.circle, bob, "!ex kassa 50")
	if got := w.answer(w.circle); !strings.Contains(got, "at most €50 a month") || !strings.Contains(got, "**Test**") {
		t.Fatalf("declared in the circle: %q", got)
	}
	if got := w.kassaOf(bob); got != string(w.circle)+"=50 EUR" {
		t.Fatalf("bob's maxima %q", got)
	}

	// carol is in one circle: her direct chat declares for it.
	w.say(dm(carol), carol, "kassa 30")
	if got := w.answer(dm(carol)); !strings.Contains(got, "at most €30 a month") || !strings.Contains(got, "**Test**") {
		t.Fatalf("declared in the direct chat: %q", got)
	}
	if got := w.kassaOf(carol); got != string(w.circle)+"=30 EUR" {
		t.Fatalf("carol's maxima %q", got)
	}

	// alice is in two: she is asked which, and nothing is declared.
	w.say(dm(alice), alice, "kassa 40")
	got := w.answer(dm(alice))
	if !strings.Contains(got, "several circles") || !strings.Contains(got, "`!ex kassa 40 EUR`") ||
		!strings.Contains(got, "**Test**") || !strings.Contains(got, "**Second**") {
		t.Fatalf("declared in the direct chat of a member of two circles: %q", got)
	}
	if got := w.kassaOf(alice); got != "" {
		t.Fatalf("alice's maxima %q; want none", got)
	}
	w.say(w.circle2, alice, "!ex kassa 40")
	if got := w.kassaOf(alice); got != string(w.circle2)+"=40 EUR" {
		t.Fatalf("alice's maxima after declaring in the second circle: %q", got)
	}

	// A member in no circle has no kassa to declare for.
	const erin = "@erin:test"
	if err := w.svc.Members.SetDirectRoom(w.ctx, erin, dm(erin)); err != nil {
		t.Fatal(err)
	}
	w.say(dm(erin), erin, "kassa 10")
	if got := w.answer(dm(erin)); !strings.Contains(got, "you are in none") {
		t.Fatalf("declared by a member of no circle: %q", got)
	}
}

// TestKassaView: in a circle's room the view shows that circle's kassa
// only; in the direct chat, each of the member's circles', with what they
// were asked this month.
func TestKassaView(t *testing.T) {
	w := newAidWorld(t)
	w.say(w.circle, bob, "!ex kassa 50")
	w.say(w.circle, carol, "!ex kassa 30")
	w.say(w.circle2, alice, "!ex kassa 40")

	w.say(w.circle, bob, "!ex kassa")
	got := w.answer(w.circle)
	for _, want := range []string{"The kassa of Test", "2 members declared €80", "Yours: €50 a month; asked this month €0, €50 left"} {
		if !strings.Contains(got, want) {
			t.Errorf("bob's view in the circle lacks %q: %q", want, got)
		}
	}
	if strings.Contains(got, "Second") {
		t.Errorf("a circle's view names another circle: %q", got)
	}
	typ, data := ns(w.lastIn(w.circle))
	if circles, _ := data["circles"].([]any); typ != "kassa" || len(circles) != 1 {
		t.Errorf("machine-readable view %s %v", typ, data)
	}

	// A claim in the circle asks bob for his share: the view says so.
	w.say(w.circle, dave, "!ex claim 40 rent")
	claim := w.claimOf(dave)
	w.reply(w.circle, alice, w.cardIn(claim, w.circle), "approve")
	w.say(dm(alice), alice, "kassa")
	got = w.answer(dm(alice))
	for _, want := range []string{"each of your circles", "**Test** (EUR): 2 members declared €80", "Yours: nothing yet",
		"**Second** (EUR): 1 member declared €40", "Yours: €40 a month"} {
		if !strings.Contains(got, want) {
			t.Errorf("alice's view in the direct chat lacks %q: %q", want, got)
		}
	}
	w.say(dm(bob), bob, "kassa")
	if got := w.answer(dm(bob)); !strings.Contains(got, "asked this month €25, €25 left") {
		t.Errorf("bob's view after his share of €25: %q", got)
	}
}

// claimOf is the member's last claim.
func (w *aidWorld) claimOf(u ledger.UserID) ledger.NeedID {
	w.t.Helper()
	var id ledger.NeedID
	_ = w.svc.Aid.View(w.ctx, func(b *ledger.Book) error {
		for _, n := range b.NeedsOf(u) {
			if n.Kind == ledger.NeedClaim {
				id = n.ID
			}
		}
		return nil
	})
	if id == "" {
		w.t.Fatalf("%s has no claim", u)
	}
	return id
}

// TestKassaClaimSharedInItsCircleAndLeavingDropsTheMaximum: a maximum
// declared in another circle gets no share; a member who leaves the
// circle's room loses his maximum there and his share goes to the others.
func TestKassaClaimSharedInItsCircleAndLeavingDropsTheMaximum(t *testing.T) {
	w := newAidWorld(t)
	w.say(w.circle, bob, "!ex kassa 50")
	w.say(w.circle, carol, "!ex kassa 50")
	w.say(w.circle2, alice, "!ex kassa 100") // the second circle's: no share here
	w.say(w.circle, dave, "!ex claim 40 rent")
	claim := w.claimOf(dave)
	w.reply(w.circle, alice, w.cardIn(claim, w.circle), "approve")
	if got := w.shares(claim); got != "@bob:test=20 EUR intention;@carol:test=20 EUR intention" {
		t.Fatalf("shares %s; want bob's and carol's alone", got)
	}

	k := w.sentCount()
	_, raw := w.event("m.room.member", w.circle, bob, map[string]any{"membership": "leave"}, map[string]any{"state_key": bob})
	w.deliver(raw)
	if got := w.kassaOf(bob); got != "" {
		t.Fatalf("bob's maxima after he left: %q", got)
	}
	if got := w.shares(claim); got != "@bob:test=20 EUR withdrawn;@carol:test=40 EUR intention" {
		t.Fatalf("shares after bob left: %s; want his share declined and carol's raised", got)
	}
	told := inRoom(w.sentSince(k), dm(carol))
	if len(told) != 1 || !strings.Contains(body(told[0]), "**€40**") {
		t.Fatalf("carol told %v; want her new share", told)
	}
}

// cardIn is the need's card in a circle's room.
func (w *aidWorld) cardIn(need ledger.NeedID, c ledger.CircleID) id.EventID {
	w.t.Helper()
	cards, err := w.svc.Aid.CardsOf(w.ctx, need)
	if err != nil {
		w.t.Fatal(err)
	}
	for _, card := range cards {
		if card.Kind == ledger.CardNeed && card.Circle == c {
			return id.EventID(card.Event)
		}
	}
	w.t.Fatalf("no card of %s in %s", need, c)
	return ""
}

// shares lists the claim's shares, "giver=amount state" by giver.
func (w *aidWorld) shares(claim ledger.NeedID) string {
	w.t.Helper()
	v, err := w.svc.Aid.Need(w.ctx, claim)
	if err != nil {
		w.t.Fatal(err)
	}
	var parts []string
	for _, p := range v.Promises {
		parts = append(parts, string(p.Giver)+"="+p.Amount.String()+" "+string(p.State))
	}
	return strings.Join(parts, ";")
}

// TestKassaFromTheWeb: a maximum declared on the web for a circle is that
// circle's; without one, it is declared as in the direct chat: for the
// member's only circle, and a member of several is asked which.
func TestKassaFromTheWeb(t *testing.T) {
	w := newWebWorld(t, webURL)
	if _, err := w.bot.WebActor().Act(w.ctx, ledger.Request{Member: alice, Circle: w.circle2, Command: w.command("kassa 40")}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.bot.WebActor().Act(w.ctx, ledger.Request{Member: bob, Command: w.command("kassa 20")}); err != nil {
		t.Fatal(err)
	}
	reply, err := w.bot.WebActor().Act(w.ctx, ledger.Request{Member: alice, Command: w.command("kassa 10")})
	if ledger.ErrorCode(err) != ledger.EConflict || !strings.Contains(reply.Text, "several circles") {
		t.Fatalf("alice without a circle: %v %+v", err, reply)
	}
	if got := w.kassaOf(alice); got != string(w.circle2)+"=40 EUR" {
		t.Errorf("alice's maxima %q", got)
	}
	if got := w.kassaOf(bob); got != string(w.circle)+"=20 EUR" {
		t.Errorf("bob's maxima %q", got)
	}
}
