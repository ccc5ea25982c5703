package bot

import (
	"context"
	"slices"

	"maunium.net/go/mautrix/id"
)

// mode is how the bot handles one event or action besides changing the
// ledger: what it may say and do. It is a field of the Bot value handling
// it (a copy of the bot sharing everything else: with), never a value in
// the context. The zero mode answers aloud, live.
type mode struct {
	// silent: a circle another bot answers in. The ledger changes the
	// same; the bot writes only into circles it answers itself (the
	// need's cards there), not the event's room or any direct chat, which
	// the answering bot serves (mayPost, mayWrite).
	silent bool
	// rebuilding: replaying history into an empty ledger (a rebuild, or
	// catching up with a circle joined). Nothing is written or sent, and
	// this bot's own cards and records of web actions are followed as
	// another bot's would be.
	rebuilding bool
	// replay is, while rebuilding, who the history replayed so far shows
	// in each room (see membersThen).
	replay replayMembers
	// dryRun: ops are only checked, nothing is applied (an action from
	// the web, before it is posted).
	dryRun bool
	// outside: the event is in no circle room (a direct chat); its ops
	// are relayed into the member's circles.
	outside bool
	// clock: what the scheduler made due. Every bot applies it, but only
	// one tells each member (Clock.speaksNot).
	clock bool
}

// mayPostIn is the rule of Bot.mayPost for a room: ours tells whether
// this bot answers there, circle whether the room is a circle. Nothing is
// posted while rebuilding; silent, only into circles this bot answers.
func (m mode) mayPostIn(ours, circle bool) bool {
	return ours && !m.rebuilding && (!m.silent || circle)
}

// with returns the bot handling in mode m: a copy sharing everything but
// the mode.
func (b *Bot) with(m mode) *Bot {
	c := *b
	c.mode = m
	c.cli = quietClient{Client: b.raw, bot: &c}
	return &c
}

// silently is the bot following a circle another bot answers in.
func (b *Bot) silently() *Bot {
	m := b.mode
	m.silent = true
	return b.with(m)
}

// aloud undoes silently (not rebuilding): for what this bot must say
// itself though a member's event in a circle it does not answer in set it
// off, such as taking over when a member kicks the answering bot.
func (b *Bot) aloud() *Bot {
	if !b.mode.silent || b.mode.rebuilding {
		return b
	}
	m := b.mode
	m.silent = false
	return b.with(m)
}

// rebuilding is the bot replaying history, with members as the membership
// seen so far (filled in as the replay goes).
func (b *Bot) rebuilding(members replayMembers) *Bot {
	return b.with(mode{silent: true, rebuilding: true, replay: members})
}

// fromOutside is the bot handling an event in no circle room.
func (b *Bot) fromOutside() *Bot {
	m := b.mode
	m.outside = true
	return b.with(m)
}

// dryRun is the bot only checking ops.
func (b *Bot) dryRun() *Bot {
	m := b.mode
	m.dryRun = true
	return b.with(m)
}

// onClock is the bot doing what the clock made due.
func (b *Bot) onClock() *Bot {
	m := b.mode
	m.clock = true
	return b.with(m)
}

// replayMembers is, during a rebuild, who the history replayed so far
// shows in each room (true) or gone from it (false).
type replayMembers map[id.RoomID]map[id.UserID]bool

// membersThen is who was in a room at the point of the replay: those the
// history shows joined, and those in it now the history shows nothing of
// (it may not show events before the bot joined). Live, it is who is in it
// now.
func (b *Bot) membersThen(ctx context.Context, room id.RoomID) ([]id.UserID, error) {
	resp, err := b.cli.JoinedMembers(ctx, room)
	if err != nil {
		return nil, err
	}
	then := b.mode.replay
	var out []id.UserID
	for u := range resp.Joined {
		if in, seen := then[room][u]; !seen || in {
			out = append(out, u)
		}
	}
	for u, in := range then[room] {
		if _, now := resp.Joined[u]; in && !now {
			out = append(out, u)
		}
	}
	slices.Sort(out)
	return out, nil
}
