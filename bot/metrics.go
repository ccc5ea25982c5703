package bot

import (
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

// Metrics receives what the bot counts: the events the homeserver pushes,
// their handling, and the ledger ops applied or refused. cmd/exodus
// implements it with Prometheus; NoMetrics counts nothing. Calls come from
// the intake's HTTP handlers and its worker at once, so an implementation
// must be safe for concurrent use. Event types are bounded (EventLabel).
type Metrics interface {
	// EventsReceived is called once per transaction recorded in the
	// inbox, with the type of each of its events.
	EventsReceived(eventTypes []string)
	// EventHandled is called once per event the worker took from the
	// inbox: waited is the time from its receipt to the end of its
	// handling (the bot's answer is in the outbox by then), took the
	// handling alone; err is the handler's error (nil on success).
	EventHandled(eventType string, waited, took time.Duration, err error)
	// LedgerOp is called once per mutual-aid op the bot asked the ledger
	// to apply, with what became of it.
	LedgerOp(kind ledger.OpKind, result OpResult)
	// MessageSent is called once per attempt of the sender at a message
	// of the outbox, with what came of it; waited is the time from its
	// writing to the attempt's end.
	MessageSent(result SendResult, waited time.Duration)
	// EventDecrypted is called once per attempt of the intake at an
	// encrypted event, with what came of it (a Decrypt* result).
	EventDecrypted(result DecryptResult)
}

// DecryptResult is what came of an attempt to decrypt an encrypted event.
type DecryptResult string

// The results of a decryption.
const (
	// DecryptOK: decrypted, from a device of its sender, and handled.
	DecryptOK DecryptResult = "decrypted"
	// DecryptParked: its room key has not arrived; it waits for it.
	DecryptParked DecryptResult = "parked"
	// DecryptGivenUp: its key did not come within KeyWait.
	DecryptGivenUp DecryptResult = "given_up"
	// DecryptRefused: decrypted with keys not proven to be its sender's.
	DecryptRefused DecryptResult = "refused"
	// DecryptFailed: it does not decrypt (corrupt, unknown algorithm).
	DecryptFailed DecryptResult = "failed"
)

// SendResult is what came of an attempt to send a message of the outbox.
type SendResult string

// The results of a send.
const (
	// SendAccepted: the homeserver accepted the message.
	SendAccepted SendResult = "accepted"
	// SendRetried: it failed and will be tried again.
	SendRetried SendResult = "retried"
	// SendDropped: the homeserver refused it for good.
	SendDropped SendResult = "dropped"
)

// OpResult is what became of an op the bot asked the ledger to apply.
type OpResult string

// The results of an op.
const (
	// OpApplied: the ledger applied the op.
	OpApplied OpResult = "applied"
	// OpRefused: the ledger refused it by its rules (an *ledger.Error).
	OpRefused OpResult = "refused"
	// OpDuplicate: the op's event had been applied before.
	OpDuplicate OpResult = "duplicate"
	// OpFailed: the op failed for another reason (the database).
	OpFailed OpResult = "failed"
)

// opResult classifies the error of ledger.Aid.Do.
func opResult(err error) OpResult {
	switch {
	case err == nil:
		return OpApplied
	case ledger.IsDuplicate(err):
		return OpDuplicate
	case ledger.ErrorCode(err) != ledger.EInternal:
		return OpRefused
	}
	return OpFailed
}

// NoMetrics is the Metrics that counts nothing, the default.
type NoMetrics struct{}

// EventsReceived does nothing.
func (NoMetrics) EventsReceived([]string) {}

// EventHandled does nothing.
func (NoMetrics) EventHandled(string, time.Duration, time.Duration, error) {}

// LedgerOp does nothing.
func (NoMetrics) LedgerOp(ledger.OpKind, OpResult) {}

// MessageSent does nothing.
func (NoMetrics) MessageSent(SendResult, time.Duration) {}

// EventDecrypted does nothing.
func (NoMetrics) EventDecrypted(DecryptResult) {}

// OtherEventType is the label of every event type the bot has no handler
// for: any user may send events of any type, and a label per type would
// let them grow the metrics without bound.
const OtherEventType = "other"

// EventLabel is the label an event type is counted under: the type itself
// when the bot handles it, OtherEventType otherwise.
func (b *Bot) EventLabel(eventType string) string {
	if eventType == CircleStateType.Type || eventType == RecordType.Type {
		return eventType
	}
	for t := range b.onEvent {
		if t.Type == eventType {
			return eventType
		}
	}
	return OtherEventType
}
