package main

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/store"
)

// TestCheckpointsLogHowTheBookLoadsAndSnapshots: at start (runCheckpoints)
// the book is loaded and the log says it was replayed from every op, and why; a tick
// with enough ops recorded writes the snapshot and says so; a restart then
// loads from the snapshot and says that.
func TestCheckpointsLogHowTheBookLoadsAndSnapshots(t *testing.T) {
	st, err := store.Open(context.Background(), store.Config{URI: "file:" + filepath.Join(t.TempDir(), "exodus.db") + "?_txlock=immediate"}, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	clock := ledger.NewManualClock(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
	cfg := ledger.DefaultConfig()
	cfg.AidJournalOps, cfg.AidSnapshotEvery = 2, 3
	svc := ledger.NewService(st.Ledger(), clock, cfg)
	for i := range 8 {
		op := ledger.Op{Kind: ledger.OpStatus, Event: ledger.EventID(fmt.Sprintf("$s%d", i)), Actor: "@a:t",
			At: clock.Now().Add(time.Duration(i) * time.Second), Status: []ledger.Status{ledger.StatusOrange, ledger.StatusGreen}[i%2],
			Amount: ledger.Amount{Minor: 100, Currency: "EUR"}}
		if _, err := svc.Aid.Do(context.Background(), op); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	log := zerolog.New(&out)
	ctx := log.WithContext(context.Background())
	start := func() {
		t.Helper()
		loaded, err := ledger.NewService(st.Ledger(), clock, cfg).Aid.Load(ctx)
		if err != nil {
			t.Fatal(err)
		}
		logLoaded(&log, loaded)
	}
	start()
	wantLog(t, &out, "Loaded the mutual-aid book by replaying every op", `"replayed":8`, `"why":"there is no snapshot"`)

	checkpointOnce(ctx, svc.Aid)
	wantLog(t, &out, "Wrote the mutual-aid book's snapshot", `"ops":6`, `"applied":6`)
	checkpointOnce(ctx, svc.Aid)
	wantLog(t, &out) // not due: nothing to say

	start()
	wantLog(t, &out, "Loaded the mutual-aid book from its snapshot", `"snapshot_ops":6`, `"replayed":2`)

	// A load that replayed every op made the snapshot on its way: the
	// next checkpoint writes that one.
	if _, err := st.DB().Exec(ctx, `DELETE FROM aid_snapshot`); err != nil {
		t.Fatal(err)
	}
	svc = ledger.NewService(st.Ledger(), clock, cfg)
	if _, err := svc.Aid.Load(ctx); err != nil {
		t.Fatal(err)
	}
	checkpointOnce(ctx, svc.Aid)
	wantLog(t, &out, "Wrote the mutual-aid book's snapshot", `"ops":6`, `"from_load":true`)
}

// wantLog checks that what was logged since the last call holds every
// part (nothing at all when none is given), and forgets it.
func wantLog(t *testing.T, out *bytes.Buffer, parts ...string) {
	t.Helper()
	got := out.String()
	out.Reset()
	if len(parts) == 0 && got != "" {
		t.Fatalf("logged %s, want nothing", got)
	}
	for _, p := range parts {
		if !strings.Contains(got, p) {
			t.Fatalf("logged %s, want %s in it", got, p)
		}
	}
}
