// Package grammar is the chat's command language: the words of each verb in
// English and Russian, and the parser that reads a member's message as a
// ledger.Command. It imports the standard library and the ledger only.
package grammar

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/exodus-matrix/exodus/ledger"
)

// Options tell Parse where a message was written.
type Options struct {
	// Prefix is the command prefix, such as "!ex".
	Prefix string
	// Direct is true in a direct chat with the bot, where the prefix may be
	// left out.
	Direct bool
	// Mentions are the users the message mentions (m.mentions or pills),
	// the bot excluded. A user argument that is a display name rather than an
	// ID resolves to the single mentioned user.
	Mentions []ledger.UserID
	// DefaultCurrency applies to an amount typed without one.
	DefaultCurrency ledger.Currency
	// ReplyToBot is true when the message replies to one of the bot's
	// events (a need card, a notice). The prefix may then be left out; but
	// without the prefix, a message whose first word is no command word and
	// which is not an amount is not addressed to the bot (it is discussion).
	// A reply that is just an amount means `intend <amount>`.
	ReplyToBot bool
}

// Parse reads a chat message as a command to the bot.
//
// A message is addressed to the bot if it starts with opt.Prefix (in any
// case) followed by a space or the end, or if opt.Direct is set (in a direct
// chat the prefix is optional). A reply fallback ("> <@alice:x> ..." lines
// quoting the replied-to message) is skipped first. A message not addressed
// to the bot, or empty, gives addressed == false and no error; the bot must
// then stay silent. The prefix alone means help.
//
// A reply to one of the bot's events (opt.ReplyToBot) without the prefix is
// addressed to the bot only if its first word is a command word (including
// "?"), or if the whole message is an amount (ledger.ParseAmount), which means
// `intend <amount>`: cmd.Verb is VerbIntend, cmd.Lang "", cmd.Rest the
// amount text. Any other such reply is discussion, not addressed. In a
// direct chat every message stays addressed, and a reply to the bot that is
// just an amount means intend too.
//
// The first word names the verb, in English or Russian, in any case, with
// "ё" and "е" alike (see VerbWords); cmd.Lang is the language of that word
// ("" for "?"). The arguments follow the verb's rules, described on ledger.Command's
// fields; a name or other argument may be quoted with "...", «...», “...” or
// „...“.
//
// Any error is a *ledger.Error of code EInvalid and comes with addressed == true.
// When the verb was recognised, cmd.Verb, cmd.Lang, cmd.Rest (and
// cmd.Setting for circle settings) are still set, so the bot can answer
// with the verb's usage in the member's language; other fields are zero.
// The error keys and their arguments:
//
//	cmd.too_long          [MaxCommandRunes]     the message is too long
//	cmd.unknown           [word]                unknown command word (or help topic)
//	cmd.usage             [Verb]                a required argument is missing
//	cmd.bad_user          [text, Verb]          the argument is no user ID, and not one mention
//	cmd.bad_code          [text]                not an invitation code
//	cmd.bad_lang          [text]                not a supported language
//	cmd.bad_name          [name]                a circle name with control characters
//	cmd.name_too_long     [MaxCircleNameRunes]  a circle name over the limit
//	cmd.text_too_long     [MaxSOSRunes]         an sos text over the limit
//	cmd.text_too_long     [MaxAboutRunes]       an about text over the limit
//	cmd.text_too_long     [MaxRequisiteRunes]   a requisite over the limit
//	cmd.text_too_long     [MaxInitiativeTitleRunes]  an initiative title over the limit
//	cmd.text_too_long     [MaxInitiativeReportRunes] a done report over the limit
//	cmd.bad_text          []                    about, requisite or done text with control
//	                                            characters, or an initiative title with any
//	                                            (line breaks and tabs included)
//	cmd.bad_status        [word]                status: not green, orange or red
//	cmd.bad_days          [text, MaxRedDays]    status red: days not a number from 1 to MaxRedDays
//	cmd.bad_index         [text, MaxRequisites] requisites default/remove: not a number from 1 to MaxRequisites
//	cmd.bad_notice        [word]                mute/unmute: not a notification kind (NoticeKinds)
//	cmd.bad_date          [text]                initiative: the date after by/до/к is not one of
//	                                            YYYY-MM-DD, DD.MM.YYYY, DD/MM/YYYY, DD.MM, or no such day
//	amount.*                                    from ledger.ParseAmount, for circle pledge,
//	                                            status orange/red, intend, commit and initiative
//
// An initiative's title must be quoted, and a price and a by-word (by, до,
// к) followed by a date must come after it, else the error is cmd.usage.
// A date typed as DD.MM gives cmd.ByDate in year 0: the bot fills in the
// year (the next such day not in the past) and checks the day again (29.02).
//
// For an unknown command word cmd.Verb is empty and cmd.Lang is LangRU if
// the word is Cyrillic, else "".
func Parse(body string, opt Options) (cmd ledger.Command, addressed bool, err error) {
	a, addressed := Address(body, opt)
	if !addressed {
		return ledger.Command{}, false, nil
	}
	cmd, err = a.Parse(opt.DefaultCurrency)
	return cmd, true, err
}

