package bot

import (
	"encoding/json"
	"testing"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"
)

// A plain body breaks every user ID but the addressee's, once, and leaves
// what is no user ID (an e-mail address, a lone "@") alone.
func TestQuietBody(t *testing.T) {
	const wj = wordJoiner
	for _, c := range []struct{ in, keep, want string }{
		{"@bob:test and @carol:test.", "", "@b" + wj + "ob:test and @c" + wj + "arol:test."},
		{"@bob:test and @carol:test.", "@carol:test", "@b" + wj + "ob:test and @carol:test."},
		{"@carol:test.example and @carol:test", "@carol:test", "@c" + wj + "arol:test.example and @carol:test"},
		{"@b" + wj + "ob:test", "", "@b" + wj + "ob:test"},
		{"mail a@b.example (or @ me): ok", "", "mail a@b.example (or @ me): ok"},
		{"＠room @room", "", "＠room @room"},
	} {
		if got := quietBody(c.in, id.UserID(c.keep)); got != c.want {
			t.Errorf("quietBody(%q, %q) = %q; want %q", c.in, c.keep, got, c.want)
		}
	}
}

// An edit of a message that asks a member to act notifies nobody again:
// its outer content is a quiet notice mentioning nobody, whose fallback
// body matches no push rule; the new content is the message as built.
func TestEditOfAnAskingMessageIsQuiet(t *testing.T) {
	content := ask("@bob:test", "Please confirm, "+pill("@alice:test")+".", "sent", nil)
	raw, err := json.Marshal(content)
	if err != nil {
		t.Fatal(err)
	}
	edit, err := editOf(raw, "$card")
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(edit, &got); err != nil {
		t.Fatal(err)
	}
	fresh, _ := got["m.new_content"].(map[string]any)
	mentions, _ := got["m.mentions"].(map[string]any)
	if got["msgtype"] != string(event.MsgNotice) || mentions == nil || len(mentions) != 0 {
		t.Errorf("edit's outer content: msgtype %v, m.mentions %v; want a notice mentioning nobody", got["msgtype"], got["m.mentions"])
	}
	if body := got["body"].(string); body != "* @b"+wordJoiner+"ob:test: Please confirm, @a"+wordJoiner+"lice:test." {
		t.Errorf("edit's fallback body %q", body)
	}
	freshMentions, _ := fresh["m.mentions"].(map[string]any)
	if fresh["msgtype"] != string(event.MsgText) || len(freshMentions["user_ids"].([]any)) != 1 {
		t.Errorf("edit's new content: msgtype %v, m.mentions %v; want the asking message", fresh["msgtype"], fresh["m.mentions"])
	}
}
