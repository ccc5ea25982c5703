package replica

import (
	"context"
	"encoding/json"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix/id"
)

// Catching up. A bot that joins a circle another bot has answered in for a
// while must compute the same ledger: it reads the room's history (the
// homeserver lets a member read it back to when history became visible)
// and replays it silently, as a rebuild does for every room. Events it
// replays again later change nothing: every change is keyed by its event.

// CatchUp replays the history of the circles the bot joined since the last
// call, where another bot answers. The intake calls it between events
// (bot.CatchUp), once the handling that joined them is committed.
func (r *Replica) CatchUp(ctx context.Context) {
	for _, room := range r.bot.JoinedCircles() {
		r.catchUp(ctx, room)
	}
}

// catchUp replays the history of a circle the bot just joined, where
// another bot answers.
func (r *Replica) catchUp(ctx context.Context, room id.RoomID) {
	log := zerolog.Ctx(ctx).With().Str("room_id", room.String()).Logger()
	history, err := r.readHistory(ctx, room, Options{}.withDefaults())
	if err != nil {
		log.Warn().Err(err).Msg("Failed to read the history of a circle joined")
		return
	}
	// Each replayed event decides for itself whether it is from outside
	// the circles: the replaying bot's mode is fresh.
	rp := r.bot.Replaying()
	count := map[replayed]int{}
	for _, evt := range history {
		raw, err := json.Marshal(evt)
		if err != nil {
			continue
		}
		got, err := r.replay(ctx, rp, raw)
		count[got]++
		if got == failed {
			log.Debug().Err(err).Str("event_id", evt.ID.String()).Msg("A replayed event of a circle joined failed")
		}
	}
	log.Info().Int("events", count[handled]).Int("failed", count[failed]).Int("undecryptable", count[unreadable]).
		Msg("Caught up with the history of a circle joined")
}
