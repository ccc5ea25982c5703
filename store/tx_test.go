package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/store"
)

var errBoom = errors.New("boom")

// writeSome makes one write of every kind, as an applying handler would.
func writeSome(ctx context.Context, t *testing.T, s *store.Store, tag string) {
	t.Helper()
	_, err := s.MarkApplied(ctx, ledger.EventID("$"+tag), at(0))
	must(t, err)
	must(t, s.Members.PutMember(ctx, &ledger.Member{ID: ledger.UserID("@" + tag + ":x"), CreatedAt: at(0)}))
	_, err = s.Trust.AddGuarantee(ctx, ledger.NewGuarantee(alice, ledger.UserID("@"+tag+":x"), "!c", eur(1), "$g", at(0)))
	must(t, err)
	_, err = s.Enqueue(ctx, []ledger.InboxEvent{{ID: ledger.EventID("$in-" + tag), Room: "!r", Raw: []byte("{}")}})
	must(t, err)
}

// wrote reports whether writeSome(tag) is visible outside any transaction;
// it fails the test if only part of it is.
func wrote(t *testing.T, s *store.Store, tag string) bool {
	t.Helper()
	ctx := context.Background()
	fresh, err := s.MarkApplied(ctx, ledger.EventID("$"+tag), at(0))
	must(t, err)
	_, err = s.Members.GetMember(ctx, ledger.UserID("@"+tag+":x"))
	member := err == nil
	gs, err := s.Trust.Guarantees(ctx)
	must(t, err)
	guarantee := false
	for _, g := range gs {
		guarantee = guarantee || g.Other(alice) == ledger.UserID("@"+tag+":x")
	}
	added, err := s.Enqueue(ctx, []ledger.InboxEvent{{ID: ledger.EventID("$in-" + tag), Room: "!r", Raw: []byte("{}")}})
	must(t, err)
	parts := []bool{!fresh, member, guarantee, added == 0}
	for _, p := range parts[1:] {
		if p != parts[0] {
			t.Fatalf("partial write of %s: applied, member, guarantee, inbox = %v", tag, parts)
		}
	}
	return parts[0]
}

func testInTxRollback(t *testing.T, s *store.Store) {
	ctx := context.Background()
	err := s.InTx(ctx, func(ctx context.Context) error {
		writeSome(ctx, t, s, "rolled")
		return fmt.Errorf("wrapped: %w", errBoom)
	})
	if !errors.Is(err, errBoom) {
		t.Errorf("InTx error = %v; want it to wrap errBoom", err)
	}
	eq(t, "rolled back writes visible", wrote(t, s, "rolled"), false)

	lerr := s.InTx(ctx, func(ctx context.Context) error {
		writeSome(ctx, t, s, "rolled2")
		return ledger.Errorf(ledger.EConflict, "test.conflict")
	})
	eq(t, "ledger error code through InTx", ledger.ErrorCode(lerr), ledger.EConflict)
	eq(t, "second rollback visible", wrote(t, s, "rolled2"), false)

	must(t, s.InTx(ctx, func(ctx context.Context) error {
		writeSome(ctx, t, s, "kept")
		return nil
	}))
	eq(t, "committed writes visible", wrote(t, s, "kept"), true)
}

func testInTxNested(t *testing.T, s *store.Store) {
	ctx := context.Background()
	// Inner error returned by the outer function: everything rolls back.
	err := s.InTx(ctx, func(ctx context.Context) error {
		writeSome(ctx, t, s, "outer1")
		return s.InTx(ctx, func(ctx context.Context) error {
			writeSome(ctx, t, s, "inner1")
			if _, err := s.Members.GetMember(ctx, "@outer1:x"); err != nil {
				t.Errorf("inner transaction does not see the outer's write: %v", err)
			}
			return errBoom
		})
	})
	if !errors.Is(err, errBoom) {
		t.Errorf("nested InTx error = %v; want errBoom", err)
	}
	eq(t, "outer1 visible", wrote(t, s, "outer1"), false)
	eq(t, "inner1 visible", wrote(t, s, "inner1"), false)

	// Both succeed: one commit, by the outermost call.
	must(t, s.InTx(ctx, func(ctx context.Context) error {
		must(t, s.InTx(ctx, func(ctx context.Context) error {
			writeSome(ctx, t, s, "inner2")
			return nil
		}))
		_, err := s.Members.GetMember(ctx, "@inner2:x")
		must(t, err)
		writeSome(ctx, t, s, "outer2")
		return nil
	}))
	eq(t, "inner2 visible", wrote(t, s, "inner2"), true)
	eq(t, "outer2 visible", wrote(t, s, "outer2"), true)

	// Outer fails after the inner call returned: the inner write is undone
	// too (a nested call joins, it does not commit on its own).
	err = s.InTx(ctx, func(ctx context.Context) error {
		must(t, s.InTx(ctx, func(ctx context.Context) error {
			writeSome(ctx, t, s, "inner3")
			return nil
		}))
		return errBoom
	})
	if !errors.Is(err, errBoom) {
		t.Errorf("InTx error = %v; want errBoom", err)
	}
	eq(t, "inner3 visible", wrote(t, s, "inner3"), false)

	// Inner fails and the outer goes on: only the inner's writes are taken
	// back (a savepoint), the outer's before and after are committed.
	must(t, s.InTx(ctx, func(ctx context.Context) error {
		writeSome(ctx, t, s, "outer4")
		err := s.InTx(ctx, func(ctx context.Context) error {
			writeSome(ctx, t, s, "inner4")
			return s.InTx(ctx, func(ctx context.Context) error {
				writeSome(ctx, t, s, "innermost4")
				return errBoom
			})
		})
		if !errors.Is(err, errBoom) {
			t.Errorf("nested InTx error = %v; want errBoom", err)
		}
		writeSome(ctx, t, s, "after4")
		return nil
	}))
	eq(t, "outer4 visible", wrote(t, s, "outer4"), true)
	eq(t, "inner4 visible", wrote(t, s, "inner4"), false)
	eq(t, "innermost4 visible", wrote(t, s, "innermost4"), false)
	eq(t, "after4 visible", wrote(t, s, "after4"), true)
}