// Addressed is a message addressed to the bot (Address), not parsed yet:
// the bot may look up what the parsing needs (the default currency) only
// for a message meant for it, and still read its text once.
type Addressed struct {
	message  string // the whole message, reply fallback removed, trimmed
	text     string // the message without the prefix
	prefixed bool
	opt      Options
}

// Address tells whether a message is addressed to the bot, as Parse
// does, and returns it ready to parse. An amount in a reply to the bot is
// recognised in opt.DefaultCurrency.
func Address(body string, opt Options) (a Addressed, ok bool) {
	message, text, prefixed, ok := address(body, opt)
	return Addressed{message: message, text: text, prefixed: prefixed, opt: opt}, ok
}

// Prefixed reports whether the message starts with the command prefix.
func (a Addressed) Prefixed() bool { return a.prefixed }

// Parse reads the addressed message as a command, with def the currency of
// an amount typed without one. Its results are those of Parse.
func (a Addressed) Parse(def ledger.Currency) (ledger.Command, error) {
	opt := a.opt
	opt.DefaultCurrency = def
	if utf8.RuneCountInString(a.message) > ledger.MaxCommandRunes {
		return ledger.Command{}, ledger.Errorf(ledger.EInvalid, "cmd.too_long", ledger.MaxCommandRunes)
	}
	if opt.ReplyToBot && !a.prefixed {
		if amt, err := ledger.ParseAmount(a.text, def); err == nil {
			return ledger.Command{Verb: ledger.VerbIntend, Rest: a.text, Amount: amt}, nil
		}
	}
	word, rest := cutWord(a.text)
	if word == "" {
		return ledger.Command{Verb: ledger.VerbHelp}, nil
	}
	w, ok := verbWords[normWord(word)]
	if !ok {
		return ledger.Command{Lang: scriptLang(word)}, ledger.Errorf(ledger.EInvalid, "cmd.unknown", ledger.Clip(word))
	}
	cmd := ledger.Command{Verb: w.verb, Lang: w.lang, Rest: rest}
	if err := w.syntax.args.parse(&cmd, opt); err != nil {
		return ledger.Command{Verb: w.verb, Lang: w.lang, Rest: rest, Setting: cmd.Setting}, err
	}
	return cmd, nil
}

// address returns the message (body without reply fallback, trimmed), its
// command text (the message without any prefix), whether it had the prefix,
// and whether the message is addressed to the bot at all.
func address(body string, opt Options) (message, text string, prefixed, ok bool) {
	message = strings.TrimSpace(stripReplyFallback(body))
	if message == "" {
		return "", "", false, false
	}
	p := strings.TrimSpace(opt.Prefix)
	if p != "" && len(message) >= len(p) && strings.EqualFold(message[:len(p)], p) {
		rest := message[len(p):]
		r, _ := utf8.DecodeRuneInString(rest)
		if rest == "" || unicode.IsSpace(r) {
			return message, strings.TrimSpace(rest), true, true
		}
	}
	if opt.Direct || (opt.ReplyToBot && repliesToBot(message, opt.DefaultCurrency)) {
		return message, message, false, true
	}
	return "", "", false, false
}

