package bot

import (
	"context"
	"fmt"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

// warnDeadlines tells the owner and the givers of every red collection
// whose deadline is a day away, and which still lacks commitments, that it
// ends soon. Each warning is marked given in the transaction that writes
// it to the outbox: both happen, or neither, and never twice.
func (c Clock) warnDeadlines(ctx context.Context, now time.Time) error {
	b := c.b
	return b.out.InTx(ctx, func(ctx context.Context) error {
		ws, err := b.ledger.Aid.DeadlineWarnings(ctx, now)
		if err != nil {
			return fmt.Errorf("failed to list the deadline warnings: %w", err)
		}
		for _, w := range ws {
			c.warnOwner(ctx, w)
			for _, g := range w.Givers {
				c.warnGiver(ctx, w, g)
			}
		}
		return nil
	})
}

// warnOwner tells a red collection's owner that it ends soon and what it
// still lacks, in their language and time zone.
func (c Clock) warnOwner(ctx context.Context, w ledger.DeadlineWarning) {
	u := w.Need.Owner
	if l, loc, ok := c.warnable(ctx, u); ok {
		p := ledger.ProgressOf(w.Need, w.Totals, loc)
		md := text(l, "deadline.owner", dueText(l, p), w.Totals.Missing, w.Totals.Target, w.Totals.Committed)
		c.b.sendDirect(ctx, idOf(u), ask(idOf(u), md, "deadline_warning", warningData(w, "owner")))
	}
}

// warnGiver tells one giver of a red collection that it ends soon and
// what it still lacks, in their language and time zone.
func (c Clock) warnGiver(ctx context.Context, w ledger.DeadlineWarning, g ledger.UserID) {
	if l, loc, ok := c.warnable(ctx, g); ok {
		p := ledger.ProgressOf(w.Need, w.Totals, loc)
		md := text(l, "deadline.giver", w.Need.Owner, dueText(l, p), w.Totals.Missing, w.Totals.Target, w.Totals.Committed)
		c.b.sendDirect(ctx, idOf(g), ask(idOf(g), md, "deadline_warning", warningData(w, "giver")))
	}
}

// warnable says whether member u is to be warned by this bot (they did not
// mute reminders, and this bot is the one that tells them the clock's
// work), and in which language and time zone.
func (c Clock) warnable(ctx context.Context, u ledger.UserID) (ledger.Lang, *time.Location, bool) {
	b := c.b
	if !b.ledger.Members.Wants(ctx, u, ledger.NoticeReminder) || !c.speaksFor(ctx, u) {
		return "", nil, false
	}
	return b.ledger.Members.LangOf(ctx, u), b.zoneOf(ctx, u), true
}

// warningData is the machine-readable part of a deadline warning.
func warningData(w ledger.DeadlineWarning, as string) map[string]any {
	return map[string]any{"need": w.Need.ID, "owner": w.Need.Owner, "as": as,
		"deadline": w.Need.Deadline.UTC().Format(time.RFC3339), "missing": w.Totals.Missing.String(),
		"target": w.Totals.Target.String(), "committed": w.Totals.Committed.String()}
}
