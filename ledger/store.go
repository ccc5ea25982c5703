package ledger

import (
	"context"
	"time"
)

// The persistence the services need, one small interface per role. The
// store package implements them on SQL and ledger/memstore in memory; every
// method returns an *Error with ENotFound when a single thing asked for
// does not exist, and wraps any other failure.

// TxStore is the database itself: transactions, the events applied, and
// flushing what was erased.
type TxStore interface {
	// InTx runs fn in one transaction carried by the context; a nested
	// call joins the outer transaction, and its fn's error takes back only
	// what that fn wrote.
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
	// InTxWritingLast runs fn as InTx does, for an fn whose only write is
	// its last call to a store, apart from MarkApplied before it: a store
	// may then take back fn's error without a savepoint of its own (a
	// failing write changes nothing), which costs statements.
	InTxWritingLast(ctx context.Context, fn func(ctx context.Context) error) error
	// MarkApplied records that the event was applied to the ledger. It
	// returns false if the event had been applied before (then the caller
	// changes nothing).
	MarkApplied(ctx context.Context, evt EventID, at time.Time) (fresh bool, err error)
	// Flush makes what was erased leave the storage's own logs too (for
	// SQLite: the write-ahead log is checkpointed into the file, where
	// erased content is zeroed). Leave calls it once a departure is saved.
	Flush(ctx context.Context) error
}

// ActionStore counts members' actions, for rate limits.
type ActionStore interface {
	// CountActions counts the actions of kind by u at or after since.
	CountActions(ctx context.Context, u UserID, kind string, since time.Time) (int, error)
	// RecordAction records one action of kind by u at time at.
	RecordAction(ctx context.Context, u UserID, kind string, at time.Time) error
}

// MemberStore keeps member records and profiles.
type MemberStore interface {
	GetMember(ctx context.Context, id UserID) (*Member, error)
	// PutMember inserts or replaces a member.
	PutMember(ctx context.Context, m *Member) error

	// GetProfile returns a member's profile (ENotFound if none).
	GetProfile(ctx context.Context, u UserID) (*Profile, error)
	// PutProfile inserts or replaces a profile.
	PutProfile(ctx context.Context, p *Profile) error
	// DeleteProfile erases a member's profile.
	DeleteProfile(ctx context.Context, u UserID) error
}

// CircleReader reads circles and who is in them.
type CircleReader interface {
	GetCircle(ctx context.Context, id CircleID) (*Circle, error)
	// CircleMembers lists the joined members of a circle, ordered by ID.
	CircleMembers(ctx context.Context, c CircleID) ([]UserID, error)
	// CirclesOf lists the circles the user is a member of, ordered by ID.
	CirclesOf(ctx context.Context, u UserID) ([]CircleID, error)
}

// CircleStore keeps circles and their members.
type CircleStore interface {
	CircleReader
	// PutCircle inserts or replaces a circle.
	PutCircle(ctx context.Context, c *Circle) error
	// SetCircleMember records that the user is (joined=true) or is no longer
	// (joined=false) a member of the circle's room.
	SetCircleMember(ctx context.Context, c CircleID, u UserID, joined bool, at time.Time) error
	// CircleRoles lists the members of a circle with a role (co-owners and
	// members removed), ordered by ID.
	CircleRoles(ctx context.Context, c CircleID) ([]MemberRole, error)
	// SetCircleRole records a member's role in a circle (RoleMember: none).
	SetCircleRole(ctx context.Context, c CircleID, u UserID, r CircleRole) error
}

// TrustStore keeps the trust network: invitations, guarantees and blocks.
type TrustStore interface {
	GetInvitation(ctx context.Context, id InvitationID) (*Invitation, error)
	// PutInvitation inserts or replaces an invitation.
	PutInvitation(ctx context.Context, inv *Invitation) error
	// InvitationByCode finds a one-time code (case as stored: upper case).
	InvitationByCode(ctx context.Context, code string) (*Invitation, error)
	// InvitationByCard finds the invitation whose card is the given event.
	InvitationByCard(ctx context.Context, card EventID) (*Invitation, error)
	// PendingInvitations lists pending personal invitations to invitee in
	// circle (any circle if c is ""), newest first.
	PendingInvitations(ctx context.Context, c CircleID, invitee UserID) ([]*Invitation, error)

	// AddGuarantee records a guarantee; it returns false (and changes
	// nothing) if the two members already had one.
	AddGuarantee(ctx context.Context, g Guarantee) (added bool, err error)
	// Guarantees lists every guarantee, ordered by (A, B).
	Guarantees(ctx context.Context) ([]Guarantee, error)
	// ScanGuarantees calls fn with the ends and the pledge of every
	// guarantee, ordered by (A, B), reading nothing else: what LoadGraph
	// needs of a trust network of millions of guarantees.
	ScanGuarantees(ctx context.Context, fn func(a, b UserID, pledge Amount)) error
	// DeleteGuaranteesOf removes every guarantee that has u as an end.
	DeleteGuaranteesOf(ctx context.Context, u UserID) error

	// PutBlock records a block; an existing one for the same pair is kept.
	PutBlock(ctx context.Context, b Block) error
	// DeleteBlock removes the block of blocked by blocker, if any.
	DeleteBlock(ctx context.Context, blocker, blocked UserID) error
	// Blocks lists every block, ordered by (Blocker, Blocked).
	Blocks(ctx context.Context) ([]Block, error)
}

