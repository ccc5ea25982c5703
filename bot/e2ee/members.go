//go:build goolm

package e2ee

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/bot/roomcheck"
)

// The members a room key is shared with. The homeserver's list
// (GET /members) costs a round trip per message; the Matrix state store
// (the bot's sqlstatestore) holds every membership event the intake read
// in a room, but nothing of what happened there while the bot was out (the
// members who were there before it joined, the changes between a leave and
// a rejoin, or while it was stopped). So the homeserver is asked the first
// time the bot writes into a room in this process and after each change of
// the bot's own membership there (the rule the sender follows for a room's
// encryption: bot/roomcheck), and its answer replaces the room's members in
// the store; from then on the store is read. A member the bot just invited
// is added at once (Invited), before the store or the homeserver lists them.
// A membership event is known as soon as its transaction is received
// (MemberArrived), before the intake reaches it in its turn and records it
// in the store (HandleMemberEvent): until then it overlays the store's
// members (a newcomer in, a leaver out), so a message the bot sends
// meanwhile from elsewhere (the web organizer, a reminder) misses no one.

// memberStore is a state store that holds the rooms' members (the bot's
// sqlstatestore is one). A device whose state store is not one asks the
// homeserver before every message.
type memberStore interface {
	GetRoomJoinedOrInvitedMembers(ctx context.Context, room id.RoomID) ([]id.UserID, error)
	SetMember(ctx context.Context, room id.RoomID, user id.UserID, member *event.MemberEventContent) error
	ReplaceCachedMembers(ctx context.Context, room id.RoomID, evts []*event.Event, only ...event.Membership) error
}

// roomMembers is what the device knows of the rooms' members besides the
// store: which rooms' members the store holds in full, and how many
// membership events it heard in each (an answer of the homeserver asked
// for before one is not written to the store: it may be older).
type roomMembers struct {
	fresh  roomcheck.Rooms
	mu     sync.Mutex // held while the store's members of a room are written
	events map[id.RoomID]uint64
	// arrived are the memberships received and not recorded by the intake
	// yet, the latest of each member.
	arrived map[id.RoomID]map[id.UserID]arrival
}

// arrival is a membership event received before the intake reached it.
type arrival struct {
	evt        id.EventID
	membership event.Membership
}

// overlay applies to users the memberships of room that arrived and are not
// in the store yet; call with mu held.
func (r *roomMembers) overlay(room id.RoomID, users []id.UserID) []id.UserID {
	arrived := r.arrived[room]
	if len(arrived) == 0 {
		return users
	}
	out := make([]id.UserID, 0, len(users)+len(arrived))
	for _, u := range users {
		if a, ok := arrived[u]; !ok || a.membership == event.MembershipJoin || a.membership == event.MembershipInvite {
			out = append(out, u)
		}
	}
	for u, a := range arrived {
		if (a.membership == event.MembershipJoin || a.membership == event.MembershipInvite) && !slices.Contains(users, u) {
			out = append(out, u)
		}
	}
	return out
}

// heard counts a membership event in room; call with mu held.
func (r *roomMembers) heard(room id.RoomID) {
	if r.events == nil {
		r.events = map[id.RoomID]uint64{}
	}
	r.events[room]++
}

// members lists the joined and invited members of room, and those the bot
// just invited: from the state store when it holds the room's members in
// full, else from the homeserver (kept in the store then).
func (d *Device) members(ctx context.Context, room id.RoomID) ([]id.UserID, error) {
	users, err := d.roomMembers(ctx, room)
	if err != nil {
		return nil, err
	}
	d.rooms.mu.Lock()
	users = d.rooms.overlay(room, users)
	d.rooms.mu.Unlock()
	return d.shares.withInvited(room, users), nil
}

// roomMembers lists the joined and invited members of room.
func (d *Device) roomMembers(ctx context.Context, room id.RoomID) ([]id.UserID, error) {
	store, ok := d.mach.StateStore.(memberStore)
	if !ok {
		users, _, err := d.askMembers(ctx, room)
		return users, err
	}
	fresh, ticket := d.rooms.fresh.Lookup(room)
	if fresh {
		users, err := store.GetRoomJoinedOrInvitedMembers(ctx, room)
		if err != nil {
			return nil, fmt.Errorf("failed to read the room's members: %w", err)
		}
		return users, nil
	}
	d.rooms.mu.Lock()
	heard := d.rooms.events[room]
	d.rooms.mu.Unlock()
	users, evts, err := d.askMembers(ctx, room)
	if err != nil {
		return nil, err
	}
	d.rooms.mu.Lock()
	defer d.rooms.mu.Unlock()
	if d.rooms.events[room] != heard {
		return users, nil // a membership event came meanwhile: the answer may be older; asked again next time
	}
	if err := store.ReplaceCachedMembers(ctx, room, evts); err != nil {
		return users, nil // the answer is good for this message; asked again next time
	}
	d.rooms.fresh.Learn(room, ticket)
	return users, nil
}

