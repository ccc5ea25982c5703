package bot_test

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/bot"
	"github.com/exodus-matrix/exodus/ledger"
)

// newRolesWorld is an aid world (owner, of fed_test.go, owns its circles) whose circle's room has power levels (the
// bot's 100, the owner's 50, as in the rooms the bot makes) and whose
// owner has a direct chat.
func newRolesWorld(t *testing.T) *aidWorld {
	t.Helper()
	w := newAidWorld(t)
	if err := w.svc.Members.SetDirectRoom(w.ctx, owner, dm(owner)); err != nil {
		t.Fatal(err)
	}
	w.cli.powerLevels = map[id.RoomID]*event.PowerLevelsEventContent{id.RoomID(w.circle): {
		Users:  map[id.UserID]int{"@exodus:test": 100, owner: 50},
		Events: map[string]int{event.StatePowerLevels.Type: 100},
	}}
	return w
}

// membership delivers a member's membership event in room, sent by sender.
func (w *aidWorld) membership(room any, sender, target, membership string) {
	w.t.Helper()
	_, raw := w.event("m.room.member", room, sender, map[string]any{"membership": membership},
		map[string]any{"state_key": target})
	w.deliver(raw)
}

// roles reads the circle's roles.
func (w *aidWorld) roles() *ledger.CircleRoles {
	w.t.Helper()
	r, err := w.svc.Circles.Roles(w.ctx, w.circle)
	if err != nil {
		w.t.Fatal(err)
	}
	return r
}

// level is a user's power level in the circle's room now.
func (w *aidWorld) level(u id.UserID) int {
	return w.cli.powerLevels[id.RoomID(w.circle)].GetUserLevel(u)
}

// lastCircleState is the co-owners the last circle state event sent names.
func (w *aidWorld) lastCoOwners() []string {
	w.t.Helper()
	for i := len(w.cli.states) - 1; i >= 0; i-- {
		if s := w.cli.states[i]; s.Type.Type == "org.exodus.circle" {
			raw, _ := json.Marshal(s.Content)
			var st struct {
				CoOwners *[]string `json:"co_owners"`
			}
			if err := json.Unmarshal(raw, &st); err != nil || st.CoOwners == nil {
				w.t.Fatalf("a circle state without co_owners: %s", raw)
			}
			return *st.CoOwners
		}
	}
	w.t.Fatal("no circle state sent")
	return nil
}

// The owner names a co-owner, who is told, gets the moderator level and
// may change the pledge; a plain member may not name one; the owner
// dismisses the co-owner, who goes back to the members' level.
func TestOwnerNamesACoOwnerWhoChangesTheCircle(t *testing.T) {
	w := newRolesWorld(t)
	w.say(w.circle, owner, "!ex coowner @bob:test")
	if got := body(w.lastIn(w.circle)); !strings.Contains(got, "is now a co-owner of **Test**") {
		t.Fatalf("naming a co-owner answered %q", got)
	}
	if got := body(w.lastIn(dm(bob))); !strings.Contains(got, "named you a co-owner of the circle **Test**") {
		t.Fatalf("bob was told %q", got)
	}
	if got := w.lastCoOwners(); !slices.Equal(got, []string{bob}) {
		t.Fatalf("the circle state names co-owners %v", got)
	}
	if w.level(bob) != 50 {
		t.Fatalf("bob's power level %d, want the moderator's 50", w.level(bob))
	}
	w.say(w.circle, bob, "!ex circle pledge 30 EUR")
	if got := body(w.lastIn(w.circle)); !strings.Contains(got, "now pledges") {
		t.Fatalf("the co-owner changing the pledge got %q", got)
	}
	w.say(w.circle, carol, "!ex coowner @dave:test")
	if got := body(w.lastIn(w.circle)); !strings.Contains(got, "Only the owner of this circle") {
		t.Fatalf("a member naming a co-owner got %q", got)
	}
	w.say(w.circle, owner, "!ex demote @bob:test")
	if got := body(w.lastIn(w.circle)); !strings.Contains(got, "is no longer a co-owner") {
		t.Fatalf("dismissing got %q", got)
	}
	if r := w.roles(); len(r.CoOwners) != 0 || w.level(bob) != 0 || len(w.lastCoOwners()) != 0 {
		t.Fatalf("after dismissing: %+v, level %d, state %v", r, w.level(bob), w.lastCoOwners())
	}
}

// In Russian: the owner hands the circle over to alice (told in her
// chat); alice removes dave, who is kicked and told in his language and
// whose join does not count him back; invited again by alice, he is back.
func TestHandOverAndRemoveInRussian(t *testing.T) {
	w := newRolesWorld(t)
	if err := w.svc.Members.SetLang(w.ctx, ledger.Action{Event: "$lang", Actor: dave}, ledger.LangRU); err != nil {
		t.Fatal(err)
	}
	w.say(w.circle, owner, "!ex владелец @alice:test")
	if got := body(w.lastIn(w.circle)); !strings.Contains(got, "теперь владелец круга **Test**") {
		t.Fatalf("the hand-over answered %q", got)
	}
	if got := body(w.lastIn(dm(alice))); !strings.Contains(got, "handed the circle **Test** over to you") {
		t.Fatalf("alice was told %q", got)
	}
	if r := w.roles(); r.Owner != alice || !slices.Equal(r.CoOwners, []ledger.UserID{owner}) || w.level(alice) != 50 {
		t.Fatalf("roles after the hand-over: %+v, alice's level %d", r, w.level(alice))
	}
	w.say(w.circle, alice, "!ex исключить @dave:test")
	if got := body(w.lastIn(w.circle)); !strings.Contains(got, "исключён из круга **Test**") {
		t.Fatalf("the removal answered %q", got)
	}
	if got := w.cli.kicked[id.RoomID(w.circle)]; !slices.Equal(got, []id.UserID{dave}) {
		t.Fatalf("kicked %v", got)
	}
	if got := body(w.lastIn(dm(dave))); !strings.Contains(got, "исключил вас из круга **Test**") {
		t.Fatalf("dave was told %q", got)
	}
	w.membership(w.circle, dave, dave, "join")
	if ms, _ := w.svc.Circles.Members(w.ctx, w.circle); slices.Contains(ms, dave) {
		t.Fatal("dave's join after his removal counted him in")
	}
	w.say(w.circle, alice, "!ex исключить @dave:test")
	if got := body(w.lastIn(w.circle)); !strings.Contains(got, "уже исключён") {
		t.Fatalf("removing twice answered %q", got)
	}
	w.membership(w.circle, alice, dave, "invite")
	w.membership(w.circle, dave, dave, "join")
	if ms, _ := w.svc.Circles.Members(w.ctx, w.circle); !slices.Contains(ms, dave) {
		t.Fatal("dave invited again by the owner is not back")
	}
}

