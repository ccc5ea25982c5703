package replica_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/bot/replica"
	"github.com/exodus-matrix/exodus/ledger"
)

// generatedRoom is a homeserver serving one circle room of n events made
// as they are asked for (none is kept): the circle's state naming the
// bot, its join, members joining, then their chatter. It pages forward
// only, as /messages with dir=f does.
type generatedRoom struct {
	n     int
	pages atomic.Int64
}

const bigRoom = id.RoomID("!big:test")

func (g *generatedRoom) JoinedRooms(context.Context) (*mautrix.RespJoinedRooms, error) {
	return &mautrix.RespJoinedRooms{JoinedRooms: []id.RoomID{bigRoom}}, nil
}

func (g *generatedRoom) Messages(_ context.Context, _ id.RoomID, from, _ string, dir mautrix.Direction, _ *mautrix.FilterPart, limit int) (*mautrix.RespMessages, error) {
	if dir != mautrix.DirectionForward {
		return nil, fmt.Errorf("generatedRoom pages forward only")
	}
	g.pages.Add(1)
	start, _ := strconv.Atoi(from)
	end := min(start+limit, g.n)
	resp := &mautrix.RespMessages{Chunk: make([]*event.Event, 0, end-start)}
	for i := start; i < end; i++ {
		resp.Chunk = append(resp.Chunk, g.event(i))
	}
	if end < g.n {
		resp.End = strconv.Itoa(end)
	}
	return resp, nil
}

// event is the room's i-th event.
func (g *generatedRoom) event(i int) *event.Event {
	const members = 50
	evt := &event.Event{ID: id.EventID(fmt.Sprintf("$g%08d", i)), RoomID: bigRoom, Timestamp: rebuildStart + int64(i)*1000}
	switch {
	case i == 0:
		evt.Sender, evt.Type, evt.StateKey = botUser, event.NewEventType("org.exodus.circle"), ptr("")
		evt.Type.Class = event.StateEventType
		evt.Content.Raw = map[string]any{"name": "Big", "pledge_minor": 10000, "currency": "EUR", "lang": "en",
			"owner": "@m0000:test", "answering_bot": botUser, "version": 1}
	case i <= members+1:
		u := botUser
		if i > 1 {
			u = fmt.Sprintf("@m%04d:test", i-2)
		}
		evt.Sender, evt.Type, evt.StateKey = id.UserID(u), event.StateMember, ptr(u)
		evt.Content.Raw = map[string]any{"membership": "join"}
	default:
		evt.Sender, evt.Type = id.UserID(fmt.Sprintf("@m%04d:test", i%members)), event.EventMessage
		evt.Content.Raw = map[string]any{"msgtype": "m.text", "body": "hello, how are you?"}
	}
	return evt
}

// largeRebuild rebuilds a generated room of n events into an empty ledger
// and returns the report and the highest heap in use seen meanwhile.
func largeRebuild(tb testing.TB, n int) (*replica.Report, uint64) {
	tb.Helper()
	rc := replica.NewReplayClock(ledger.NewManualClock(time.UnixMilli(rebuildStart + int64(n)*1000 + 10_000_000).UTC()))
	h := newBareHarness(tb, rc, 1000)
	gen := &generatedRoom{n: n}
	rep := replica.New(h.bot, botUser, gen, h.store, nil)
	var peak atomic.Uint64
	sample := func() {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		if ms.HeapInuse > peak.Load() {
			peak.Store(ms.HeapInuse)
		}
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
				sample()
			}
		}
	}()
	report, err := rep.Rebuild(h.ctx, replica.Options{PageSize: 100, Clock: rc})
	close(stop)
	<-done
	sample()
	if err != nil {
		tb.Fatal(err)
	}
	if got := report.Events + report.Skipped + report.Failed; got != n || report.Rooms[0].Events != n {
		tb.Fatalf("replayed %d of %d events: %+v", got, n, report.Rooms)
	}
	return report, peak.Load()
}

// A room with more events than the old ceiling (200,000 a room) is
// rebuilt whole, its history streamed, in a few megabytes of heap. About
// 15 s: with -short a room of 20,000 events stands for it.
func TestRebuildOfARoomBeyondTheOldCeiling(t *testing.T) {
	n := 200_001
	if testing.Short() {
		n = 20_000
	}
	report, peak := largeRebuild(t, n)
	t.Logf("%d events: %d handled, %d skipped, %d failed; peak heap in use %d MB",
		n, report.Events, report.Skipped, report.Failed, peak>>20)
	if report.Failed > 0 || len(report.Circles) != 1 {
		t.Fatalf("report: %+v", report)
	}
}

