package replica

import (
	"context"
	"time"

	"github.com/rs/zerolog"
)

// DefaultProgressEvery is how often a rebuild tells its progress.
const DefaultProgressEvery = 5 * time.Second

// Progress is how far a rebuild has got.
type Progress struct {
	// Rooms is how many rooms the bot is in; RoomsDone how many of them
	// have had their whole history replayed.
	Rooms, RoomsDone int
	// Read counts the events read from the homeserver; Applied those
	// replayed and recorded.
	Read, Applied int
	// Elapsed is the time since the rebuild began; Rate the events
	// applied per second meanwhile.
	Elapsed time.Duration
	Rate    float64
	// Left estimates the time still needed (0: not known yet), from how
	// far the replay has come between the first event's time and the
	// rebuild's start.
	Left time.Duration
	// Done is set on the last report, when every event is applied.
	Done bool
}

// progress counts a rebuild's work and tells it every opt.ProgressEvery
// (in the log, and to opt.Progress).
type progress struct {
	opt     Options
	now     func() time.Time
	began   time.Time
	next    time.Time
	firstTS int64 // the first event's origin_server_ts (0: none yet)
	lastTS  int64 // the last applied event's
	p       Progress
}

func newProgress(opt Options, rooms int) *progress {
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	t := now()
	return &progress{opt: opt, now: now, began: t, next: t.Add(opt.ProgressEvery), p: Progress{Rooms: rooms}}
}

// applied counts one event replayed, of time ts, and tells the progress
// when it is time to.
func (g *progress) applied(ctx context.Context, ts int64) {
	g.p.Applied++
	if g.firstTS == 0 {
		g.firstTS = ts
	}
	g.lastTS = max(g.lastTS, ts)
	if t := g.now(); !t.Before(g.next) {
		g.next = t.Add(g.opt.ProgressEvery)
		g.tell(ctx, t)
	}
}

// finish tells the last progress.
func (g *progress) finish(ctx context.Context) {
	g.p.Done = true
	g.tell(ctx, g.now())
}

// tell computes the rate and the time left at t, logs them and hands them
// to opt.Progress.
func (g *progress) tell(ctx context.Context, t time.Time) {
	p := &g.p
	p.Elapsed = t.Sub(g.began)
	p.Rate, p.Left = 0, 0
	if p.Elapsed > 0 {
		p.Rate = float64(p.Applied) / p.Elapsed.Seconds()
	}
	// The replay goes from the oldest event to the rebuild's start: the
	// share of that span done so far estimates the share of the work.
	span, done := g.began.UnixMilli()-g.firstTS, g.lastTS-g.firstTS
	if !p.Done && span > 0 && done > 0 && done < span && p.Elapsed > 0 {
		share := float64(done) / float64(span)
		p.Left = time.Duration(float64(p.Elapsed) * (1 - share) / share).Round(time.Second)
	}
	log := zerolog.Ctx(ctx).Info().Int("rooms_done", p.RoomsDone).Int("rooms", p.Rooms).Int("read", p.Read).
		Int("applied", p.Applied).Int("events_per_second", int(p.Rate)).Str("elapsed", p.Elapsed.Round(time.Second).String())
	if p.Left > 0 {
		log = log.Str("left", p.Left.String())
	}
	log.Msg("Rebuilding the ledger")
	if g.opt.Progress != nil {
		g.opt.Progress(*p)
	}
}
