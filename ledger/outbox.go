package ledger

import (
	"context"
	"time"
)

// OutboxMessage is something the bot must say: written in the same
// transaction as the change that called for it, and delivered afterwards,
// until the homeserver accepts it or it is no longer wanted.
type OutboxMessage struct {
	ID      int64  // order of writing, assigned by the outbox
	Version int    // raised each time a newer text replaces this one (Key)
	Room    RoomID // where it goes; empty when To is set and the chat is not open yet
	// To is the member whose direct chat it goes to, when Room is empty:
	// the chat is looked up, or opened, when it is sent.
	To        UserID
	EventType string // the Matrix event type, e.g. m.room.message
	Content   []byte // the event content (JSON)
	// Edits is the event this message replaces (an edit of a card), or "".
	Edits EventID
	// Key, when set, names what the message shows (a card): a newer
	// message with the same key replaces a pending one, so only the
	// latest figures are sent.
	Key string
	// Then is what to record once it is sent, knowing its event ID (a card
	// the members will reply or react to); opaque to the outbox.
	Then []byte
	// Cause is the event that called for it ("" for the clock).
	Cause     EventID
	CreatedAt time.Time
	Attempts  int
	NextAt    time.Time // not tried again before then
}

// OutboxBacklog is how much the bot has still to say.
type OutboxBacklog struct {
	Messages int
	Oldest   time.Time // when the oldest pending message was written (zero if none)
}

// Outbox is the durable queue of what the bot must say. Writes join the
// transaction ctx carries (Store.InTx), so a message is kept exactly when
// the change that called for it is.
type Outbox interface {
	// PutOutbox writes a message; one with the Key of a pending message
	// replaces that message's content (keeping its place and raising its
	// Version).
	PutOutbox(ctx context.Context, m OutboxMessage) error
	// PendingOutbox returns up to limit pending messages, oldest first,
	// due or not (a message put off holds back the later ones to its room).
	PendingOutbox(ctx context.Context, limit int) ([]OutboxMessage, error)
	// SentOutbox records that version of message id was sent as event
	// evt: the message is gone, unless a newer text replaced it
	// meanwhile, which then becomes an edit of evt (and replaced is true).
	SentOutbox(ctx context.Context, id int64, version int, evt EventID) (replaced bool, err error)
	// RetryOutbox puts off message id until at, counting a failed attempt.
	RetryOutbox(ctx context.Context, id int64, at time.Time) error
	// SetOutboxRoom records the room a message to a member goes to.
	SetOutboxRoom(ctx context.Context, id int64, room RoomID) error
	// DropOutbox forgets message id: it can never be delivered.
	DropOutbox(ctx context.Context, id int64) error
	// OutboxBacklog counts the pending messages.
	OutboxBacklog(ctx context.Context) (OutboxBacklog, error)
}
