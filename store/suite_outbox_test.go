package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/store"
)

// outboxCases are what the bot's outbox needs of the store.
var outboxCases = []suiteCase{
	{"OutboxOrderAndSent", testOutboxOrderAndSent},
	{"OutboxKeyReplaces", testOutboxKeyReplaces},
	{"OutboxReplacedInFlight", testOutboxReplacedInFlight},
	{"OutboxRetryRoomDrop", testOutboxRetryRoomDrop},
	{"OutboxInTx", testOutboxInTx},
}

// outMsg is a message to room with body, written at minute m.
func outMsg(room, body string, m int) ledger.OutboxMessage {
	return ledger.OutboxMessage{Room: ledger.RoomID(room), EventType: "m.room.message",
		Content: []byte(`{"body":"` + body + `"}`), CreatedAt: at(m)}
}

func pendingBodies(t *testing.T, s *store.Store) []string {
	t.Helper()
	list, err := s.PendingOutbox(context.Background(), 100)
	must(t, err)
	out := make([]string, len(list))
	for i, m := range list {
		out[i] = string(m.Content)
	}
	return out
}

func testOutboxOrderAndSent(t *testing.T, s *store.Store) {
	ctx := context.Background()
	b, err := s.OutboxBacklog(ctx)
	must(t, err)
	eq(t, "backlog of an empty outbox", b, ledger.OutboxBacklog{})
	must(t, s.PutOutbox(ctx, outMsg("!a", "one", 1)))
	must(t, s.PutOutbox(ctx, outMsg("!b", "two", 2)))
	must(t, s.PutOutbox(ctx, outMsg("!a", "three", 3)))
	eq(t, "pending", pendingBodies(t, s), []string{`{"body":"one"}`, `{"body":"two"}`, `{"body":"three"}`})
	b, err = s.OutboxBacklog(ctx)
	must(t, err)
	eq(t, "backlog", b, ledger.OutboxBacklog{Messages: 3, Oldest: at(1)})

	list, err := s.PendingOutbox(ctx, 1)
	must(t, err)
	eq(t, "limit", len(list), 1)
	m := list[0]
	eq(t, "room, type, version", []any{m.Room, m.EventType, m.Version, m.Attempts}, []any{ledger.RoomID("!a"), "m.room.message", 0, 0})
	replaced, err := s.SentOutbox(ctx, m.ID, m.Version, "$sent1")
	must(t, err)
	eq(t, "replaced", replaced, false)
	eq(t, "pending after one sent", pendingBodies(t, s), []string{`{"body":"two"}`, `{"body":"three"}`})
	// A second record of the same send changes nothing.
	_, err = s.SentOutbox(ctx, m.ID, m.Version, "$sent1")
	must(t, err)
	eq(t, "pending after a repeated record", len(pendingBodies(t, s)), 2)
}

func testOutboxKeyReplaces(t *testing.T, s *store.Store) {
	ctx := context.Background()
	card := outMsg("!a", "card 0%", 1)
	card.Key, card.Then = "card:n1:!a", []byte(`{"card":{"need":"n1"}}`)
	must(t, s.PutOutbox(ctx, card))
	must(t, s.PutOutbox(ctx, outMsg("!a", "answer", 2)))
	newer := outMsg("!a", "card 50%", 3)
	newer.Key, newer.Then = "card:n1:!a", []byte(`{"card":{"need":"n1"}}`)
	must(t, s.PutOutbox(ctx, newer))
	// The newer text took the pending card's place; the answer stays after it.
	eq(t, "pending", pendingBodies(t, s), []string{`{"body":"card 50%"}`, `{"body":"answer"}`})
	list, err := s.PendingOutbox(ctx, 10)
	must(t, err)
	eq(t, "version raised", list[0].Version, 1)
	eq(t, "then kept", string(list[0].Then), `{"card":{"need":"n1"}}`)
	// Other keys are other messages.
	other := outMsg("!b", "card 0%", 4)
	other.Key = "card:n1:!b"
	must(t, s.PutOutbox(ctx, other))
	eq(t, "pending with another key", len(pendingBodies(t, s)), 3)
}

// A newer text written while the older was being sent: the row stays, as an
// edit of the event the older text became.
func testOutboxReplacedInFlight(t *testing.T, s *store.Store) {
	ctx := context.Background()
	card := outMsg("!a", "card 0%", 1)
	card.Key = "card:n1:!a"
	must(t, s.PutOutbox(ctx, card))
	list, err := s.PendingOutbox(ctx, 10)
	must(t, err)
	inFlight := list[0]
	newer := outMsg("!a", "card 50%", 2)
	newer.Key = "card:n1:!a"
	must(t, s.PutOutbox(ctx, newer))
	replaced, err := s.SentOutbox(ctx, inFlight.ID, inFlight.Version, "$card")
	must(t, err)
	eq(t, "replaced", replaced, true)
	list, err = s.PendingOutbox(ctx, 10)
	must(t, err)
	eq(t, "left", len(list), 1)
	eq(t, "now an edit of the card", []any{list[0].Edits, string(list[0].Content), list[0].Version},
		[]any{ledger.EventID("$card"), `{"body":"card 50%"}`, 1})
	// A later edit with the same key replaces that pending edit.
	latest := outMsg("!a", "card 100%", 3)
	latest.Key = "card:n1:!a"
	must(t, s.PutOutbox(ctx, latest))
	eq(t, "pending", pendingBodies(t, s), []string{`{"body":"card 100%"}`})
}

func testOutboxRetryRoomDrop(t *testing.T, s *store.Store) {
	ctx := context.Background()
	dm := ledger.OutboxMessage{To: "@bob:x", EventType: "m.room.message", Content: []byte(`{}`), CreatedAt: at(1)}
	must(t, s.PutOutbox(ctx, dm))
	list, err := s.PendingOutbox(ctx, 10)
	must(t, err)
	eq(t, "addressed to a member", []any{list[0].Room, list[0].To}, []any{ledger.RoomID(""), ledger.UserID("@bob:x")})
	next := at(5).Add(30 * time.Second)
	must(t, s.RetryOutbox(ctx, list[0].ID, next))
	must(t, s.SetOutboxRoom(ctx, list[0].ID, "!dm"))
	list, err = s.PendingOutbox(ctx, 10)
	must(t, err)
	eq(t, "after a failed attempt", []any{list[0].Attempts, list[0].NextAt.Equal(next), list[0].Room},
		[]any{1, true, ledger.RoomID("!dm")})
	must(t, s.DropOutbox(ctx, list[0].ID))
	eq(t, "after drop", len(pendingBodies(t, s)), 0)
}

// Messages written in a transaction that is rolled back are gone with it.
func testOutboxInTx(t *testing.T, s *store.Store) {
	ctx := context.Background()
	err := s.InTx(ctx, func(ctx context.Context) error {
		must(t, s.PutOutbox(ctx, outMsg("!a", "lost", 1)))
		return errBoom
	})
	eq(t, "rolled back", err, errBoom)
	must(t, s.InTx(ctx, func(ctx context.Context) error { return s.PutOutbox(ctx, outMsg("!a", "kept", 2)) }))
	eq(t, "pending", pendingBodies(t, s), []string{`{"body":"kept"}`})
}
