package bot

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"
)

// Dendrite 0.15.2 does not push to an appservice the invitations its users
// get over federation (its appservice consumer skips them), so a bot
// invited into a circle on another server would never hear of it. The bot
// heals from its own sync: FindInvites lists the rooms it is invited to
// and joins them as if the invitation had been pushed.

// invitesOnly is the /sync filter of FindInvites, inline (the spec lets
// a filter's JSON stand for its ID): an initial sync holds every joined
// room's state and recent timeline, which it leaves out, while the rooms
// the bot is invited to come whatever the filter. On a public homeserver
// a mode: bot account may be in many rooms.
const invitesOnly = `{"presence":{"not_types":["*"]},"account_data":{"not_types":["*"]},` +
	`"room":{"state":{"not_types":["*"]},"timeline":{"limit":0,"not_types":["*"]},` +
	`"ephemeral":{"not_types":["*"]},"account_data":{"not_types":["*"]}}}`

// FindInvites joins the rooms the bot is invited to and was not told of;
// it returns how many it joined. An invitation into a room the bot is in
// already is not acted on again, nor one it tried within the last hour;
// a join the homeserver refused (Dendrite refuses one made at once on an
// invitation over federation) is tried again after a pause that doubles
// with each refusal, from five seconds to an hour.
func (b *Bot) FindInvites(ctx context.Context) (int, error) {
	resp, err := b.cli.SyncRequest(ctx, 0, "", invitesOnly, false, event.PresenceOffline)
	if err != nil {
		return 0, fmt.Errorf("failed to sync for invitations: %w", err)
	}
	if len(resp.Rooms.Invite) == 0 {
		return 0, nil
	}
	joined, err := b.cli.JoinedRooms(ctx)
	if err != nil {
		return 0, fmt.Errorf("failed to list the rooms joined: %w", err)
	}
	n := 0
	for room, inv := range resp.Rooms.Invite {
		evt := inviteOf(b.cfg.UserID, room, inv.State.Events)
		if evt == nil || slices.Contains(joined.JoinedRooms, room) {
			continue
		}
		refused, ok := b.mayTry(room)
		if !ok {
			continue
		}
		log := zerolog.Ctx(ctx).Info().Str("room_id", room.String()).Str("inviter", evt.Sender.String())
		if refused > 0 {
			log.Int("refused", refused).Msg("Trying again to join a room the bot is invited to")
		} else {
			log.Msg("Found an invitation the homeserver did not push")
		}
		if err := acceptRoomInvite(ctx, b, evt, evt.Content.AsMember().IsDirect); err != nil {
			b.joinRefused(room)
			continue
		}
		n++
	}
	return n, nil
}

// inviteTry is when the bot may next try to join a room on an invitation
// it found, and how many joins of it were refused.
type inviteTry struct {
	next    time.Time
	refused int
}

// mayTry reports whether the bot may try to join a room on an invitation
// it found now, and notes that it tries: not again within the hour;
// refused is how many joins of it were refused before.
func (b *Bot) mayTry(room id.RoomID) (refused int, ok bool) {
	now := b.ledger.Now()
	b.mu.Lock()
	defer b.mu.Unlock()
	if try, ok := b.inviteTried[room]; ok && now.Before(try.next) {
		return 0, false
	}
	for r, try := range b.inviteTried {
		if now.Sub(try.next) >= time.Hour {
			delete(b.inviteTried, r)
		}
	}
	try := b.inviteTried[room]
	try.next = now.Add(time.Hour)
	b.inviteTried[room] = try
	return try.refused, true
}

// joinRefused notes a refused join: the next try comes after 5 s, 10 s,
// 20 s... up to an hour.
func (b *Bot) joinRefused(room id.RoomID) {
	now := b.ledger.Now()
	b.mu.Lock()
	defer b.mu.Unlock()
	try := b.inviteTried[room]
	try.refused++
	try.next = now.Add(min(5*time.Second<<min(try.refused-1, 20), time.Hour))
	b.inviteTried[room] = try
}

// inviteOf is the bot's (self's) own invite event among a room's invite
// state.
func inviteOf(self id.UserID, room id.RoomID, state []*event.Event) *event.Event {
	for _, evt := range state {
		if evt.Type != event.StateMember || evt.GetStateKey() != self.String() {
			continue
		}
		_ = evt.Content.ParseRaw(evt.Type)
		if evt.Content.AsMember().Membership != event.MembershipInvite {
			continue
		}
		evt.RoomID = room
		return evt
	}
	return nil
}
