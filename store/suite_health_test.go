package store_test

import (
	"context"
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/store"
)

// healthCases are what the operator's health check and metrics read.
var healthCases = []suiteCase{
	{"Ping", testPing},
	{"CountPending", testCountPending},
}

func testPing(t *testing.T, s *store.Store) {
	must(t, s.Ping(context.Background()))
}

func testCountPending(t *testing.T, s *store.Store) {
	ctx := context.Background()
	n, err := s.CountPending(ctx)
	must(t, err)
	eq(t, "pending of an empty inbox", n, 0)
	_, err = s.Enqueue(ctx, []ledger.InboxEvent{inboxEvent("$p1", 0), inboxEvent("$p2", 0), inboxEvent("$p3", 1)})
	must(t, err)
	pending, err := s.Pending(ctx, 1)
	must(t, err)
	must(t, s.MarkDone(ctx, pending[0].Seq, ""))
	n, err = s.CountPending(ctx)
	must(t, err)
	eq(t, "pending after one handled", n, 2)
}

// TestPingClosed checks that a closed store's ping fails.
func TestPingClosed(t *testing.T) {
	s := openSQLite(t)
	must(t, s.Close())
	if err := s.Ping(context.Background()); err == nil {
		t.Fatal("Ping on a closed store succeeded")
	}
}
