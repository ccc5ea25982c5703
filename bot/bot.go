// Package bot is the Matrix side of Exodus: it takes events from the
// homeserver (durably, through the inbox), turns members' commands and
// reactions into ledger calls, and answers in the rooms.
package bot

import (
	"context"
	"regexp"
	"slices"
	"sync"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/ledger/access"
)

// Namespace is the key under which every message the bot posts carries its
// machine-readable content, and the prefix of the bot's own event types.
const Namespace = "org.exodus"

// CircleStateType is the state event that marks a room as a circle and names
// its settings and answering bot.
var CircleStateType = event.Type{Type: Namespace + ".circle", Class: event.StateEventType}

// Client is what the bot needs of the Matrix client-server API. The
// appservice's bot intent (*appservice.IntentAPI) satisfies it.
type Client interface {
	SendMessageEvent(ctx context.Context, roomID id.RoomID, eventType event.Type, contentJSON any, extra ...mautrix.ReqSendEvent) (*mautrix.RespSendEvent, error)
	SendStateEvent(ctx context.Context, roomID id.RoomID, eventType event.Type, stateKey string, contentJSON any, extra ...mautrix.ReqSendEvent) (*mautrix.RespSendEvent, error)
	CreateRoom(ctx context.Context, req *mautrix.ReqCreateRoom) (*mautrix.RespCreateRoom, error)
	JoinRoomByID(ctx context.Context, roomID id.RoomID, extraContent ...map[string]any) (*mautrix.RespJoinRoom, error)
	InviteUser(ctx context.Context, roomID id.RoomID, req *mautrix.ReqInviteUser, extraContent ...map[string]any) (*mautrix.RespInviteUser, error)
	JoinedMembers(ctx context.Context, roomID id.RoomID) (*mautrix.RespJoinedMembers, error)
	StateEvent(ctx context.Context, roomID id.RoomID, eventType event.Type, stateKey string, outContent any) error
	Messages(ctx context.Context, roomID id.RoomID, from, to string, dir mautrix.Direction, filter *mautrix.FilterPart, limit int) (*mautrix.RespMessages, error)
	SyncRequest(ctx context.Context, timeout int, since, filterID string, fullState bool, setPresence event.Presence) (*mautrix.RespSync, error)
	JoinedRooms(ctx context.Context) (*mautrix.RespJoinedRooms, error)
}

// Config is the bot's part of the configuration.
type Config struct {
	// UserID is the bot's own Matrix user.
	UserID id.UserID
	// Prefix starts a command in a group room, e.g. "!ex".
	Prefix string
	// BotUsers matches the user IDs of other automated users (bridges,
	// other appservices): their events never count as member actions and
	// are never followed.
	BotUsers []*regexp.Regexp
	// TrustedBots are the other Exodus bots the operator trusts, by exact
	// user ID: only they (and this bot) are followed in a circle, given the
	// power to name the answering bot, or take over. A circle state event
	// or a record from anyone else changes nothing.
	TrustedBots []id.UserID
	// CommandsPerMinute bounds how many commands one member may send.
	CommandsPerMinute int
	// TakeoverAfter is how long a member's command in a circle may go
	// unanswered by the circle's answering bot before another bot takes
	// over (5 minutes by default).
	TakeoverAfter time.Duration
	// WebURL is the public address of the web organizer ("" when it is
	// off): login links and the API address start with it.
	WebURL string
	// Framed is set when Element may frame the web organizer
	// (web.frame_origins): without it, `widget` says what to set.
	Framed bool
	// Metrics receives what the bot and its intake count; nil counts
	// nothing (NoMetrics).
	Metrics Metrics
	// Decrypts is set when the intake reads encrypted events (it has a
	// Decrypter): the bot then answers in encrypted rooms as in others,
	// instead of telling members it cannot read them.
	Decrypts bool
}

// Bot turns Matrix events into ledger calls and answers.
type Bot struct {
	cfg    Config
	raw    Client // the homeserver
	cli    Client // raw, less the writes the mode refuses (quietClient)
	ledger *ledger.Service
	access *access.Service // tokens and login links (bot/web.go)
	out    Outbox          // what the bot must say, written with the change that calls for it
	sender *Sender         // delivers out

	limiter *limiter
	// onEvent are the event handlers; commands, the chat's commands.
	onEvent  map[event.Type]handlerFunc
	commands *commandSet

	*shared      // what every mode of the bot shares
	mode    mode // how this copy handles what it is given (mode.go)
}

// shared is the bot's state that its copies in other modes share.
type shared struct {
	takeoverMu sync.Mutex // one takeover at a time

	mu          sync.Mutex
	directRooms map[id.RoomID]bool      // rooms known to be direct chats (true) or not (false)
	warned      map[warning]bool        // members told in a room the bot cannot read encrypted messages
	unanswered  map[id.RoomID]time.Time // circles whose answering bot owes an answer since
	inviteTried map[id.RoomID]inviteTry // rooms joined on an invitation FindInvites found: when to try again
	// joinedCircles are the circles joined whose history must be
	// replayed, once the handling that joined them is committed
	// (JoinedCircles).
	joinedCircles []id.RoomID
}

// New returns a bot keeping its books in svc, handing out web access
// through acc, writing what it says to out (in the transaction of the
// change that calls for it), and sending it through cli (Sender).
func New(cfg Config, cli Client, svc *ledger.Service, acc *access.Service, out Outbox) *Bot {
	if cfg.Prefix == "" {
		cfg.Prefix = "!ex"
	}
	if cfg.CommandsPerMinute <= 0 {
		cfg.CommandsPerMinute = 20
	}
	if cfg.TakeoverAfter <= 0 {
		cfg.TakeoverAfter = 5 * time.Minute
	}
	if cfg.Metrics == nil {
		cfg.Metrics = NoMetrics{}
	}
	b := &Bot{
		cfg: cfg, raw: cli, ledger: svc, access: acc, out: out,
		limiter: newLimiter(cfg.CommandsPerMinute, time.Minute),
		onEvent: eventHandlers, commands: newCommandSet(cfg.Prefix),
		shared: &shared{
			directRooms: map[id.RoomID]bool{},
			warned:      map[warning]bool{},
			unanswered:  map[id.RoomID]time.Time{},
			inviteTried: map[id.RoomID]inviteTry{},
		},
	}
	b.cli = quietClient{Client: cli, bot: b}
	b.sender = &Sender{bot: b, out: out, wake: make(chan struct{}, 1)}
	return b
}

// Sender returns what delivers the bot's outbox: run it (Sender.Run)
// beside the intake.
func (b *Bot) Sender() *Sender { return b.sender }

// IsBot reports whether a user is this bot, a trusted bot or another
// automated user; such users' events never count as member actions.
func (b *Bot) IsBot(u id.UserID) bool {
	if b.trusted(u) {
		return true
	}
	for _, re := range b.cfg.BotUsers {
		if re.MatchString(string(u)) {
			return true
		}
	}
	return false
}

// trusted reports whether a user is a bot this one follows: itself, or a
// bot the operator listed by exact user ID (Config.TrustedBots).
func (b *Bot) trusted(u id.UserID) bool {
	return u != "" && (u == b.cfg.UserID || slices.Contains(b.cfg.TrustedBots, u))
}
