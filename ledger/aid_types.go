package ledger

import "time"

// Status is a member's traffic light.
type Status string

// The statuses: green only helps, orange needs regular monthly support,
// red needs an emergency collection within a number of days.
const (
	StatusGreen  Status = "green"
	StatusOrange Status = "orange"
	StatusRed    Status = "red"
)

// NeedID identifies a need: the ID of the event that opened it.
type NeedID string

// PromiseID identifies a promise: the ID of the event that created it.
type PromiseID string

// NeedKind says what a need is for.
type NeedKind string

// The kinds of need.
const (
	NeedOrange NeedKind = "orange" // regular monthly support
	NeedRed    NeedKind = "red"    // an emergency collection
	// NeedInitiative is a project with a price and a deadline, funded by
	// voting with intentions.
	NeedInitiative NeedKind = "initiative"
	// NeedClaim is a claim on the kassa: once a second member approves it,
	// it is shared among the members in proportion to their declared
	// monthly maxima.
	NeedClaim NeedKind = "claim"
)

// NeedState is where a need stands.
type NeedState string

// The need states.
const (
	NeedOpen     NeedState = "open"
	NeedClosed   NeedState = "closed"   // a red collection that reached its target
	NeedArchived NeedState = "archived" // the member changed status
	NeedExpired  NeedState = "expired"  // a red collection or initiative whose days passed
	NeedDone     NeedState = "done"     // an initiative its initiator marked done
	NeedProposed NeedState = "proposed" // a kassa claim awaiting a second member's approval
)

// Need is an open request for help of one member, in one currency.
type Need struct {
	ID       NeedID
	Kind     NeedKind
	Owner    UserID // the beneficiary
	Target   Amount
	Deadline time.Time // red only
	State    NeedState
	OpenedAt time.Time
	ClosedAt time.Time
	ClosedBy EventID
	// Initiatives only: what it is, the circle it was posted in, the
	// initiator's report when done, and when the intentions and then the
	// commitments first reached the price.
	Title     string
	Circle    CircleID
	Report    string
	ReachedAt time.Time
	FundedAt  time.Time

	// eligible, for a claim approved with its circle's members known
	// (Op.Members), are those a maximum declared for no circle is shared
	// among; nil: everyone's (claims approved before it was recorded).
	eligible []UserID
}

// PromiseState is where a promise stands in its lifecycle.
type PromiseState string

// The promise states (see the lifecycle in docs/product.md).
const (
	PromiseIntention  PromiseState = "intention"
	PromiseCommitment PromiseState = "commitment"
	PromiseSent       PromiseState = "sent"
	PromiseFulfilled  PromiseState = "fulfilled"
	PromiseWithdrawn  PromiseState = "withdrawn"
	PromiseForgiven   PromiseState = "forgiven"
	// PromiseReleased is a promise the ledger let go: an intention or an open
	// commitment toward a need that closed or was archived, or cancelled by
	// a member leaving.
	PromiseReleased PromiseState = "released"
	// PromiseSetAside is an intention toward an orange need while its owner
	// is red; it comes back when the member returns to orange.
	PromiseSetAside PromiseState = "set_aside"
	// PromiseExpired is an intention the month ended on.
	PromiseExpired PromiseState = "expired"
)

// Live reports whether the promise still counts toward its need.
func (s PromiseState) Live() bool {
	switch s {
	case PromiseIntention, PromiseCommitment, PromiseSent, PromiseFulfilled:
		return true
	}
	return false
}

// Binding reports whether the promise is a commitment in any stage (it can
// no longer be withdrawn by the giver).
func (s PromiseState) Binding() bool {
	return s == PromiseCommitment || s == PromiseSent || s == PromiseFulfilled
}

// Open reports whether the giver still owes something (a commitment not yet
// confirmed).
func (s PromiseState) Open() bool {
	return s == PromiseCommitment || s == PromiseSent
}

