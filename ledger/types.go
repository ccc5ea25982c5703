package ledger

import "time"

// Action is what every change of the ledger carries: the member-authored
// event that caused it, who authored it, and when (the event's timestamp).
type Action struct {
	Event EventID
	Actor UserID
	At    time.Time
}

// Member is a Matrix user known to the bot.
type Member struct {
	ID   UserID
	Lang Lang // "" until the member chooses or the bot infers one
	// LangChosen is true once the member chose Lang with `lang`; until
	// then Lang follows the language of the words they type.
	LangChosen bool
	DirectRoom RoomID // the bot's direct chat with the member, if any
	// PoolSeen is the pool the member saw when they last asked (per currency),
	// and PoolSeenCount the trust-list size then; PoolSeenAt is zero if never.
	PoolSeen      []Amount
	PoolSeenCount int
	PoolSeenAt    time.Time
	CreatedAt     time.Time
}

// Circle is a trust circle: a Matrix room managed by the bot.
type Circle struct {
	ID        CircleID
	Name      string
	Pledge    Amount // the amount each guarantee in this circle pledges
	Lang      Lang
	Owner     UserID
	CreatedAt time.Time
	CreatedBy EventID
	// AnsweringBot is the bot that answers in the circle's room, as the
	// circle's state event names it ("" before any bot was named); other
	// bots in the room follow it silently.
	AnsweringBot UserID
}

// InvitationStatus is where an invitation stands.
type InvitationStatus string

// The invitation statuses.
const (
	InvitationPending  InvitationStatus = "pending"
	InvitationAccepted InvitationStatus = "accepted"
	InvitationDeclined InvitationStatus = "declined"
	InvitationRevoked  InvitationStatus = "revoked"
)

// Invitation is a personal invitation (Invitee set) or a one-time code (Code
// set, Invitee empty until used). Accepting it makes a guarantee between the
// inviter and the invitee.
type Invitation struct {
	ID        InvitationID
	Circle    CircleID
	Inviter   UserID
	Invitee   UserID // empty for a code not used yet
	Code      string // empty for a personal invitation
	Pledge    Amount
	Card      EventID // the invitation card the bot posted, if any
	Status    InvitationStatus
	CreatedAt time.Time
	ExpiresAt time.Time
	// ResolvedBy is the event that accepted or declined it.
	ResolvedBy EventID
	ResolvedAt time.Time
}

// Expired reports whether the invitation can no longer be used at time now.
func (i *Invitation) Expired(now time.Time) bool {
	return !i.ExpiresAt.IsZero() && !now.Before(i.ExpiresAt)
}

// Guarantee is a mutual edge of the trust network between two members,
// made when an invitee accepts an invitation. A is always the smaller ID.
type Guarantee struct {
	A, B      UserID
	Circle    CircleID
	Pledge    Amount
	CreatedBy EventID // the accepting event
	CreatedAt time.Time
}

// NewGuarantee returns a guarantee between x and y with its ends ordered.
func NewGuarantee(x, y UserID, circle CircleID, pledge Amount, by EventID, at time.Time) Guarantee {
	if y < x {
		x, y = y, x
	}
	return Guarantee{A: x, B: y, Circle: circle, Pledge: pledge, CreatedBy: by, CreatedAt: at}
}

// Other returns the end of the guarantee that is not u.
func (g Guarantee) Other(u UserID) UserID {
	if g.A == u {
		return g.B
	}
	return g.A
}

// Block records that Blocker cut their guarantee with Blocked. While it
// stands, the edge between them does not count, and Blocked cannot invite
// Blocker directly.
type Block struct {
	Blocker   UserID
	Blocked   UserID
	CreatedBy EventID
	CreatedAt time.Time
}
