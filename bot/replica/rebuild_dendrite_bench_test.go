package replica_test

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/bot/replica"
	"github.com/exodus-matrix/exodus/internal/devnet"
	"github.com/exodus-matrix/exodus/ledger"
)

// benchDendriteEnv turns on BenchmarkRebuildDendrite: it starts a real
// Dendrite and fills a room, a minute or two before the first iteration.
const benchDendriteEnv = "EXODUS_BENCH_DENDRITE"

// BenchmarkRebuildDendrite rebuilds a ledger from a real Dendrite v0.15.2
// serving a circle room of 3,000 events (pages of 100), and, interleaved in
// the same iterations, pages the same room's /messages as a plain client
// does (the baselines: no replay), backward (b) and forward (f, as the
// rebuild reads), and rebuilds it again replaying each event alone (the
// code before the events at hand were grouped in one transaction:
// x-one-by-one is the gain). It reports the rates and the rebuild's ratios
// to each, and the CPU time this process spent per event in each rebuild
// (Dendrite's own is not counted: the replay's share of the cores).
// Opt-in: EXODUS_BENCH_DENDRITE=1 (EXODUS_DENDRITE_BIN may point at built
// binaries).
func BenchmarkRebuildDendrite(b *testing.B) {
	if os.Getenv(benchDendriteEnv) == "" {
		b.Skipf("set %s=1 to run against a real Dendrite", benchDendriteEnv)
	}
	const n, page = 3000, 100
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	hs, err := devnet.Start(ctx, devnet.Options{Dir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = hs.Stop() })
	botAcc, room := fillDendriteRoom(ctx, b, hs, n)
	settle(ctx, b, botAcc.Client, room, page)
	var readTime, fwdTime time.Duration
	var times, cpus [2]time.Duration
	var read, fwd, iter int
	var counts [2]int
	for b.Loop() {
		b.StopTimer()
		rc := replica.NewReplayClock(ledger.NewManualClock(time.Now().Add(time.Hour).UTC()))
		rc2 := replica.NewReplayClock(ledger.NewManualClock(time.Now().Add(time.Hour).UTC()))
		h, h2 := newHarnessAs(b, rc, 100000, botAcc.ID), newHarnessAs(b, rc2, 100000, botAcc.ID)
		harnesses := [2]rebuildTarget{{h.ctx, replica.New(h.bot, botAcc.ID, botAcc.Client, h.store, nil)},
			{h2.ctx, replica.New(h2.bot, botAcc.ID, botAcc.Client, h2.store, nil)}}
		b.StartTimer()
		start := time.Now()
		got, err := pageAll(ctx, botAcc.Client, room, page, mautrix.DirectionBackward)
		if err != nil {
			b.Fatal(err)
		}
		readTime += time.Since(start)
		read += got
		start = time.Now()
		got, err = pageAll(ctx, botAcc.Client, room, page, mautrix.DirectionForward)
		if err != nil {
			b.Fatal(err)
		}
		fwdTime += time.Since(start)
		fwd += got
		// The rebuild, and the same one replaying each event alone (the
		// code before the events at hand were grouped: its baseline), in
		// alternating order.
		opts := []replica.Options{{PageSize: page, Clock: rc}, replica.OneByOne(replica.Options{PageSize: page, Clock: rc2})}
		for k := range 2 {
			which := (iter + k) % 2
			start, cpu0 := time.Now(), processCPU(b)
			events := rebuildOnce(b, harnesses[which], opts[which], n)
			times[which] += time.Since(start)
			cpus[which] += processCPU(b) - cpu0
			counts[which] += events
		}
		iter++
	}
	plain, forward := float64(read)/readTime.Seconds(), float64(fwd)/fwdTime.Seconds()
	rate, alone := float64(counts[0])/times[0].Seconds(), float64(counts[1])/times[1].Seconds()
	b.ReportMetric(plain, "pages-b-events/s")
	b.ReportMetric(forward, "pages-f-events/s")
	b.ReportMetric(rate, "rebuild-events/s")
	b.ReportMetric(rate/plain, "ratio-b")
	b.ReportMetric(rate/forward, "ratio-f")
	b.ReportMetric(alone, "one-by-one-events/s")
	b.ReportMetric(rate/alone, "x-one-by-one")
	b.ReportMetric(float64(cpus[0].Microseconds())/float64(counts[0]), "rebuild-cpu-µs/event")
	b.ReportMetric(float64(cpus[1].Microseconds())/float64(counts[1]), "one-by-one-cpu-µs/event")
}

