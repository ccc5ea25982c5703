package bot

import (
	"context"
	"encoding/json"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/ledger"
)

// Relays. A member's action outside any circle room (in the direct chat
// with a bot: `sent` in reply to a notice, a status, a kassa share) is
// seen by that bot alone. So that every bot of the member's circles
// computes the same ledger, the bot records the op in each of the member's
// circles it answers in, as a record event (RecordType) carrying the op;
// the other bots apply it keyed by the original event, exactly as the
// relaying bot did. Like records of web actions, relays count only from a
// circle's answering bot.
//
// A record is an event of its own type, not a message: the room keeps it
// (the room is the record: followers, catch-up and rebuilds read it), but
// clients show no message of a type they do not know, so members are not
// told of every action taken in a direct chat. Rooms from before records
// hold the same as m.notice messages ("relay" in the Namespace part),
// which are still followed.

// RecordType is the event type of the bot's records of ops taken outside
// the circles: clients do not render it.
var RecordType = event.Type{Type: Namespace + ".record", Class: event.MessageEventType}

// record is the content of a RecordType event.
type record struct {
	// Body says in words what is recorded, in the circle's language: for
	// whoever reads the raw event, never shown by clients. It names no
	// member: push rules read a body for members' names.
	Body string `json:"body"`
	// Mentions is empty: the record mentions nobody (and on servers with
	// intentional mentions, the body is read for none).
	Mentions struct{} `json:"m.mentions"`
	// Kind is what happened: relay.op (an op taken in a direct chat),
	// relay.unreact (a reaction removed, which withdrew an intention),
	// relay.removed (a message removed whose op still counts).
	Kind string `json:"kind"`
	// Actor is the member who acted; Verb the command behind the op.
	Actor ledger.UserID `json:"actor"`
	Verb  ledger.Verb   `json:"verb"`
	// Need is the need the op is about, if any; Event the member's event
	// the op is keyed by.
	Need  ledger.NeedID  `json:"need,omitempty"`
	Event ledger.EventID `json:"event"`
	// Ops are what the other bots apply, as the recording bot applied
	// them (at most four).
	Ops []ledger.Op `json:"ops"`
	// Version is the content's version: 1.
	Version int `json:"version"`
}

// maxRecordOps bounds the ops one record may carry.
const maxRecordOps = 4

// relays is the bot's role of relaying ops from outside the circles, and
// following the relays of other bots. It acts in its bot's mode.
type relays struct{ b *Bot }

// relay records ops applied from outside the circles in each circle of
// their actor that this bot answers in; key names the notice's words.
func (r relays) relay(ctx context.Context, key string, ops ...ledger.Op) {
	b := r.b
	op := ops[0]
	if op.Actor == ledger.ClockActor {
		return
	}
	circles, err := b.ledger.Circles.Of(ctx, op.Actor)
	if err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Msg("Failed to list the circles to relay an op to")
		return
	}
	for _, cid := range circles {
		c, err := b.ledger.Circles.Get(ctx, cid)
		if err != nil || !(peers{b}).answers(ctx, id.RoomID(cid)) {
			continue
		}
		rec := record{Body: plain(text(c.Lang, key, opVerbs[op.Kind])), Kind: key, Actor: op.Actor,
			Verb: opVerbs[op.Kind], Need: op.Need, Event: op.Event, Ops: ops, Version: 1, Mentions: struct{}{}}
		b.enqueue(ctx, outgoing{room: id.RoomID(cid), typ: RecordType, content: rec})
	}
}

// unrelayable refuses an op a member makes outside the circles when this
// bot answers in none of the member's circles: its relay would reach none
// of them, and the bots there would never count it. Rebuilding decides the
// same as live.
func (r relays) unrelayable(ctx context.Context, actor ledger.UserID) error {
	b := r.b
	if !b.mode.outside || actor == ledger.ClockActor {
		return nil
	}
	circles, err := b.ledger.Circles.Of(ctx, actor)
	if err != nil {
		return nil
	}
	var other id.UserID
	for _, cid := range circles {
		c, err := b.ledger.Circles.Get(ctx, cid)
		if err != nil {
			continue
		}
		if (peers{b}).answerer(c) == b.cfg.UserID {
			return nil
		}
		if other == "" {
			other = peers{b}.answerer(c)
		}
	}
	if other == "" {
		return nil // in no circle: nobody else follows the member
	}
	return ledger.Errorf(ledger.EConflict, "relay.other_bot", other)
}

// followRecord applies the ops of a record event (RecordType) the
// answering bot of circle c posted there.
func (r relays) followRecord(ctx context.Context, c *ledger.Circle, evt *event.Event) error {
	var rec record
	if json.Unmarshal(evt.Content.VeryRaw, &rec) != nil {
		zerolog.Ctx(ctx).Warn().Str("event_id", evt.ID.String()).Msg("Ignored a malformed record")
		return nil
	}
	return r.followOps(ctx, c, rec.Ops)
}

// followRelay applies the ops of a relay in the form of rooms from before
// record events: an m.notice whose Namespace part is {"type": "relay",
// "data": {"ops": [...]}}.
func (r relays) followRelay(ctx context.Context, c *ledger.Circle, data map[string]any) error {
	raw, err := json.Marshal(data["ops"])
	if err != nil {
		return nil
	}
	var ops []ledger.Op
	if json.Unmarshal(raw, &ops) != nil {
		return nil
	}
	return r.followOps(ctx, c, ops)
}

// followOps applies the ops another bot recorded in circle c, silently,
// keyed by the member's original events; only ops of c's members count.
func (r relays) followOps(ctx context.Context, c *ledger.Circle, ops []ledger.Op) error {
	b := r.b
	if len(ops) > maxRecordOps {
		return nil
	}
	var err error
	for _, op := range ops {
		if op.Event == "" || op.Actor == "" || op.Kind == "" || op.Actor == ledger.ClockActor || !(peers{b}).inCircle(ctx, c.ID, op.Actor) {
			continue
		}
		var out *ledger.Outcome
		if op.Kind == ledger.OpLeave {
			// As the relaying bot applied it: the member is forgotten too.
			var d *ledger.Departure
			if d, err = b.ledger.Leave(ctx, op.Action()); err == nil {
				out = d.Outcome
			}
		} else {
			out, err = b.silently().apply(ctx, op)
		}
		if err != nil && ledger.ErrorCode(err) == ledger.EInternal {
			return err
		}
		if err == nil && out != nil {
			// The cards in the circles this bot answers show it (silent:
			// nothing else is sent).
			notices{b.silently()}.after(ctx, out)
		}
	}
	return nil
}
