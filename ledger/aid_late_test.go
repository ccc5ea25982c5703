package ledger_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
)

// pausingAid is an AidStore whose OpsPage, once armed, stops before or
// after reading its first page (as set) until the test lets it go: the
// point where a replay of a very late op runs. The replay reads a few ops
// per page, so ops recorded meanwhile fall on both sides of the pages
// already read.
type pausingAid struct {
	ledger.AidStore
	afterRead bool
	armed     bool
	reading   chan struct{} // closed when the armed OpsPage is reached
	resume    chan struct{} // closed by the test to let it go on
}

func (p *pausingAid) OpsPage(ctx context.Context, after ledger.Op, limit int, into []ledger.Op) ([]ledger.Op, error) {
	if !p.armed {
		return p.AidStore.OpsPage(ctx, after, limit, into)
	}
	p.armed = false
	var ops []ledger.Op
	var err error
	if p.afterRead {
		ops, err = p.AidStore.OpsPage(ctx, after, limit, into)
	}
	close(p.reading)
	<-p.resume
	if !p.afterRead {
		ops, err = p.AidStore.OpsPage(ctx, after, limit, into)
	}
	return ops, err
}

// TestVeryLateOpReplaysOutsideTheLock delivers an op older than the
// journal reaches and stops its replay halfway: the mutual-aid lock is free
// then, and ops delivered meanwhile are applied at once. Once the replay
// ends, the book and the SQL projection are those of every op in canonical
// order: the ops that arrived meanwhile were applied again to the replayed
// book (or read by the replay) before it was swapped in.
func TestVeryLateOpReplaysOutsideTheLock(t *testing.T) {
	t.Parallel()
	for set := range sized(20, 6) {
		ops := eventSet(uint64(5000+set), 4, aidOrderLength)
		sort.Slice(ops, func(i, j int) bool { return ops[i].Before(&ops[j]) })
		r := rand.New(rand.NewPCG(uint64(set), 17))
		late := ops[r.IntN(len(ops)/3)]  // in the first third: beyond a journal of 3
		held := len(ops) - 3 - r.IntN(5) // the last ops arrive during the replay
		first := slices.DeleteFunc(slices.Clone(ops[:held]), func(o ledger.Op) bool { return o.Event == late.Event })
		meanwhile := ops[held:]

		w := newAidWorld(t, "@m0:t", "@m1:t", "@m2:t", "@m3:t")
		pause := &pausingAid{afterRead: set%2 == 1, reading: make(chan struct{}), resume: make(chan struct{})}
		stores := w.st.Ledger()
		pause.AidStore = stores.Aid
		stores.Aid = pause
		cfg := ledger.DefaultConfig()
		cfg.AidJournalOps = 3
		w.svc = ledger.NewService(stores, w.clock, cfg)
		ledger.SetAidOpsPage(w.svc, 2+set%3)
		deliver(t, w.svc, first)

		what := fmt.Sprintf("set %d (pause after read: %v)", set, pause.afterRead)
		pause.armed = true
		done := make(chan error, 1)
		go func() {
			_, err := w.svc.Aid.Do(w.ctx, late)
			done <- err
		}()
		select {
		case <-pause.reading:
		case err := <-done:
			t.Fatalf("%s: the late op was not replayed (%v)", what, err)
		}
		if !ledger.AidLockFree(w.svc) {
			t.Fatalf("%s: the replay of a very late op holds the mutual-aid lock", what)
		}
		deliver(t, w.svc, meanwhile) // not waiting for the replay
		close(pause.resume)
		if err := <-done; err != nil && ledger.AsError(err) == nil {
			t.Fatalf("%s: %v", what, err)
		}

		want := canonical(ops)
		w.matchesCanonical(what, want)
	}
}

// TestVeryLateOpComparesBesideCalls delivers the last ops of a history
// while a very late op's replay compares its rows with the current book's,
// one row per hold of the lock, an op before each (the rest after): rows
// compared, then
// changed by those ops (or by the late op's replay catching up with them),
// are compared again. The book and the SQL projection end as every op in
// canonical order gives them, and as a restart's replay does.
func TestVeryLateOpComparesBesideCalls(t *testing.T) {
	t.Parallel()
	for set := range sized(20, 6) {
		ops := eventSet(uint64(7000+set), 4, aidOrderLength)
		sort.Slice(ops, func(i, j int) bool { return ops[i].Before(&ops[j]) })
		r := rand.New(rand.NewPCG(uint64(set), 29))
		late := ops[r.IntN(len(ops)/3)]
		held := len(ops) - 6 - r.IntN(10)
		first := slices.DeleteFunc(slices.Clone(ops[:held]), func(o ledger.Op) bool { return o.Event == late.Event })
		meanwhile := ops[held:]

		w := newAidWorld(t, "@m0:t", "@m1:t", "@m2:t", "@m3:t")
		cfg := ledger.DefaultConfig()
		cfg.AidJournalOps = 3
		w.svc = ledger.NewService(w.st.Ledger(), w.clock, cfg)
		deliver(t, w.svc, first)
		next, compares := 0, 0
		ledger.SetAidCompare(w.svc, 1, func() {
			compares++
			if next < len(meanwhile) {
				_, err := w.svc.Aid.Do(w.ctx, meanwhile[next])
				if err != nil && ledger.AsError(err) == nil {
					t.Errorf("op %d delivered meanwhile: %v", next, err)
				}
				next++
			}
		})
		what := fmt.Sprintf("set %d", set)
		if _, err := w.svc.Aid.Do(w.ctx, late); err != nil && ledger.AsError(err) == nil {
			t.Fatalf("%s: %v", what, err)
		}
		if compares < 2 || next < 2 {
			t.Fatalf("%s: %d compares, %d ops delivered meanwhile", what, compares, next)
		}
		deliver(t, w.svc, meanwhile[next:]) // those the compares left
		want := canonical(ops)
		w.matchesCanonical(what, want)
	}
}
