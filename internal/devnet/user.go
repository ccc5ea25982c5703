package devnet

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"
)

// PollInterval is how often the Wait* helpers poll the homeserver.
const PollInterval = 150 * time.Millisecond

// User is a logged-in account on a devnet Homeserver with test helpers. Its
// methods are safe for concurrent use. Register and Login make a plain
// client (no encryption: what it sends goes out in clear, encrypted events
// stay m.room.encrypted to it); NewEncryptedUser (through package
// internal/devnet/encrypted) an encrypting one.
type User struct {
	// ID is the full Matrix user ID, e.g. @alice:localhost.
	ID id.UserID
	// Client is a mautrix client logged in as the user (access token and
	// device ID set).
	Client *mautrix.Client
	// Password is the account password.
	Password string

	mu    sync.Mutex
	rooms map[id.RoomID]*roomLog

	// e2ee is set for an encrypting member (NewEncryptedUser), nil otherwise.
	e2ee Encryption
	// e2eeSince is when e2ee's client started, in Unix milliseconds.
	e2eeSince int64

	syncMu          sync.Mutex
	syncSince       string
	invites         map[id.RoomID]id.UserID // pending invites: room -> inviter
	returnedInvites map[id.RoomID]bool
}

// roomLog is the part of a room's timeline a User has already fetched,
// oldest first, plus the WaitMessage cursor.
type roomLog struct {
	events []*event.Event
	index  map[id.EventID]int
	cursor int // WaitMessage looks at events[cursor:]
	// undecrypted holds, for an encrypting member, why each m.room.encrypted
	// event of events is not decrypted yet.
	undecrypted map[id.EventID]error
}

// Register creates the account localpart with open registration (the
// m.login.dummy user-interactive flow: a first POST /register answers 401
// with a session, the second carries auth {type: m.login.dummy, session})
// and returns it logged in.
func (h *Homeserver) Register(ctx context.Context, localpart, password string) (*User, error) {
	cli, err := mautrix.NewClient(h.URL, "", "")
	if err != nil {
		return nil, err
	}
	resp, err := cli.RegisterDummy(ctx, &mautrix.ReqRegister[any]{
		Username:                 localpart,
		Password:                 password,
		InitialDeviceDisplayName: "devnet",
	})
	if err != nil {
		return nil, fmt.Errorf("devnet: registering %s: %w", localpart, err)
	}
	cli.SetCredentials(resp.UserID, resp.AccessToken)
	cli.DeviceID = resp.DeviceID
	return newUser(cli, password), nil
}

// Login logs an existing account in (m.login.password) and returns it.
func (h *Homeserver) Login(ctx context.Context, localpart, password string) (*User, error) {
	cli, err := mautrix.NewClient(h.URL, "", "")
	if err != nil {
		return nil, err
	}
	_, err = cli.Login(ctx, &mautrix.ReqLogin{
		Type:                     mautrix.AuthTypePassword,
		Identifier:               mautrix.UserIdentifier{Type: mautrix.IdentifierTypeUser, User: localpart},
		Password:                 password,
		InitialDeviceDisplayName: "devnet",
		StoreCredentials:         true,
	})
	if err != nil {
		return nil, fmt.Errorf("devnet: logging in %s: %w", localpart, err)
	}
	return newUser(cli, password), nil
}

// UserID returns the full user ID of localpart on this server.
func (h *Homeserver) UserID(localpart string) id.UserID {
	return id.NewUserID(localpart, h.ServerName)
}

func newUser(cli *mautrix.Client, password string) *User {
	return &User{
		ID:              cli.UserID,
		Client:          cli,
		Password:        password,
		rooms:           map[id.RoomID]*roomLog{},
		invites:         map[id.RoomID]id.UserID{},
		returnedInvites: map[id.RoomID]bool{},
	}
}

// Send sends a plain m.text message.
func (u *User) Send(ctx context.Context, roomID id.RoomID, body string) (id.EventID, error) {
	return u.send(ctx, roomID, event.EventMessage, &event.MessageEventContent{MsgType: event.MsgText, Body: body})
}

