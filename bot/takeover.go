package bot

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/ledger"
)

// Taking over. When the bot answering in a circle leaves its room, or a
// member's command there goes unanswered for Config.TakeoverAfter, the
// other bots in the room apply one deterministic rule: the bot with the
// smallest user ID among them (the silent one excluded) takes over. It
// names itself in the circle's state event and says so in the room; every
// bot, the old one too when it is back, follows the new state.

// takeovers is the bot's role of noticing an answering bot that stopped
// and taking over from it. It acts in its bot's mode.
type takeovers struct{ b *Bot }

// markUnanswered notes that a member addressed the bot in a circle another
// bot answers in: if that bot says nothing for TakeoverAfter, it has
// stopped answering.
func (t takeovers) markUnanswered(room id.RoomID) {
	b := t.b
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.unanswered[room]; !ok {
		b.unanswered[room] = b.ledger.Now()
	}
}

// markAnswered notes that the answering bot spoke in a room.
func (t takeovers) markAnswered(room id.RoomID) {
	b := t.b
	b.mu.Lock()
	delete(b.unanswered, room)
	b.mu.Unlock()
}

// CheckTakeovers takes over the circles whose answering bot has left
// unanswered commands for TakeoverAfter, where the rule picks this bot
// (replica.RunTakeovers calls it on a clock of its own).
func (b *Bot) CheckTakeovers(ctx context.Context) {
	now := b.ledger.Now()
	var due []id.RoomID
	b.mu.Lock()
	for room, since := range b.unanswered {
		if now.Sub(since) >= b.cfg.TakeoverAfter {
			due = append(due, room)
		}
	}
	b.mu.Unlock()
	for _, room := range due {
		c, err := b.ledger.Circles.Get(ctx, ledger.CircleID(room))
		if err != nil || (peers{b}).answers(ctx, room) {
			takeovers{b}.markAnswered(room)
			continue
		}
		takeovers{b}.takeOver(ctx, c, "circle.takeover_silent")
	}
}

// botMembership follows a bot joining or leaving a circle: the answering
// bot gives a joining bot the power to name itself in the circle's state
// (so it can take over one day); when the answering bot leaves, the rule
// picks who takes over at once.
func (t takeovers) botMembership(ctx context.Context, evt *event.Event) error {
	b := t.b
	target := id.UserID(evt.GetStateKey())
	c, err := b.ledger.Circles.Get(ctx, ledger.CircleID(evt.RoomID))
	if err != nil || target == b.cfg.UserID {
		return nil
	}
	switch evt.Content.AsMember().Membership {
	case event.MembershipJoin:
		if (peers{b}).answers(ctx, evt.RoomID) && !b.mode.rebuilding {
			t.grantStatePower(ctx, evt.RoomID, target)
		}
	case event.MembershipLeave, event.MembershipBan:
		if target == (peers{b}).answerer(c) && !b.mode.rebuilding {
			t.takeOver(ctx, c, "circle.takeover_left")
		}
	}
	return nil
}

// grantStatePower raises a trusted bot to the power level of the circle's
// state event, if this bot may. No bot is ever given a level that lets it
// rewrite the power levels: where the circle's state needs that much (a
// circle made before this rule), the state's level is lowered below it in
// the same change.
func (t takeovers) grantStatePower(ctx context.Context, room id.RoomID, bot id.UserID) {
	b := t.b
	if !b.trusted(bot) {
		return
	}
	var pl event.PowerLevelsEventContent
	if err := b.cli.StateEvent(ctx, room, event.StatePowerLevels, "", &pl); err != nil {
		return
	}
	plLevel := pl.GetEventLevel(event.StatePowerLevels)
	need := pl.GetEventLevel(CircleStateType)
	if pl.GetUserLevel(b.cfg.UserID) < max(need, plLevel) {
		return
	}
	lowered := need >= plLevel
	if lowered {
		if need = plLevel - 10; need <= pl.UsersDefault {
			return // no level between the members' and the power levels' own
		}
		pl.SetEventLevel(CircleStateType, need)
	}
	switch {
	case pl.GetUserLevel(bot) < need:
		pl.SetUserLevel(bot, need)
	case !lowered:
		return
	}
	if _, err := b.cli.SendStateEvent(ctx, room, event.StatePowerLevels, "", &pl); err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Str("bot", bot.String()).Msg("Failed to give a bot the power to take over")
	}
}

// takeOver applies the rule in a circle whose answering bot stopped: if
// this bot is the first of the other bots in the room, it names itself in
// the circle's state and says why.
func (t takeovers) takeOver(ctx context.Context, c *ledger.Circle, why string) {
	b := t.b
	b = b.aloud() // a member's kick of the answering bot comes silent
	// The takeover checker and the worker (a member's kick) may both get
	// here: one at a time, and the second finds the circle taken over.
	b.takeoverMu.Lock()
	defer b.takeoverMu.Unlock()
	if fresh, err := b.ledger.Circles.Get(ctx, c.ID); err == nil {
		c = fresh
	}
	old := peers{b}.answerer(c)
	if old == b.cfg.UserID {
		return
	}
	if next := (takeovers{b}).nextAnswerer(ctx, id.RoomID(c.ID), old); next != b.cfg.UserID {
		return
	}
	log := zerolog.Ctx(ctx).With().Str("circle", string(c.ID)).Str("previous_bot", old.String()).Logger()
	now := b.ledger.Now()
	act := ledger.Action{Event: ledger.EventID("takeover:" + string(c.ID) + ":" + now.Format(time.RFC3339Nano)),
		Actor: ledger.UserID(b.cfg.UserID), At: now}
	// The state first: the other bots follow the bot it names, so a bot
	// that cannot name itself must not answer (its records would count for
	// itself alone). A takeover by silence is tried again at the next tick.
	if _, err := b.cli.SendStateEvent(ctx, id.RoomID(c.ID), CircleStateType, "", b.circleStateOf(ctx, c)); err != nil {
		log.Warn().Err(err).Msg("Failed to name this bot in the circle's state: not taking over")
		return
	}
	mine, err := b.ledger.Circles.Adopt(ctx, act, c.ID, ledger.CircleState{AnsweringBot: ledger.UserID(b.cfg.UserID)})
	if err != nil {
		log.Error().Err(err).Msg("Failed to take over a circle")
		return
	}
	takeovers{b}.markAnswered(id.RoomID(c.ID))
	b.send(ctx, id.RoomID(c.ID), message(text(mine.Lang, why, old, b.cfg.UserID, durationText(mine.Lang, b.cfg.TakeoverAfter)), "takeover",
		map[string]any{"previous": old, "answering_bot": b.cfg.UserID}))
	log.Info().Msg("Took over answering in a circle")
}

// nextAnswerer is the rule: the bot with the smallest user ID among the
// trusted bots joined to the room other than the one that stopped.
func (t takeovers) nextAnswerer(ctx context.Context, room id.RoomID, stopped id.UserID) id.UserID {
	b := t.b
	resp, err := b.cli.JoinedMembers(ctx, room)
	if err != nil {
		return ""
	}
	var bots []id.UserID
	for u := range resp.Joined {
		if u != stopped && b.trusted(u) {
			bots = append(bots, u)
		}
	}
	if len(bots) == 0 {
		return ""
	}
	slices.SortFunc(bots, func(a, b id.UserID) int { return strings.Compare(string(a), string(b)) })
	return bots[0]
}
