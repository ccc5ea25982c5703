package bot

import (
	"context"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/ledger"
)

// The circle's roles in chat: `owner @user` hands the circle over,
// `coowner @user` and `demote @user` name and dismiss a co-owner, `remove
// @user` takes a member out (ledger/circle_roles.go holds who may). Each
// change is published in the circle's state event (owner, co_owners), so
// that other bots and a rebuild know it, and reflected in the room's power
// levels when the bot may change them: the owner and co-owners get the
// moderator level, never the level that may change the power levels.

// cmdOwner hands the circle over to another member.
func cmdOwner(ctx context.Context, b *Bot, r *request) error {
	c, err := b.ledger.Circles.HandOver(ctx, r.act, r.circle.ID, r.cmd.User)
	if err != nil {
		return err
	}
	roomRoles{b}.publish(ctx, c)
	roomRoles{b}.setLevel(ctx, id.RoomID(c.ID), idOf(c.Owner), true)
	b.replyText(ctx, r, "roles.handed_over", c.Owner, c.Name, r.act.Actor)
	roomRoles{b}.tell(ctx, c.Owner, "roles.you_own", r.act.Actor, c.Name, b.cfg.Prefix)
	return nil
}

// cmdCoOwner names a co-owner.
func cmdCoOwner(ctx context.Context, b *Bot, r *request) error {
	return setCoOwner(ctx, b, r, true)
}

// cmdDemote dismisses a co-owner, who stays a member.
func cmdDemote(ctx context.Context, b *Bot, r *request) error {
	return setCoOwner(ctx, b, r, false)
}

func setCoOwner(ctx context.Context, b *Bot, r *request, on bool) error {
	if err := b.ledger.Circles.SetCoOwner(ctx, r.act, r.circle.ID, r.cmd.User, on); err != nil {
		return err
	}
	roomRoles{b}.publish(ctx, r.circle)
	roomRoles{b}.setLevel(ctx, r.evt.RoomID, idOf(r.cmd.User), on)
	said, told := "roles.demoted", "roles.you_demoted"
	if on {
		said, told = "roles.coowner_named", "roles.you_coowner"
	}
	b.replyText(ctx, r, said, r.cmd.User, r.circle.Name)
	roomRoles{b}.tell(ctx, r.cmd.User, told, r.act.Actor, r.circle.Name, b.cfg.Prefix)
	return nil
}

// cmdRemove takes a member out of the circle: they are told in their
// direct chat and kicked from the room when the bot may; their promises
// stay. Their kassa maximum and pending shares go as when leaving the
// room (an op keyed by the command, so that it counts even when the bot
// cannot kick).
func cmdRemove(ctx context.Context, b *Bot, r *request) error {
	u := r.cmd.User
	if err := b.ledger.Circles.Remove(ctx, r.act, r.circle.ID, u); err != nil {
		return err
	}
	op := ledger.Op{Kind: ledger.OpLeaveCircle, Event: r.act.Event + ":removed", Actor: u, At: r.act.At, Circle: r.circle.ID}
	if _, err := b.apply(ctx, op); err != nil && !ledger.IsDuplicate(err) && ledger.ErrorCode(err) == ledger.EInternal {
		return err
	}
	rr := roomRoles{b}
	rr.publish(ctx, r.circle) // a co-owner removed is one no longer
	rr.setLevel(ctx, r.evt.RoomID, idOf(u), false)
	key := "roles.removed"
	if !rr.kick(ctx, r.evt.RoomID, idOf(u), plain(text(r.circle.Lang, "roles.kick_reason", r.act.Actor))) {
		key = "roles.removed_in_room"
	}
	b.replyText(ctx, r, key, u, r.circle.Name)
	rr.tell(ctx, u, "roles.you_removed", r.act.Actor, r.circle.Name)
	return nil
}

// readmit lifts a removal when an owner or a co-owner invites the member
// again (a Matrix invitation, or `invite` typed by them).
func readmit(ctx context.Context, b *Bot, room id.RoomID, by, u ledger.UserID) {
	if _, err := b.ledger.Circles.Readmit(ctx, ledger.CircleID(room), by, u); err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Msg("Failed to lift a member's removal")
	}
}

// roomRoles is the Matrix side of the circle's roles: its state event, the
// room's power levels, kicks and telling the members concerned. It acts
// in its bot's mode (nothing while rebuilding; silent, only in circles
// this bot answers).
type roomRoles struct{ b *Bot }