// Promise is one member's promise toward a need: an intention, then a
// commitment, then sent and fulfilled. A member has at most one promise
// per need that is not yet fulfilled; after that they may promise again.
type Promise struct {
	ID          PromiseID
	Need        NeedID
	Giver       UserID
	Beneficiary UserID
	Amount      Amount
	State       PromiseState
	// Reaction is the reaction event that set the promise last, if it was
	// a reaction (removing that reaction withdraws an intention).
	Reaction  EventID
	CreatedAt time.Time
	UpdatedAt time.Time
	UpdatedBy EventID
	// CommittedAt is when the promise first became a commitment (zero for
	// one that never did): the start of the time to fulfil it. A fulfilled
	// promise changes no more, so its UpdatedAt is when it was confirmed.
	CommittedAt time.Time
	// Overdue is set when the promise's deadline passed while still open:
	// its month ended, or its red collection's days passed.
	Overdue bool
	// Period is the month the promise belongs to ("2026-11"; "" before the
	// first month ended): an orange need counts its current month's only.
	Period string
	// Renewed is set on an intention the monthly rollover made from the
	// giver's commitment of the month before.
	Renewed bool
	// Cleared is set on a promise fulfilled by clearing a cycle of debts.
	Cleared bool
	// SentMinor is how much of Amount the giver said they sent, in minor
	// units, by one `sent` or several partial ones (never less than
	// GotMinor); GotMinor is how much the beneficiary confirmed. A
	// commitment partly sent or confirmed stays open for the rest.
	SentMinor, GotMinor int64
}

// Delivered is the part of the promise the beneficiary confirmed: all of
// it once fulfilled, else what was confirmed of a partial fulfilment.
func (p *Promise) Delivered() Amount {
	if p.State == PromiseFulfilled {
		return p.Amount
	}
	return Amount{p.GotMinor, p.Amount.Currency}
}

// SentSoFar is the part of the promise the giver said they sent.
func (p *Promise) SentSoFar() Amount {
	if p.State == PromiseFulfilled || p.State == PromiseSent {
		return p.Amount
	}
	return Amount{max(p.SentMinor, p.GotMinor), p.Amount.Currency}
}

// Unsent is what the giver has still to send: the promise less what they
// said they sent.
func (p *Promise) Unsent() Amount {
	return Amount{p.Amount.Minor - p.SentSoFar().Minor, p.Amount.Currency}
}

// ToConfirm is what the beneficiary has still to confirm: what the giver
// said they sent, less what was confirmed.
func (p *Promise) ToConfirm() Amount { return p.SentSoFar().Minus(p.Delivered()) }

// Rest is what is still owed of the promise: all of it less what the
// beneficiary confirmed.
func (p *Promise) Rest() Amount { return p.Amount.Minus(p.Delivered()) }

// Partial reports whether part of the promise, not all, was sent or
// confirmed: an open commitment with a part behind it.
func (p *Promise) Partial() bool {
	return p.State.Open() && max(p.SentMinor, p.GotMinor) > 0 && p.Delivered().Minor < p.Amount.Minor
}

// MemberStatus is a member's traffic light and what red remembers.
type MemberStatus struct {
	Member UserID
	Status Status
	// Previous is the status to return to when a red collection ends.
	Previous Status
	// Need is the member's open need, if any.
	Need      NeedID
	ChangedAt time.Time
	// Kassa are the most the member would give the kassa of each circle in
	// a month, by circle (none if they declared nothing): see KassaIn.
	Kassa []KassaMax
}

// KassaMax is a member's declared monthly maximum for the kassa of one
// circle. Circle is "" for a maximum recorded before maxima were per
// circle (a `kassa` op without a circle): it applies to the claims of
// every circle the member declared nothing for, until they declare one for
// a circle or leave a circle's room, which drops it.
type KassaMax struct {
	Circle CircleID
	Max    Amount
}

// KassaIn returns the maximum that applies to the claims of circle c: the
// one declared for c, else the circle-less one of old (legacy is then
// true); zero if neither.
func (s *MemberStatus) KassaIn(c CircleID) (limit Amount, legacy bool) {
	if m, ok := s.KassaDeclared(c); ok {
		return m, c == ""
	}
	m, ok := s.KassaDeclared("")
	return m, ok
}

// KassaDeclared returns the maximum declared for circle c itself ("": the
// circle-less one of old), if any.
func (s *MemberStatus) KassaDeclared(c CircleID) (Amount, bool) {
	for _, k := range s.Kassa {
		if k.Circle == c {
			return k.Max, true
		}
	}
	return Amount{}, false
}

