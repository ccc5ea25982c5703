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

type outsideKey struct{}

// fromOutside marks ctx: the event being handled is in no circle room.
func fromOutside(ctx context.Context) context.Context {
	return context.WithValue(ctx, outsideKey{}, true)
}

// isFromOutside reports whether the event being handled is in no circle.
func isFromOutside(ctx context.Context) bool { return ctx.Value(outsideKey{}) != nil }

// relay records ops applied from outside the circles in each circle of
// their actor that this bot answers in; key names the notice's words.
func (b *Bot) relay(ctx context.Context, key string, ops ...ledger.Op) {
	op := ops[0]
	if op.Actor == ledger.ClockActor {
		return
	}
	circles, err := b.ledger.CirclesOf(ctx, op.Actor)
	if err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Msg("Failed to list the circles to relay an op to")
		return
	}
	for _, cid := range circles {
		c, err := b.ledger.Circle(ctx, cid)
		if err != nil || !b.answers(ctx, id.RoomID(cid)) {
			continue
		}
		md := text(c.Lang, key, op.Actor, opVerbs[op.Kind])
		b.send(ctx, id.RoomID(cid), message(md, "relay", map[string]any{"ops": ops}))
	}
}

// followRelay applies the ops another bot relayed, silently, keyed by the
// member's original events.
func (b *Bot) followRelay(ctx context.Context, data map[string]any) error {
	raw, err := json.Marshal(data["ops"])
	if err != nil {
		return nil
	}
	var ops []ledger.Op
	if json.Unmarshal(raw, &ops) != nil || len(ops) > 4 {
		return nil
	}
	for _, op := range ops {
		if op.Event == "" || op.Actor == "" || op.Kind == "" || op.Actor == ledger.ClockActor || b.IsBot(id.UserID(op.Actor)) {
			continue
		}
		_, err = b.apply(silently(ctx), op)
		if err != nil && ledger.ErrorCode(err) == ledger.EInternal {
			return err
		}
	}
	return nil
}
