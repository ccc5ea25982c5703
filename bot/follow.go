package bot

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/ledger"
)

// Several bots may sit in one circle (each community runs its own): the
// circle's state event names the one that answers; the others follow every
// event silently and compute the same ledger. This file holds what a bot
// needs to follow a circle it does not answer in.

// peers is the bot's role among the other bots of its circles: who answers
// where, and following what the answering bot records. It acts in its
// bot's mode.
type peers struct{ b *Bot }

// answers reports whether this bot answers in a room: any room that is not
// a circle (its direct chats), and a circle whose state names this bot or
// no bot at all.
func (p peers) answers(ctx context.Context, room id.RoomID) bool {
	b := p.b
	c, err := b.ledger.Circles.Get(ctx, ledger.CircleID(room))
	if err != nil {
		return true
	}
	return p.answerer(c) == b.cfg.UserID
}

// answersIn is answers for a room whose circle is known (nil: the room is
// no circle).
func (p peers) answersIn(c *ledger.Circle) bool {
	return c == nil || p.answerer(c) == p.b.cfg.UserID
}

// mayWrite reports whether the bot may write into a room in its mode:
// never while rebuilding; silent (an event of a circle another bot answers
// in), only into circles it answers itself (the need's cards there), not
// the event's room or any direct chat, which the answering bot serves.
func (b *Bot) mayWrite(ctx context.Context, room id.RoomID) bool {
	switch {
	case b.mode.rebuilding:
		return false
	case !b.mode.silent:
		return true
	}
	c, err := b.ledger.Circles.Get(ctx, ledger.CircleID(room))
	return err == nil && peers{b}.answerer(c) == b.cfg.UserID
}

// quietClient drops the writes its bot's mode refuses (mayWrite); reads go
// through.
type quietClient struct {
	Client
	bot *Bot
}

// SendMessageEvent sends, unless mayWrite refuses the room: then it
// answers as if sent, with no event ID.
func (q quietClient) SendMessageEvent(ctx context.Context, roomID id.RoomID, eventType event.Type, contentJSON any, extra ...mautrix.ReqSendEvent) (*mautrix.RespSendEvent, error) {
	if !q.bot.mayWrite(ctx, roomID) {
		return &mautrix.RespSendEvent{}, nil
	}
	return q.Client.SendMessageEvent(ctx, roomID, eventType, contentJSON, extra...)
}

// SendStateEvent sends a state event, unless mayWrite refuses the room.
func (q quietClient) SendStateEvent(ctx context.Context, roomID id.RoomID, eventType event.Type, stateKey string, contentJSON any, extra ...mautrix.ReqSendEvent) (*mautrix.RespSendEvent, error) {
	if !q.bot.mayWrite(ctx, roomID) {
		return &mautrix.RespSendEvent{}, nil
	}
	return q.Client.SendStateEvent(ctx, roomID, eventType, stateKey, contentJSON, extra...)
}

// CreateRoom refuses in a silent context: only the answering bot opens rooms.
func (q quietClient) CreateRoom(ctx context.Context, req *mautrix.ReqCreateRoom) (*mautrix.RespCreateRoom, error) {
	if q.bot.mode.silent {
		return nil, errSilent
	}
	return q.Client.CreateRoom(ctx, req)
}

// InviteUser does nothing in a silent context: the answering bot invites.
func (q quietClient) InviteUser(ctx context.Context, roomID id.RoomID, req *mautrix.ReqInviteUser, extraContent ...map[string]any) (*mautrix.RespInviteUser, error) {
	if q.bot.mode.silent {
		return &mautrix.RespInviteUser{}, nil
	}
	resp, err := q.Client.InviteUser(ctx, roomID, req, extraContent...)
	if err == nil {
		q.bot.sender.invited(roomID, req.UserID)
	}
	return resp, err
}

// errSilent is what a silent bot gets for an action it must not take.
var errSilent = errors.New("silent: another bot answers here")

// handleCircleState follows a circle's state event set by a trusted bot
// (HandleEvent drops everyone else's): a circle another bot made becomes
// known, and every bot learns which one answers.
func (p peers) handleCircleState(ctx context.Context, evt *event.Event) error {
	if evt.GetStateKey() != "" {
		return nil // not the circle's state, which a joining bot reads
	}
	var st circleState
	if err := json.Unmarshal(evt.Content.VeryRaw, &st); err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Msg("Ignored a malformed circle state event")
		return nil
	}
	return p.adoptCircle(ctx, evt.RoomID, action(evt), st)
}

