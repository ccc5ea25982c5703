package main

import (
	"context"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/bot/e2ee"
	"github.com/exodus-matrix/exodus/ledger"
)

// Several bots in one encrypted circle: the bot's device forwards room
// keys to the trusted bots (bot.trusted_bots) for the history of a circle
// both are in, and a catch-up asks them for the keys it lacks.

// peersOf are the trusted bots of the config as the device's peers: a
// room's keys go to (and come from) one of them when the room is a circle
// in the bot's ledger and both bots are joined to it.
func peersOf(cfg *Config, w *parts) e2ee.Peers {
	return e2ee.Peers{Bots: cfg.trusted, Share: func(ctx context.Context, room id.RoomID, bot id.UserID) bool {
		if _, err := w.svc.Circles.Get(ctx, ledger.CircleID(room)); err != nil {
			return false
		}
		return joined(ctx, w, room, w.intent.UserID) && joined(ctx, w, room, bot)
	}}
}

// joined reports whether user is joined to room: as the Matrix state
// store says, or else as the homeserver says (the store may not have the
// other bot's join yet: it arrives in a transaction, its key request by
// the device's /sync).
func joined(ctx context.Context, w *parts, room id.RoomID, user id.UserID) bool {
	if m, err := w.stateStore.GetMembership(ctx, room, user); err == nil && m == event.MembershipJoin {
		return true
	}
	var member event.MemberEventContent
	if err := w.intent.StateEvent(ctx, room, event.StateMember, user.String(), &member); err != nil {
		return false
	}
	return member.Membership == event.MembershipJoin
}