// publish writes the circle's state event with its roles (best effort).
func (rr roomRoles) publish(ctx context.Context, c *ledger.Circle) {
	b := rr.b
	fresh, err := b.ledger.Circles.Get(ctx, c.ID)
	if err != nil {
		return
	}
	if _, err := b.cli.SendStateEvent(ctx, id.RoomID(c.ID), CircleStateType, "", b.circleStateOf(ctx, fresh)); err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Msg("Failed to publish the circle state event")
	}
}

// tell sends a member a catalogue message about their role in their
// direct chat, in their language (never muted: it changes what they may
// do).
func (rr roomRoles) tell(ctx context.Context, to ledger.UserID, key string, args ...any) {
	b := rr.b
	l := b.ledger.Members.LangOf(ctx, to)
	b.sendDirect(ctx, idOf(to), message(text(l, key, args...), key, nil))
}

// setLevel gives u the moderator level (on) or takes back the level the
// bot gave (off: only a moderator level, never one set higher by others),
// if the bot may: never the level that may change the power levels.
func (rr roomRoles) setLevel(ctx context.Context, room id.RoomID, u id.UserID, on bool) {
	b := rr.b
	if !b.mayWrite(ctx, room) {
		return
	}
	var pl event.PowerLevelsEventContent
	if err := b.cli.StateEvent(ctx, room, event.StatePowerLevels, "", &pl); err != nil {
		return
	}
	plLevel := pl.GetEventLevel(event.StatePowerLevels)
	if pl.GetUserLevel(b.cfg.UserID) < plLevel {
		zerolog.Ctx(ctx).Info().Str("room_id", room.String()).Msg("No power to change a circle member's power level")
		return
	}
	want, have := min(moderatorLevel, plLevel-1), pl.GetUserLevel(u)
	switch {
	case on && have < want && want > pl.UsersDefault:
		pl.SetUserLevel(u, want)
	case !on && have == want && want > pl.UsersDefault:
		pl.SetUserLevel(u, pl.UsersDefault)
	default:
		return
	}
	if _, err := b.cli.SendStateEvent(ctx, room, event.StatePowerLevels, "", &pl); err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Msg("Failed to change a circle member's power level")
	}
}

// kicker is a client that may kick: mautrix's (an account's); an
// appservice's intent takes extra content too (intentKicker). A client
// that is neither (a test's) may not.
type kicker interface {
	KickUser(ctx context.Context, roomID id.RoomID, req *mautrix.ReqKickUser) (*mautrix.RespKickUser, error)
}

// intentKicker is the appservice intent's kick.
type intentKicker interface {
	KickUser(ctx context.Context, roomID id.RoomID, req *mautrix.ReqKickUser, extra ...map[string]any) (*mautrix.RespKickUser, error)
}

// kickWith kicks through cli if it may; ok says whether it could try.
func kickWith(ctx context.Context, cli Client, room id.RoomID, req *mautrix.ReqKickUser) (ok bool, err error) {
	switch k := cli.(type) {
	case intentKicker:
		_, err = k.KickUser(ctx, room, req)
	case kicker:
		_, err = k.KickUser(ctx, room, req)
	default:
		return false, nil
	}
	return true, err
}

// kick takes u out of the room, and reports whether it did (or, in a mode
// that writes nothing, whether it had nothing to do).
func (rr roomRoles) kick(ctx context.Context, room id.RoomID, u id.UserID, reason string) bool {
	b := rr.b
	if !b.mayWrite(ctx, room) {
		return true // another bot, or the history, does it
	}
	ok, err := kickWith(ctx, b.raw, room, &mautrix.ReqKickUser{UserID: u, Reason: reason})
	if err != nil {
		zerolog.Ctx(ctx).Info().Err(err).Msg("Could not kick a member removed from a circle")
	}
	return ok && err == nil
}

// coOwners are the co-owners a circle state names (nil: it names none,
// which leaves them as they are).
func (st *circleState) coOwners() []ledger.UserID {
	if st.CoOwners == nil {
		return nil
	}
	out := make([]ledger.UserID, 0, len(*st.CoOwners))
	for _, u := range *st.CoOwners {
		if uid, err := ledger.ParseUserID(u); err == nil {
			out = append(out, uid)
		}
	}
	return out
}
