package ledger

import "time"

// OpKind names a change of the mutual-aid ledger.
type OpKind string

// The kinds of op. Each is caused by one member-authored event.
const (
	OpStatus   OpKind = "status"   // Status, Amount, Days
	OpIntend   OpKind = "intend"   // Need, Amount (zero = Default), Reaction if by ❤️
	OpWithdraw OpKind = "withdraw" // Need
	OpUnreact  OpKind = "unreact"  // Need, Target: the removed reaction
	OpCommit   OpKind = "commit"   // Need, Amount (zero = the intention's or Default), Reaction if by 🤝
	OpSent     OpKind = "sent"     // Need
	OpGot      OpKind = "got"      // Need, Giver (optional)
	OpForgive  OpKind = "forgive"  // Giver
	OpLeave    OpKind = "leave"    //

	OpInitiative OpKind = "initiative" // Text (title), Amount (price), Until, Circle
	OpDone       OpKind = "done"       // Need, Text (the report)
	OpKassa      OpKind = "kassa"      // Amount: the actor's monthly maximum, Circle: for its kassa ("" before maxima were per circle)
	OpClaim      OpKind = "claim"      // Amount, Text (the reason), Circle
	OpApprove    OpKind = "approve"    // Need: the claim approved
	OpAgree      OpKind = "agree"      // Cycle: the clearing cycle agreed to, or Chain: the chain shortening
	// OpLeaveCircle is the actor leaving (or being removed from) a circle's
	// room, keyed by that membership event, which every bot in the room
	// sees: their kassa maximum there is dropped and their kassa shares of
	// its claims not yet committed are declined.
	OpLeaveCircle OpKind = "leave_circle" // Circle

	// Ops of the clock (Actor is ClockActor), keyed by synthetic event IDs
	// so that each happens once.
	OpRollover OpKind = "rollover" // Month: the month that begins at At
	OpDeadline OpKind = "deadline" // Need: a red collection whose days end at At
)

// ClockActor is the actor of the clock's ops (month rollover, deadlines):
// no Matrix user can have this ID.
const ClockActor UserID = "exodus:clock"

// Op is one change of the mutual-aid ledger, as recorded: the ledger is the
// result of applying every recorded op in canonical order (see Before), so
// it does not depend on the order the events arrived in.
type Op struct {
	Kind  OpKind    `json:"kind"`
	Event EventID   `json:"event"`
	Actor UserID    `json:"actor"`
	At    time.Time `json:"at"`

	Need   NeedID `json:"need,omitempty"`
	Status Status `json:"status,omitempty"`
	Amount Amount `json:"amount,omitempty"`
	Days   int    `json:"days,omitempty"`
	// Default is the amount ❤️ or a bare `commit` means: the pledge of the
	// circle the card is in, capped at what is missing when applied.
	Default  Amount  `json:"default,omitempty"`
	Giver    UserID  `json:"giver,omitempty"`
	Reaction EventID `json:"reaction,omitempty"`
	Target   EventID `json:"target,omitempty"`
	Month    string  `json:"month,omitempty"`

	Text   string    `json:"text,omitempty"`
	Until  time.Time `json:"until,omitempty"`
	Circle CircleID  `json:"circle,omitempty"`
	Cycle  *Cycle    `json:"cycle,omitempty"`
	// Chain, on an agree, is the chain shortening agreed to (Cycle is nil).
	Chain *ChainCut `json:"chain,omitempty"`
	// Members, on an approve, are the members of the claim's circle when
	// it was approved (filled in by the service, recorded with the op): a
	// maximum declared for no circle (before maxima were per circle) is
	// shared only among them.
	Members []UserID `json:"members,omitempty"`
	// Poll marks an intention or a withdrawal made by answering an
	// initiative's poll: the poll ends when the initiative is funded, and
	// an answer after that counts for nothing (pollOpen).
	Poll bool `json:"poll,omitempty"`
}

// Before reports whether op o comes before p in canonical order: by the
// event's time, then by event ID.
func (o *Op) Before(p *Op) bool {
	if !o.At.Equal(p.At) {
		return o.At.Before(p.At)
	}
	return o.Event < p.Event
}

// Action returns the action that caused the op.
func (o *Op) Action() Action {
	return Action{Event: o.Event, Actor: o.Actor, At: o.At}
}

// opOf starts an op of kind k caused by act.
func opOf(k OpKind, act Action) Op {
	return Op{Kind: k, Event: act.Event, Actor: act.Actor, At: act.At}
}