// adoptCircle records what a circle state says and, the first time, who is
// in the room.
func (p peers) adoptCircle(ctx context.Context, room id.RoomID, act ledger.Action, st circleState) error {
	b := p.b
	_, known := b.ledger.Circles.Get(ctx, ledger.CircleID(room))
	c, err := b.ledger.Circles.Adopt(ctx, act, ledger.CircleID(room), ledger.CircleState{
		Name: st.Name, Pledge: ledger.Amount{Minor: st.PledgeMinor, Currency: ledger.Currency(st.Currency)},
		Lang: ledger.Lang(st.Lang), Owner: ledger.UserID(st.Owner), AnsweringBot: ledger.UserID(st.AnsweringBot),
		CoOwners: st.coOwners()})
	if ledger.IsDuplicate(err) {
		return nil
	}
	if err != nil {
		return err
	}
	zerolog.Ctx(ctx).Info().Str("circle", string(c.ID)).Str("answering_bot", string(c.AnsweringBot)).Msg("Following a circle's state")
	if known != nil {
		return b.recordMembers(ctx, c)
	}
	return nil
}

// adoptJoinedCircle reads the circle state of a room the bot just joined:
// a circle another bot made is learnt from it.
func (p peers) adoptJoinedCircle(ctx context.Context, room id.RoomID, at time.Time) {
	b := p.b
	var st circleState
	if err := b.cli.StateEvent(ctx, room, CircleStateType, "", &st); err != nil || st.AnsweringBot == "" {
		return
	}
	if !b.trusted(id.UserID(st.AnsweringBot)) {
		zerolog.Ctx(ctx).Warn().Str("room_id", room.String()).Str("answering_bot", st.AnsweringBot).
			Msg("Joined a circle whose answering bot is not in bot.trusted_bots: not following it; list that bot there to follow it")
		return
	}
	known, unknown := b.ledger.Circles.Get(ctx, ledger.CircleID(room))
	if unknown == nil {
		// The state read here comes without its sender, so of a circle
		// already known only the answering bot is taken (a trusted one):
		// its settings change only by a trusted bot's state event.
		if st.AnsweringBot == string(known.AnsweringBot) {
			return
		}
		st = circleState{Name: known.Name, PledgeMinor: known.Pledge.Minor, Currency: string(known.Pledge.Currency),
			Lang: string(known.Lang), Owner: string(known.Owner), AnsweringBot: st.AnsweringBot, SchemaVersion: 1}
	}
	act := ledger.Action{Event: ledger.EventID("join:" + string(room) + ":" + at.Format(time.RFC3339Nano)), Actor: ledger.UserID(b.cfg.UserID), At: at}
	if err := p.adoptCircle(ctx, room, act, st); err != nil {
		zerolog.Ctx(ctx).Error().Err(err).Msg("Failed to follow the circle of a room joined")
		return
	}
	if unknown != nil && !b.mode.rebuilding && id.UserID(st.AnsweringBot) != b.cfg.UserID {
		b.mu.Lock() // a circle with a past: the ledger must hold it (JoinedCircles)
		b.joinedCircles = append(b.joinedCircles, room)
		b.mu.Unlock()
	}
}

// JoinedCircles returns, and forgets, the circles another bot answers in
// that the bot joined since the last call: the ledger must hold their past,
// replayed from their history (replica.Replica.CatchUp).
func (b *Bot) JoinedCircles() []id.RoomID {
	b.mu.Lock()
	defer b.mu.Unlock()
	rooms := b.joinedCircles
	b.joinedCircles = nil
	return rooms
}

// joinedCircle reports whether a circle was joined whose history is yet
// to be caught up with (JoinedCircles).
func (b *Bot) joinedCircle() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.joinedCircles) > 0
}

