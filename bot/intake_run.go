package bot

import (
	"context"
	"fmt"
	"time"

	"maunium.net/go/mautrix/event"

	"github.com/exodus-matrix/exodus/ledger"
)

// A run is a sequence of pending events handled in one transaction: the
// commit, which writes every page the events changed, is paid once for
// the run instead of once per event.

// maxRunHold bounds how long a run keeps its transaction, and with it, on
// SQLite, the only write lock, which the web's actions, the clock and the
// sender wait for (busy_timeout, 5 s): a run whose events are slow to
// handle (a command that asks the homeserver something) is committed after
// the event that passes it, and the next run begins.
const maxRunHold = 100 * time.Millisecond

// plainEvent is a parsed pending event that may share a transaction with
// the events around it: it needs nothing done outside a transaction
// before its handling (no decryption, no parking, no member watcher).
type plainEvent struct {
	ie ledger.InboxEvent
	r  readied
}

// runOf returns the plain events pending begins with (none if its first
// needs handling alone): those that are not encrypted (when the bot
// decrypts) and not membership events. An event that does not parse is
// plain: it is recorded as failed.
func (in *Intake) runOf(pending []ledger.InboxEvent) []plainEvent {
	var run []plainEvent
	for _, ie := range pending {
		evt, err := ParseEvent(ie.Raw)
		if err != nil {
			run = append(run, plainEvent{ie, readied{err: err}})
			continue
		}
		if evt.Type == event.StateMember ||
			evt.Type == event.EventEncrypted && in.decrypter != nil && evt.Sender != in.bot.cfg.UserID {
			break
		}
		run = append(run, plainEvent{ie, readied{evt: evt}})
	}
	return run
}

// handleRun handles a run of plain events in one transaction and returns
// how many it handled. Each event is marked done first, then handled
// (markThenHandle), so no savepoint of its own is needed: a failure to mark
// an event leaves nothing of it written, and the bot's refusal or failure
// is recorded with the mark, as ever (the ledger's services take back what
// they wrote in savepoints of their own). It stops after an event that
// joined a circle, whose history is caught up with before the next event
// (catchUpJoined), and after maxRunHold. An event that fails to be marked is
// taken back alone: the events before it are committed, it and those after
// it stay pending, and the failure is returned.
func (in *Intake) handleRun(ctx context.Context, run []plainEvent) (int, error) {
	done := 0
	var failed error
	err := in.bot.out.InTx(ctx, func(ctx context.Context) error {
		done, failed = 0, nil // in case the transaction is run again
		start := time.Now()
		for _, p := range run {
			marked, err := in.markThenHandle(ctx, p.ie, p.r)
			if err != nil && !marked {
				failed = err
				return nil
			}
			if err != nil {
				return err // its failure could not be recorded: the run is taken back
			}
			done++
			if in.catchUp != nil && in.bot.joinedCircle() || time.Since(start) > maxRunHold {
				return nil
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("failed to handle %d events: %w", len(run), err)
	}
	if failed != nil {
		return done, fmt.Errorf("failed to handle an event: %w", failed)
	}
	return done, nil
}

// markThenHandle marks one readied event done, then hands it to the bot,
// in the transaction ctx carries; the bot's refusal or failure is recorded
// with the mark. marked is false when the first mark failed (nothing of
// the event was written); an error with marked true is the failure to
// record the handling's failure.
func (in *Intake) markThenHandle(ctx context.Context, ie ledger.InboxEvent, r readied) (marked bool, err error) {
	if err := in.inbox.MarkDone(ctx, ie.Seq, ""); err != nil {
		return false, err
	}
	if err := in.handle(ctx, ie, r); err != nil {
		return true, in.inbox.MarkDone(ctx, ie.Seq, err.Error())
	}
	return true, nil
}