// SendHTML sends an m.text message with an HTML formatted_body and, if
// mentions is non-empty, m.mentions.user_ids.
func (u *User) SendHTML(ctx context.Context, roomID id.RoomID, body, html string, mentions []id.UserID) (id.EventID, error) {
	content := &event.MessageEventContent{
		MsgType:       event.MsgText,
		Body:          body,
		Format:        event.FormatHTML,
		FormattedBody: html,
	}
	if len(mentions) > 0 {
		content.Mentions = &event.Mentions{UserIDs: mentions}
	}
	return u.send(ctx, roomID, event.EventMessage, content)
}

// React sends an m.reaction (m.annotation with key) to target.
func (u *User) React(ctx context.Context, roomID id.RoomID, target id.EventID, key string) (id.EventID, error) {
	content := &event.ReactionEventContent{RelatesTo: event.RelatesTo{Type: event.RelAnnotation, EventID: target, Key: key}}
	return u.send(ctx, roomID, event.EventReaction, content)
}

// Reply sends an m.text message replying (m.in_reply_to) to the event to,
// mentioning its sender.
func (u *User) Reply(ctx context.Context, roomID id.RoomID, to id.EventID, body string) (id.EventID, error) {
	orig, err := u.Event(ctx, roomID, to)
	if err != nil {
		return "", fmt.Errorf("devnet: fetching %s to reply to: %w", to, err)
	}
	content := &event.MessageEventContent{MsgType: event.MsgText, Body: body}
	content.SetReply(orig)
	return u.send(ctx, roomID, event.EventMessage, content)
}

// Event reads event evt of roomID as u's client gets it. Dendrite may
// answer M_NOT_FOUND for an event that was just sent (it is not persisted
// yet), so Event asks again until ctx ends.
func (u *User) Event(ctx context.Context, roomID id.RoomID, evt id.EventID) (*event.Event, error) {
	for {
		got, err := u.Client.GetEvent(ctx, roomID, evt)
		if !errors.Is(err, mautrix.MNotFound) || ctx.Err() != nil {
			return got, err
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(PollInterval):
		}
	}
}

// Redact redacts an event (for example to remove a reaction).
func (u *User) Redact(ctx context.Context, roomID id.RoomID, target id.EventID, reason string) (id.EventID, error) {
	resp, err := u.Client.RedactEvent(ctx, roomID, target, mautrix.ReqRedact{Reason: reason})
	if err != nil {
		return "", fmt.Errorf("devnet: %s redacting %s: %w", u.ID, target, err)
	}
	return resp.EventID, nil
}

func (u *User) send(ctx context.Context, roomID id.RoomID, typ event.Type, content any) (id.EventID, error) {
	if err := u.prepareSend(ctx, roomID); err != nil {
		return "", err
	}
	resp, err := u.Client.SendMessageEvent(ctx, roomID, typ, content)
	if err != nil {
		return "", fmt.Errorf("devnet: %s sending %s to %s: %w", u.ID, typ.Type, roomID, err)
	}
	return resp.EventID, nil
}

// Join joins a room by ID; this is also how a pending invite is accepted.
func (u *User) Join(ctx context.Context, roomID id.RoomID) error {
	if _, err := u.Client.JoinRoomByID(ctx, roomID); err != nil {
		return fmt.Errorf("devnet: %s joining %s: %w", u.ID, roomID, err)
	}
	return nil
}

// CreateDM creates an unencrypted direct-message room with one other user:
// preset trusted_private_chat, is_direct, and an invite for with.
func (u *User) CreateDM(ctx context.Context, with id.UserID) (id.RoomID, error) {
	return u.createDM(ctx, with, false)
}

// CreateEncryptedDM creates a direct-message room as Element does by
// default: CreateDM's, with m.room.encryption (m.megolm.v1.aes-sha2) in the
// initial state.
func (u *User) CreateEncryptedDM(ctx context.Context, with id.UserID) (id.RoomID, error) {
	return u.createDM(ctx, with, true)
}

