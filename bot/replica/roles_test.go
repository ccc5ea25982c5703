package replica_test

import (
	"reflect"
	"testing"

	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/bot"
	"github.com/exodus-matrix/exodus/ledger"
)

// A rebuild from the rooms restores a circle's roles from the commands in
// its history alone (here the bot could publish no state and kick no
// one): the owner it was handed over to, the co-owners, and a member
// removed, who stays out though still in the room.
func TestRebuildRestoresCircleRoles(t *testing.T) {
	const dan = "@d:test"
	w := newRebuildWorld(t, 1000)
	const circle = id.RoomID("!roles:test")
	w.cli.joined = map[id.RoomID][]id.UserID{circle: {botUser, ann, ben, cat, dan}}
	w.happen(true, "m.room.create", circle, botUser, ptr(""), map[string]any{"creator": botUser})
	w.member(circle, botUser, botUser, "join", false)
	for _, u := range []string{ann, ben, cat, dan} {
		w.member(circle, u, u, "join", false)
	}
	for _, u := range []string{ben, cat, dan} { // their direct chats, where they are told
		w.member(id.RoomID("!dm-"+u[1:2]+":test"), u, botUser, "invite", true)
	}
	w.happen(true, bot.CircleStateType.Type, circle, botUser, ptr(""), map[string]any{"name": "Roles", "pledge_minor": 1000,
		"currency": "EUR", "lang": "en", "owner": ann, "answering_bot": botUser, "version": 1})
	w.say(circle, ann, "!ex coowner "+ben, "")
	w.say(circle, ann, "!ex owner "+cat, "")
	w.say(circle, ben, "!ex remove "+dan, "")
	w.member(circle, dan, dan, "join", false) // a new display name: still removed

	live, err := w.svc.Circles.Roles(w.ctx, ledger.CircleID(circle))
	if err != nil {
		t.Fatal(err)
	}
	want := &ledger.CircleRoles{Owner: cat, CoOwners: []ledger.UserID{ann, ben}, Removed: []ledger.UserID{dan}}
	if !reflect.DeepEqual(live, want) {
		t.Fatalf("live roles %+v, want %+v", live, want)
	}
	h, _ := w.rebuild(1000, 50, false)
	got, err := h.svc.Circles.Roles(h.ctx, ledger.CircleID(circle))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("rebuilt roles %+v, want %+v", got, want)
	}
	if ms, _ := h.svc.Circles.Members(h.ctx, ledger.CircleID(circle)); !reflect.DeepEqual(ms, []ledger.UserID{ann, ben, cat}) {
		t.Fatalf("rebuilt members %v", ms)
	}
}
