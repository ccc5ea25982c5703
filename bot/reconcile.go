package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/ledger"
)

// Reconciliation bounds: events read per page, pages per room and pass.
const (
	reconcilePage     = 50
	reconcileMaxPages = 5
)

// Reconcile heals what the homeserver did not push: it reads the recent
// timeline of every room with an open need card and records the events
// the bot has not seen (above all m.room.redaction, which Dendrite does not
// push to appservices, so a removed ❤️ would otherwise go unnoticed) in the
// inbox, where the worker handles them like pushed ones. Reading a room
// stops at the first page that holds nothing new.
func (in *Intake) Reconcile(ctx context.Context) (added int, err error) {
	rooms, err := in.bot.ledger.OpenCardRooms(ctx)
	if err != nil {
		return 0, fmt.Errorf("failed to list rooms with open cards: %w", err)
	}
	for _, room := range rooms {
		n, err := in.reconcileRoom(ctx, id.RoomID(room))
		if err != nil {
			zerolog.Ctx(ctx).Warn().Err(err).Str("room_id", string(room)).Msg("Failed to reconcile a room")
			continue
		}
		added += n
	}
	if added > 0 {
		in.Notify()
	}
	return added, nil
}

// reconcileRoom records the room's recent events the inbox lacks.
func (in *Intake) reconcileRoom(ctx context.Context, room id.RoomID) (int, error) {
	added, from := 0, ""
	for page := 0; page < reconcileMaxPages; page++ {
		resp, err := in.bot.cli.Messages(ctx, room, from, "", mautrix.DirectionBackward, nil, reconcilePage)
		if err != nil {
			return added, fmt.Errorf("failed to read the timeline: %w", err)
		}
		events := make([]ledger.InboxEvent, 0, len(resp.Chunk))
		now := in.clock.Now()
		for i := len(resp.Chunk) - 1; i >= 0; i-- { // oldest first
			evt := resp.Chunk[i]
			raw, err := json.Marshal(evt)
			if err != nil || evt.ID == "" {
				continue
			}
			events = append(events, ledger.InboxEvent{ID: ledger.EventID(evt.ID), Room: ledger.RoomID(room), Raw: raw, ReceivedAt: now})
		}
		n, err := in.inbox.Enqueue(ctx, events)
		if err != nil {
			return added, fmt.Errorf("failed to record events: %w", err)
		}
		added += n
		if n == 0 || resp.End == "" || len(resp.Chunk) < reconcilePage {
			break
		}
		from = resp.End
	}
	return added, nil
}

// RunReconcile reconciles every interval until ctx ends.
func (in *Intake) RunReconcile(ctx context.Context, interval time.Duration) error {
	if interval <= 0 {
		return nil
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
		if n, err := in.Reconcile(ctx); err != nil {
			zerolog.Ctx(ctx).Error().Err(err).Msg("Failed to reconcile rooms")
		} else if n > 0 {
			zerolog.Ctx(ctx).Info().Int("events", n).Msg("Recorded events found in the rooms")
		}
	}
}
