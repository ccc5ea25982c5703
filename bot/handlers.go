package bot

import (
	"context"
	"time"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/ledger"
)

// handlerFunc handles one kind of event: b is the bot in the mode of the
// handling, c the circle of the event's room, read once by HandleEvent
// (nil outside circles).
type handlerFunc func(ctx context.Context, b *Bot, evt *event.Event, c *ledger.Circle) error

// eventHandlers is the one place where every Matrix event handler is
// registered.
var eventHandlers = map[event.Type]handlerFunc{
	event.StateMember:    handleMember,
	event.EventMessage:   handleMessage,
	event.EventReaction:  handleReaction,
	event.EventRedaction: handleRedaction,

	event.EventUnstablePollResponse: handlePollResponse,
	EventPollResponse:               handlePollResponse,
	event.EventEncrypted:            handleEncrypted,
	event.StateEncryption:           handleEncryptionState,
}

// HandleEvent dispatches one event to its handler. Events of bots (this
// one's and any appservice user's) never count as member actions; the
// circle state event and the answering bot's cards and web actions are
// followed (follow.go) when they come from a trusted bot, and ignored
// otherwise. In a circle another bot answers in, the event is
// handled silently: the ledger changes the same, nothing is sent.
func (b *Bot) HandleEvent(ctx context.Context, evt *event.Event) error {
	if evt.Type == CircleStateType {
		if !b.trusted(evt.Sender) {
			zerolog.Ctx(ctx).Warn().Str("sender", evt.Sender.String()).
				Msg("Ignored a circle state event from a user not in bot.trusted_bots")
			return nil
		}
		return peers{b}.handleCircleState(ctx, evt)
	}
	if b.IsBot(evt.Sender) && !removesAMember(b, evt) { // a member removed counts whoever removed him (a bot may ban)
		switch {
		case evt.Sender == b.cfg.UserID && !b.mode.rebuilding:
			return nil // its own: applied when made
		case !b.trusted(evt.Sender) && evt.Type != event.StateMember:
			return nil // an unlisted bot's records and cards change nothing
		}
		return peers{b}.followBot(ctx, evt)
	}
	h := b.onEvent[evt.Type]
	if h == nil {
		return nil
	}
	c, err := b.ledger.Circles.Get(ctx, ledger.CircleID(evt.RoomID))
	if err != nil {
		c = nil
		b = b.fromOutside() // its ops are relayed into the member's circles
	} else if (peers{b}).answerer(c) != b.cfg.UserID {
		b = b.silently()
	}
	return h(ctx, b, evt, c)
}

// removesAMember reports whether evt takes a member (not a bot) out of a
// room: a kick or a ban, which counts whoever sent it.
func removesAMember(b *Bot, evt *event.Event) bool {
	if evt.Type != event.StateMember || b.IsBot(id.UserID(evt.GetStateKey())) {
		return false
	}
	m := evt.Content.AsMember().Membership
	return m == event.MembershipLeave || m == event.MembershipBan
}

// action is the ledger action an event stands for.
func action(evt *event.Event) ledger.Action {
	return ledger.Action{Event: ledger.EventID(evt.ID), Actor: ledger.UserID(evt.Sender), At: time.UnixMilli(evt.Timestamp).UTC()}
}

// handleMember accepts invitations to rooms and follows who is in circles.
func handleMember(ctx context.Context, b *Bot, evt *event.Event, c *ledger.Circle) error {
	content := evt.Content.AsMember()
	target := id.UserID(evt.GetStateKey())
	log := zerolog.Ctx(ctx)
	if target == b.cfg.UserID {
		if content.Membership == event.MembershipInvite {
			return acceptRoomInvite(ctx, b, evt, content.IsDirect)
		}
		return nil
	}
	if b.IsBot(target) {
		return takeovers{b}.botMembership(ctx, evt) // a member invited or kicked a bot
	}
	directChats{b}.forgetKind(evt.RoomID)
	joined := content.Membership == event.MembershipJoin
	if content.Membership == event.MembershipLeave || content.Membership == event.MembershipBan {
		if err := (directChats{b}).forget(ctx, target, evt.RoomID); err != nil {
			log.Warn().Err(err).Msg("Failed to forget a direct chat")
		}
	} else if !joined {
		if content.Membership == event.MembershipInvite && c != nil {
			readmit(ctx, b, evt.RoomID, ledger.UserID(evt.Sender), ledger.UserID(target))
		}
		return nil
	}
	err := b.ledger.Circles.SetMembership(ctx, ledger.CircleID(evt.RoomID), ledger.UserID(target), joined)
	if err != nil {
		log.Error().Err(err).Msg("Failed to record circle membership")
		return err
	}
	if !joined {
		return leftCircle(ctx, b, evt, c, ledger.UserID(target))
	}
	return nil
}

// leftCircle records a member leaving a circle's room (or removed from
// it) in the ledger: their kassa maximum there is dropped and their shares
// of its claims not yet committed go to the others. The op is keyed by the
// membership event, which every bot in the room sees, and recorded for
// every leave, whatever the book holds: so all of them record the same ops.
func leftCircle(ctx context.Context, b *Bot, evt *event.Event, c *ledger.Circle, u ledger.UserID) error {
	if c == nil {
		return nil // not a circle
	}
	act := action(evt)
	op := ledger.Op{Kind: ledger.OpLeaveCircle, Event: act.Event, Actor: u, At: act.At, Circle: ledger.CircleID(evt.RoomID)}
	out, err := b.apply(ctx, op)
	switch {
	case ledger.IsDuplicate(err):
		return nil
	case err != nil && ledger.ErrorCode(err) == ledger.EInternal:
		return err
	case err != nil:
		zerolog.Ctx(ctx).Warn().Err(err).Msg("The ledger refused a member leaving a circle")
		return nil
	}
	notices{b}.after(ctx, out)
	return nil
}