// askMembers asks the homeserver for the members of room: the joined and
// invited, and every membership event it lists.
func (d *Device) askMembers(ctx context.Context, room id.RoomID) ([]id.UserID, []*event.Event, error) {
	d.asked.Add(1)
	resp, err := d.cli.Members(ctx, room)
	if err != nil {
		return nil, nil, fmt.Errorf("failed to list the room's members: %w", err)
	}
	var users []id.UserID
	for _, evt := range resp.Chunk {
		m := evt.Content.AsMember()
		if evt.StateKey != nil && (m.Membership == event.MembershipJoin || m.Membership == event.MembershipInvite) {
			users = append(users, id.UserID(*evt.StateKey))
		}
	}
	return users, resp.Chunk, nil
}

// MemberArrived takes a membership event as soon as its transaction is
// received, before the intake reaches it: the member counts as in (joined,
// invited) or out (left, banned) at once, and the device's outbound session
// in an encrypted room is dropped on a join, an invitation or a leave, as
// HandleMemberEvent does, which then does not drop it again for the same
// event. Call it outside transactions.
func (d *Device) MemberArrived(ctx context.Context, evt *event.Event) {
	m, user, ok := memberOf(evt)
	if !ok {
		return
	}
	d.rooms.mu.Lock()
	d.rooms.heard(evt.RoomID)
	if d.rooms.arrived == nil {
		d.rooms.arrived = map[id.RoomID]map[id.UserID]arrival{}
	}
	if d.rooms.arrived[evt.RoomID] == nil {
		d.rooms.arrived[evt.RoomID] = map[id.UserID]arrival{}
	}
	d.rooms.arrived[evt.RoomID][user] = arrival{evt: evt.ID, membership: m.Membership}
	d.rooms.mu.Unlock()
	if user == d.cli.UserID {
		d.rooms.fresh.Forget(evt.RoomID)
	}
	d.mach.HandleMemberEvent(ctx, evt)
}

// HandleMemberEvent takes a membership event the intake read, before it
// handles it: the membership is recorded in the state store (the intake
// records it again in its transaction), and the device's outbound session
// in an encrypted room is dropped when a member joins, is invited or
// leaves (unless MemberArrived did for this event), so the next message is
// encrypted with a new session, shared with the members then (a leaver
// cannot read it, a newcomer can). The bot's own membership change makes
// the room's members asked of the homeserver again. Call it outside
// transactions.
func (d *Device) HandleMemberEvent(ctx context.Context, evt *event.Event) {
	m, user, ok := memberOf(evt)
	if !ok {
		return
	}
	store, hasStore := d.mach.StateStore.(memberStore)
	d.rooms.mu.Lock()
	d.rooms.heard(evt.RoomID)
	a, arrived := d.rooms.arrived[evt.RoomID][user]
	seen := arrived && a.evt == evt.ID
	if seen {
		delete(d.rooms.arrived[evt.RoomID], user) // the store has it now: a later one stays over it
	}
	if hasStore {
		if err := store.SetMember(ctx, evt.RoomID, user, m); err != nil {
			d.rooms.fresh.Forget(evt.RoomID) // the store may miss it: ask the homeserver next time
		}
	}
	d.rooms.mu.Unlock()
	if user == d.cli.UserID {
		d.rooms.fresh.Forget(evt.RoomID)
	}
	if !seen {
		d.mach.HandleMemberEvent(ctx, evt)
	}
}

// memberOf is the membership and the member of a membership event, parsed
// if needed; ok is false for one that is not.
func memberOf(evt *event.Event) (*event.MemberEventContent, id.UserID, bool) {
	if evt.Content.Parsed == nil {
		if err := evt.Content.ParseRaw(evt.Type); err != nil {
			return nil, "", false
		}
	}
	m, ok := evt.Content.Parsed.(*event.MemberEventContent)
	user := id.UserID(evt.GetStateKey())
	return m, user, ok && user != "" && evt.RoomID != ""
}
