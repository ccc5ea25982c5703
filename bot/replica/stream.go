package replica

import (
	"container/heap"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"
)

// Streaming the rooms' history. A rebuild reads each room's timeline
// forward from the room's creation (/messages with dir=f and no from
// token; Dendrite's own token for the start where it refuses that), one
// page at a time, and merges the rooms' pages in canonical
// order as they come: the next page of a room is fetched while the
// current one is replayed, and no more than two pages of a room (the one
// replayed and the one fetched) are held at once. A homeserver that does
// not page forward from the start has the room read backward whole first,
// as before.

// dendriteStart is Dendrite's token for the start of a room's timeline.
const dendriteStart = "t0_0"

// page is one page of a room's history, oldest first, or the error that
// ended the reading.
type page struct {
	events []*histEvent
	err    error
}

// stream is one room's history as the merge reads it.
type stream struct {
	room  id.RoomID
	index int         // the room's place in the report
	pages <-chan page // closed after the last page
	head  []*histEvent
	read  int // events received so far
}

// streams reads the rooms' histories: a goroutine per room, at most
// fetchers requests at once. Stop them with stop (cancelling their
// context) before returning.
type streams struct {
	r        *Replica
	opt      Options
	sem      chan struct{}
	wg       sync.WaitGroup
	cancel   context.CancelFunc
	all      []*stream
	fallback int // rooms read backward whole (no forward paging)
	mu       sync.Mutex
}

// openStreams starts reading every room's history forward.
func (r *Replica) openStreams(ctx context.Context, rooms []id.RoomID, opt Options) *streams {
	ctx, cancel := context.WithCancel(ctx)
	s := &streams{r: r, opt: opt, sem: make(chan struct{}, max(opt.Fetchers, 1)), cancel: cancel}
	for i, room := range rooms {
		ch := make(chan page)
		s.all = append(s.all, &stream{room: room, index: i, pages: ch})
		s.wg.Go(func() { s.fetch(ctx, room, ch) })
	}
	return s
}

// openMemory streams histories read whole beforehand (each oldest first,
// parsed).
func openMemory(rooms []id.RoomID, histories [][]*histEvent, pageSize int) *streams {
	s := &streams{cancel: func() {}}
	for i, room := range rooms {
		ch := make(chan page, len(histories[i])/pageSize+1)
		for h := histories[i]; len(h) > 0; h = h[min(pageSize, len(h)):] {
			ch <- page{events: h[:min(pageSize, len(h))]}
		}
		close(ch)
		s.all = append(s.all, &stream{room: room, index: i, pages: ch})
	}
	return s
}

// stop ends the reading and waits for the goroutines.
func (s *streams) stop() {
	s.cancel()
	s.wg.Wait()
}

// fetch reads room's history forward, page by page, into out, dropping an
// event a page repeats from the page before.
func (s *streams) fetch(ctx context.Context, room id.RoomID, out chan<- page) {
	defer close(out)
	send := func(p page) bool {
		select {
		case out <- p:
			return true
		case <-ctx.Done():
			return false
		}
	}
	var prev map[id.EventID]bool
	from := ""
	for {
		chunk, end, err := s.request(ctx, room, from)
		if err != nil && from == "" {
			// Dendrite (v0.15.2) refuses the empty from it means to
			// accept (its start token prints as ""): ask with that token.
			from = dendriteStart
			chunk, end, err = s.request(ctx, room, from)
		}
		if err != nil && from == dendriteStart {
			s.readBackward(ctx, room, err, send)
			return
		}
		if err != nil {
			send(page{err: fmt.Errorf("failed to read the history of %s: %w", room, err)})
			return
		}
		events, ids := make([]*histEvent, 0, len(chunk)), make(map[id.EventID]bool, len(chunk))
		for _, raw := range chunk {
			evt, err := parseHistory(room, raw)
			if err != nil {
				send(page{err: err})
				return
			}
			if evt.ID == "" || prev[evt.ID] || ids[evt.ID] {
				continue
			}
			ids[evt.ID] = true
			events = append(events, evt)
		}
		prev = ids
		if len(events) > 0 && !send(page{events: events}) {
			return
		}
		if end == "" || end == from || len(chunk) == 0 {
			return
		}
		from = end
	}
}

// request asks for the page of room's history after from (the start when
// empty), as its events' bytes, holding one of the fetchers' places
// meanwhile.
func (s *streams) request(ctx context.Context, room id.RoomID, from string) ([]json.RawMessage, string, error) {
	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, "", ctx.Err()
	}
	defer func() { <-s.sem }()
	return s.r.rawMessages(ctx, room, from, mautrix.DirectionForward, s.opt.PageSize)
}