// AidStore keeps the mutual-aid ledger: its ops, their projection (needs,
// promises, statuses) and the cards the bot posted.
type AidStore interface {
	// AppendOp records an op of the mutual-aid ledger (its event was marked
	// applied in the same transaction).
	AppendOp(ctx context.Context, op Op) error
	// OpByEvent returns the op recorded for an event (ENotFound if none).
	OpByEvent(ctx context.Context, evt EventID) (Op, error)
	// Ops lists every recorded op in canonical order (time, then event ID).
	Ops(ctx context.Context) ([]Op, error)
	// OpsPage lists up to limit recorded ops that sort after after, in
	// canonical order (from the first when after.Event is empty): a long
	// read in short queries, none of which keeps the database's log from
	// being checkpointed for long. The page is into[:0] with the ops
	// appended (into is reused: a replay reads page after page into one).
	OpsPage(ctx context.Context, after Op, limit int, into []Op) ([]Op, error)
	// EraseOpTexts replaces the text (Op.Text) of a member's recorded ops
	// of a kind by ErasedText: what they wrote is erased, the rest of the
	// op stays (and still replays).
	EraseOpTexts(ctx context.Context, u UserID, kind OpKind) error
	// SaveAid inserts or replaces needs, promises and statuses: the
	// projection of the ops, for queries.
	SaveAid(ctx context.Context, needs []*Need, promises []*Promise, statuses []*MemberStatus) error
	// DeleteAid deletes the needs, promises and statuses named (taking back
	// an op can remove what it created).
	DeleteAid(ctx context.Context, needs []NeedID, promises []PromiseID, statuses []UserID) error
	// ClearAid deletes every need, promise and status, before a rebuild
	// writes them all again.
	ClearAid(ctx context.Context) error

	// PutCard records an event the bot posted that members act on.
	PutCard(ctx context.Context, c Card) error
	// CardByEvent finds the card posted as the given event.
	CardByEvent(ctx context.Context, evt EventID) (*Card, error)
	// CardsOf lists the cards of a need, ordered by room.
	CardsOf(ctx context.Context, n NeedID) ([]Card, error)
	// OpenCardRooms lists the rooms holding need cards of open needs, each
	// with when the oldest of those needs opened, ordered by room.
	OpenCardRooms(ctx context.Context) ([]CardRoom, error)
}

// AccessStore keeps the web and API access: tokens, login links, sessions.
type AccessStore interface {
	// PutToken inserts an API token.
	PutToken(ctx context.Context, t Token) error
	// TokensOf lists a member's API tokens, by name.
	TokensOf(ctx context.Context, u UserID) ([]Token, error)
	// TokenByHash finds a token by the hash of its secret.
	TokenByHash(ctx context.Context, hash string) (*Token, error)
	// DeleteToken deletes a member's token by name; false if none.
	DeleteToken(ctx context.Context, u UserID, name string) (bool, error)
	// PutLoginLink inserts a login link.
	PutLoginLink(ctx context.Context, l LoginLink) error
	// LoginLink finds a login link by the hash of its secret.
	LoginLink(ctx context.Context, hash string) (*LoginLink, error)
	// UseLoginLink marks a login link used.
	UseLoginLink(ctx context.Context, hash string, at time.Time) error
	// PutSession inserts a web session.
	PutSession(ctx context.Context, sess Session) error
	// SessionByHash finds a session by the hash of its secret.
	SessionByHash(ctx context.Context, hash string) (*Session, error)
	// DeleteSession deletes a session.
	DeleteSession(ctx context.Context, hash string) error
	// DeleteAccessOf deletes a member's tokens, login links and sessions.
	DeleteAccessOf(ctx context.Context, u UserID) error
}

// Stores are the stores a Service is built over, one per role; all share
// the transactions of Tx.
type Stores struct {
	Tx      TxStore
	Actions ActionStore
	Members MemberStore
	Circles CircleStore
	Trust   TrustStore
	Aid     AidStore
	Access  AccessStore
}