// testInTxConcurrent runs read-then-write transactions from many goroutines:
// none may fail (on SQLite that needs _txlock=immediate) or lose an update.
func testInTxConcurrent(t *testing.T, s *store.Store) {
	ctx := context.Background()
	const workers, rounds = 8, 15
	var wg sync.WaitGroup
	errs := make(chan error, workers*rounds)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range rounds {
				errs <- s.InTx(ctx, func(ctx context.Context) error {
					n, err := s.CountActions(ctx, alice, "tick", at(0))
					if err != nil {
						return err
					}
					if err = s.RecordAction(ctx, alice, "tick", at(n)); err != nil {
						return err
					}
					_, err = s.MarkApplied(ctx, ledger.EventID(fmt.Sprintf("$w%d-%d", w, r)), at(n))
					return err
				})
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent transaction failed: %v", err)
		}
	}
	n, err := s.CountActions(ctx, alice, "tick", at(0))
	must(t, err)
	eq(t, "ticks", n, workers*rounds)
}

// inboxEvent returns an inbox event with the given ID.
func inboxEvent(id string, minute int) ledger.InboxEvent {
	return ledger.InboxEvent{ID: ledger.EventID(id), Room: "!room:x",
		Raw: []byte(`{"event_id":"` + id + `","content":{"body":"é\u0000"}}`), ReceivedAt: at(minute)}
}

func testInbox(t *testing.T, s *store.Store) {
	ctx := context.Background()
	pending, err := s.Pending(ctx, 10)
	must(t, err)
	eq(t, "empty inbox", len(pending), 0)
	added, err := s.Enqueue(ctx, nil)
	must(t, err)
	eq(t, "added of nothing", added, 0)

	e1, e2, e3, e4 := inboxEvent("$z1", 0), inboxEvent("$a2", 0), inboxEvent("$m3", 1), inboxEvent("$b4", 2)
	e3.Raw = []byte{0xff, 0x00, 0x01} // not even UTF-8: kept byte for byte
	added, err = s.Enqueue(ctx, []ledger.InboxEvent{e1, e2, e1, e3})
	must(t, err)
	eq(t, "added of first batch (one repeated)", added, 3)
	added, err = s.Enqueue(ctx, []ledger.InboxEvent{e2, e4, e3})
	must(t, err)
	eq(t, "added of second batch", added, 1)

	pending, err = s.Pending(ctx, 10)
	must(t, err)
	eq(t, "pending count", len(pending), 4)
	for i, want := range []ledger.InboxEvent{e1, e2, e3, e4} {
		if i > 0 && pending[i].Seq <= pending[i-1].Seq {
			t.Errorf("seq not increasing: %d after %d", pending[i].Seq, pending[i-1].Seq)
		}
		want.Seq = pending[i].Seq
		eq(t, fmt.Sprintf("pending[%d]", i), pending[i], want)
	}
	first2, err := s.Pending(ctx, 2)
	must(t, err)
	eq(t, "limited pending", first2, pending[:2])

	must(t, s.MarkDone(ctx, pending[0].Seq, ""))
	must(t, s.MarkDone(ctx, pending[2].Seq, "handler failed: boom"))
	must(t, s.MarkDone(ctx, pending[2].Seq, "again")) // marking twice is fine
	rest, err := s.Pending(ctx, 10)
	must(t, err)
	eq(t, "pending after MarkDone", rest, []ledger.InboxEvent{pending[1], pending[3]})

	added, err = s.Enqueue(ctx, []ledger.InboxEvent{e1, inboxEvent("$n5", 3)})
	must(t, err)
	eq(t, "done event enqueued again", added, 1)
	rest, err = s.Pending(ctx, 10)
	must(t, err)
	eq(t, "pending count after a new event", len(rest), 3)
	eq(t, "new event last", rest[2].ID, ledger.EventID("$n5"))

	wantNotFound(t, s.MarkDone(ctx, 999_999, ""), "inbox.not_found")
	none, err := s.Pending(ctx, 0)
	must(t, err)
	eq(t, "pending with limit 0", len(none), 0)
}