func (u *User) createDM(ctx context.Context, with id.UserID, encrypted bool) (id.RoomID, error) {
	req := &mautrix.ReqCreateRoom{
		Preset:   "trusted_private_chat",
		IsDirect: true,
		Invite:   []id.UserID{with},
	}
	if encrypted {
		req.InitialState = append(req.InitialState, encryptionState())
	}
	resp, err := u.Client.CreateRoom(ctx, req)
	if err != nil {
		return "", fmt.Errorf("devnet: %s creating DM with %s: %w", u.ID, with, err)
	}
	return resp.RoomID, nil
}

// CreateRoom creates a private room (preset private_chat) with a name,
// inviting the given users; encrypted adds m.room.encryption
// (m.megolm.v1.aes-sha2) to the initial state.
func (u *User) CreateRoom(ctx context.Context, name string, invite []id.UserID, encrypted bool) (id.RoomID, error) {
	req := &mautrix.ReqCreateRoom{Preset: "private_chat", Name: name, Invite: invite}
	if encrypted {
		req.InitialState = append(req.InitialState, encryptionState())
	}
	resp, err := u.Client.CreateRoom(ctx, req)
	if err != nil {
		return "", fmt.Errorf("devnet: %s creating room %q: %w", u.ID, name, err)
	}
	return resp.RoomID, nil
}

// encryptionState is the m.room.encryption state event (m.megolm.v1.aes-sha2)
// for a new room's initial state.
func encryptionState() *event.Event {
	return &event.Event{
		Type:     event.StateEncryption,
		StateKey: new(string),
		Content:  event.Content{Parsed: &event.EncryptionEventContent{Algorithm: id.AlgorithmMegolmV1}},
	}
}

// WaitInvite polls /sync until the user has a pending invite sent by from
// (any inviter if from is "") that no earlier WaitInvite call returned, and
// returns its room. Invites pending before the first call count too.
func (u *User) WaitInvite(ctx context.Context, from id.UserID) (id.RoomID, error) {
	for {
		if room, ok := u.takeInvite(from); ok {
			return room, nil
		}
		if err := u.syncOnce(ctx, 1000); err != nil {
			if ctx.Err() != nil {
				return "", fmt.Errorf("devnet: %s waiting for an invite from %q: %w", u.ID, from, ctx.Err())
			}
			return "", err
		}
	}
}

// takeInvite returns a pending invite from from (anyone if "") that no
// earlier call returned.
func (u *User) takeInvite(from id.UserID) (id.RoomID, bool) {
	u.syncMu.Lock()
	defer u.syncMu.Unlock()
	for room, inviter := range u.invites {
		if !u.returnedInvites[room] && (from == "" || inviter == from) {
			u.returnedInvites[room] = true
			return room, true
		}
	}
	return "", false
}

// syncOnce makes one /sync request (long-polling up to timeoutMS), notes the
// invites it brings and, for an encrypting member, hands the response to its
// Encryption before the sync token moves past it (so no to-device key is
// skipped).
func (u *User) syncOnce(ctx context.Context, timeoutMS int) error {
	u.syncMu.Lock()
	defer u.syncMu.Unlock()
	resp, err := u.Client.FullSyncRequest(ctx, mautrix.ReqSync{Since: u.syncSince, Timeout: timeoutMS, SetPresence: event.PresenceOffline})
	if err != nil {
		return fmt.Errorf("devnet: %s syncing: %w", u.ID, err)
	}
	if u.e2ee != nil {
		if err := u.e2ee.ProcessSync(ctx, resp, u.syncSince); err != nil {
			return fmt.Errorf("devnet: %s processing a sync: %w", u.ID, err)
		}
	}
	u.syncSince = resp.NextBatch
	for room, inv := range resp.Rooms.Invite {
		inviter := id.UserID("")
		for _, evt := range inv.State.Events {
			if evt.Type.Type == event.StateMember.Type && evt.GetStateKey() == u.ID.String() {
				inviter = evt.Sender
			}
		}
		u.invites[room] = inviter
	}
	for room := range resp.Rooms.Join {
		delete(u.invites, room)
	}
	for room := range resp.Rooms.Leave {
		delete(u.invites, room)
	}
	return nil
}

