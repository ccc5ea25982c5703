package ledger_test

import (
	"context"
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
)

// runRestartSnapshot writes the book's snapshot (a checkpoint from every
// op, untimed; checkpoint-ms is how long it took), then applies, per
// iteration, the first op after a restart (a new Service), which decodes
// the snapshot and replays the ops after it: compared with restart (every
// op replayed) and read (the rows read, not decoded) of the same run.
// With no more ops than the journal reaches there is no snapshot to write:
// skipped.
func (w *aidBench) runRestartSnapshot(b *testing.B) {
	c, err := w.svc.Aid.Checkpoint(w.ctx)
	if err != nil {
		b.Fatal(err)
	}
	if !c.Wrote {
		b.Skipf("no snapshot written at %d ops: %+v", w.recorded, c)
	}
	snap, err := w.st.Aid.BookSnapshot(w.ctx)
	if err != nil {
		b.Fatal(err)
	}
	recorded := w.recorded
	var loaded ledger.Loaded
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		w.svc = ledger.NewService(w.st.Ledger(), w.clock, ledger.DefaultConfig())
		if w.do(b, w.stream.next()) {
			b.Fatalf("op refused")
		}
		if loaded, err = w.svc.Aid.Load(w.ctx); err != nil || !loaded.FromSnapshot {
			b.Fatalf("restart %+v, %v: not from the snapshot", loaded, err)
		}
	}
	b.ReportMetric(float64(recorded), "recorded")
	b.ReportMetric(float64(loaded.SnapshotOps), "snapshot-ops")
	b.ReportMetric(float64(loaded.Replayed), "tail-ops")
	b.ReportMetric(float64(len(snap.Data))/(1<<20), "snapshot-MB")
	b.ReportMetric(float64(c.Took.Milliseconds()), "checkpoint-ms")
}

// runCheckpoint measures, per iteration, a checkpoint after SnapshotEvery
// more ops were recorded past the journal's reach (recorded straight into
// the store, untimed): the last snapshot decoded, the ops since read and
// applied, the new one encoded and written, as every checkpoint after the
// first does. The service is started again afterwards (its book did not
// see those ops).
func (w *aidBench) runCheckpoint(b *testing.B) {
	if snap, err := w.st.Aid.BookSnapshot(w.ctx); err != nil || snap.Data == nil {
		b.Skipf("no snapshot to start from (%v)", err)
	}
	var c ledger.Checkpointed
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		w.record(b, ledger.SnapshotEvery)
		b.StartTimer()
		var err error
		if c, err = w.svc.Aid.Checkpoint(w.ctx); err != nil || !c.Wrote {
			b.Fatalf("checkpoint %+v, %v", c, err)
		}
	}
	b.ReportMetric(float64(c.Applied), "applied")
	b.ReportMetric(float64(c.Ops), "snapshot-ops")
	w.svc = ledger.NewService(w.st.Ledger(), w.clock, ledger.DefaultConfig())
}

// record records the history's next n ops straight into the store, as
// newAidBench does.
func (w *aidBench) record(b *testing.B, n int) {
	err := w.st.InTx(w.ctx, func(ctx context.Context) error {
		for range n {
			op := w.stream.next()
			if _, err := w.st.MarkApplied(ctx, op.Event, op.At); err != nil {
				return err
			}
			if err := w.st.Aid.AppendOp(ctx, op); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	w.recorded += n
}
