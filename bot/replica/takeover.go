package replica

import (
	"context"
	"time"
)

// Takeovers is what the takeover watch needs of the bot
// (bot.Bot.CheckTakeovers).
type Takeovers interface {
	// CheckTakeovers takes over the circles whose answering bot has left
	// commands unanswered too long, where the rule picks this bot.
	CheckTakeovers(ctx context.Context)
}

// RunTakeovers has b check for circles to take over until ctx ends, often
// enough that a takeover by silence comes within after (the bot's
// bot.Config.TakeoverAfter) and a few seconds, whatever the scheduler's
// tick.
func RunTakeovers(ctx context.Context, b Takeovers, after time.Duration) error {
	tick := time.NewTicker(takeoverPoll(after))
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
			b.CheckTakeovers(ctx)
		}
	}
}

// takeoverPoll is how often RunTakeovers looks: a tenth of the wait, from
// a quarter of a second to five seconds.
func takeoverPoll(after time.Duration) time.Duration {
	return min(max(after/10, 250*time.Millisecond), 5*time.Second)
}