// testInboxLargeBatch checks that a batch longer than one INSERT carries
// (several chunks, a repeated ID within a chunk and across chunks, IDs held
// before) is recorded whole, in its order, with the new ones counted, and
// that MarkAllDone marks such a batch done (an unknown Seq: not found).
func testInboxLargeBatch(t *testing.T, s *store.Store) {
	ctx := context.Background()
	added, err := s.Enqueue(ctx, []ledger.InboxEvent{inboxEvent("$e7", 0)})
	must(t, err)
	eq(t, "added before", added, 1)
	var batch []ledger.InboxEvent
	for i := range 150 {
		batch = append(batch, inboxEvent(fmt.Sprintf("$e%d", i), i))
	}
	batch = append(batch[:3], append([]ledger.InboxEvent{batch[1]}, batch[3:]...)...) // within the first chunk
	batch = append(batch, batch[100])                                                 // in another chunk
	added, err = s.Enqueue(ctx, batch)
	must(t, err)
	eq(t, "added of the batch", added, 149)
	pending, err := s.Pending(ctx, 200)
	must(t, err)
	eq(t, "pending", len(pending), 150)
	eq(t, "held before comes first", pending[0].ID, ledger.EventID("$e7"))
	want := 0
	for _, p := range pending[1:] {
		if want == 7 {
			want++
		}
		eq(t, "order", p.ID, ledger.EventID(fmt.Sprintf("$e%d", want)))
		want++
	}

	seqs := make([]int64, 0, len(pending))
	for _, p := range pending[1:] {
		seqs = append(seqs, p.Seq)
	}
	must(t, s.MarkAllDone(ctx, seqs)) // several chunks
	rest, err := s.Pending(ctx, 200)
	must(t, err)
	eq(t, "pending after MarkAllDone", rest, pending[:1])
	must(t, s.MarkAllDone(ctx, nil))
	wantNotFound(t, s.MarkAllDone(ctx, []int64{pending[0].Seq, 999_999}), "inbox.not_found")
}

// testInboxInTx checks that Enqueue joins the caller's transaction.
func testInboxInTx(t *testing.T, s *store.Store) {
	ctx := context.Background()
	err := s.InTx(ctx, func(ctx context.Context) error {
		added, err := s.Enqueue(ctx, []ledger.InboxEvent{inboxEvent("$x", 0), inboxEvent("$y", 0)})
		must(t, err)
		eq(t, "added in txn", added, 2)
		return errBoom
	})
	if !errors.Is(err, errBoom) {
		t.Fatalf("InTx error = %v", err)
	}
	pending, err := s.Pending(ctx, 10)
	must(t, err)
	eq(t, "pending after rolled back Enqueue", len(pending), 0)
}

// rawLen is the length of the raw body the inbox holds for an event (-1 if
// it holds no row).
func rawLen(t *testing.T, s *store.Store, evt string) int {
	t.Helper()
	n := -1
	err := s.DB().QueryRow(context.Background(), `SELECT length(raw) FROM inbox WHERE event_id = $1`, evt).Scan(&n)
	if err != nil && err != sql.ErrNoRows {
		t.Fatal(err)
	}
	return n
}

// testInboxPrune: a handled event keeps its ID but not its body; pruning
// drops bodies left from before, forgets handled events received before
// the horizon and keeps pending ones whatever their age.
func testInboxPrune(t *testing.T, s *store.Store) {
	ctx := context.Background()
	_, err := s.Enqueue(ctx, []ledger.InboxEvent{inboxEvent("$old", 0), inboxEvent("$new", 10), inboxEvent("$waiting", 0)})
	must(t, err)
	pending, err := s.Pending(ctx, 10)
	must(t, err)
	must(t, s.MarkDone(ctx, pending[0].Seq, ""))
	must(t, s.MarkDone(ctx, pending[1].Seq, "failed"))
	eq(t, "body of a handled event", rawLen(t, s, "$old"), 0)
	eq(t, "body of a pending event", rawLen(t, s, "$waiting") > 0, true)

	// A handled row from before bodies were dropped on MarkDone.
	_, err = s.DB().Exec(ctx, `UPDATE inbox SET raw = $1 WHERE event_id = '$new'`, []byte(`{"body":"requisites IBAN"}`))
	must(t, err)
	n, err := s.PruneInbox(ctx, at(5))
	must(t, err)
	eq(t, "events forgotten", n, 1)
	eq(t, "forgotten row", rawLen(t, s, "$old"), -1)
	eq(t, "body of a handled row kept", rawLen(t, s, "$new"), 0)
	eq(t, "old pending event kept", rawLen(t, s, "$waiting") > 0, true)

	added, err := s.Enqueue(ctx, []ledger.InboxEvent{inboxEvent("$new", 11), inboxEvent("$old", 11)})
	must(t, err)
	eq(t, "enqueued again: only the forgotten one", added, 1)
}