// BenchmarkRebuildLargeRoom rebuilds a generated circle room of
// EXODUS_BENCH_LARGE events (say 250000; opt-in: slow) and reports the
// rate and the peak heap in use, the rebuild's memory bound at that size.
func BenchmarkRebuildLargeRoom(b *testing.B) {
	n, _ := strconv.Atoi(os.Getenv("EXODUS_BENCH_LARGE"))
	if n <= 0 {
		b.Skip("set EXODUS_BENCH_LARGE=250000 (events) to run")
	}
	var peak uint64
	for b.Loop() {
		_, p := largeRebuild(b, n)
		peak = max(peak, p)
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}

// A rebuild tells its progress every ProgressEvery of its clock, in the
// log and to Progress: rooms done of all, events read and applied, the
// rate, and the time left once it can be estimated; the last report is
// Done with every event applied.
func TestRebuildTellsItsProgress(t *testing.T) {
	const n = 1000
	rc := replica.NewReplayClock(ledger.NewManualClock(time.UnixMilli(rebuildStart + 2*n*1000).UTC()))
	h := newBareHarness(t, rc, 1000)
	var logged bytes.Buffer
	ctx := zerolog.New(&logged).WithContext(h.ctx)
	rep := replica.New(h.bot, botUser, &generatedRoom{n: n}, h.store, nil)
	clock := time.UnixMilli(rebuildStart + 2*n*1000)
	now := func() time.Time { clock = clock.Add(time.Second); return clock } // a second a call
	var got []replica.Progress
	_, err := rep.Rebuild(ctx, replica.Options{Clock: rc, Now: now, ProgressEvery: 100 * time.Second,
		Progress: func(p replica.Progress) { got = append(got, p) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) < 3 {
		t.Fatalf("progress told %d times: %+v", len(got), got)
	}
	for i, p := range got[:len(got)-1] {
		if p.Done || p.Rooms != 1 || p.RoomsDone != 0 && p.Applied < n || p.Applied == 0 || p.Read < p.Applied || p.Rate <= 0 || p.Elapsed <= 0 {
			t.Fatalf("progress %d: %+v", i, p)
		}
		if i > 0 && p.Applied <= got[i-1].Applied {
			t.Fatalf("progress %d applied %d after %d", i, p.Applied, got[i-1].Applied)
		}
		if p.Left <= 0 {
			t.Fatalf("progress %d tells no time left: %+v", i, p)
		}
	}
	if last := got[len(got)-1]; !last.Done || last.RoomsDone != 1 || last.Read != n || last.Applied != n || last.Left != 0 {
		t.Fatalf("last progress: %+v", last)
	}
	lines := strings.Count(logged.String(), `"message":"Rebuilding the ledger"`)
	if lines != len(got) || !strings.Contains(logged.String(), `"applied":1000`) {
		t.Fatalf("%d progress lines logged for %d told:\n%s", lines, len(got), logged.String())
	}
}

// backwardOnly is a homeserver that refuses to page a timeline forward.
type backwardOnly struct{ *fakeClient }

func (b backwardOnly) Messages(ctx context.Context, room id.RoomID, from, to string, dir mautrix.Direction, f *mautrix.FilterPart, limit int) (*mautrix.RespMessages, error) {
	if dir == mautrix.DirectionForward {
		return nil, mautrix.MInvalidParam
	}
	return b.fakeClient.Messages(ctx, room, from, to, dir, f, limit)
}

// A homeserver that pages neither from an empty from nor from Dendrite's
// start token has each room read backward whole first: the same ledger.
func TestRebuildFromAServerThatPagesBackwardOnly(t *testing.T) {
	history := map[id.RoomID][]*event.Event{}
	gen := &generatedRoom{n: 250}
	for i := gen.n - 1; i >= 0; i-- {
		history[bigRoom] = append(history[bigRoom], gen.event(i))
	}
	rc := replica.NewReplayClock(ledger.NewManualClock(time.UnixMilli(rebuildStart + 10_000_000).UTC()))
	h := newBareHarness(t, rc, 1000)
	h.cli.timeline = history
	rep := replica.New(h.bot, botUser, backwardOnly{h.cli}, h.store, nil)
	report, err := rep.Rebuild(h.ctx, replica.Options{PageSize: 30, Clock: rc})
	if err != nil {
		t.Fatal(err)
	}
	if report.Events != gen.n || report.Rooms[0].Events != gen.n || len(report.Circles) != 1 {
		t.Fatalf("report: %+v", report)
	}
}
