// Package roomcheck keeps which rooms were checked with the homeserver
// since the bot's last membership change in each. The Matrix state store
// is fed by the intake only while the bot is in a room: what happened
// while it was out (before it joined, between a leave and a rejoin, while
// the process was stopped) is not there. A room checked since the bot's
// last membership change there can be read from the store; any other is
// asked of the homeserver first. The sender uses it for a room's
// encryption (bot/encrypt.go), the encryption device for a room's members
// (bot/e2ee).
package roomcheck

import (
	"sync"

	"maunium.net/go/mautrix/id"
)

// Ticket is the count of membership changes under which a question to the
// homeserver was asked: an answer asked before a change is not kept.
type Ticket uint64

// Rooms are the rooms checked since the bot's last membership change in
// each, in this process. The zero value is ready; it is safe for
// concurrent use.
type Rooms struct {
	mu      sync.Mutex
	checked map[id.RoomID]bool
	changes Ticket
}

// Lookup tells whether room was checked, and the ticket to check it
// under when it was not.
func (r *Rooms) Lookup(room id.RoomID) (checked bool, t Ticket) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.checked[room], r.changes
}

// Learn marks room checked by an answer asked for under t, unless the bot's
// membership changed somewhere since (the answer may predate it: asked
// again next time).
func (r *Rooms) Learn(room id.RoomID, t Ticket) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if t != r.changes {
		return
	}
	if r.checked == nil {
		r.checked = map[id.RoomID]bool{}
	}
	r.checked[room] = true
}

// Forget drops the check of room: the bot's membership there changed (it
// may have been out while the room changed).
func (r *Rooms) Forget(room id.RoomID) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.checked, room)
	r.changes++
}
