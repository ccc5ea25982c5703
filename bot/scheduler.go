package bot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/ledger"
)

// Clock is the bot's role of doing the clock's work: the ops that came due
// (month rollovers, deadlines) applied, the monthly digests sent, and the
// rule of which bot tells a member what the clock did.
type Clock struct{ b *Bot }

// Clock returns the bot's role for the clock: run it (Clock.Run) beside
// the intake.
func (b *Bot) Clock() Clock { return Clock{b: b} }

// Tick does what the clock has made due: month rollovers and red deadlines
// (ledger ops keyed to happen once, so a tick missed while the bot was down
// happens when it is back, and never twice), then the warnings of red
// collections ending within a day (deadline_warn.go), then the monthly
// reminder to each member who still owes something.
func (c Clock) Tick(ctx context.Context) error {
	c = Clock{c.b.onClock()}
	b := c.b
	defer b.sender.Notify() // what its transactions wrote is committed by then
	now := b.ledger.Now()
	ops, err := b.ledger.Aid.DueClockOps(ctx, now)
	if err != nil {
		return fmt.Errorf("failed to list clock ops: %w", err)
	}
	for _, op := range ops {
		if err := c.tick(ctx, op); err != nil {
			return err
		}
	}
	if err := c.warnDeadlines(ctx, now); err != nil {
		return err
	}
	// The month's reminders are marked sent in the transaction that
	// writes them to the outbox: both happen, or neither.
	return b.out.InTx(ctx, func(ctx context.Context) error {
		digests, err := b.ledger.Aid.MonthlyDigests(ctx, now)
		if err != nil {
			return fmt.Errorf("failed to make the monthly digests: %w", err)
		}
		for _, d := range digests {
			c.sendDigest(ctx, d)
		}
		return nil
	})
}

// tick applies one op the clock made due and writes what members are
// told of it (renewals, a red collection's end) in the same transaction.
func (c Clock) tick(ctx context.Context, op ledger.Op) error {
	b := c.b
	log := zerolog.Ctx(ctx)
	var failed error
	err := b.out.InTx(ctx, func(ctx context.Context) error {
		out, err := b.apply(ctx, op)
		switch {
		case ledger.IsDuplicate(err):
		case ledger.ErrorCode(err) == ledger.EInternal || (err != nil && ledger.AsError(err) == nil):
			failed = fmt.Errorf("failed to apply %s: %w", op.Event, err)
		case err != nil:
			log.Info().Err(err).Str("op", string(op.Event)).Msg("The clock's op changed nothing")
		default:
			log.Info().Str("op", string(op.Event)).Msg("Applied a clock op")
			notices{b}.after(ctx, out)
		}
		return nil // what the ledger recorded stays, refused or not
	})
	if err != nil {
		b.ledger.Forget()
		return fmt.Errorf("failed to apply %s: %w", op.Event, err)
	}
	return failed
}

// Run ticks every interval until ctx ends.
func (c Clock) Run(ctx context.Context, every time.Duration) error {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		if err := c.Tick(ctx); err != nil && ctx.Err() == nil {
			zerolog.Ctx(ctx).Error().Err(err).Msg("Failed to run the scheduler")
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}

// sendDigest tells a member, in one message, what they still owe this
// month, unless they muted digests.
func (c Clock) sendDigest(ctx context.Context, d ledger.Digest) {
	b := c.b
	if !b.ledger.Members.Wants(ctx, d.Member, ledger.NoticeDigest) || !c.speaksFor(ctx, d.Member) {
		return
	}
	l, loc := b.ledger.Members.LangOf(ctx, d.Member), b.zoneOf(ctx, d.Member)
	parts := []string{text(l, "digest.header")}
	if len(d.Convert) > 0 {
		parts = append(parts, text(l, "digest.convert", len(d.Convert), sums(l, d.Convert))+"\n"+promiseList(l, loc, d.Convert, true))
	}
	if len(d.Fulfil) > 0 {
		parts = append(parts, text(l, "digest.fulfil", len(d.Fulfil), sumsOf(l, d.Fulfil, (*ledger.Promise).Unsent))+"\n"+promiseList(l, loc, d.Fulfil, true))
	}
	if len(d.Confirm) > 0 {
		parts = append(parts, text(l, "digest.confirm", len(d.Confirm), sumsOf(l, d.Confirm, (*ledger.Promise).ToConfirm))+"\n"+promiseList(l, loc, d.Confirm, false))
	}
	all := append(append(append([]*ledger.Promise(nil), d.Convert...), d.Fulfil...), d.Confirm...)
	b.sendDirect(ctx, idOf(d.Member), ask(idOf(d.Member), strings.Join(parts, "\n\n"), "digest", map[string]any{"promises": promisesData(all)}))
}

// speaksNot reports whether the bot is doing the clock's work (its mode)
// and another bot tells member u what it did.
func (c Clock) speaksNot(ctx context.Context, u ledger.UserID) bool {
	return c.b.mode.clock && !c.speaksFor(ctx, u)
}

// speaksFor reports whether this bot sends a member the clock's notices:
// the bot answering in the member's first circle, or, for a member in no
// circle, the bot with a direct chat with them. Every bot computes the
// same answer, so a member hears once however many bots follow them.
func (c Clock) speaksFor(ctx context.Context, u ledger.UserID) bool {
	b := c.b
	cs, err := b.ledger.Circles.Of(ctx, u)
	if err != nil || len(cs) == 0 {
		return b.ledger.Members.DirectRoomOf(ctx, u) != ""
	}
	return peers{b}.answers(ctx, id.RoomID(cs[0]))
}
