package ledger

import (
	"context"
	"time"
)

// InboxEvent is an event received from the homeserver, recorded durably
// before the homeserver is told it arrived.
type InboxEvent struct {
	Seq        int64 // order of arrival, assigned by the inbox
	ID         EventID
	Room       RoomID
	Raw        []byte // the event as the homeserver sent it (JSON); empty once handled
	ReceivedAt time.Time
	// WaitingSince is when the event was first parked waiting for its
	// room key (Inbox.Park); zero if it never was.
	WaitingSince time.Time
}

// Inbox is the durable queue between the homeserver and the ledger: a
// transaction is acknowledged only after Enqueue returns, and an event is
// handled once, in arrival order.
type Inbox interface {
	// Enqueue records the events in one transaction. Events whose ID was
	// seen before are ignored; added counts the new ones.
	Enqueue(ctx context.Context, events []InboxEvent) (added int, err error)
	// Pending returns up to limit events not yet marked done, oldest first.
	Pending(ctx context.Context, limit int) ([]InboxEvent, error)
	// MarkDone records that the event was handled and drops its raw body
	// (what a member typed is not kept once handled); errText is empty on
	// success and kept for diagnosis otherwise.
	MarkDone(ctx context.Context, seq int64, errText string) error
	// MarkAllDone marks the events with the given (distinct) Seqs done
	// with no error, as MarkDone does one by one, in fewer statements.
	MarkAllDone(ctx context.Context, seqs []int64) error
	// LookUpApplied reads, inside the transaction ctx carries, which of
	// the events were applied to the ledger (TxStore.MarkApplied), so that
	// marking one of them applied in that transaction costs no statement
	// of its own: the marks are written together before its commit, which
	// fails (the transaction taken back) if another transaction marked one
	// of them meanwhile. Outside a transaction it does nothing.
	LookUpApplied(ctx context.Context, events []EventID) error
	// PruneInbox forgets the handled events received before the given
	// time, and any raw body a handled event still holds; it returns how
	// many events it forgot.
	PruneInbox(ctx context.Context, receivedBefore time.Time) (int, error)
	// Park sets a pending encrypted event aside until the key of session
	// arrives: Pending skips it until Unpark wakes it. The first park's
	// time is kept (WaitingSince) when it is parked again.
	Park(ctx context.Context, seq int64, session string, at time.Time) error
	// Unpark wakes the events waiting for session ("": every parked
	// event) and returns how many it woke.
	Unpark(ctx context.Context, session string) (int, error)
}
