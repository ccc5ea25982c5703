package replica_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"syscall"
	"testing"
	"time"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/bot/replica"
	"github.com/exodus-matrix/exodus/ledger"
)

// rebuildHistory is a circle room's history as /messages serves it (newest
// first): the circle's state naming the bot, the bot's join, members
// joining, a third of them going orange, and members' chatter and
// commands, n events in all.
func rebuildHistory(b *testing.B, n int) map[id.RoomID][]*event.Event {
	const room = id.RoomID("!bench:test")
	var evts []*event.Event
	ts := int64(rebuildStart)
	add := func(typ, sender string, stateKey *string, content map[string]any) {
		ts += 1000
		m := map[string]any{"event_id": fmt.Sprintf("$b%06d", len(evts)), "room_id": room, "sender": sender,
			"type": typ, "origin_server_ts": ts, "content": content}
		if stateKey != nil {
			m["state_key"] = *stateKey
		}
		raw, _ := json.Marshal(m)
		var evt event.Event
		if err := json.Unmarshal(raw, &evt); err != nil {
			b.Fatal(err)
		}
		evts = append(evts, &evt)
	}
	empty, bu := "", botUser
	add("org.exodus.circle", botUser, &empty, map[string]any{"name": "Bench", "pledge_minor": 10000, "currency": "EUR",
		"lang": "en", "owner": "@m0000:test", "answering_bot": botUser, "version": 1})
	add("m.room.member", botUser, &bu, map[string]any{"membership": "join"})
	members := max(n/5, 3)
	for i := range members {
		u := fmt.Sprintf("@m%04d:test", i)
		add("m.room.member", u, &u, map[string]any{"membership": "join"})
	}
	for i := 0; len(evts) < n; i++ {
		u := fmt.Sprintf("@m%04d:test", i%members)
		body := "hello, how are you?"
		if i < members/3 {
			body = "!ex status orange 100"
		} else if i%4 == 0 {
			body = "!ex list"
		}
		add("m.room.message", u, nil, map[string]any{"msgtype": "m.text", "body": body})
	}
	slices.Reverse(evts)
	return map[id.RoomID][]*event.Event{room: evts}
}

// BenchmarkRebuild replays a 2,000-event circle room into an empty ledger
// through Replica.Rebuild (paged /messages from a fake homeserver, real
// SQLite): the rate of a rebuild, in events per second.
func BenchmarkRebuild(b *testing.B) { benchRebuild(b, false) }

// BenchmarkRebuildOneByOne is BenchmarkRebuild replaying each event alone,
// as the rebuild did before it grouped the events at hand: its baseline.
func BenchmarkRebuildOneByOne(b *testing.B) { benchRebuild(b, true) }

func benchRebuild(b *testing.B, oneByOne bool) {
	const n = 2000
	history := rebuildHistory(b, n)
	// The homeserver's bytes of each event, encoded once as a homeserver
	// stores them (fakeClient.RawMessages): its work is not the rebuild's.
	raws := map[*event.Event]json.RawMessage{}
	for _, evt := range history["!bench:test"] {
		raws[evt], _ = json.Marshal(evt)
	}
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		rc := replica.NewReplayClock(ledger.NewManualClock(time.UnixMilli(rebuildStart + 10_000_000).UTC()))
		h := newBareHarness(b, rc, 1000)
		h.cli.timeline, h.cli.raw = history, raws
		opt := replica.Options{PageSize: 100, Clock: rc}
		if oneByOne {
			opt = replica.OneByOne(opt)
		}
		b.StartTimer()
		cpu0 := processCPU(b)
		report, err := h.replica.Rebuild(h.ctx, opt)
		cpu += processCPU(b) - cpu0
		if err != nil {
			b.Fatal(err)
		}
		if report.Events < n-10 {
			b.Fatalf("replayed %d of %d events", report.Events, n)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(cpu.Microseconds())/float64(n*b.N), "cpu-µs/event")
}

// processCPU is the CPU time (user and system) the process has used: on a
// machine shared with other work, the wall time of a rebuild includes the
// wait for a core, which this leaves out.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
