package bot

import (
	"bytes"
	"encoding/json"
	"sync"
	"time"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/ledger"
)

// maxParsed bounds the events kept parsed between the PUT that recorded
// them and the worker that handles them; past it, the worker parses the
// inbox's row as it does after a restart.
const maxParsed = 4096

// parsedEvents are events parsed at the PUT, each the parse of exactly the
// bytes its inbox row holds, handed to the worker so that it does not
// parse them again. The inbox's row stays the record: an event is taken at
// most once (take removes it), so a run taken back, a restart or an event
// never offered here is parsed from its row as before. Safe for
// concurrent use.
type parsedEvents struct {
	mu sync.Mutex
	m  map[ledger.EventID]parsedEvent
}

// parsedEvent is an event parsed and the bytes it was parsed from.
type parsedEvent struct {
	raw []byte
	evt *event.Event
}

// offer keeps evt, parsed from raw, under id unless one is kept there
// already or the bound is reached, and reports whether it did.
func (p *parsedEvents) offer(id ledger.EventID, raw []byte, evt *event.Event) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.m == nil {
		p.m = map[ledger.EventID]parsedEvent{}
	}
	if _, ok := p.m[id]; ok || len(p.m) >= maxParsed {
		return false
	}
	p.m[id] = parsedEvent{raw: raw, evt: evt}
	return true
}

// take returns the event kept parsed under id and forgets it; nil if none
// is, or if the one kept was not parsed from exactly raw (the inbox row's
// bytes), which is forgotten too.
func (p *parsedEvents) take(id ledger.EventID, raw []byte) *event.Event {
	p.mu.Lock()
	defer p.mu.Unlock()
	pe, ok := p.m[id]
	if !ok {
		return nil
	}
	delete(p.m, id)
	if !bytes.Equal(pe.raw, raw) {
		return nil
	}
	return pe.evt
}

// drop forgets the events kept under ids.
func (p *parsedEvents) drop(ids []ledger.EventID) {
	if len(ids) == 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, id := range ids {
		delete(p.m, id)
	}
}

// len is how many events are kept parsed.
func (p *parsedEvents) len() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.m)
}

// recorded is what the PUT records of a transaction's events: their inbox
// records and types, the encryption and membership events among them, and
// the IDs of the events it offered parsed to the worker.
type recorded struct {
	events              []ledger.InboxEvent
	types               []string
	encryption, members []json.RawMessage
	offered             []ledger.EventID
}

// recordOf reads a transaction's events, received at now. Each is parsed
// in full once: a plain event (neither membership nor encrypted, nor the
// bot's own message, recorded without its content) is offered parsed to
// the worker; an event that does not parse in full is recorded from its
// head as before, and parsed (and refused) by the worker.
func (in *Intake) recordOf(raws []json.RawMessage, now time.Time) recorded {
	rec := recorded{events: make([]ledger.InboxEvent, 0, len(raws)), types: make([]string, 0, len(raws))}
	self := in.bot.cfg.UserID
	for _, raw := range raws {
		ie, typ, evt := parsedInboxEvent(self, raw, now)
		if ie.ID == "" {
			continue
		}
		rec.events = append(rec.events, ie)
		rec.types = append(rec.types, in.bot.EventLabel(typ))
		switch {
		case typ == event.StateEncryption.Type:
			rec.encryption = append(rec.encryption, raw)
		case typ == event.StateMember.Type:
			rec.members = append(rec.members, raw)
		case evt != nil && typ != event.EventEncrypted.Type && in.parsed.offer(ie.ID, ie.Raw, evt):
			rec.offered = append(rec.offered, ie.ID)
		}
	}
	return rec
}

// parsedInboxEvent is typedInboxEvent from a full parse of raw, and the
// parsed event when it may be handed to the worker (nil for the bot's own
// messages, recorded without their content, and for an event that does
// not parse in full, recorded from its head as typedInboxEvent does).
func parsedInboxEvent(self id.UserID, raw json.RawMessage, at time.Time) (ledger.InboxEvent, string, *event.Event) {
	evt, err := ParseEvent(raw)
	if err != nil || evt.ID == "" {
		ie, typ := typedInboxEvent(self, raw, at)
		return ie, typ, nil
	}
	if evt.Sender == self && evt.StateKey == nil {
		head := eventHead{ID: string(evt.ID), RoomID: string(evt.RoomID), Sender: string(evt.Sender),
			Type: evt.Type.Type, Timestamp: evt.Timestamp, Content: json.RawMessage("{}")}
		stripped, _ := json.Marshal(head)
		return ledger.InboxEvent{ID: ledger.EventID(evt.ID), Room: ledger.RoomID(evt.RoomID), Raw: stripped, ReceivedAt: at}, evt.Type.Type, nil
	}
	return ledger.InboxEvent{ID: ledger.EventID(evt.ID), Room: ledger.RoomID(evt.RoomID), Raw: raw, ReceivedAt: at}, evt.Type.Type, evt
}
