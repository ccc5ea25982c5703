package bot_test

import (
	"testing"
)

// When the bot creates a direct chat to tell a member something while the
// member opens one with the bot herself, hers is kept as the direct chat
// and the message goes there: the later answers reach the chat she opened.
func TestTheMembersOwnDirectChatWinsOverOneCreatedMeanwhile(t *testing.T) {
	w := newAidWorld(t)
	const hers = "!hers-bob:test"
	if err := w.svc.Members.SetDirectRoom(w.ctx, bob, ""); err != nil {
		t.Fatal(err)
	}
	w.cli.onCreate = func() {
		if err := w.svc.Members.SetDirectRoom(w.ctx, bob, hers); err != nil {
			t.Error(err)
		}
	}
	_, card := w.carolsNeed()
	k := w.sentCount()
	w.reply(w.circle, bob, card, "commit 10") // carol's payment details go to bob's direct chat
	sent := w.sentSince(k)
	if len(w.cli.created) != 1 {
		t.Fatalf("rooms created: %d, want 1", len(w.cli.created))
	}
	if got := w.svc.Members.DirectRoomOf(w.ctx, bob); got != hers {
		t.Fatalf("bob's direct chat is %q, want the one he opened, %q", got, hers)
	}
	if len(inRoom(sent, hers)) == 0 {
		t.Fatalf("nothing was said in the chat bob opened; sent: %+v", sent)
	}
}