// A bot that may not kick says the member is removed all the same, and
// that a moderator can take them out of the room; a co-owner may not
// remove the owner.
func TestRemoveWithoutThePowerToKick(t *testing.T) {
	w := newRolesWorld(t)
	w.cli.noKick = true
	w.say(w.circle, owner, "!ex coowner @bob:test")
	w.say(w.circle, bob, "!ex remove @owner:test")
	if got := body(w.lastIn(w.circle)); !strings.Contains(got, "owns this circle and cannot be removed") {
		t.Fatalf("a co-owner removing the owner got %q", got)
	}
	w.say(w.circle, bob, "!ex remove @carol:test")
	if got := body(w.lastIn(w.circle)); !strings.Contains(got, "I could not take them out of the room") {
		t.Fatalf("a removal without the power to kick answered %q", got)
	}
	if ms, _ := w.svc.Circles.Members(w.ctx, w.circle); slices.Contains(ms, carol) {
		t.Fatal("carol is still a member")
	}
	if got := body(w.lastIn(dm(carol))); !strings.Contains(got, "removed you from the circle **Test**") {
		t.Fatalf("carol was told %q", got)
	}
}

// The owner removes a co-owner: the circle state names her no longer, and
// she goes back to the members' level; the roles read the same.
func TestOwnerRemovesACoOwner(t *testing.T) {
	w := newRolesWorld(t)
	w.say(w.circle, owner, "!ex coowner @carol:test")
	if w.level(carol) != 50 {
		t.Fatalf("carol's level %d", w.level(carol))
	}
	w.say(w.circle, owner, "!ex remove @carol:test")
	if got := body(w.lastIn(w.circle)); !strings.Contains(got, "was removed from **Test**") {
		t.Fatalf("the removal answered %q", got)
	}
	if r := w.roles(); len(r.CoOwners) != 0 || !r.IsRemoved(carol) || len(w.lastCoOwners()) != 0 || w.level(carol) != 0 {
		t.Fatalf("after removing a co-owner: %+v, state %v, level %d", r, w.lastCoOwners(), w.level(carol))
	}
}

// In a circle two bots share, the roles' commands change both ledgers the
// same; only the answering bot kicks and publishes the circle state with
// its co-owners, which the follower follows.
func TestFollowerKeepsTheCircleRoles(t *testing.T) {
	w := newFedWorld(t)
	w.say(owner, "", "!ex coowner "+alice)
	w.say(alice, "", "!ex remove "+bob)
	var last map[string]any
	for _, s := range w.a.cli.sentStates() {
		if s.Type == bot.CircleStateType.Type {
			last = s.Content
		}
	}
	if co, _ := last["co_owners"].([]any); len(co) != 1 || co[0] != alice {
		t.Fatalf("the answering bot's circle state: %v", last)
	}
	w.feed(w.state(botA, last), w.b)
	want := &ledger.CircleRoles{Owner: owner, CoOwners: []ledger.UserID{alice}, Removed: []ledger.UserID{bob}}
	for _, p := range []*peer{w.a, w.b} {
		if got, err := p.svc.Circles.Roles(p.ctx, w.circle); err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("%s's roles %+v (%v), want %+v", p.user, got, err, want)
		}
	}
	if got := w.a.cli.kicked[id.RoomID(w.circle)]; !slices.Equal(got, []id.UserID{bob}) || len(w.b.cli.kicked) != 0 {
		t.Fatalf("kicks: botA %v, botB %v", got, w.b.cli.kicked)
	}
}

// `invite` typed by a co-owner lifts a removal (the member is back once
// they join); typed by a plain member, it does not.
func TestInviteByACoOwnerReadmits(t *testing.T) {
	w := newRolesWorld(t)
	w.say(w.circle, owner, "!ex coowner @bob:test")
	w.say(w.circle, owner, "!ex remove @dave:test")
	w.say(w.circle, carol, "!ex invite @dave:test")
	if !w.roles().IsRemoved(dave) {
		t.Fatal("a plain member's invitation lifted the removal")
	}
	w.say(w.circle, bob, "!ex invite @dave:test")
	if w.roles().IsRemoved(dave) {
		t.Fatal("the co-owner's invitation did not lift the removal")
	}
	w.membership(w.circle, dave, dave, "join")
	if ms, _ := w.svc.Circles.Members(w.ctx, w.circle); !slices.Contains(ms, dave) {
		t.Fatal("dave, invited again, is not back")
	}
}
