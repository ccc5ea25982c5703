// Package replica keeps the bot's ledger the same as the rooms say: it
// rebuilds an empty ledger from the history of every room the bot is in,
// catches up with the history of a circle the bot joins, reconciles what
// the homeserver did not push, and watches for circles to take over. It
// drives the bot (package bot) through a few small doors: the bot's
// Replayer, the intake's inbox and the Matrix client.
package replica

import (
	"context"
	"sync"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/bot"
	"github.com/exodus-matrix/exodus/ledger"
)

// Client is what replication reads of the Matrix client-server API.
type Client interface {
	Messages(ctx context.Context, roomID id.RoomID, from, to string, dir mautrix.Direction, filter *mautrix.FilterPart, limit int) (*mautrix.RespMessages, error)
	JoinedRooms(ctx context.Context) (*mautrix.RespJoinedRooms, error)
}

// Bot is what replaying needs of the bot.
type Bot interface {
	// Replaying returns the bot replaying one sequence of history.
	Replaying() *bot.Replayer
	// JoinedCircles returns, and forgets, the circles joined whose past
	// must be replayed.
	JoinedCircles() []id.RoomID
}

// Replica replays rooms' history into the bot's ledger: a rebuild of an
// empty ledger, and the catch-up with a circle joined.
type Replica struct {
	bot   Bot
	self  id.UserID
	cli   Client
	inbox ledger.Inbox
	state mautrix.StateStore
	// decrypter reads the encrypted events of the history (nil: none
	// can be read).
	decrypter bot.Decrypter

	// notify wakes the intake (nil: nothing); now tells the time.
	notify func()
	now    func() time.Time
	mu     sync.Mutex
	// waits are the circles joined whose history waits for room keys
	// asked of the trusted bots (keywait.go); wakeAt is when the next
	// thing awaited is due (zero: nothing waits), and timer wakes the
	// intake then.
	waits  map[id.RoomID]*keyWait
	wakeAt time.Time
	timer  *time.Timer
}

// SetDecrypter makes rebuilds and catch-ups read encrypted history with d
// (bot.DecryptHistory: the intake's trust policy). Call it before any.
func (r *Replica) SetDecrypter(d bot.Decrypter) { r.decrypter = d }

// New returns a replica replaying into b (the bot self) what cli reads,
// recording the replayed events in inbox and their state in state (nil:
// none).
func New(b Bot, self id.UserID, cli Client, inbox ledger.Inbox, state mautrix.StateStore) *Replica {
	return &Replica{bot: b, self: self, cli: cli, inbox: inbox, state: state, now: time.Now, waits: map[id.RoomID]*keyWait{}}
}

// ReplayClock is a ledger.Clock for a bot that may rebuild: it tells the
// base clock's time, except during a rebuild, when it tells the time of the
// event being replayed. Give the same ReplayClock to ledger.NewService and
// to Options.
type ReplayClock struct {
	base ledger.Clock
	mu   sync.Mutex
	at   time.Time
}

// NewReplayClock returns a clock telling base's time until a rebuild sets it.
func NewReplayClock(base ledger.Clock) *ReplayClock { return &ReplayClock{base: base} }

// Now returns the replayed event's time during a rebuild, else the base's.
func (c *ReplayClock) Now() time.Time {
	c.mu.Lock()
	at := c.at
	c.mu.Unlock()
	if !at.IsZero() {
		return at
	}
	return c.base.Now()
}

// set makes the clock tell t (the zero time gives it back to the base).
func (c *ReplayClock) set(t time.Time) {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.at = t
	c.mu.Unlock()
}
