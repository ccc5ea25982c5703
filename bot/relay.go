package bot

import (
	"context"
	"encoding/json"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/ledger"
)

// Relays. A member's action outside any circle room (in the direct chat
// with a bot: `sent` in reply to a notice, a status, a kassa share) is
// seen by that bot alone. So that every bot of the member's circles
// computes the same ledger, the bot records the op in each of the member's
// circles it answers in, as a notice carrying the op; the other bots apply
// it keyed by the original event, exactly as the relaying bot did. Like
// records of web actions, relays count only from a circle's answering bot.

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
		md := text(c.Lang, key, op.Actor, opVerbs[op.Kind])
		b.send(ctx, id.RoomID(cid), message(md, "relay", map[string]any{"ops": ops}))
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

// followRelay applies the ops another bot relayed in circle c, silently,
// keyed by the member's original events; only ops of c's members count.
func (r relays) followRelay(ctx context.Context, c *ledger.Circle, data map[string]any) error {
	b := r.b
	raw, err := json.Marshal(data["ops"])
	if err != nil {
		return nil
	}
	var ops []ledger.Op
	if json.Unmarshal(raw, &ops) != nil || len(ops) > 4 {
		return nil
	}
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
