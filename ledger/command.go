package ledger

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
)

// Bounds on what a member may type.
const (
	MaxCommandRunes    = 4000 // a whole command message
	MaxCircleNameRunes = 80   // circle <name>
	MaxSOSRunes        = 2000 // sos <text>
	MaxUserIDBytes     = 255  // the Matrix limit on a user ID
)

// CircleSetting names what `circle <setting> <value>` changes.
type CircleSetting string

// The circle settings the owner can change.
const (
	SettingPledge CircleSetting = "pledge"
	SettingLang   CircleSetting = "lang"
)

// ParseOptions tell ParseCommand where a message was written.
type ParseOptions struct {
	// Prefix is the command prefix, such as "!ex".
	Prefix string
	// Direct is true in a direct chat with the bot, where the prefix may be
	// left out.
	Direct bool
	// Mentions are the users the message mentions (m.mentions or pills),
	// the bot excluded. A user argument that is a display name rather than an
	// ID resolves to the single mentioned user.
	Mentions []UserID
	// DefaultCurrency applies to an amount typed without one.
	DefaultCurrency Currency
}

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
}
