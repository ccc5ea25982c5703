package ledger_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/store"
)

// snapCfg keeps a journal of 3 ops and writes a snapshot once 5 ops follow
// the journal's reach: small enough for a test's history.
func snapCfg() ledger.Config {
	cfg := ledger.DefaultConfig()
	cfg.AidJournalOps, cfg.AidSnapshotEvery = 3, 5
	return cfg
}

// snapWorld is an aidWorld whose service keeps snapshots at snapCfg's
// pace, with the members of eventSet's histories in its circle.
func snapWorld(t *testing.T) *aidWorld {
	t.Helper()
	var users []ledger.UserID
	for i := range 5 {
		users = append(users, ledger.UserID(fmt.Sprintf("@m%d:t", i)))
	}
	w := newAidWorld(t, users...)
	w.svc = ledger.NewService(w.st.Ledger(), w.clock, snapCfg())
	return w
}

// sortedSet is an event set of n ops over 5 members, in canonical order.
func sortedSet(seed uint64, n int) []ledger.Op {
	ops := eventSet(seed, 5, n)
	sort.Slice(ops, func(i, j int) bool { return ops[i].Before(&ops[j]) })
	return ops
}

// checkpoint runs the service's checkpoint and fails unless it wrote.
func (w *aidWorld) checkpoint(svc *ledger.Service) ledger.Checkpointed {
	w.t.Helper()
	c, err := svc.Aid.Checkpoint(w.ctx)
	if err != nil || !c.Wrote {
		w.t.Fatalf("checkpoint: %+v, %v", c, err)
	}
	return c
}