// WaitMessage polls the room timeline until an event from sender (any sender
// if "") satisfying match (nil: any m.room.message) appears after the last
// event WaitMessage or WaitMessageAfter returned for this room (from the start
// of the room on the first call), and returns it with its content parsed.
// Each event is returned at most once; non-matching events stay available to
// later calls. Use a ctx with a timeout. An encrypting member sees events
// decrypted, and an event from sender whose key has not arrived yet holds
// the wait until it has (see waitsForKeys).
func (u *User) WaitMessage(ctx context.Context, roomID id.RoomID, sender id.UserID, match func(*event.Event) bool) (*event.Event, error) {
	return u.waitMessage(ctx, roomID, "", sender, match)
}

// WaitMessageAfter is WaitMessage considering only events that come after
// the event after in the timeline (for example the command the test just
// sent), regardless of what earlier calls returned.
func (u *User) WaitMessageAfter(ctx context.Context, roomID id.RoomID, after id.EventID, sender id.UserID, match func(*event.Event) bool) (*event.Event, error) {
	return u.waitMessage(ctx, roomID, after, sender, match)
}

func (u *User) waitMessage(ctx context.Context, roomID id.RoomID, after id.EventID, sender id.UserID, match func(*event.Event) bool) (*event.Event, error) {
	if match == nil {
		match = func(evt *event.Event) bool { return evt.Type.Type == event.EventMessage.Type }
	}
	for {
		evt, err := u.scan(ctx, roomID, after, sender, match)
		if evt != nil || err != nil {
			return evt, err
		}
		select {
		case <-ctx.Done():
			what := "any sender"
			if sender != "" {
				what = sender.String()
			}
			return nil, fmt.Errorf("devnet: %s waiting for a message from %s in %s: %w; recent timeline:\n%s",
				u.ID, what, roomID, ctx.Err(), u.describeRecent(roomID, 10))
		case <-time.After(PollInterval):
		}
	}
}

// scan refreshes the room log once and looks for a matching event. For an
// encrypting member it syncs first (room keys) and does not look past an
// event from sender whose key has not arrived yet.
func (u *User) scan(ctx context.Context, roomID id.RoomID, after id.EventID, sender id.UserID, match func(*event.Event) bool) (*event.Event, error) {
	log, err := u.fetch(ctx, roomID)
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil // reported by the caller with context
		}
		return nil, err
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	start := log.cursor
	if after != "" {
		i, ok := log.index[after]
		if !ok {
			return nil, nil // not visible yet
		}
		start = i + 1
	}
	for i := start; i < len(log.events); i++ {
		evt := log.events[i]
		if sender != "" && evt.Sender != sender {
			continue
		}
		if u.waitsForKeys(log, i) {
			return nil, nil
		}
		if match(evt) {
			log.cursor = max(log.cursor, i+1)
			return evt, nil
		}
	}
	return nil, nil
}

// Messages returns the whole room timeline visible to the user, oldest
// first (state events included), paginating /messages as needed. It does not
// move the WaitMessage cursor. An encrypting member gets the events it can
// decrypt decrypted, the others as m.room.encrypted.
func (u *User) Messages(ctx context.Context, roomID id.RoomID) ([]*event.Event, error) {
	log, err := u.fetch(ctx, roomID)
	if err != nil {
		return nil, err
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]*event.Event(nil), log.events...), nil
}

