package bot_test

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/bot"
	"github.com/exodus-matrix/exodus/internal/pushcheck"
	"github.com/exodus-matrix/exodus/ledger"
)

// Each kind of message notifies whom it asks to act, and nobody else: the
// push rules of every member of the room are evaluated on what the bot sent
// (mautrix-go's evaluator), the spec's defaults and those of a server
// without intentional mentions alike.
func TestMessagesNotifyOnlyWhomTheyAsk(t *testing.T) {
	w := newAidWorld(t)
	k := w.sentCount()
	_, cards := w.openNeed()
	w.reply(w.circle, bob, cards[w.circle], "commit 50")  // payment details ask bob to pay
	w.reply(dm(bob), bob, w.lastEventIn(dm(bob)), "sent") // alice is asked to confirm
	w.reply(w.circle, carol, cards[w.circle], "intend 20")
	w.say(dm(alice), alice, "remind "+carol)   // carol is asked to commit
	w.say(dm(bob), bob, "remind "+alice)       // alice is reminded to confirm
	w.say(w.circle, carol, "!ex invite "+dave) // dave is asked to accept
	w.say(w.circle, dave, "!ex accept")        // the answer names both
	w.say(w.circle, carol, "!ex list")         // an answer naming others
	w.say(w.circle, dave, "!ex chain "+alice)
	w.say(w.circle, dave, "!ex sos @room please, @carol:test") // an SOS: a message of the room
	sent := w.sentSince(k)

	asks := map[string]id.UserID{} // type of an asking message → whom it asks
	for _, m := range sent {
		mentioned := mentionsOf(t, m)
		msgtype, _ := m.Content["msgtype"].(string)
		typ, _ := ns(m)
		if msgtype == string(event.MsgText) {
			if len(mentioned) == 1 {
				asks[typ] = mentioned[0]
			} else {
				asks[typ] = ""
			}
		}
		for _, u := range membersOf(m.Room) {
			checkReach(t, m, u, slices.Contains(mentioned, u), msgtype != string(event.MsgText))
		}
	}
	want := map[string]id.UserID{"commitment": bob, "sent": alice, "conversion": carol, "reminder": alice,
		"invitation": dave, "sos": ""}
	for typ, to := range want {
		if got, ok := asks[typ]; !ok || got != to {
			t.Errorf("%s asks %q (asking: %v); want it to ask %q", typ, got, ok, to)
		}
	}
	for typ := range asks {
		if _, ok := want[typ]; !ok {
			t.Errorf("%s is an m.text; want a quiet notice", typ)
		}
	}
}

// checkReach fails unless message m does to member u what its kind says:
// the member it mentions is notified and highlighted; nobody else is
// highlighted, and a quiet message notifies nobody.
func checkReach(t *testing.T, m sentMessage, u id.UserID, asked, quiet bool) {
	t.Helper()
	evt := &event.Event{Type: event.Type{Type: m.Type, Class: event.MessageEventType}, Sender: "@exodus:test", RoomID: m.Room, ID: m.ID}
	raw, _ := json.Marshal(m.Content)
	if err := json.Unmarshal(raw, &evt.Content); err != nil {
		t.Fatal(err)
	}
	room := pushcheck.Room{Members: len(membersOf(m.Room)) + 1, OwnName: u.Localpart(),
		PowerLevels: &event.PowerLevelsEventContent{Users: map[id.UserID]int{"@exodus:test": 100}}}
	typ, _ := ns(m)
	for _, c := range []struct {
		name                 string
		intentional, notices bool
	}{{"spec defaults", true, false}, {"no intentional mentions", false, false},
		{"no intentional mentions, bots' notices shown", false, true}} {
		rules := pushcheck.SpecDefaults(u)
		if !c.intentional {
			rules = pushcheck.WithoutIntentionalMentions(u)
		}
		if c.notices { // Element's setting "Messages sent by bots" turned on
			pushcheck.Disable(rules, ".m.rule.suppress_notices")
		}
		v := pushcheck.Evaluate(rules, c.intentional, room, evt)
		switch {
		case asked && !(v.Notify && v.Highlight):
			t.Errorf("%s: %s to %s does not notify them (%v): %q", c.name, typ, u, v, body(m))
		case !asked && v.Highlight:
			t.Errorf("%s: %s highlights bystander %s (%v): %q", c.name, typ, u, v, body(m))
		case quiet && v.Notify && !c.notices:
			t.Errorf("%s: quiet %s notifies %s (%v): %q", c.name, typ, u, v, body(m))
		}
	}
}

// mentionsOf is whom a sent message mentions (m.mentions.user_ids); it
// fails if the message carries no m.mentions or mentions the room.
func mentionsOf(t *testing.T, m sentMessage) []id.UserID {
	t.Helper()
	mentions, ok := m.Content["m.mentions"].(map[string]any)
	if !ok || mentions["room"] != nil {
		t.Fatalf("message without m.mentions, or mentioning the room: %v", m.Content)
	}
	var us []id.UserID
	for _, u := range ids(mentions["user_ids"]) {
		us = append(us, id.UserID(u))
	}
	return us
}