// followBot reads another bot's messages in a circle (and this bot's own,
// when rebuilding from the rooms): the cards of the bot answering there,
// so that reactions and replies to them name the same need for every bot,
// and its records of actions taken on the web, which it alone may make.
func (p peers) followBot(ctx context.Context, evt *event.Event) error {
	b := p.b
	if evt.Type == event.StateMember {
		return takeovers{b}.botMembership(ctx, evt)
	}
	c, err := b.ledger.Circles.Get(ctx, ledger.CircleID(evt.RoomID))
	if err != nil || evt.Sender != p.answerer(c) {
		return nil
	}
	takeovers{b}.markAnswered(evt.RoomID)
	if evt.Type == RecordType {
		return relays{b}.followRecord(ctx, c, evt)
	}
	ns, _ := evt.Content.Raw[Namespace].(map[string]any)
	kind, _ := ns["type"].(string)
	data, _ := ns["data"].(map[string]any)
	if ns == nil || evt.Content.Raw["m.relates_to"] != nil && kind != "web_action" {
		return nil // an edit, a reply: no card
	}
	switch kind {
	case "need", "initiative", "claim", "initiative_poll":
		need, _ := data["need"].(string)
		if need == "" {
			return nil
		}
		card := ledger.Card{Event: ledger.EventID(evt.ID), Room: ledger.RoomID(evt.RoomID), Kind: ledger.CardNeed,
			Circle: c.ID, Need: ledger.NeedID(need)}
		if kind == "initiative_poll" {
			card.Kind = CardPoll
		}
		return b.ledger.Aid.AddCard(ctx, card)
	case "invitation":
		inv, _ := data["id"].(string)
		if inv == "" {
			return nil
		}
		if err := b.ledger.Trust.AttachCard(ctx, ledger.InvitationID(inv), ledger.EventID(evt.ID)); ledger.ErrorCode(err) != ledger.ENotFound {
			return err
		}
		return nil
	case "web_action":
		return p.followWebAction(ctx, evt, c, data)
	case "relay": // the m.notice form of a record, in rooms from before RecordType
		return relays{b}.followRelay(ctx, c, data)
	}
	return nil
}

// answerer is the bot that answers in a circle: the one its state names
// if this bot trusts it, else this bot (a bot it does not trust is never
// followed, so it must not fall silent for one).
func (p peers) answerer(c *ledger.Circle) id.UserID {
	b := p.b
	if c.AnsweringBot == "" || !b.trusted(id.UserID(c.AnsweringBot)) {
		return b.cfg.UserID
	}
	return id.UserID(c.AnsweringBot)
}

// inCircle reports whether a member is in a circle: a circle's answering
// bot records there the actions of the circle's members only, so that it
// cannot change, for the bots following it, what members of other circles
// did.
func (p peers) inCircle(ctx context.Context, c ledger.CircleID, u ledger.UserID) bool {
	b := p.b
	if b.IsBot(id.UserID(u)) {
		return false
	}
	cs, err := b.ledger.Circles.Of(ctx, u)
	return err == nil && slices.Contains(cs, c)
}

// followWebAction applies, silently, an action a member took on the web
// of the answering bot, keyed by the event that records it, exactly as
// that bot applied it.
func (p peers) followWebAction(ctx context.Context, evt *event.Event, c *ledger.Circle, data map[string]any) error {
	b := p.b
	raw, err := json.Marshal(data["cmd"])
	if err != nil {
		return nil
	}
	var cmd ledger.Command
	member, _ := data["member"].(string)
	at, _ := data["at"].(float64)
	if json.Unmarshal(raw, &cmd) != nil || member == "" || cmd.Verb == "" || !b.commands.fromWeb(cmd.Verb) ||
		!p.inCircle(ctx, c.ID, ledger.UserID(member)) {
		return nil
	}
	need, _ := data["need"].(string)
	fake := &event.Event{ID: evt.ID, RoomID: evt.RoomID, Sender: id.UserID(member), Timestamp: int64(at)}
	r := &request{evt: fake, cmd: cmd, act: action(fake), lang: c.Lang, circle: c, web: &webReply{}}
	if need != "" {
		r.card = &ledger.Card{Need: ledger.NeedID(need), Circle: c.ID, Room: ledger.RoomID(c.ID)}
		if cards, err := b.ledger.Aid.CardsOf(ctx, ledger.NeedID(need)); err == nil {
			for i := range cards {
				if cards[i].Room == ledger.RoomID(c.ID) {
					r.card = &cards[i]
				}
			}
		}
	}
	err = b.commands.run(ctx, b.silently(), r)
	if err != nil && !ledger.IsDuplicate(err) && ledger.ErrorCode(err) == ledger.EInternal {
		return err
	}
	return nil
}
