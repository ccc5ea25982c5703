package bot

import (
	"context"
	"fmt"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/ledger"
)

// circleState is the content of the circle state event: the circle's
// settings and the bot that answers in it, for clients and other bots.
type circleState struct {
	Name          string `json:"name"`
	PledgeMinor   int64  `json:"pledge_minor"`
	Currency      string `json:"currency"`
	Lang          string `json:"lang"`
	Owner         string `json:"owner"`
	AnsweringBot  string `json:"answering_bot"`
	SchemaVersion int    `json:"version"`
	// CoOwners are the circle's co-owners; absent (a state from before
	// co-owners, or written without them) leaves them as they are.
	CoOwners *[]string `json:"co_owners,omitempty"`
}

// newCircleState is the state event of circle c, answered in by the bot
// answering.
func newCircleState(c *ledger.Circle, answering id.UserID) *circleState {
	return &circleState{Name: c.Name, PledgeMinor: c.Pledge.Minor, Currency: string(c.Pledge.Currency),
		Lang: string(c.Lang), Owner: string(c.Owner), AnsweringBot: answering.String(), SchemaVersion: 1}
}

// circleStateOf is the state event of circle c answered in by this bot,
// with its co-owners.
func (b *Bot) circleStateOf(ctx context.Context, c *ledger.Circle) *circleState {
	st := newCircleState(c, b.cfg.UserID)
	if roles, err := b.ledger.Circles.Roles(ctx, c.ID); err == nil {
		co := make([]string, 0, len(roles.CoOwners))
		for _, u := range roles.CoOwners {
			co = append(co, string(u))
		}
		st.CoOwners = &co
	}
	return st
}

// moderatorLevel is the power level needed to make a room a circle.
const moderatorLevel = 50

// stateLevel is the power level that may set a circle's state (and so name
// its answering bot) in the rooms the bot makes: below the level that may
// change the power levels (100), so a trusted bot raised to it to take over
// one day can never take the room.
const stateLevel = 90

func cmdCircle(ctx context.Context, b *Bot, r *request) error {
	switch {
	case r.cmd.Here:
		return circleHere(ctx, b, r)
	case r.cmd.Setting != "":
		return circleSet(ctx, b, r)
	default:
		return circleNew(ctx, b, r)
	}
}

// circleNew creates a circle room and invites the member into it.
func circleNew(ctx context.Context, b *Bot, r *request) error {
	def := b.ledger.Config()
	spec := ledger.CircleSpec{Name: r.cmd.Name, Pledge: def.DefaultPledge, Lang: r.lang}
	st := &circleState{Name: spec.Name, PledgeMinor: spec.Pledge.Minor, Currency: string(spec.Pledge.Currency),
		Lang: string(spec.Lang), Owner: r.evt.Sender.String(), AnsweringBot: b.cfg.UserID.String(), SchemaVersion: 1}
	resp, err := b.cli.CreateRoom(ctx, &mautrix.ReqCreateRoom{
		Preset: "private_chat",
		Name:   spec.Name,
		Topic:  plain(text(spec.Lang, "circle.welcome", spec.Name, spec.Pledge, b.cfg.Prefix)),
		Invite: []id.UserID{r.evt.Sender},
		InitialState: []*event.Event{{Type: CircleStateType, StateKey: ptr(""),
			Content: event.Content{Parsed: st}}},
		PowerLevelOverride: &event.PowerLevelsEventContent{
			Users:  map[id.UserID]int{b.cfg.UserID: 100, r.evt.Sender: moderatorLevel},
			Events: map[string]int{CircleStateType.Type: stateLevel, event.StatePowerLevels.Type: 100},
		},
	})
	if err != nil {
		return fmt.Errorf("failed to create the circle room: %w", err)
	}
	spec.ID = ledger.CircleID(resp.RoomID)
	c, err := b.ledger.Circles.Create(ctx, r.act, spec)
	if err != nil {
		return err
	}
	b.send(ctx, resp.RoomID, message(text(c.Lang, "circle.welcome", c.Name, c.Pledge, b.cfg.Prefix), "circle", newCircleState(c, b.cfg.UserID)))
	b.reply(ctx, r, message(text(r.lang, "circle.created", c.Name, c.Pledge), "circle_created",
		map[string]any{"room_id": resp.RoomID}))
	return nil
}

// circleHere makes the room the command was typed in a circle.
func circleHere(ctx context.Context, b *Bot, r *request) error {
	if r.direct {
		b.replyText(ctx, r, "circle.here_direct", b.cfg.Prefix)
		return nil
	}
	var pl event.PowerLevelsEventContent
	if err := b.cli.StateEvent(ctx, r.evt.RoomID, event.StatePowerLevels, "", &pl); err == nil {
		if lvl := pl.GetUserLevel(r.evt.Sender); lvl < moderatorLevel {
			b.replyText(ctx, r, "circle.no_rights", lvl, moderatorLevel)
			return nil
		}
	}
	var name event.RoomNameEventContent
	_ = b.cli.StateEvent(ctx, r.evt.RoomID, event.StateRoomName, "", &name)
	if name.Name == "" {
		name.Name = "Exodus"
	}
	def := b.ledger.Config()
	c, err := b.ledger.Circles.Create(ctx, r.act, ledger.CircleSpec{
		ID: ledger.CircleID(r.evt.RoomID), Name: name.Name, Pledge: def.DefaultPledge, Lang: r.lang})
	if err != nil {
		return err
	}
	publishState(ctx, b, c)
	if err := b.recordMembers(ctx, c); err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Msg("Failed to record the members of a new circle")
	}
	b.reply(ctx, r, message(text(c.Lang, "circle.here_done", c.Name, c.Pledge, b.cfg.Prefix), "circle", newCircleState(c, b.cfg.UserID)))
	return nil
}

// recordMembers records everyone already in a room that just became a circle.
func (b *Bot) recordMembers(ctx context.Context, c *ledger.Circle) error {
	members, err := b.membersThen(ctx, id.RoomID(c.ID))
	if err != nil {
		return fmt.Errorf("failed to list members: %w", err)
	}
	for _, u := range members {
		if b.IsBot(u) {
			continue
		}
		if err := b.ledger.Circles.SetMembership(ctx, c.ID, ledger.UserID(u), true); err != nil {
			return err
		}
	}
	return nil
}

// circleSet changes a circle's pledge or language (owner only).
func circleSet(ctx context.Context, b *Bot, r *request) error {
	if err := needCircle(b, r); err != nil {
		return err
	}
	c, err := b.ledger.Circles.Update(ctx, r.act, r.circle.ID, r.cmd.Setting, r.cmd.Amount, r.cmd.Target)
	if err != nil {
		return err
	}
	publishState(ctx, b, c)
	b.reply(ctx, r, message(text(r.lang, "circle.updated", c.Name, c.Pledge, c.Lang), "circle", newCircleState(c, b.cfg.UserID)))
	return nil
}

// publishState writes the circle state event (best effort: the bot may lack
// the power level in a room it did not create).
func publishState(ctx context.Context, b *Bot, c *ledger.Circle) {
	if _, err := b.cli.SendStateEvent(ctx, id.RoomID(c.ID), CircleStateType, "", b.circleStateOf(ctx, c)); err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Msg("Failed to publish the circle state event")
	}
}

func ptr[T any](v T) *T { return &v }