// repliesToBot reports whether a reply to the bot without the prefix is
// meant for the bot: its first word is a command word, or it is an amount.
func repliesToBot(message string, def ledger.Currency) bool {
	word, _ := cutWord(message)
	if _, _, ok := LookupVerb(word); ok {
		return true
	}
	_, err := ledger.ParseAmount(message, def)
	return err == nil
}

// stripReplyFallback removes the quoted lines a Matrix client may put before
// a reply ("> <@alice:example.org> original text").
func stripReplyFallback(body string) string {
	if !strings.HasPrefix(body, "> <") && !strings.HasPrefix(body, "> * <") {
		return body
	}
	rest := body
	for strings.HasPrefix(rest, ">") {
		i := strings.IndexByte(rest, '\n')
		if i < 0 {
			return ""
		}
		rest = rest[i+1:]
	}
	return rest
}

// argKind is the kind of arguments a verb takes: how they are read.
type argKind int

// The kinds of arguments, each read by its parse function.
const (
	argNone         argKind = iota // nothing; extra text is ignored
	argTopic                       // help [command-word]
	argCircle                      // circle <name> | here | pledge <amount> | lang <ru|en>
	argUser                        // [user]
	argUserRequired                // <user>
	argCode                        // [invitation code]
	argMessage                     // <text> (sos)
	argLang                        // <ru|en>
	argStatus                      // green | orange <amount> | red <amount> <days>
	argAmount                      // [amount]
	argAbout                       // [text]
	argRequisites                  // [<text> | default <n> | remove <n>]
	argConfirm                     // [confirm]
	argNotice                      // [notification kind]
	argInitiative                  // "<title>" <price> by <date>
	argReport                      // [report] (done)
	argClaim                       // <amount> <reason>
	argToken                       // [new <name> [read|write] | revoke <name>]
	argClearing                    // [agree <cycle>]
	argZone                        // [<time zone> | default]
	argMonth                       // [YYYY-MM]
	argWidget                      // [off]
	argGot                         // [amount] [user]
	argSent                        // [amount]; words with no digit are ignored
)

// parse reads the arguments of cmd.Verb from cmd.Rest.
func (k argKind) parse(cmd *ledger.Command, opt Options) error {
	switch k {
	case argTopic:
		return parseHelp(cmd)
	case argCircle:
		return parseCircle(cmd, opt)
	case argUser, argUserRequired:
		return parseUserArg(cmd, opt, k == argUserRequired)
	case argCode:
		return parseAccept(cmd)
	case argMessage:
		return parseSOS(cmd)
	case argLang:
		return parseLangArg(cmd, cmd.Rest)
	case argStatus:
		return parseStatus(cmd, opt.DefaultCurrency)
	case argAmount:
		return parseOptionalAmount(cmd, opt.DefaultCurrency)
	case argAbout:
		return parseAbout(cmd)
	case argRequisites:
		return parseRequisites(cmd)
	case argConfirm:
		parseLeave(cmd)
	case argNotice:
		return parseNotice(cmd)
	case argInitiative:
		return parseInitiative(cmd, opt.DefaultCurrency)
	case argReport:
		return parseDone(cmd)
	case argClaim:
		return parseClaim(cmd, opt.DefaultCurrency)
	case argToken:
		return parseToken(cmd)
	case argClearing:
		return parseClearing(cmd)
	case argZone:
		parseZoneArg(cmd)
	case argMonth:
		return parseMonth(cmd)
	case argWidget:
		return parseWidget(cmd)
	case argGot:
		return parseGot(cmd, opt)
	case argSent:
		return parseSent(cmd, opt.DefaultCurrency)
	}
	return nil
}

// helpAllWords ask for the help of every command.
var helpAllWords = map[string]struct{}{"all": {}, "все": {}}

