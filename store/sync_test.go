package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

func TestSyncValueIsKeptWithTheTransaction(t *testing.T) {
	st := openSQLite(t)
	ctx := context.Background()
	if v, err := st.SyncValue(ctx, "next_batch"); err != nil || v != "" {
		t.Fatalf("no value yet: got %q, %v", v, err)
	}
	if err := st.SetSyncValue(ctx, "next_batch", "s1"); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("crash before commit")
	err := st.InTx(ctx, func(ctx context.Context) error {
		if _, err := st.Enqueue(ctx, []ledger.InboxEvent{{ID: "$e", Room: "!r:test", Raw: []byte("{}"), ReceivedAt: time.Now()}}); err != nil {
			return err
		}
		if err := st.SetSyncValue(ctx, "next_batch", "s2"); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if v, _ := st.SyncValue(ctx, "next_batch"); v != "s1" {
		t.Fatalf("token after a rolled back batch = %q, want s1", v)
	}
	if n, _ := st.KnownEvents(ctx, []ledger.EventID{"$e"}); n != 0 {
		t.Fatalf("the rolled back batch's event is known")
	}
	if err := st.SetSyncValue(ctx, "next_batch", "s2"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Enqueue(ctx, []ledger.InboxEvent{{ID: "$e", Room: "!r:test", Raw: []byte("{}"), ReceivedAt: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	if v, _ := st.SyncValue(ctx, "next_batch"); v != "s2" {
		t.Fatalf("token = %q, want s2", v)
	}
	if n, err := st.KnownEvents(ctx, []ledger.EventID{"$e", "$other"}); err != nil || n != 1 {
		t.Fatalf("known = %d, %v; want 1", n, err)
	}
}
