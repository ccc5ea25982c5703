package ledger_test

import (
	"context"
	"runtime"
	"sort"
	"sync/atomic"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

// countingAid is an AidStore that counts the pages of ops read.
type countingAid struct {
	ledger.AidStore
	pages atomic.Int64
}

func (c *countingAid) OpsPage(ctx context.Context, after ledger.Op, limit int, into []ledger.Op) ([]ledger.Op, error) {
	c.pages.Add(1)
	return c.AidStore.OpsPage(ctx, after, limit, into)
}

// lateWorld is a world holding every op of a history but one from its
// first third, delivered in order, whose service replays a very late op
// two ops per page through count (and, first, pause); it returns the
// late op and every op.
func lateWorld(t *testing.T, seed uint64, pause *pausingAid, count *countingAid) (*aidWorld, ledger.Op, []ledger.Op) {
	t.Helper()
	ops := eventSet(seed, 4, aidOrderLength)
	sort.Slice(ops, func(i, j int) bool { return ops[i].Before(&ops[j]) })
	late := ops[len(ops)/4]
	w := newAidWorld(t, "@m0:t", "@m1:t", "@m2:t", "@m3:t")
	stores := w.st.Ledger()
	pause.AidStore = stores.Aid
	count.AidStore = pause
	stores.Aid = count
	cfg := ledger.DefaultConfig()
	cfg.AidJournalOps = 3
	w.svc = ledger.NewService(stores, w.clock, cfg)
	ledger.SetAidOpsPage(w.svc, 2)
	var first []ledger.Op
	for _, o := range ops {
		if o.Event != late.Event {
			first = append(first, o)
		}
	}
	deliver(t, w.svc, first)
	return w, late, ops
}

// TestLateReplayWaitsForCallsInProgress holds a call in progress after
// the first page of a very late op's replay was read: the replay waits
// before reading the next and reads none while the call lasts (its wait
// unbounded here); once the call ends it goes on, and the book and the
// projection are those of every op in canonical order.
func TestLateReplayWaitsForCallsInProgress(t *testing.T) {
	t.Parallel()
	pause := &pausingAid{afterRead: true, reading: make(chan struct{}), resume: make(chan struct{})}
	count := &countingAid{}
	w, late, ops := lateWorld(t, 9100, pause, count)
	waiting := make(chan struct{}, 1)
	ledger.SetAidPace(w.svc, time.Hour, func() {
		select {
		case waiting <- struct{}{}:
		default:
		}
	})

	pause.armed = true
	done := make(chan error, 1)
	go func() {
		_, err := w.svc.Aid.Do(w.ctx, late)
		done <- err
	}()
	<-pause.reading // the first page is read
	release := ledger.HoldAidCall(w.svc)
	close(pause.resume)
	select {
	case <-waiting:
	case err := <-done:
		t.Fatalf("the late op ended while a call was in progress, without waiting (%v)", err)
	}
	read := count.pages.Load()
	for range 1000 {
		runtime.Gosched()
	}
	if got := count.pages.Load(); got != read {
		t.Fatalf("the replay read %d pages while a call was in progress (%d before)", got-read, read)
	}
	select {
	case err := <-done:
		t.Fatalf("the late op ended while a call was in progress (%v)", err)
	default:
	}
	release()
	if err := <-done; err != nil && ledger.AsError(err) == nil {
		t.Fatal(err)
	}
	if count.pages.Load() <= read {
		t.Fatalf("the replay read no page after the call ended")
	}
	w.matchesCanonical("after the wait", canonical(ops))
}

// TestAidCallsCountInProgress checks which calls a late op's replay gives
// way to: a call holding the mutual-aid lock (a View) and one waiting for
// it count as in progress until they end; a very late op's own call does
// not while its replay runs.
func TestAidCallsCountInProgress(t *testing.T) {
	t.Parallel()
	pause := &pausingAid{afterRead: true, reading: make(chan struct{}), resume: make(chan struct{})}
	w, late, _ := lateWorld(t, 9300, pause, &countingAid{})
	if n := ledger.AidCallsInProgress(w.svc); n != 0 {
		t.Fatalf("%d calls in progress before any", n)
	}
	inView, release := make(chan struct{}), make(chan struct{})
	viewed := make(chan error, 2)
	view := func() {
		viewed <- w.svc.Aid.View(w.ctx, func(*ledger.Book) error {
			select {
			case <-inView:
			default:
				close(inView)
				<-release
			}
			return nil
		})
	}
	go view()
	<-inView
	if n := ledger.AidCallsInProgress(w.svc); n != 1 {
		t.Fatalf("%d calls in progress during a View, want 1", n)
	}
	go view() // waits for the lock
	for ledger.AidCallsInProgress(w.svc) < 2 {
		runtime.Gosched()
	}
	close(release)
	for range 2 {
		if err := <-viewed; err != nil {
			t.Fatal(err)
		}
	}
	if n := ledger.AidCallsInProgress(w.svc); n != 0 {
		t.Fatalf("%d calls in progress after the Views ended", n)
	}
	pause.armed = true
	done := make(chan error, 1)
	go func() {
		_, err := w.svc.Aid.Do(w.ctx, late)
		done <- err
	}()
	<-pause.reading
	if n := ledger.AidCallsInProgress(w.svc); n != 0 {
		t.Fatalf("%d calls in progress during a late op's replay, want 0", n)
	}
	close(pause.resume)
	if err := <-done; err != nil && ledger.AsError(err) == nil {
		t.Fatal(err)
	}
	if n := ledger.AidCallsInProgress(w.svc); n != 0 {
		t.Fatalf("%d calls in progress after the late op", n)
	}
}

// TestLateReplayFinishesBesideEndlessCalls keeps a call counted in
// progress during the whole of a very late op: its replay waits at every
// step, each wait bounded, and still finishes, with the book and the
// projection of every op in canonical order.
func TestLateReplayFinishesBesideEndlessCalls(t *testing.T) {
	t.Parallel()
	count := &countingAid{}
	w, late, ops := lateWorld(t, 9200, &pausingAid{}, count)
	ledger.SetAidPace(w.svc, time.Microsecond, nil)
	done := ledger.HoldAidCall(w.svc)
	defer done()
	if _, err := w.svc.Aid.Do(w.ctx, late); err != nil && ledger.AsError(err) == nil {
		t.Fatal(err)
	}
	if waits, pages := ledger.AidPaceWaits(w.svc), count.pages.Load(); waits < pages {
		t.Fatalf("the replay read %d pages but waited %d times", pages, waits)
	}
	w.matchesCanonical("beside endless calls", canonical(ops))
}
