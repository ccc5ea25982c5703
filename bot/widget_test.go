package bot_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/bot"
	"github.com/exodus-matrix/exodus/ledger/access"
)

// widgetOf is the widget state event the fake homeserver holds for room
// ("" if none; "{}" once removed).
func (w *aidWorld) widgetOf(room any) string {
	w.cli.mu.Lock()
	defer w.cli.mu.Unlock()
	return string(w.cli.state[fmt.Sprint(room)+"|"+bot.WidgetStateType.Type+"|"+bot.WidgetID])
}

// newWidgetWorld is the aid world with a web organizer at webURL that
// Element may frame, and a homeserver that keeps state events.
func newWidgetWorld(t *testing.T, framed bool) *aidWorld {
	t.Helper()
	w := newAidWorld(t)
	w.bot = bot.New(bot.Config{UserID: "@exodus:test", Prefix: "!ex", CommandsPerMinute: 1000, WebURL: webURL, Framed: framed,
		BotUsers: []*regexp.Regexp{regexp.MustCompile(`^@exodus:`)}}, w.cli, w.svc, access.New(w.store.Ledger(), w.svc), w.store)
	hook(w.bot, w.cli)
	w.intake = bot.NewIntake(w.store, hsToken, w.bot, nil, w.svc, nil)
	w.cli.state = map[string][]byte{}
	return w
}

func TestWidgetAddedOnceAndRemovedByOwner(t *testing.T) {
	w := newWidgetWorld(t, true)
	w.cli.state = map[string][]byte{}
	const owner = "@owner:test"
	w.say(w.circle, owner, "!ex widget")
	if got := body(w.lastIn(w.circle)); !strings.Contains(got, "now a widget of this room") {
		t.Fatalf("widget answered %q", got)
	}
	var st map[string]any
	if err := json.Unmarshal([]byte(w.widgetOf(w.circle)), &st); err != nil {
		t.Fatalf("widget state %q: %v", w.widgetOf(w.circle), err)
	}
	wantURL := webURL + "/widget?room=$matrix_room_id&user=$matrix_user_id&lang=$org.matrix.msc2873.client_language&widgetId=$matrix_widget_id"
	if st["type"] != "m.custom" || st["url"] != wantURL || st["name"] != "Exodus" || st["id"] != bot.WidgetID {
		t.Errorf("widget state %v", st)
	}
	first := w.widgetOf(w.circle)
	w.say(w.circle, owner, "!ex widget")
	if got := body(w.lastIn(w.circle)); !strings.Contains(got, "already has") {
		t.Errorf("widget again answered %q", got)
	}
	if w.widgetOf(w.circle) != first {
		t.Errorf("asking again changed the widget: %s", w.widgetOf(w.circle))
	}
	w.say(w.circle, owner, "!ex widget off")
	if got := body(w.lastIn(w.circle)); !strings.Contains(got, "widget is removed") || w.widgetOf(w.circle) != "{}" {
		t.Errorf("widget off answered %q, state %q", got, w.widgetOf(w.circle))
	}
	w.say(w.circle, owner, "!ex виджет выкл")
	if got := body(w.lastIn(w.circle)); !strings.Contains(got, "нет виджета") {
		t.Errorf("widget off again answered %q", got)
	}
}

func TestWidgetRefusals(t *testing.T) {
	w := newWidgetWorld(t, true)
	for _, c := range []struct {
		room   any
		sender string
		body   string
		want   string
	}{
		{w.circle, string(alice), "!ex widget", "Only the owner of this circle"},
		{dm(alice), string(alice), "widget", "circle"},
		{w.circle, "@owner:test", "!ex widget on", "widget"},
	} {
		w.say(c.room, c.sender, c.body)
		if got := body(w.lastIn(c.room)); !strings.Contains(got, c.want) {
			t.Errorf("%q answered %q; want %q", c.body, got, c.want)
		}
		if st := w.widgetOf(w.circle); st != "" {
			t.Fatalf("%q set the widget: %s", c.body, st)
		}
	}

	// Without the power level for widgets, the owner is told what to do.
	w.cli.putState(id.RoomID(w.circle), event.StatePowerLevels, "", map[string]any{
		"users": map[string]int{"@exodus:test": 50}, "state_default": 50,
		"events": map[string]int{bot.WidgetStateType.Type: 100}})
	w.say(w.circle, "@owner:test", "!ex widget")
	if got := body(w.lastIn(w.circle)); !strings.Contains(got, "my power level in this room is 50, and widgets need 100") {
		t.Errorf("without power: %q", got)
	}
	if st := w.widgetOf(w.circle); st != "" {
		t.Errorf("without power the widget was set: %s", st)
	}

	// A web organizer Element may not frame would show nothing there.
	unframed := newWidgetWorld(t, false)
	unframed.say(unframed.circle, "@owner:test", "!ex widget")
	if got := body(unframed.lastIn(unframed.circle)); !strings.Contains(got, "web.frame_origins") || unframed.widgetOf(unframed.circle) != "" {
		t.Errorf("unframed: %q, state %q", got, unframed.widgetOf(unframed.circle))
	}

	// Without a web organizer there is nothing to show.
	off := newWebWorld(t, "")
	off.say(off.circle, "@owner:test", "!ex widget")
	if got := body(off.lastIn(off.circle)); !strings.Contains(got, "web.public_url") {
		t.Errorf("without the web: %q", got)
	}
}

func TestCoOwnerManagesTheWidget(t *testing.T) {
	w := newWidgetWorld(t, true)
	w.say(w.circle, "@owner:test", "!ex coowner "+string(bob))
	if got := body(w.lastIn(w.circle)); !strings.Contains(got, "is now a co-owner") {
		t.Fatalf("naming a co-owner answered %q", got)
	}
	w.say(w.circle, string(bob), "!ex widget")
	if got := body(w.lastIn(w.circle)); !strings.Contains(got, "now a widget of this room") || w.widgetOf(w.circle) == "" {
		t.Fatalf("the co-owner's widget answered %q, state %q", got, w.widgetOf(w.circle))
	}
	w.say(w.circle, string(carol), "!ex widget off")
	if got := body(w.lastIn(w.circle)); !strings.Contains(got, "or a co-owner can add or remove its widget") {
		t.Fatalf("a plain member removing the widget got %q", got)
	}
}