// parseHelp reads `help [command-word | all]`.
func parseHelp(cmd *ledger.Command) error {
	if cmd.Rest == "" {
		return nil
	}
	word, _, _ := firstToken(cmd.Rest)
	if _, all := helpAllWords[normWord(word)]; all {
		cmd.All = true
		return nil
	}
	v, _, ok := LookupVerb(word)
	if !ok {
		return ledger.Errorf(ledger.EInvalid, "cmd.unknown", ledger.Clip(word))
	}
	cmd.Topic = v
	return nil
}

// parseCircle reads `circle here`, `circle pledge <amount>`,
// `circle lang <ru|en>` or `circle <name>`. A quoted argument is always a
// name; "here" followed by more words is a name too.
func parseCircle(cmd *ledger.Command, opt Options) error {
	if cmd.Rest == "" {
		return usage(cmd.Verb)
	}
	if _, _, quoted := firstToken(cmd.Rest); !quoted {
		word, arg := cutWord(cmd.Rest)
		w := normWord(word)
		if _, ok := circleHereWords[w]; ok && arg == "" {
			cmd.Here = true
			return nil
		}
		if _, ok := circlePledgeWords[w]; ok {
			cmd.Setting = ledger.SettingPledge
			return parsePledge(cmd, arg, opt.DefaultCurrency)
		}
		if _, ok := circleLangWords[w]; ok {
			cmd.Setting = ledger.SettingLang
			return parseLangArg(cmd, arg)
		}
	}
	name, err := circleName(cmd.Rest)
	if err != nil {
		return err
	}
	cmd.Name = name
	return nil
}

// parsePledge reads the amount of `circle pledge <amount>`.
func parsePledge(cmd *ledger.Command, arg string, def ledger.Currency) error {
	if arg == "" {
		return usage(cmd.Verb)
	}
	a, err := ledger.ParseAmount(arg, def)
	if err != nil {
		return err
	}
	cmd.Amount = a
	return nil
}

// parseLangArg reads the language of `lang <ru|en>` or `circle lang <ru|en>`.
func parseLangArg(cmd *ledger.Command, arg string) error {
	if arg == "" {
		return usage(cmd.Verb)
	}
	word, _, _ := firstToken(arg)
	l, ok := ledger.ParseLang(word)
	if !ok {
		return ledger.Errorf(ledger.EInvalid, "cmd.bad_lang", ledger.Clip(word))
	}
	cmd.Target = l
	return nil
}

// circleName reads a circle name: quotes removed if they enclose it all,
// runs of white space collapsed to one space.
func circleName(rest string) (string, error) {
	name := rest
	if tok, after, quoted := firstToken(rest); quoted && after == "" {
		name = tok
	}
	name = strings.Join(strings.Fields(name), " ")
	if name == "" {
		return "", usage(ledger.VerbCircle)
	}
	if !utf8.ValidString(name) || strings.IndexFunc(name, badNameRune) >= 0 {
		return "", ledger.Errorf(ledger.EInvalid, "cmd.bad_name", ledger.Clip(name))
	}
	if utf8.RuneCountInString(name) > ledger.MaxCircleNameRunes {
		return "", ledger.Errorf(ledger.EInvalid, "cmd.name_too_long", ledger.MaxCircleNameRunes)
	}
	return name, nil
}

// badNameRune reports whether r may not appear in a name: control
// characters and the bidirectional embeddings, overrides and isolates that
// could disguise one.
func badNameRune(r rune) bool {
	return unicode.IsControl(r) || (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069)
}