// restart opens a new service over the world's store (snapCfg), loads its
// book and checks that it holds what want says.
func (w *aidWorld) restart(what string, want flatLedger) ledger.Loaded {
	w.t.Helper()
	svc := ledger.NewService(w.st.Ledger(), w.clock, snapCfg())
	loaded, err := svc.Aid.Load(w.ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	if got := viewFlat(w.t, svc); !reflect.DeepEqual(got, want) {
		w.t.Fatalf("%s: the book after a restart (%+v) differs:\n got %+v\nwant %+v", what, loaded, got, want)
	}
	return loaded
}

// snapshotData reads the stored snapshot's bytes (nil: none).
func (w *aidWorld) snapshotData() []byte {
	w.t.Helper()
	snap, err := w.st.Aid.BookSnapshot(w.ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	return snap.Data
}

// TestRestartStartsFromTheSnapshot: once a checkpoint wrote a snapshot, a
// restart decodes it and replays only the ops after it (the journal's
// reach), and holds the book of canonical order; ops recorded after the
// checkpoint (and a restart before the next one, as after a crash) are
// replayed on top; a second checkpoint moves the snapshot on.
func TestRestartStartsFromTheSnapshot(t *testing.T) {
	t.Parallel()
	for set := range sized(6, 2) {
		w := snapWorld(t)
		ops := sortedSet(uint64(3000+set), 60)
		deliver(t, w.svc, ops[:40])
		if c, err := w.svc.Aid.Checkpoint(w.ctx); err != nil || !c.Wrote || c.Why != "there is no snapshot" {
			t.Fatalf("set %d: the first checkpoint: %+v, %v", set, c, err)
		}
		loaded := w.restart(fmt.Sprintf("set %d after 40 ops", set), canonical(ops[:40]))
		if !loaded.FromSnapshot || loaded.Replayed != 3 {
			t.Fatalf("set %d: restart %+v, want from the snapshot with the journal's 3 ops replayed", set, loaded)
		}
		deliver(t, w.svc, ops[40:])
		loaded = w.restart(fmt.Sprintf("set %d after 60 ops", set), canonical(ops))
		if !loaded.FromSnapshot || loaded.Replayed < 20 {
			t.Fatalf("set %d: restart %+v, want from the snapshot with the ops since replayed", set, loaded)
		}
		c := w.checkpoint(w.svc)
		loaded = w.restart(fmt.Sprintf("set %d after the second checkpoint", set), canonical(ops))
		if !loaded.FromSnapshot || loaded.Replayed != 3 || loaded.SnapshotOps != c.Ops {
			t.Fatalf("set %d: restart %+v after %+v", set, loaded, c)
		}
	}
}

// TestSnapshotAndLateOps: a late op sorting after the snapshot's position
// keeps the snapshot (a restart replays it with the ops after the
// position); one sorting before it drops the snapshot in its own
// transaction, and the restart replays every op. Both give canonical order.
func TestSnapshotAndLateOps(t *testing.T) {
	t.Parallel()
	w := snapWorld(t)
	ops := sortedSet(3100, 50)
	early, recent := ops[5], ops[len(ops)-2]
	rest := slices.DeleteFunc(slices.Clone(ops), func(o ledger.Op) bool { return o.Event == early.Event || o.Event == recent.Event })
	deliver(t, w.svc, rest)
	w.checkpoint(w.svc)

	deliver(t, w.svc, []ledger.Op{recent})
	if w.snapshotData() == nil {
		t.Fatal("a late op after the snapshot's position dropped it")
	}
	loaded := w.restart("a late op after the position", canonical(slices.DeleteFunc(slices.Clone(ops), func(o ledger.Op) bool { return o.Event == early.Event })))
	if !loaded.FromSnapshot {
		t.Fatalf("restart %+v, want from the snapshot", loaded)
	}

	deliver(t, w.svc, []ledger.Op{early})
	if w.snapshotData() != nil {
		t.Fatal("a late op before the snapshot's position left it")
	}
	loaded = w.restart("a late op before the position", canonical(ops))
	if loaded.FromSnapshot || loaded.Why != "there is no snapshot" {
		t.Fatalf("restart %+v, want a full replay", loaded)
	}
}

// TestSnapshotDroppedByErasure: a member who leaves has their claims'
// reasons erased from the recorded ops; the snapshot, whose book holds
// them, is dropped with them: no byte of the database keeps them, and a
// restart holds the book the live service does.
func TestSnapshotDroppedByErasure(t *testing.T) {
	const reason = "rent for March"
	w := newKassaWorld(t)
	w.svc = ledger.NewService(w.st.Ledger(), w.clock, snapCfg())
	claim := w.must(ledger.Op{Kind: ledger.OpClaim, Actor: sAnn, Circle: aidCircle, Amount: mEUR(80), Text: reason}).Need.ID
	for i := range 10 {
		w.declare(sBen, aidCircle, int64(50+i))
	}
	w.checkpoint(w.svc)
	if !strings.Contains(string(w.snapshotData()), reason) {
		t.Fatal("the snapshot does not hold the claim's reason: the test shows nothing")
	}
	if _, err := w.svc.Leave(w.ctx, w.act(sAnn)); err != nil {
		t.Fatal(err)
	}
	if w.snapshotData() != nil || strings.Contains(w.dumpDB(), reason) {
		t.Fatal("the erasure left the snapshot, or the reason in the database")
	}
	want := viewFlat(t, w.svc)
	if loaded := w.restart("after the erasure", want); loaded.FromSnapshot {
		t.Fatalf("restart %+v, want a full replay", loaded)
	}
	if v := w.need(claim); strings.Contains(v.Need.Title, reason) {
		t.Fatalf("the claim after leaving: %+v", v.Need)
	}
}

// TestBrokenSnapshotFallsBackToTheFullReplay: a stored snapshot that is
// torn or of another version is not used: the restart replays every op,
// says why, and holds the book of canonical order; the next checkpoint
// writes a good one again.
func TestBrokenSnapshotFallsBackToTheFullReplay(t *testing.T) {
	for _, c := range []struct {
		name, why string
		spoil     func(data []byte)
	}{
		{"torn", "torn", func(d []byte) { d[len(d)/2] ^= 0x10 }},
		{"another version", "another version", func(d []byte) { d[len("EXBOOK")] = ledger.BookSnapshotVersion + 1 }},
	} {
		w := snapWorld(t)
		ops := sortedSet(3200, 40)
		deliver(t, w.svc, ops)
		w.checkpoint(w.svc)
		data := w.snapshotData()
		c.spoil(data)
		if _, err := w.st.DB().Exec(w.ctx, `UPDATE aid_snapshot SET data = $1`, data); err != nil {
			t.Fatal(err)
		}
		loaded := w.restart(c.name, canonical(ops))
		if loaded.FromSnapshot || !strings.Contains(loaded.Why, c.why) || loaded.Replayed == 0 {
			t.Fatalf("%s: restart %+v, want a full replay saying %q", c.name, loaded, c.why)
		}
		if got := w.checkpoint(w.svc); !strings.Contains(got.Why, c.why) {
			t.Fatalf("%s: checkpoint %+v, want it built from every op", c.name, got)
		}
		if loaded = w.restart(c.name+", checkpointed again", canonical(ops)); !loaded.FromSnapshot {
			t.Fatalf("%s: restart %+v after a new checkpoint", c.name, loaded)
		}
	}
}

// interleavingAid is the world's aid store, which records an op through
// the service while a checkpoint reads the ops it builds from: an op
// recorded while the snapshot is built, between its read and its write.
type interleavingAid struct {
	*store.Aid
	meanwhile func()
}

func (a *interleavingAid) OpsAfter(ctx context.Context, at time.Time, evt ledger.EventID) ([]ledger.Op, error) {
	ops, err := a.Aid.OpsAfter(ctx, at, evt)
	if f := a.meanwhile; f != nil {
		a.meanwhile = nil
		f()
	}
	return ops, err
}

// TestCheckpointLosesToAnOpRecordedMeanwhile: a late op recorded while a
// checkpoint builds its snapshot, sorting before the snapshot's position
// (after the old one's, or before it), makes the checkpoint write nothing;
// the book after a restart is canonical order's, as it is after a restart
// between the op and any checkpoint (a crash).
func TestCheckpointLosesToAnOpRecordedMeanwhile(t *testing.T) {
	for _, c := range []struct {
		name string
		late int // which op of the history arrives late
	}{
		{"after the old snapshot's position", 38},
		{"before the old snapshot's position", 2},
	} {
		w := snapWorld(t)
		ops := sortedSet(3300, 60)
		late := ops[c.late]
		rest := slices.DeleteFunc(slices.Clone(ops), func(o ledger.Op) bool { return o.Event == late.Event })
		deliver(t, w.svc, rest[:30])
		w.checkpoint(w.svc)
		deliver(t, w.svc, rest[30:])
		w.restart(c.name+": a crash before the checkpoint", canonical(rest))

		aid := &interleavingAid{Aid: w.st.Aid}
		stores := w.st.Ledger()
		stores.Aid = aid
		svc := ledger.NewService(stores, w.clock, snapCfg())
		if _, err := svc.Aid.Load(w.ctx); err != nil {
			t.Fatal(err)
		}
		aid.meanwhile = func() { deliver(t, svc, []ledger.Op{late}) }
		got, err := svc.Aid.Checkpoint(w.ctx)
		if err != nil || got.Wrote || !got.Lost {
			t.Fatalf("%s: checkpoint %+v, %v; want it lost", c.name, got, err)
		}
		w.restart(c.name, canonical(ops))
		w.checkpoint(svc)
		if loaded := w.restart(c.name+", checkpointed again", canonical(ops)); !loaded.FromSnapshot {
			t.Fatalf("%s: restart %+v", c.name, loaded)
		}
	}
}

// TestFullReplayLeavesItsSnapshotToWrite: a load that replays every op
// (no snapshot yet, as after an upgrade) encodes the book on its way, and
// the next checkpoint writes that one instead of replaying every op again;
// a restart then starts from it. A late op before its position recorded
// between the load and the checkpoint makes the checkpoint write nothing.
func TestFullReplayLeavesItsSnapshotToWrite(t *testing.T) {
	w := snapWorld(t)
	ops := sortedSet(3400, 40)
	late := ops[3]
	rest := slices.DeleteFunc(slices.Clone(ops), func(o ledger.Op) bool { return o.Event == late.Event })
	deliver(t, w.svc, rest)

	svc := ledger.NewService(w.st.Ledger(), w.clock, snapCfg())
	if loaded, err := svc.Aid.Load(w.ctx); err != nil || loaded.FromSnapshot {
		t.Fatalf("load %+v, %v: want every op replayed", loaded, err)
	}
	c := w.checkpoint(svc)
	if !c.FromLoad || c.Applied != 0 || c.Ops != len(rest)-3 {
		t.Fatalf("checkpoint %+v, want the load's snapshot of all but the journal's 3 ops", c)
	}
	if loaded := w.restart("from the load's snapshot", canonical(rest)); !loaded.FromSnapshot || loaded.Replayed != 3 {
		t.Fatalf("restart %+v, want from the load's snapshot", loaded)
	}

	if _, err := w.st.DB().Exec(w.ctx, `DELETE FROM aid_snapshot`); err != nil {
		t.Fatal(err)
	}
	svc = ledger.NewService(w.st.Ledger(), w.clock, snapCfg())
	if _, err := svc.Aid.Load(w.ctx); err != nil {
		t.Fatal(err)
	}
	deliver(t, svc, []ledger.Op{late})
	if c, err := svc.Aid.Checkpoint(w.ctx); err != nil || c.Wrote || !c.Lost || !c.FromLoad {
		t.Fatalf("checkpoint %+v, %v; want the load's snapshot not written", c, err)
	}
	w.restart("after the late op", canonical(ops))

	// A rebuild drops the snapshot and leaves the one its replay made.
	w.checkpoint(svc)
	if err := svc.Aid.Rebuild(w.ctx); err != nil {
		t.Fatal(err)
	}
	if w.snapshotData() != nil {
		t.Fatal("the rebuild left the snapshot")
	}
	if c := w.checkpoint(svc); !c.FromLoad || c.Ops != len(ops)-3 {
		t.Fatalf("checkpoint after the rebuild %+v, want the rebuild's snapshot", c)
	}
	if loaded := w.restart("after the rebuild", canonical(ops)); !loaded.FromSnapshot {
		t.Fatalf("restart %+v", loaded)
	}
}