// readBackward reads room's history backward whole (the homeserver would
// not page it forward from its start: why) and sends it in pages.
func (s *streams) readBackward(ctx context.Context, room id.RoomID, why error, send func(page) bool) {
	zerolog.Ctx(ctx).Warn().Err(why).Str("room_id", room.String()).
		Msg("The homeserver does not page a room's history forward from its start; reading it backward whole")
	s.mu.Lock()
	s.fallback++
	s.mu.Unlock()
	history, err := s.r.readHistory(ctx, room, s.opt)
	if err != nil {
		send(page{err: err})
		return
	}
	events, err := parsed(room, history)
	if err != nil {
		send(page{err: err})
		return
	}
	for h := events; len(h) > 0; h = h[min(s.opt.PageSize, len(h)):] {
		if !send(page{events: h[:min(s.opt.PageSize, len(h))]}) {
			return
		}
	}
}

// merger yields the rooms' events in canonical order: the earliest head
// by (origin_server_ts, event ID) comes next; within a room the
// homeserver's order is kept.
type merger struct {
	heads heads
	// read counts the events received.
	read int
	// done is called with each room whose history has all been yielded.
	done func(*stream)
}

// start receives every room's first page.
func (m *merger) start(all []*stream) error {
	for _, s := range all {
		if err := m.refill(s); err != nil {
			return err
		}
	}
	heap.Init(&m.heads)
	return nil
}

// refill receives s's next page and keeps s among the heads while it has
// events left.
func (m *merger) refill(s *stream) error {
	for len(s.head) == 0 {
		p, ok := <-s.pages
		if !ok {
			m.done(s)
			return nil
		}
		if p.err != nil {
			return p.err
		}
		s.head = p.events
		s.read += len(p.events)
		m.read += len(p.events)
	}
	m.heads = append(m.heads, s)
	return nil
}

// next returns the next event in canonical order (nil: no more).
func (m *merger) next() (*histEvent, error) {
	if len(m.heads) == 0 {
		return nil, nil
	}
	s := m.heads[0]
	evt := s.head[0]
	s.head = s.head[1:]
	if len(s.head) > 0 {
		heap.Fix(&m.heads, 0)
		return evt, nil
	}
	heap.Pop(&m.heads)
	if err := m.refill(s); err != nil {
		return nil, err
	}
	if n := len(m.heads); n > 0 && m.heads[n-1] == s {
		heap.Fix(&m.heads, n-1)
	}
	return evt, nil
}

// ready returns the event next would return if it is at hand, without
// waiting for a page (nil otherwise): the earliest head has another event
// after it, so taking this one does not receive the room's next page.
func (m *merger) ready() *histEvent {
	if len(m.heads) == 0 || len(m.heads[0].head) < 2 {
		return nil
	}
	return m.heads[0].head[0]
}

// heads is a heap of the rooms' streams by their first event.
type heads []*stream

func (h heads) Len() int { return len(h) }
func (h heads) Less(i, j int) bool {
	a, b := h[i].head[0], h[j].head[0]
	if a.Timestamp != b.Timestamp {
		return a.Timestamp < b.Timestamp
	}
	return a.ID < b.ID
}
func (h heads) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *heads) Push(x any)   { *h = append(*h, x.(*stream)) }
func (h *heads) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// readHistory reads a room's whole timeline backward, oldest event first,
// failing when it holds more than opt.MaxEventsPerRoom (when set).
func (r *Replica) readHistory(ctx context.Context, room id.RoomID, opt Options) ([]*event.Event, error) {
	log := zerolog.Ctx(ctx)
	var events []*event.Event // newest first
	seen := map[id.EventID]bool{}
	from := ""
	for n := 1; ; n++ {
		resp, err := r.cli.Messages(ctx, room, from, "", mautrix.DirectionBackward, nil, opt.PageSize)
		if err != nil {
			return nil, fmt.Errorf("failed to read the history of %s: %w", room, err)
		}
		for _, evt := range resp.Chunk {
			if evt == nil || evt.ID == "" || seen[evt.ID] {
				continue
			}
			seen[evt.ID] = true
			if evt.RoomID == "" {
				evt.RoomID = room
			}
			events = append(events, evt)
		}
		if opt.MaxEventsPerRoom > 0 && len(events) > opt.MaxEventsPerRoom {
			return nil, fmt.Errorf("failed to rebuild: %s holds more than %d events (raise the limit, or set none)", room, opt.MaxEventsPerRoom)
		}
		if n%50 == 0 {
			log.Info().Str("room_id", room.String()).Int("events", len(events)).Msg("Reading a room's history")
		}
		if resp.End == "" || resp.End == from || len(resp.Chunk) == 0 {
			break
		}
		from = resp.End
	}
	slices.Reverse(events)
	return events, nil
}