// NoticeKind names a kind of notification a member can mute.
type NoticeKind string

// The notification kinds.
const (
	NoticeStatus     NoticeKind = "status"     // a member of my network changed status
	NoticeIntention  NoticeKind = "intention"  // someone intends to help me (or the same need)
	NoticeConversion NoticeKind = "conversion" // I am asked to turn an intention into a commitment
	NoticeCommitment NoticeKind = "commitment" // someone committed to help me
	NoticeSent       NoticeKind = "sent"       // a giver says they sent
	NoticeReceived   NoticeKind = "received"   // my help was confirmed as received
	NoticeForgiven   NoticeKind = "forgiven"   // I was released from a commitment
	NoticeReminder   NoticeKind = "reminder"   // someone reminds me to act
	NoticeClosed     NoticeKind = "closed"     // a collection I helped closed
	NoticeRenewal    NoticeKind = "renewal"    // my monthly support was renewed as an intention
	NoticeDigest     NoticeKind = "digest"     // the monthly reminder of what I still owe
)

// NoticeKinds lists every notification kind, in the order help shows them.
var NoticeKinds = []NoticeKind{
	NoticeStatus, NoticeIntention, NoticeConversion, NoticeCommitment,
	NoticeSent, NoticeReceived, NoticeForgiven, NoticeReminder, NoticeClosed,
	NoticeRenewal, NoticeDigest,
}

// ParseNoticeKind reads a notification kind as a member would type it, in
// English or Russian. ok is false for anything else.
func ParseNoticeKind(s string) (k NoticeKind, ok bool) {
	w := normWord(s)
	for _, k := range NoticeKinds {
		if w == string(k) {
			return k, true
		}
	}
	k, ok = noticeWordsRU[w]
	return k, ok
}

// noticeWordsRU are the Russian words of the notification kinds, normalised.
var noticeWordsRU = map[string]NoticeKind{
	"статус":        NoticeStatus,
	"намерения":     NoticeIntention,
	"намерение":     NoticeIntention,
	"конвертация":   NoticeConversion,
	"обязательства": NoticeCommitment,
	"обязательство": NoticeCommitment,
	"отправлено":    NoticeSent,
	"получено":      NoticeReceived,
	"прощено":       NoticeForgiven,
	"напоминания":   NoticeReminder,
	"напоминание":   NoticeReminder,
	"закрыто":       NoticeClosed,
	"продление":     NoticeRenewal,
	"сводка":        NoticeDigest,
}

// Requisite is a member's payment details; one of them is the default.
type Requisite struct {
	Text    string
	Default bool
}

// Profile is what a member tells about themself.
type Profile struct {
	Member     UserID
	About      string
	Requisites []Requisite
	Muted      []NoticeKind
	// TimeZone is the IANA name of the time zone the member reads times
	// in ("Europe/Belgrade"); "" for the cycle's.
	TimeZone string
}

// DefaultRequisite returns the text givers see: the default requisite, or
// "" when the member has none (the bot then says "ask me personally").
func (p *Profile) DefaultRequisite() string {
	for _, r := range p.Requisites {
		if r.Default {
			return r.Text
		}
	}
	if len(p.Requisites) > 0 {
		return p.Requisites[0].Text
	}
	return ""
}

// IsMuted reports whether the member muted notifications of kind k.
func (p *Profile) IsMuted(k NoticeKind) bool {
	for _, m := range p.Muted {
		if m == k {
			return true
		}
	}
	return false
}

// CardKind says what a card the bot posted stands for.
type CardKind string

// The card kinds.
const (
	CardNeed       CardKind = "need"       // a need card in a circle room
	CardCommitment CardKind = "commitment" // the notice to a giver who committed
	CardSent       CardKind = "sent"       // the notice to a beneficiary that a giver sent
	CardNotice     CardKind = "notice"     // any other notice about a promise
)

// Card is an event the bot posted that members reply or react to: a need
// card, or a notice about one promise.
type Card struct {
	Event   EventID
	Room    RoomID
	Kind    CardKind
	Circle  CircleID // need cards only
	Need    NeedID
	Promise PromiseID // notices only
}