// fetch brings the room log up to date: for an encrypting member, one sync
// (room keys), then new events, then decryption of what can be decrypted.
func (u *User) fetch(ctx context.Context, roomID id.RoomID) (*roomLog, error) {
	if u.e2ee != nil {
		if err := u.syncOnce(ctx, 0); err != nil {
			return nil, err
		}
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	log, err := u.refresh(ctx, roomID)
	if err != nil {
		return nil, err
	}
	u.decryptLog(ctx, log)
	return log, nil
}

// refresh pages backwards from the newest event until a page holds one
// already known (or the start of the room) and appends the new events in
// order.
// Backward pagination from "now" is used because it is the path Dendrite's
// /messages handles most reliably (its forward tokens reset to t0_0 at the
// end). Caller holds u.mu.
func (u *User) refresh(ctx context.Context, roomID id.RoomID) (*roomLog, error) {
	log := u.rooms[roomID]
	if log == nil {
		log = &roomLog{index: map[id.EventID]int{}}
		u.rooms[roomID] = log
	}
	var fresh []*event.Event // newest first
	from := ""
	for page := 0; page < 10000; page++ {
		resp, err := u.Client.Messages(ctx, roomID, from, "", mautrix.DirectionBackward, nil, 100)
		if err != nil {
			return nil, fmt.Errorf("devnet: %s reading %s: %w", u.ID, roomID, err)
		}
		done := len(resp.Chunk) == 0 || resp.End == "" || resp.End == from
		for _, evt := range resp.Chunk {
			if _, known := log.index[evt.ID]; known {
				// The rest of this page is older, except events at the same
				// depth (sent concurrently, e.g. a message and a join): they
				// may come after a known one, so the page is read to its end.
				done = true
				continue
			}
			if evt.RoomID == "" {
				evt.RoomID = roomID
			}
			_ = evt.Content.ParseRaw(evt.Type) // unknown types stay raw
			fresh = append(fresh, evt)
			if evt.Type.Type == event.StateCreate.Type {
				done = true
				break
			}
		}
		if done {
			break
		}
		from = resp.End
	}
	for i := len(fresh) - 1; i >= 0; i-- {
		if _, dup := log.index[fresh[i].ID]; dup {
			continue
		}
		log.index[fresh[i].ID] = len(log.events)
		log.events = append(log.events, fresh[i])
	}
	return log, nil
}

// describeRecent summarises the last n known events of a room for errors.
func (u *User) describeRecent(roomID id.RoomID, n int) string {
	u.mu.Lock()
	defer u.mu.Unlock()
	log := u.rooms[roomID]
	if log == nil || len(log.events) == 0 {
		return "  (nothing fetched)"
	}
	var b strings.Builder
	for i := max(0, len(log.events)-n); i < len(log.events); i++ {
		evt := log.events[i]
		mark := " "
		if i < log.cursor {
			mark = "x" // already consumed by WaitMessage
		}
		fmt.Fprintf(&b, "  %s %s %s %s %q", mark, evt.ID, evt.Sender, evt.Type.Type, Body(evt))
		if err := log.undecrypted[evt.ID]; err != nil {
			fmt.Fprintf(&b, " (not decrypted: %v)", err)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// Body returns the body of a message event ("" for other events) as a
// member reads it: without the invisible word joiners (U+2060) the bot
// writes into user IDs so that push rules do not read them as mentions.
func Body(evt *event.Event) string {
	if msg, ok := evt.Content.Parsed.(*event.MessageEventContent); ok {
		return strings.ReplaceAll(msg.Body, "\u2060", "")
	}
	if b, ok := evt.Content.Raw["body"].(string); ok {
		return strings.ReplaceAll(b, "\u2060", "")
	}
	return ""
}

// BodyContains returns a WaitMessage matcher accepting m.room.message events
// whose body contains substr.
func BodyContains(substr string) func(*event.Event) bool {
	return func(evt *event.Event) bool {
		return evt.Type.Type == event.EventMessage.Type && strings.Contains(Body(evt), substr)
	}
}

// IsType returns a WaitMessage matcher accepting any event of type t.
func IsType(t event.Type) func(*event.Event) bool {
	return func(evt *event.Event) bool { return evt.Type.Type == t.Type }
}
