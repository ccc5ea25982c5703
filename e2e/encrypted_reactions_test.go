//go:build goolm

package e2e_test

import (
	"testing"
	"time"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/internal/devnet"
)

// TestEncryptedReactionsAndPolls: in an encrypted circle of encrypting
// members, a need's ❤️ counts whether it is sent in clear (as Element sends
// reactions) or encrypted (as other clients may; here with its relation in
// clear only, as matrix-rust-sdk sends it), and the card edit, encrypted,
// shows both; a reply `commit 50` to the card is answered encrypted and the
// edit shows it, as it shows a 🤝 encrypted by mautrix's crypto (the
// relation in clear and inside). An initiative's poll answered encrypted in both forms
// (Element's unstable one, its relation in clear only; the stable one from
// mautrix's crypto) counts, and the bot ends the poll encrypted.
func TestEncryptedReactionsAndPolls(t *testing.T) {
	erin, fred, gina := encryptedMember(t, "erin"), encryptedMember(t, "fred"), encryptedMember(t, "gina")
	room, err := erin.CreateRoom(testCtx(t), "Hearts", []id.UserID{env.BotID}, true)
	if err != nil {
		t.Fatal(err)
	}
	botSays(t, erin, room, "circle here")
	mustContain(t, sayEncrypted(t, erin, room, "!ex circle here"), "now the circle")
	for _, m := range []*devnet.User{fred, gina} {
		inviteAndJoin(t, erin, m, room)
		mustContain(t, sayEncrypted(t, m, room, "!ex accept"), "accepted the invitation")
	}

	// erin's need: fred's ❤️ in clear, gina's encrypted; both count.
	status, err := erin.Send(testCtx(t), room, "!ex status orange 300")
	if err != nil {
		t.Fatal(err)
	}
	need := needCard(t, fred, room, status, erin.ID)
	heart := react(t, fred, room, need.ID, "❤️")
	cardShows(t, gina, room, need.ID, heart, "intended €100")
	sealed, err := gina.SendEncryptedRelationInClear(testCtx(t), room, event.EventReaction, map[string]any{
		"m.relates_to": map[string]any{"rel_type": "m.annotation", "event_id": need.ID, "key": "❤️"}})
	if err != nil {
		t.Fatal(err)
	}
	mustBeEncrypted(t, gina, room, sealed)
	d := cardShows(t, fred, room, need.ID, sealed, "intended €200")
	if minor(d, "intended") != 20000 {
		t.Fatalf("card data after both ❤️: %v", d)
	}
	edit := cardEdit(t, fred, room, need.ID, sealed)
	mustBeEncrypted(t, fred, room, edit.ID)
	wantPromises(t, gina.ID, erin.ID, promiseRow{"intention", 10000})

	// gina commits by a reply to the card.
	answer := replyCmd(t, gina, room, need.ID, "commit 50")
	mustContain(t, answer, "Your commitment: €50")
	mustBeEncrypted(t, gina, room, answer.ID)
	cardShows(t, erin, room, need.ID, answer.ID, "committed €50", "intended €100")

	// fred turns his ❤️ into a commitment with 🤝, encrypted as mautrix's
	// crypto does (the relation in clear and inside).
	shake, err := fred.ReactEncrypted(testCtx(t), room, need.ID, "🤝")
	if err != nil {
		t.Fatal(err)
	}
	mustBeEncrypted(t, fred, room, shake)
	cardShows(t, gina, room, need.ID, shake, "committed €150")
	wantPromises(t, fred.ID, erin.ID, promiseRow{"commitment", 10000})

	// fred's initiative: its poll answered encrypted by erin (Element's
	// form) and gina (the stable form); both count.
	by := time.Now().UTC().AddDate(0, 0, 30).Format("2006-01-02")
	sent, err := fred.Send(testCtx(t), room, `!ex initiative "Well" 100 by `+by)
	if err != nil {
		t.Fatal(err)
	}
	card, poll := initiativeCard(t, erin, room, sent)
	mustBeEncrypted(t, erin, room, poll.ID)
	ref := map[string]any{"rel_type": "m.reference", "event_id": poll.ID}
	vote, err := erin.SendEncryptedRelationInClear(testCtx(t), room, event.EventUnstablePollResponse, map[string]any{"m.relates_to": ref,
		"org.matrix.msc3381.poll.response": map[string]any{"answers": []string{answerOf(t, poll, "€25")}}})
	if err != nil {
		t.Fatal(err)
	}
	mustBeEncrypted(t, erin, room, vote)
	cardShows(t, gina, room, card.ID, vote, "intended €25")
	vote, err = gina.SendEvent(testCtx(t), room, event.Type{Type: "m.poll.response", Class: event.MessageEventType},
		map[string]any{"m.relates_to": ref, "m.selections": []string{answerOf(t, poll, "€50")}})
	if err != nil {
		t.Fatal(err)
	}
	mustBeEncrypted(t, gina, room, vote)
	cardShows(t, erin, room, card.ID, vote, "intended €75")

	// Marked done, the initiative's poll is ended by the bot, encrypted.
	done, err := fred.Send(testCtx(t), room, "!ex done We dug it")
	if err != nil {
		t.Fatal(err)
	}
	end := pollEnded(t, gina, room, poll, done, "is done")
	mustBeEncrypted(t, gina, room, end.ID)
	noPlaintextFromBot(t, erin, room)
}

// TestEncryptionTurnedOnInACircle: a circle made in an unencrypted room,
// where the bot answered in clear (it asked the homeserver once, and reads
// its state store since), is then encrypted by a member. Dendrite pushes
// the bot the m.room.encryption event: from then on its answers and card
// edits there go out encrypted, and nothing from it in plaintext.
func TestEncryptionTurnedOnInACircle(t *testing.T) {
	erin, fred := encryptedMember(t, "erin"), encryptedMember(t, "fred")
	room, err := erin.CreateRoom(testCtx(t), "Open at first", []id.UserID{env.BotID}, false)
	if err != nil {
		t.Fatal(err)
	}
	botSays(t, erin, room, "circle here")
	mustContain(t, say(t, erin, room, "!ex circle here"), "now the circle")
	inviteAndJoin(t, erin, fred, room)
	accepted := say(t, fred, room, "!ex accept")
	mustContain(t, accepted, "accepted the invitation")
	if onServer, err := fred.Event(testCtx(t), room, accepted.ID); err != nil || onServer.Type != event.EventMessage {
		t.Fatalf("before encryption the bot's answer is %v (%v), want a plaintext m.room.message", onServer, err)
	}

	switched, err := erin.Client.SendStateEvent(testCtx(t), room, event.StateEncryption, "",
		&event.EncryptionEventContent{Algorithm: id.AlgorithmMegolmV1})
	if err != nil {
		t.Fatal(err)
	}
	answer := sayEncrypted(t, fred, room, "!ex help")
	mustContain(t, answer, "Commands")
	mustBeEncrypted(t, fred, room, answer.ID)
	status, err := erin.Send(testCtx(t), room, "!ex status orange 300")
	if err != nil {
		t.Fatal(err)
	}
	need := needCard(t, fred, room, status, erin.ID)
	mustBeEncrypted(t, fred, room, need.ID)
	heart := react(t, fred, room, need.ID, "❤️")
	edit := cardEdit(t, erin, room, need.ID, heart)
	mustContain(t, edit, "intended €100")
	mustBeEncrypted(t, erin, room, edit.ID)
	noPlaintextFromBotAfter(t, erin, room, switched.EventID)
}
