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
// plain: it is recorded as failed. An event parsed at the PUT from the
// row's very bytes is taken parsed (parsedEvents), others are parsed here.
func (in *Intake) runOf(pending []ledger.InboxEvent) []plainEvent {
	var run []plainEvent
	for _, ie := range pending {
		evt, err := in.parsed.take(ie.ID, ie.Raw), error(nil)
		if evt == nil {
			evt, err = ParseEvent(ie.Raw)
		}
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

// runEvents returns the IDs of the run's events.
func runEvents(run []plainEvent) []ledger.EventID {
	ids := make([]ledger.EventID, len(run))
	for i, p := range run {
		ids[i] = p.ie.ID
	}
	return ids
}

// handleRun handles a run of plain events in one transaction and returns
// how many it handled. Each event is handled, and the events handled
// without error are marked done together at the end of the run
// (Inbox.MarkAllDone: a few statements for the run instead of one per
// event), in the same transaction; an event whose handling fails is marked
// at once with its failure's text. No event needs a savepoint of its own:
// the ledger's services take back what they wrote in savepoints of their
// own. It stops after an event that joined a circle, whose history is
// caught up with before the next event (catchUpJoined), and after
// maxRunHold. When a mark fails (the database fails), the whole run is
// taken back: nothing of it is kept, every event of it stays pending for
// the next Drain, and the failure is returned. The run's events are looked
// up in the ledger's applied marks at its start (Inbox.LookUpApplied), so
// that their marks are written together at its commit.
func (in *Intake) handleRun(ctx context.Context, run []plainEvent) (int, error) {
	done := 0
	err := in.bot.out.InTx(ctx, func(ctx context.Context) error {
		handled := make([]int64, 0, len(run))
		done = 0 // in case the transaction is run again
		if err := in.inbox.LookUpApplied(ctx, runEvents(run)); err != nil {
			return err
		}
		start := time.Now()
		for _, p := range run {
			if err := in.handle(ctx, p.ie, p.r); err != nil {
				if err := in.inbox.MarkDone(ctx, p.ie.Seq, err.Error()); err != nil {
					return err
				}
			} else {
				handled = append(handled, p.ie.Seq)
			}
			done++
			if in.catchUp != nil && in.bot.joinedCircle() || time.Since(start) > in.runHold {
				break
			}
		}
		return in.inbox.MarkAllDone(ctx, handled)
	})
	if err != nil {
		return 0, fmt.Errorf("failed to handle %d events: %w", len(run), err)
	}
	return done, nil
}