// acceptRoomInvite joins a room the bot was invited to, remembers direct
// chats, and greets.
func acceptRoomInvite(ctx context.Context, b *Bot, evt *event.Event, direct bool) error {
	log := zerolog.Ctx(ctx)
	if _, err := b.cli.JoinRoomByID(ctx, evt.RoomID); err != nil {
		log.Warn().Err(err).Msg("Failed to join a room the bot was invited to")
		return err
	}
	log.Info().Bool("direct", direct).Msg("Joined a room on invitation")
	if !direct {
		peers{b}.adoptJoinedCircle(ctx, evt.RoomID, b.ledger.Now())
		if !(peers{b}).answers(ctx, evt.RoomID) {
			return nil // another bot answers here: no greeting
		}
	}
	if !b.cfg.Decrypts && roomEncrypted(ctx, b, evt.RoomID) {
		// Not the member's direct chat: the bot reads nothing there. (An
		// invitation handled again must not take the chat opened instead.)
		return warnEncrypted(ctx, b, evt.RoomID, evt.Sender)
	}
	inviter := ledger.UserID(evt.Sender)
	if direct {
		if err := b.ledger.Members.SetDirectRoom(ctx, inviter, ledger.RoomID(evt.RoomID)); err != nil {
			log.Error().Err(err).Msg("Failed to record a direct chat")
		}
		directChats{b}.setKind(evt.RoomID, true)
	}
	lang := b.ledger.Members.LangOf(ctx, inviter)
	key := "greet.room"
	if direct {
		key = "greet.direct"
	}
	b.send(ctx, evt.RoomID, notice(lang, key, b.cfg.Prefix))
	return nil
}

// roomEncrypted asks the homeserver whether the room has encryption enabled.
func roomEncrypted(ctx context.Context, b *Bot, room id.RoomID) bool {
	var content event.EncryptionEventContent
	err := b.cli.StateEvent(ctx, room, event.StateEncryption, "", &content)
	return err == nil && content.Algorithm != ""
}

// handleEncryptionState answers encryption being turned on in a room: a
// bot without a device warns the member who did it.
func handleEncryptionState(ctx context.Context, b *Bot, evt *event.Event, _ *ledger.Circle) error {
	return warnEncrypted(ctx, b, evt.RoomID, evt.Sender)
}

// handleEncrypted answers a message the bot cannot read: a bot without a
// device warns its sender. (With a device, the intake hands the handlers
// decrypted events; an encrypted one reaching them is the bot's own.)
func handleEncrypted(ctx context.Context, b *Bot, evt *event.Event, _ *ledger.Circle) error {
	return warnEncrypted(ctx, b, evt.RoomID, evt.Sender)
}

// warning is a member told, in a room, that the bot cannot read what they
// write there.
type warning struct {
	room   id.RoomID
	member id.UserID
}

// warnEncrypted tells a member, once per encrypted room, that the bot
// cannot read what they write there. Only a bot without a device does
// (Config.Decrypts unset: encryption is off): it has no keys, so a command
// typed there is not read at all, and nothing can answer it later. The
// member is asked to type it again in an unencrypted direct chat, which is
// opened for them if they have none (once: the chat is kept; without a
// device the bot opens it unencrypted), and where they are asked to write.
// Once holds across restarts: the bot's earlier warning in the room's
// recent history counts. Where another bot answers, that bot tells the
// member.
func warnEncrypted(ctx context.Context, b *Bot, room id.RoomID, member id.UserID) error {
	if b.mode.silent || b.cfg.Decrypts {
		return nil
	}
	w := warning{room: room, member: member}
	b.mu.Lock()
	seen := b.warned[w]
	b.warned[w] = true
	b.mu.Unlock()
	if seen || warnedBefore(ctx, b, w) {
		return nil
	}
	before := b.ledger.Members.DirectRoomOf(ctx, ledger.UserID(member))
	dm, err := directChats{b}.open(ctx, member, room)
	if err != nil {
		b.mu.Lock()
		delete(b.warned, w) // told nothing yet: the next message tries again
		b.mu.Unlock()
		return err
	}
	lang := b.ledger.Members.LangOf(ctx, ledger.UserID(member))
	key := "encrypted.room"
	if dm == id.RoomID(before) {
		key = "encrypted.room_known" // the member has that chat already
	}
	b.send(ctx, room, message(text(lang, key, member), "encrypted.room", map[string]any{"member": member}))
	b.send(ctx, dm, ask(member, text(lang, "encrypted.direct", b.cfg.Prefix), "encrypted.direct", nil))
	return nil
}

// warnedBefore reports whether the room's recent history holds the bot's
// warning to the member (one of an earlier version, naming nobody, counts
// for everyone).
func warnedBefore(ctx context.Context, b *Bot, w warning) bool {
	resp, err := b.cli.Messages(ctx, w.room, "", "", mautrix.DirectionBackward, nil, 50)
	if err != nil {
		return false
	}
	for _, evt := range resp.Chunk {
		ns, _ := evt.Content.Raw[Namespace].(map[string]any)
		if evt.Sender != b.cfg.UserID || ns["type"] != "encrypted.room" {
			continue
		}
		if data, ok := ns["data"].(map[string]any); !ok || data["member"] == w.member.String() {
			return true
		}
	}
	return false
}