// rebuildOnce rebuilds h's empty ledger with opt and returns how many
// events the room held.
func rebuildOnce(b *testing.B, h rebuildTarget, opt replica.Options, n int) int {
	report, err := h.rep.Rebuild(zerolog.New(os.Stderr).Level(zerolog.WarnLevel).WithContext(h.ctx), opt)
	if err != nil {
		b.Fatal(err)
	}
	if report.Events < n/2 {
		b.Fatalf("replayed %d of %d events (%+v)", report.Events, n, report)
	}
	return report.Rooms[0].Events
}

// rebuildTarget is an empty ledger and the replica that rebuilds it.
type rebuildTarget struct {
	ctx context.Context
	rep *replica.Replica
}

// settle waits until Dendrite serves the whole room (its sync API reads
// the room server's events asynchronously) and has served it twice.
func settle(ctx context.Context, b *testing.B, cli *mautrix.Client, room id.RoomID, page int) {
	last := -1
	for {
		got, err := pageAll(ctx, cli, room, page, mautrix.DirectionBackward)
		if err != nil {
			b.Fatal(err)
		}
		if got == last {
			return
		}
		last = got
		time.Sleep(2 * time.Second)
	}
}

// pageAll reads a room's whole timeline back to its creation as a plain
// client does (dir: backward from the newest event, as a client scrolls
// up, or forward from the room's start), and returns how many events it
// read.
func pageAll(ctx context.Context, cli *mautrix.Client, room id.RoomID, limit int, dir mautrix.Direction) (int, error) {
	n, from := 0, ""
	if dir == mautrix.DirectionForward {
		from = "t0_0" // Dendrite's start of the timeline (it refuses an empty from)
	}
	for {
		resp, err := cli.Messages(ctx, room, from, "", dir, nil, limit)
		if err != nil {
			return n, err
		}
		n += len(resp.Chunk)
		if resp.End == "" || resp.End == from || len(resp.Chunk) == 0 {
			return n, nil
		}
		from = resp.End
	}
}

// fillDendriteRoom makes a circle room on hs answered by a bot account,
// with members joining, a third of them going orange, commands and
// chatter: about n events in all.
func fillDendriteRoom(ctx context.Context, b *testing.B, hs *devnet.Homeserver, n int) (*devnet.User, id.RoomID) {
	botAcc, err := hs.Register(ctx, "exodus", "exodus-password")
	if err != nil {
		b.Fatal(err)
	}
	const members = 12
	users := make([]*devnet.User, members)
	invite := make([]id.UserID, members)
	for i := range users {
		if users[i], err = hs.Register(ctx, fmt.Sprintf("m%02d", i), "member-password"); err != nil {
			b.Fatal(err)
		}
		invite[i] = users[i].ID
	}
	room, err := botAcc.CreateRoom(ctx, "Bench", invite, false)
	if err != nil {
		b.Fatal(err)
	}
	_, err = botAcc.Client.SendStateEvent(ctx, room, event.NewEventType("org.exodus.circle"), "", map[string]any{
		"name": "Bench", "pledge_minor": 10000, "currency": "EUR", "lang": "en", "owner": users[0].ID,
		"answering_bot": botAcc.ID, "version": 1})
	if err != nil {
		b.Fatal(err)
	}
	for _, u := range users {
		if err := u.Join(ctx, room); err != nil {
			b.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, members)
	per := (n - 3*members) / members
	for i, u := range users {
		wg.Go(func() {
			for j := range per {
				body := "hello, how are you?"
				switch {
				case j == 0 && i%3 == 0:
					body = "!ex status orange 100"
				case j%4 == 0:
					body = "!ex list"
				}
				if _, err := u.Send(ctx, room, body); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		b.Fatal(err)
	}
	return botAcc, room
}
