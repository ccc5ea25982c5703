package bot

import (
	"context"
	"encoding/json"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/ledger"
)

// What the bot says goes through the outbox (ledger.Outbox): a message is
// written in the transaction of the change that called for it (the
// intake's transaction for a member's event, the clock's for its op, the
// web's for an action) and delivered afterwards by the Sender, so a crash
// between the two neither loses it nor repeats it.

// Outbox is the store the bot writes what it must say to, and the
// transactions those writes join (store.Store is one).
type Outbox interface {
	ledger.Outbox
	// InTx runs fn in one transaction carried by ctx (see ledger.Store).
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
}

// afterSend is what the Sender records once a message is sent, knowing its
// event ID: a card members will reply or react to.
type afterSend struct {
	// Card is recorded with the sent event's ID and room.
	Card *ledger.Card `json:"card,omitempty"`
	// Invitation is the invitation whose card the message is.
	Invitation ledger.InvitationID `json:"invitation,omitempty"`
}

// outgoing is one message for the outbox.
type outgoing struct {
	room    id.RoomID // where it goes; "" for a member's direct chat not open yet
	to      id.UserID // the member whose direct chat it goes to, if any
	typ     event.Type
	content any
	edits   id.EventID // the card this message replaces, if an edit
	key     string     // what it shows, when a newer text may replace it
	then    *afterSend
	cause   id.EventID
}

// mayPost is the one place that decides whether the bot, in its mode,
// writes a message to the outbox: never while rebuilding from
// the rooms; while following a circle another bot answers (silent), only
// into circles this bot answers (the need's cards there), not the event's
// room or any direct chat, which the answering bot serves.
func (b *Bot) mayPost(ctx context.Context, room id.RoomID) bool {
	if room == "" {
		return !b.mode.silent && !b.mode.rebuilding
	}
	c, err := b.ledger.Circles.Get(ctx, ledger.CircleID(room))
	if err != nil {
		c = nil
	}
	return b.mode.mayPostIn(peers{b}.answersIn(c), c != nil)
}

// enqueue writes a message to the outbox, in the transaction ctx carries;
// it reports whether the message was written (false when the bot does not
// speak there, or the write failed, which is logged).
func (b *Bot) enqueue(ctx context.Context, m outgoing) bool {
	if (m.room == "" && m.to == "") || !b.mayPost(ctx, m.room) {
		return false
	}
	return b.write(ctx, m)
}

// write writes a message the bot may post (mayPost) to the outbox.
func (b *Bot) write(ctx context.Context, m outgoing) bool {
	if b.out == nil {
		return false
	}
	content, err := outboxContent(m.content)
	var then []byte
	if err == nil && m.then != nil {
		then, err = json.Marshal(m.then)
	}
	if err == nil {
		err = b.out.PutOutbox(ctx, ledger.OutboxMessage{
			Room: ledger.RoomID(m.room), To: ledger.UserID(m.to), EventType: m.typ.Type, Content: content,
			Edits: ledger.EventID(m.edits), Key: m.key, Then: then, Cause: ledger.EventID(m.cause),
			CreatedAt: b.ledger.Now(),
		})
	}
	if err != nil {
		zerolog.Ctx(ctx).Error().Err(err).Str("to_room", m.room.String()).Msg("Failed to write a message to the outbox")
		return false
	}
	b.sender.Notify()
	return true
}

// send writes a message into a room to the outbox; see enqueue.
func (b *Bot) send(ctx context.Context, room id.RoomID, content *event.Content) bool {
	return b.enqueue(ctx, outgoing{room: room, typ: event.EventMessage, content: content})
}

// sendDirect writes a message to a member's direct chat to the outbox: the
// chat is opened when it is sent, if there is none yet.
func (b *Bot) sendDirect(ctx context.Context, member id.UserID, content *event.Content) bool {
	return b.enqueueDirect(ctx, member, outgoing{typ: event.EventMessage, content: content})
}

// enqueueDirect addresses m to a member's direct chat.
func (b *Bot) enqueueDirect(ctx context.Context, member id.UserID, m outgoing) bool {
	if b.mode.silent {
		return false // the answering bot tells the member
	}
	m.to = member
	if r := b.ledger.Members.DirectRoomOf(ctx, ledger.UserID(member)); r != "" {
		m.room = id.RoomID(r)
	}
	return b.enqueue(ctx, m)
}
