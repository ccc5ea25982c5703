package ledger

// UserID is a Matrix user ID such as "@alice:example.org". Use ParseUserID to
// validate one typed by a member.
type UserID string

// String returns the user ID as text.
func (u UserID) String() string { return string(u) }

// Localpart returns the part of the user ID between "@" and ":".
func (u UserID) Localpart() string {
	s := string(u)
	if len(s) < 2 || s[0] != '@' {
		return s
	}
	for i := 1; i < len(s); i++ {
		if s[i] == ':' {
			return s[1:i]
		}
	}
	return s[1:]
}

// Server returns the server name of the user ID (the part after the first ":").
func (u UserID) Server() string {
	s := string(u)
	for i := 0; i < len(s); i++ {
		if s[i] == ':' {
			return s[i+1:]
		}
	}
	return ""
}

// CircleID identifies a circle; it is the Matrix room ID of the circle's room.
type CircleID string

// String returns the circle ID as text.
func (c CircleID) String() string { return string(c) }

// RoomID is a Matrix room ID that is not necessarily a circle (a direct chat, say).
type RoomID string

// String returns the room ID as text.
func (r RoomID) String() string { return string(r) }

// EventID is the ID of the member-authored Matrix event that caused a change
// of the ledger. Every change is keyed by one, which makes applying the same
// event twice a no-op.
type EventID string

// String returns the event ID as text.
func (e EventID) String() string { return string(e) }

// InvitationID identifies an invitation: the ID of the event that asked for it.
type InvitationID string

// String returns the invitation ID as text.
func (i InvitationID) String() string { return string(i) }