// parseUserArg reads the user of invite, chain, block, unblock, forgive,
// remind or got: a user ID
// or matrix.to link; or, if it is not one (a display name from a pill) or is
// missing, the one user the message mentions.
func parseUserArg(cmd *ledger.Command, opt Options, required bool) error {
	if cmd.Rest == "" {
		switch {
		case len(opt.Mentions) == 1:
			cmd.User = opt.Mentions[0]
		case required:
			return usage(cmd.Verb)
		}
		return nil
	}
	word, _, _ := firstToken(cmd.Rest)
	// A user ID copied from the plain body of a bot's message carries the
	// WORD JOINER (U+2060) the bot writes into it so that push rules do not
	// read it as a mention.
	word = strings.ReplaceAll(word, "\u2060", "")
	if u, err := ledger.ParseUserID(strings.TrimRight(word, ".,;!?")); err == nil {
		cmd.User = u
		return nil
	}
	if len(opt.Mentions) == 1 {
		cmd.User = opt.Mentions[0]
		return nil
	}
	return ledger.Errorf(ledger.EInvalid, "cmd.bad_user", ledger.Clip(cmd.Rest), cmd.Verb)
}

// parseAccept reads the optional invitation code of `accept [code]`.
func parseAccept(cmd *ledger.Command) error {
	if cmd.Rest == "" {
		return nil
	}
	code, _, _ := firstToken(cmd.Rest)
	if !validCode(code) {
		return ledger.Errorf(ledger.EInvalid, "cmd.bad_code", ledger.Clip(code))
	}
	cmd.Code = strings.ToUpper(code)
	return nil
}

// validCode reports whether s looks like an invitation code: 4 to 32 ASCII
// letters, digits and dashes.
func validCode(s string) bool {
	if len(s) < 4 || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isDigit(c) && !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && c != '-' {
			return false
		}
	}
	return true
}

// parseSOS reads the text of `sos <text>`.
func parseSOS(cmd *ledger.Command) error {
	switch n := utf8.RuneCountInString(cmd.Rest); {
	case n == 0:
		return usage(cmd.Verb)
	case n > ledger.MaxSOSRunes:
		return ledger.Errorf(ledger.EInvalid, "cmd.text_too_long", ledger.MaxSOSRunes)
	}
	cmd.Text = cmd.Rest
	return nil
}

// usage is the error of a command missing a required argument.
func usage(v ledger.Verb) *ledger.Error {
	return ledger.Errorf(ledger.EInvalid, "cmd.usage", v)
}

// cutWord splits s at its first run of white space; rest is trimmed.
func cutWord(s string) (word, rest string) {
	s = strings.TrimSpace(s)
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimSpace(s[i:])
}

// closingQuotes maps the opening quotes Parse honours to their closers.
var closingQuotes = map[rune]rune{'"': '"', '«': '»', '“': '”', '„': '“'}

// firstToken returns the first argument of s: the text inside a leading
// pair of quotes (quoted is then true), or else the first word. after is
// the trimmed text that follows it. An unclosed quote is an ordinary
// character.
func firstToken(s string) (tok, after string, quoted bool) {
	s = strings.TrimSpace(s)
	open, size := utf8.DecodeRuneInString(s)
	if closer, ok := closingQuotes[open]; ok {
		if end := strings.IndexRune(s[size:], closer); end >= 0 {
			inner := s[size : size+end]
			return inner, strings.TrimSpace(s[size+end+utf8.RuneLen(closer):]), true
		}
	}
	tok, after = cutWord(s)
	return tok, after, false
}

// scriptLang guesses the language of an unknown word: LangRU if it has a
// Cyrillic letter, else "" (Latin letters say little: Russian speakers type
// them too, and the bot remembers the language it infers).
func scriptLang(word string) ledger.Lang {
	if strings.IndexFunc(word, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) }) >= 0 {
		return ledger.LangRU
	}
	return ""
}

// isDigit reports whether b is an ASCII digit.
func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// allDigits reports whether s is one or more ASCII digits.
func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// parseWidget reads `widget [off]`; any other word is refused with the
// command's usage.
func parseWidget(cmd *ledger.Command) error {
	if cmd.Rest == "" {
		return nil
	}
	word, rest := cutWord(cmd.Rest)
	if !widgetOffWords[normWord(strings.TrimRight(word, ".,;!?"))] || rest != "" {
		return usage(cmd.Verb)
	}
	cmd.Off = true
	return nil
}
