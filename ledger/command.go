package ledger

import "time"

// Verb is what a chat command asks for, whatever language its word was in.
type Verb string

// The verbs of the chat interface implemented so far.
const (
	VerbHelp    Verb = "help"
	VerbCircle  Verb = "circle"
	VerbInvite  Verb = "invite"
	VerbAccept  Verb = "accept"
	VerbDecline Verb = "decline"
	VerbList    Verb = "list"
	VerbChain   Verb = "chain"
	VerbPool    Verb = "pool"
	VerbBlock   Verb = "block"
	VerbUnblock Verb = "unblock"
	VerbSOS     Verb = "sos"
	VerbLang    Verb = "lang"
	VerbZone    Verb = "timezone"

	// The roles in a circle (owner or co-owner only).
	VerbOwner   Verb = "owner"
	VerbCoOwner Verb = "coowner"
	VerbDemote  Verb = "demote"
	VerbRemove  Verb = "remove"

	VerbStatus     Verb = "status"
	VerbIntend     Verb = "intend"
	VerbWithdraw   Verb = "withdraw"
	VerbCommit     Verb = "commit"
	VerbSent       Verb = "sent"
	VerbGot        Verb = "got"
	VerbForgive    Verb = "forgive"
	VerbRemind     Verb = "remind"
	VerbMy         Verb = "my"
	VerbToMe       Verb = "tome"
	VerbPending    Verb = "pending"
	VerbArchive    Verb = "archive"
	VerbOverdue    Verb = "overdue"
	VerbNetwork    Verb = "network"
	VerbAbout      Verb = "about"
	VerbRequisites Verb = "requisites"
	VerbLeave      Verb = "leave"
	VerbMute       Verb = "mute"
	VerbUnmute     Verb = "unmute"

	VerbInitiative Verb = "initiative"
	VerbDone       Verb = "done"
	VerbKassa      Verb = "kassa"
	VerbClaim      Verb = "claim"
	VerbApprove    Verb = "approve"
	VerbClearing   Verb = "clearing"
	VerbHealth     Verb = "health"
	VerbReport     Verb = "report"

	VerbToken Verb = "token"
	VerbWeb   Verb = "web"
)

// Bounds on what a member may type.
const (
	MaxCommandRunes     = 4000 // a whole command message
	MaxCircleNameRunes  = 80   // circle <name>
	MaxSOSRunes         = 2000 // sos <text>
	MaxUserIDBytes      = 255  // the Matrix limit on a user ID
	MaxAboutRunes       = 180  // about <text>
	MaxRequisiteRunes   = 300  // requisites <text>
	MaxRequisites       = 5    // requisites a member may keep
	MaxRedDays          = 31   // status red <amount> <days>
	MaxClaimReasonRunes = 300  // the reason of a kassa claim
)

// RequisiteAction names what `requisites ...` does.
type RequisiteAction string

// The requisites sub-commands: `requisites` lists, `requisites <text>` adds,
// `requisites default <n>` makes the n-th the default, `requisites remove <n>`
// removes it.
const (
	RequisitesList    RequisiteAction = ""
	RequisitesAdd     RequisiteAction = "add"
	RequisitesDefault RequisiteAction = "default"
	RequisitesRemove  RequisiteAction = "remove"
)

// CircleSetting names what `circle <setting> <value>` changes.
type CircleSetting string

// The circle settings the owner can change.
const (
	SettingPledge CircleSetting = "pledge"
	SettingLang   CircleSetting = "lang"
)

// Command is a parsed chat command. Only the fields of its verb are set.
type Command struct {
	Verb Verb
	// Lang is the language of the command word the member typed.
	Lang Lang
	// Rest is the text after the command word, trimmed.
	Rest string

	User    UserID        // invite, chain, block, unblock
	Name    string        // circle <name>
	Here    bool          // circle here
	Setting CircleSetting // circle pledge <amount> | circle lang <ru|en>
	Amount  Amount        // circle pledge <amount>
	Code    string        // accept <code> (upper case)
	Text    string        // sos <text>
	Target  Lang          // lang <ru|en>, circle lang <ru|en>
	Topic   Verb          // help <command>
	All     bool          // help all

	// status green | orange <amount> | red <amount> <days>; a quoted thing
	// instead of the amount (`status red "a lift" 2 days`) is one Items in
	// Amount and the thing in Text.
	Status Status
	Days   int
	// intend [amount], commit [amount]: Amount (zero = the default amount);
	// status orange/red: Amount.
	// forgive, remind: User (required); got: User (optional).
	// about [text]: Text ("" shows the profile).
	// requisites [<text> | default <n> | remove <n>]:
	Requisites RequisiteAction
	Index      int // 1-based, for requisites default/remove
	// leave [confirm]: Confirm.
	Confirm bool
	// mute/unmute [kind]: Notice ("" lists the kinds).
	Notice NoticeKind
	// initiative "<title>" <price> [currency] by <date>: Text (the title),
	// Amount (the price) and ByDate (the calendar date, at midnight UTC;
	// the initiative ends when that day ends in its author's time zone, their
	// own or else the cycle's).
	// "by <date> <HH:MM>" sets the time of day in ByDate and ByClock: the
	// initiative ends at that moment instead.
	// done [report]: Text.
	ByDate  time.Time
	ByClock bool
	// kassa [amount]: Amount (zero shows the kassa). claim <amount>
	// <reason>: Amount, Text. approve: nothing (reply to the claim card).
	// clearing: nothing.

	// token [new <name> [read|write] | revoke <name>]: TokenAction, Name
	// and Scope (read unless write is asked for).
	TokenAction TokenAction
	Scope       TokenScope

	// timezone [<zone> | default]: Zone, the IANA name as typed ("" with
	// ZoneReset: back to the cycle's; "" alone shows the zone).
	Zone      string
	ZoneReset bool

	// report [YYYY-MM]: Month ("" for the current one).
	Month string

	// widget [off]: Off (remove the circle's widget instead of adding it).
	Off bool
}

// TokenAction is what `token` does: list (""), make or revoke a token.
type TokenAction string

// The token actions.
const (
	TokenNew    TokenAction = "new"
	TokenRevoke TokenAction = "revoke"
)

// VerbCapacity asks for the most help that can reach the member through
// the trust network (capacity.go).
const VerbCapacity Verb = "capacity"

// VerbWidget adds the web organizer to a circle's room as a widget, or
// removes it (`widget off`).
const VerbWidget Verb = "widget"