// ids reads a JSON list of strings.
func ids(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

// membersOf are the members (not the bot) of a room of the aid tests.
func membersOf(room id.RoomID) []id.UserID {
	if u, ok := strings.CutPrefix(string(room), "!dm-"); ok {
		return []id.UserID{id.UserID("@" + strings.TrimSuffix(u, ":test") + ":test")}
	}
	return []id.UserID{alice, bob, carol, dave}
}

// asking are the kinds of message (their type under org.exodus) that ask
// the member of the direct chat they go to to act (reach.go); an
// invitation asks its invitee (its card) or nobody (the answer to decline),
// an sos asks the member of a direct chat or nobody (in a circle).
var asking = map[string]bool{
	"commitment": true, "sent": true, "conversion": true, "reminder": true, "renewal": true, "digest": true, "deadline_warning": true,
	"kassa_share": true, "notify.deadline_giver": true, "clearing.agreed_told": true, "clearing.chain_agreed_told": true, "encrypted.direct": true,
}

// plainUserID is a user ID in a plain body that a push rule can read: its
// localpart (two characters or more) unbroken by a word joiner.
var plainUserID = regexp.MustCompile(`@[A-Za-z0-9._=/+-]{2,}:[A-Za-z0-9.-]+`)

// reachViolation says how a message the bot sent breaks the rule of whom
// it reaches (reach.go), or "": a quiet notice mentions nobody, an asking
// m.text one member at most, an edit's outer content is a quiet notice, and
// no user ID but the one mentioned is readable in the plain body; a record
// (bot.RecordType) mentions nobody and names nobody. Every message of every
// harness is checked (fakeClient.record).
func reachViolation(evtType string, m map[string]any) string {
	msgtype, ok := m["msgtype"].(string)
	if evtType == bot.RecordType.Type {
		msgtype = string(event.MsgNotice)
	} else if !ok {
		return "" // no message (a poll, a reaction)
	}
	mentions, ok := m["m.mentions"].(map[string]any)
	if !ok || mentions["room"] != nil {
		return "no m.mentions, or one with room"
	}
	users := ids(mentions["user_ids"])
	switch {
	case msgtype == string(event.MsgNotice) && len(users) > 0:
		return "a notice that mentions someone"
	case msgtype == string(event.MsgText) && len(users) > 1:
		return "an m.text that mentions several members"
	case msgtype != string(event.MsgNotice) && m["m.new_content"] != nil:
		return "an edit that may notify again"
	}
	ns, _ := m["org.exodus"].(map[string]any)
	typ, _ := ns["type"].(string)
	switch {
	case asking[typ] && (msgtype != string(event.MsgText) || len(users) != 1) && m["m.new_content"] == nil:
		return typ + " asks a member to act: an m.text mentioning them"
	case evtType == bot.RecordType.Type:
	case !asking[typ] && typ != "invitation" && typ != "sos" && msgtype != string(event.MsgNotice):
		return typ + " asks nothing: a quiet notice"
	}
	body, _ := m["body"].(string)
	for _, u := range plainUserID.FindAllString(body, -1) {
		if !slices.Contains(users, strings.TrimRight(u, ".-")) {
			return "user ID " + u + " readable in the plain body"
		}
	}
	return ""
}

// checkReach fails tb for every message sent through f that breaks the
// rule of whom it reaches.
func (f *fakeClient) checkReach(tb testing.TB) {
	tb.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, v := range f.unreached {
		tb.Errorf("a message breaks the rule of whom it reaches: %s", v)
	}
}

// The prompts the clearing and an encrypted message bring ask their
// member: another member's agreement to a cycle asks the others to agree
// too; the direct chat opened for a member whose messages the bot cannot
// read asks them to write there.
func TestPromptsAskTheirMember(t *testing.T) {
	w := newAidWorld(t)
	members := []ledger.UserID{alice, bob, carol}
	cards := map[ledger.UserID]id.EventID{}
	for _, u := range members {
		_, cards[u] = w.orangeCard(u)
	}
	for i, u := range members {
		w.reply(w.circle, string(u), cards[members[(i+1)%len(members)]], "commit 50")
	}
	k := w.sentCount()
	w.say(dm(alice), alice, "clearing")
	_, data := clearingMessage(t, w, dm(alice), k)
	plan, _ := data["plans"].([]any)[0].(map[string]any)
	cycle, _ := plan["cycles"].([]any)[0].(map[string]any)
	k = w.sentCount()
	w.say(dm(alice), alice, "clearing agree "+cycle["id"].(string))
	_, raw := w.event("m.room.encrypted", w.circle, dave, map[string]any{"algorithm": "m.megolm.v1.aes-sha2", "ciphertext": "x"}, nil)
	w.deliver(raw)
	prompts := map[string][]id.UserID{}
	for _, m := range w.sentSince(k) {
		if typ, _ := ns(m); m.Content["msgtype"] == string(event.MsgText) {
			prompts[typ] = append(prompts[typ], mentionsOf(t, m)...)
		}
	}
	slices.Sort(prompts["clearing.agreed_told"])
	if got := prompts["clearing.agreed_told"]; !slices.Equal(got, []id.UserID{bob, carol}) {
		t.Errorf("alice's agreement asks %v to agree; want bob and carol (all prompts: %v)", got, prompts)
	}
	if got := prompts["encrypted.direct"]; !slices.Equal(got, []id.UserID{dave}) {
		t.Errorf("the direct chat for an encrypted message asks %v; want dave (all prompts: %v)", got, prompts)
	}
}
