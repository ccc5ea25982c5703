package store_test

import (
	"context"
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/store"
)

// The outbox messages a transaction holds and writes before its commit
// (store/outbox_held.go), on SQLite and Postgres.
var outboxHeldCases = []suiteCase{
	{"OutboxHeldKeepsTheOrder", testOutboxHeldKeepsTheOrder},
	{"OutboxHeldSeenInTheTransaction", testOutboxHeldSeenInTheTransaction},
	{"OutboxHeldTakenBackWithTheirSavepoint", testOutboxHeldTakenBackWithTheirSavepoint},
	{"OutboxHeldTakenBackWithAScopeWritingLast", testOutboxHeldTakenBackWithAScopeWritingLast},
}

// pendingIn lists the bodies of the pending messages, read through ctx.
func pendingIn(t *testing.T, ctx context.Context, s *store.Store) []string {
	t.Helper()
	list, err := s.PendingOutbox(ctx, 100)
	must(t, err)
	out := make([]string, len(list))
	for i, m := range list {
		out[i] = string(m.Content)
	}
	return out
}

// testOutboxHeldKeepsTheOrder: messages written in a transaction, among
// them a card (a keyed message) that replaces one pending and one that
// is new, are sent in the order written, as when each is written at once.
func testOutboxHeldKeepsTheOrder(t *testing.T, s *store.Store) {
	ctx := context.Background()
	card := outMsg("!a", "card 0%", 0)
	card.Key = "card:n1:!a"
	must(t, s.PutOutbox(ctx, card))
	must(t, s.InTx(ctx, func(ctx context.Context) error {
		must(t, s.PutOutbox(ctx, outMsg("!a", "one", 1)))
		newer := outMsg("!a", "card 50%", 2)
		newer.Key = "card:n1:!a"
		must(t, s.PutOutbox(ctx, newer))
		must(t, s.PutOutbox(ctx, outMsg("!a", "two", 3)))
		other := outMsg("!a", "card 10%", 4)
		other.Key = "card:n2:!a"
		must(t, s.PutOutbox(ctx, other))
		for i, body := range []string{"three", "four", "five"} {
			must(t, s.PutOutbox(ctx, outMsg("!b", body, 5+i)))
		}
		return nil
	}))
	eq(t, "pending", pendingBodies(t, s), []string{`{"body":"card 50%"}`, `{"body":"one"}`, `{"body":"two"}`,
		`{"body":"card 10%"}`, `{"body":"three"}`, `{"body":"four"}`, `{"body":"five"}`})
	list, err := s.PendingOutbox(ctx, 100)
	must(t, err)
	eq(t, "the time written kept", list[1].CreatedAt, at(1))
}

// testOutboxHeldSeenInTheTransaction: the transaction's reads of the
// outbox see what it wrote.
func testOutboxHeldSeenInTheTransaction(t *testing.T, s *store.Store) {
	ctx := context.Background()
	must(t, s.InTx(ctx, func(ctx context.Context) error {
		must(t, s.PutOutbox(ctx, outMsg("!a", "one", 1)))
		eq(t, "pending in the transaction", pendingIn(t, ctx, s), []string{`{"body":"one"}`})
		b, err := s.OutboxBacklog(ctx)
		must(t, err)
		eq(t, "backlog in the transaction", b.Messages, 1)
		return nil
	}))
	eq(t, "pending", pendingBodies(t, s), []string{`{"body":"one"}`})
}

// testOutboxHeldTakenBackWithTheirSavepoint: a message held in a
// savepoint taken back is not written; those before it are.
func testOutboxHeldTakenBackWithTheirSavepoint(t *testing.T, s *store.Store) {
	ctx := context.Background()
	must(t, s.InTx(ctx, func(ctx context.Context) error {
		must(t, s.PutOutbox(ctx, outMsg("!a", "kept", 1)))
		err := s.InTx(ctx, func(ctx context.Context) error {
			must(t, s.PutOutbox(ctx, outMsg("!a", "lost", 2)))
			return errBoom
		})
		eq(t, "the savepoint's error", err, errBoom)
		return s.PutOutbox(ctx, outMsg("!a", "after", 3))
	}))
	eq(t, "pending", pendingBodies(t, s), []string{`{"body":"kept"}`, `{"body":"after"}`})
}

// testOutboxHeldTakenBackWithAScopeWritingLast: a message held in a scope
// that writes last (no savepoint on SQLite) is dropped when the scope
// fails; a message the scope makes the transaction write (a keyed one,
// which writes those held first) opens its savepoint, which takes it back.
func testOutboxHeldTakenBackWithAScopeWritingLast(t *testing.T, s *store.Store) {
	ctx := context.Background()
	must(t, s.InTx(ctx, func(ctx context.Context) error {
		must(t, s.PutOutbox(ctx, outMsg("!a", "kept", 1)))
		err := s.InTxWritingLast(ctx, func(ctx context.Context) error {
			must(t, s.PutOutbox(ctx, outMsg("!a", "lost", 2)))
			return errBoom
		})
		eq(t, "the first scope's error", err, errBoom)
		err = s.InTxWritingLast(ctx, func(ctx context.Context) error {
			must(t, s.PutOutbox(ctx, outMsg("!a", "lost too", 3)))
			card := outMsg("!a", "card", 4)
			card.Key = "card:n1:!a"
			must(t, s.PutOutbox(ctx, card))
			return errBoom
		})
		eq(t, "the second scope's error", err, errBoom)
		eq(t, "pending in the transaction", pendingIn(t, ctx, s), []string{`{"body":"kept"}`})
		return s.Members.PutMember(ctx, &ledger.Member{ID: alice, CreatedAt: at(0)})
	}))
	eq(t, "pending", pendingBodies(t, s), []string{`{"body":"kept"}`})
}
