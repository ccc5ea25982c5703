package grammar

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/exodus-matrix/exodus/ledger"
)

// This file reads the arguments of the mutual-aid verbs: status, intend,
// commit, got, about, requisites, leave, mute, unmute, initiative and done. The verbs of no
// argument (withdraw, sent, my, tome, pending, archive, overdue, network)
// ignore any extra text, and forgive and remind take a user as invite does.

// parseStatus reads `status green`, `status orange <amount>` or
// `status red <amount> <days>`.
func parseStatus(cmd *ledger.Command, def ledger.Currency) error {
	if cmd.Rest == "" {
		return usage(cmd.Verb)
	}
	word, arg := cutWord(cmd.Rest)
	st, ok := statusWords[normWord(strings.TrimRight(word, ".,;!?"))]
	if !ok {
		return ledger.Errorf(ledger.EInvalid, "cmd.bad_status", ledger.Clip(word))
	}
	var (
		a    ledger.Amount
		days int
		err  error
	)
	thing, arg, err := parseThing(arg)
	if err != nil {
		return err
	}
	switch {
	case st == ledger.StatusOrange && thing != "":
		if arg != "" {
			return usage(cmd.Verb)
		}
		a = ledger.Amount{Minor: 1, Currency: ledger.Items}
	case st == ledger.StatusOrange:
		if arg == "" {
			return usage(cmd.Verb)
		}
		a, err = ledger.ParseAmount(arg, def)
	case st == ledger.StatusRed && thing != "":
		a = ledger.Amount{Minor: 1, Currency: ledger.Items}
		days, err = parseThingDays(cmd.Verb, arg)
	case st == ledger.StatusRed:
		a, days, err = parseRed(cmd.Verb, arg, def)
	}
	if err != nil {
		return err
	}
	cmd.Status, cmd.Amount, cmd.Days, cmd.Text = st, a, days, thing
	return nil
}

// parseThing reads the quoted thing or service of `status red "a lift to
// the hospital" 2 days` (help in kind, counted as one item): the thing
// and the text after it, or "" and arg when arg starts with no quote.
func parseThing(arg string) (thing, rest string, err error) {
	tok, after, quoted := firstToken(arg)
	if !quoted {
		return "", arg, nil
	}
	thing = strings.TrimSpace(tok)
	if thing == "" || !utf8.ValidString(thing) || strings.IndexFunc(thing, badNameRune) >= 0 {
		return "", "", ledger.Errorf(ledger.EInvalid, "cmd.bad_text")
	}
	if utf8.RuneCountInString(thing) > ledger.MaxThingRunes {
		return "", "", ledger.Errorf(ledger.EInvalid, "cmd.text_too_long", ledger.MaxThingRunes)
	}
	return thing, after, nil
}

// parseThingDays reads the days after the thing of `status red "<thing>"
// <days>`: a number, optionally with a unit ("2 days", "2d", "2 дня").
func parseThingDays(v ledger.Verb, arg string) (int, error) {
	fields := strings.Fields(arg)
	if len(fields) == 2 && dayWords[normWord(fields[1])] {
		fields = fields[:1]
	}
	if len(fields) != 1 {
		return 0, usage(v)
	}
	days, ok := parseDays(fields[0])
	if !ok {
		return 0, ledger.Errorf(ledger.EInvalid, "cmd.bad_days", ledger.Clip(fields[0]), ledger.MaxRedDays)
	}
	return days, nil
}

// parseRed reads the `<amount> <days>` of `status red`. The days are the
// last word, or the last but one when a unit ("days", "дней"...) follows;
// the amount is everything before them, so it may be "300 EUR" or "€300".
func parseRed(v ledger.Verb, arg string, def ledger.Currency) (ledger.Amount, int, error) {
	if arg == "" {
		return ledger.Amount{}, 0, usage(v)
	}
	if _, err := ledger.ParseAmount(arg, def); err == nil {
		return ledger.Amount{}, 0, usage(v) // an amount, but no days
	}
	fields := strings.Fields(arg)
	n := len(fields)
	if n >= 2 && dayWords[normWord(fields[n-1])] {
		n--
	}
	daysText := fields[n-1]
	amountText := strings.Join(fields[:n-1], " ")
	if amountText == "" {
		return ledger.Amount{}, 0, usage(v)
	}
	a, err := ledger.ParseAmount(amountText, def)
	if err != nil {
		return ledger.Amount{}, 0, err
	}
	days, ok := parseDays(daysText)
	if !ok {
		return ledger.Amount{}, 0, ledger.Errorf(ledger.EInvalid, "cmd.bad_days", ledger.Clip(daysText), ledger.MaxRedDays)
	}
	return a, days, nil
}

// parseDays reads a number of days, 1 to MaxRedDays, optionally with a unit
// written on it ("7d", "7дней").
func parseDays(s string) (int, bool) {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if unit := s[i:]; unit != "" && !dayWords[normWord(unit)] {
		return 0, false
	}
	return smallNumber(s[:i], ledger.MaxRedDays)
}

// smallNumber reads s, ASCII digits, as a number from 1 to max.
func smallNumber(s string, max int) (int, bool) {
	if !allDigits(s) {
		return 0, false
	}
	s = strings.TrimLeft(s, "0")
	if len(s) > 6 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n, n >= 1 && n <= max
}

// parseOptionalAmount reads the optional amount of `intend [amount]` and
// `commit [amount]`; without one, cmd.Amount stays zero.
func parseOptionalAmount(cmd *ledger.Command, def ledger.Currency) error {
	if cmd.Rest == "" {
		return nil
	}
	a, err := ledger.ParseAmount(cmd.Rest, def)
	if err != nil {
		return err
	}
	cmd.Amount = a
	return nil
}

// parseAbout reads the optional text of `about [text]`.
func parseAbout(cmd *ledger.Command) error {
	if err := checkText(cmd.Rest, ledger.MaxAboutRunes); err != nil {
		return err
	}
	cmd.Text = cmd.Rest
	return nil
}

// parseRequisites reads `requisites` (list), `requisites default <n>`,
// `requisites remove <n>` or `requisites <text>` (add). A sub-command word
// followed by several words of which the first is no number is the start of
// a requisite's text ("основные реквизиты: ...").
func parseRequisites(cmd *ledger.Command) error {
	if cmd.Rest == "" {
		cmd.Requisites = ledger.RequisitesList
		return nil
	}
	word, arg := cutWord(cmd.Rest)
	w := normWord(word)
	if w == "по" { // "по умолчанию", typed as two words
		if next, after := cutWord(arg); normWord(next) == "умолчанию" {
			w, arg = "по-умолчанию", after
		}
	}
	var action ledger.RequisiteAction
	switch {
	case requisitesDefaultWords[w]:
		action = ledger.RequisitesDefault
	case requisitesRemoveWords[w]:
		action = ledger.RequisitesRemove
	}
	if action != "" {
		tok, more := cutWord(arg)
		if tok == "" {
			return usage(cmd.Verb)
		}
		if more == "" || allDigits(tok) {
			n, ok := smallNumber(tok, ledger.MaxRequisites)
			if !ok {
				return ledger.Errorf(ledger.EInvalid, "cmd.bad_index", ledger.Clip(tok), ledger.MaxRequisites)
			}
			cmd.Requisites, cmd.Index = action, n
			return nil
		}
	}
	if err := checkText(cmd.Rest, ledger.MaxRequisiteRunes); err != nil {
		return err
	}
	cmd.Requisites, cmd.Text = ledger.RequisitesAdd, cmd.Rest
	return nil
}

// checkText refuses a free text (about, requisites) with control
// characters other than tabs and line breaks, or longer than max runes.
func checkText(s string, max int) error {
	if !utf8.ValidString(s) || strings.IndexFunc(s, badTextRune) >= 0 {
		return ledger.Errorf(ledger.EInvalid, "cmd.bad_text")
	}
	if utf8.RuneCountInString(s) > max {
		return ledger.Errorf(ledger.EInvalid, "cmd.text_too_long", max)
	}
	return nil
}

// badTextRune reports whether r may not appear in a free text: a control
// character other than a tab or a line break ("\n", "\r"), or a bidi
// embedding, override or isolate (which could disguise payment details).
func badTextRune(r rune) bool {
	if r == '\n' || r == '\r' || r == '\t' {
		return false
	}
	return badNameRune(r) // control characters and bidi overrides, as names
}

// parseLeave reads `leave [confirm]`.
func parseLeave(cmd *ledger.Command) {
	word, _, _ := firstToken(cmd.Rest)
	cmd.Confirm = confirmWords[normWord(strings.TrimRight(word, ".,;!?"))]
}

// parseNotice reads the optional notification kind of `mute [kind]` and
// `unmute [kind]`.
func parseNotice(cmd *ledger.Command) error {
	if cmd.Rest == "" {
		return nil
	}
	word, _, _ := firstToken(cmd.Rest)
	k, ok := ledger.ParseNoticeKind(strings.TrimRight(word, ".,;!?"))
	if !ok {
		return ledger.Errorf(ledger.EInvalid, "cmd.bad_notice", ledger.Clip(word))
	}
	cmd.Notice = k
	return nil
}

// parseInitiative reads `initiative "<title>" <price> [currency] by <date>`
// ("до" or "к" for "by"). The title must be quoted; the price is everything
// between it and the by-word; the date is the word after it (any words
// after the date are ignored), one of YYYY-MM-DD, DD.MM.YYYY, DD/MM/YYYY or
// DD.MM. A DD.MM date has year 0 in cmd.ByDate: the bot fills in the year
// (the next such date not in the past) and must check the day again then
// (29.02 is accepted here, as year 0 is a leap year).
func parseInitiative(cmd *ledger.Command, def ledger.Currency) error {
	tok, after, quoted := firstToken(cmd.Rest)
	title := strings.TrimSpace(tok)
	if !quoted || title == "" {
		return usage(cmd.Verb)
	}
	fields := strings.Fields(after)
	by := -1
	for i, f := range fields {
		if byWords[normWord(f)] {
			by = i
			break
		}
	}
	if by < 1 || by == len(fields)-1 { // no by-word, no price or no date
		return usage(cmd.Verb)
	}
	if !utf8.ValidString(title) || strings.IndexFunc(title, badNameRune) >= 0 {
		return ledger.Errorf(ledger.EInvalid, "cmd.bad_text")
	}
	if utf8.RuneCountInString(title) > ledger.MaxInitiativeTitleRunes {
		return ledger.Errorf(ledger.EInvalid, "cmd.text_too_long", ledger.MaxInitiativeTitleRunes)
	}
	a, err := ledger.ParseAmount(strings.Join(fields[:by], " "), def)
	if err != nil {
		return err
	}
	dateText := fields[by+1]
	date, ok := parseDate(strings.TrimRight(dateText, ".,;!?"))
	if !ok {
		return ledger.Errorf(ledger.EInvalid, "cmd.bad_date", ledger.Clip(dateText))
	}
	if by+2 < len(fields) {
		if h, m, ok := parseClock(strings.TrimRight(fields[by+2], ".,;!?")); ok {
			date, cmd.ByClock = date.Add(time.Duration(h)*time.Hour+time.Duration(m)*time.Minute), true
		}
	}
	cmd.Text, cmd.Amount, cmd.ByDate = title, a, date
	return nil
}

// parseClock reads a time of day written HH:MM (24 hours).
func parseClock(s string) (h, m int, ok bool) {
	hs, ms, found := strings.Cut(s, ":")
	if !found {
		return 0, 0, false
	}
	h, okH := dateNumber(hs, 1, 2)
	m, okM := dateNumber(ms, 2, 2)
	if !okH || !okM || h > 23 || m > 59 {
		return 0, 0, false
	}
	return h, m, true
}

// parseDate reads a calendar date: YYYY-MM-DD, DD.MM.YYYY, DD/MM/YYYY, or
// DD.MM (year 0), in ASCII digits, day and month of one or two. It returns
// midnight UTC of that day; ok is false for a malformed or impossible date
// (31.02.2027), or a year before 1000 (year 1 would be the zero time).
func parseDate(s string) (t time.Time, ok bool) {
	var y, m, d string
	withYear := true
	switch {
	case strings.Count(s, "-") == 2:
		p := strings.Split(s, "-")
		y, m, d = p[0], p[1], p[2]
	case strings.Count(s, ".") == 2:
		p := strings.Split(s, ".")
		d, m, y = p[0], p[1], p[2]
	case strings.Count(s, "/") == 2:
		p := strings.Split(s, "/")
		d, m, y = p[0], p[1], p[2]
	case strings.Count(s, ".") == 1:
		d, m, _ = strings.Cut(s, ".")
		withYear = false
	default:
		return time.Time{}, false
	}
	year := 0
	if withYear {
		if year, ok = dateNumber(y, 4, 4); !ok || year < 1000 {
			return time.Time{}, false
		}
	}
	month, okM := dateNumber(m, 1, 2)
	day, okD := dateNumber(d, 1, 2)
	if !okM || !okD || month < 1 || month > 12 || day < 1 {
		return time.Time{}, false
	}
	t = time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if t.Day() != day || t.Month() != time.Month(month) {
		return time.Time{}, false // 31.02 rolled over into March
	}
	return t, true
}

// dateNumber reads s, of minLen to maxLen ASCII digits, as a number.
func dateNumber(s string, minLen, maxLen int) (int, bool) {
	if len(s) < minLen || len(s) > maxLen || !allDigits(s) {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// parseDone reads the optional report of `done [report]`.
func parseDone(cmd *ledger.Command) error {
	if err := checkText(cmd.Rest, ledger.MaxInitiativeReportRunes); err != nil {
		return err
	}
	cmd.Text = cmd.Rest
	return nil
}

// parseClaim reads `claim <amount> <reason>`: the amount is the first word,
// or the first two when they make one ("300 EUR"); the reason is the rest.
func parseClaim(cmd *ledger.Command, def ledger.Currency) error {
	words := strings.Fields(cmd.Rest)
	if len(words) < 2 {
		return usage(cmd.Verb)
	}
	n := 1
	a, err := ledger.ParseAmount(words[0], def)
	if two, err2 := ledger.ParseAmount(words[0]+" "+words[1], def); err2 == nil && len(words) > 2 {
		a, err, n = two, nil, 2
	}
	if err != nil {
		return err
	}
	reason := strings.Join(words[n:], " ")
	if err := checkText(reason, ledger.MaxClaimReasonRunes); err != nil {
		return err
	}
	cmd.Amount, cmd.Text = a, reason
	return nil
}

// clearingAgreeWords say "agree" in `clearing agree <ID>`, normalised.
var clearingAgreeWords = map[string]bool{"agree": true, "согласен": true, "согласна": true, "согласие": true}

// parseClearing reads `clearing [agree <ID>]`: with agree, Confirm is set
// and Text is the cycle's ID (upper case).
func parseClearing(cmd *ledger.Command) error {
	word, rest := cutWord(cmd.Rest)
	if word == "" || !clearingAgreeWords[normWord(word)] {
		return nil
	}
	id, _ := cutWord(rest)
	if id == "" || len(id) > 32 || strings.IndexFunc(id, func(r rune) bool { return !isHexRune(r) }) >= 0 {
		return usage(cmd.Verb)
	}
	cmd.Confirm, cmd.Text = true, strings.ToUpper(id)
	return nil
}

func isHexRune(r rune) bool {
	return (r >= '0' && r <= '9') || (r >= 'a' && r <= 'f') || (r >= 'A' && r <= 'F')
}

// parseToken reads `token [new <name> [read|write] | revoke <name>]`.
func parseToken(cmd *ledger.Command) error {
	word, rest := cutWord(cmd.Rest)
	switch w := normWord(word); {
	case word == "":
		return nil
	case tokenNewWords[w]:
		cmd.TokenAction, cmd.Scope = ledger.TokenNew, ledger.ScopeRead
	case tokenRevokeWords[w]:
		cmd.TokenAction = ledger.TokenRevoke
	default:
		return usage(cmd.Verb)
	}
	name, rest := cutWord(rest)
	if name == "" {
		return usage(cmd.Verb)
	}
	if !ledger.ValidTokenName(name) {
		return ledger.Errorf(ledger.EInvalid, "token.bad_name", ledger.MaxTokenNameRunes)
	}
	cmd.Name = name
	scope, rest := cutWord(rest)
	if scope != "" {
		sc, ok := tokenScopeWords[normWord(scope)]
		if !ok || cmd.TokenAction != ledger.TokenNew || rest != "" {
			return usage(cmd.Verb)
		}
		cmd.Scope = sc
	}
	return nil
}

// parseGot reads `got [amount] [user]`: an amount first (what arrived of
// a partial fulfilment), then the giver as `got [user]` reads them. Text
// that is no amount is the giver (a display name from a pill).
func parseGot(cmd *ledger.Command, opt Options) error {
	amount, user := splitAtUser(cmd.Rest)
	if amount != "" {
		a, err := ledger.ParseAmount(amount, opt.DefaultCurrency)
		if err != nil {
			return parseUserArg(cmd, opt, false)
		}
		cmd.Amount = a
	}
	rest := cmd.Rest
	cmd.Rest = user
	err := parseUserArg(cmd, opt, false)
	cmd.Rest = rest
	return err
}

// splitAtUser cuts s before its first word naming a user (a user ID or a
// matrix.to link).
func splitAtUser(s string) (before, user string) {
	words := strings.Fields(s)
	for i, w := range words {
		if strings.HasPrefix(w, "@") || strings.Contains(w, "matrix.to/") {
			return strings.Join(words[:i], " "), strings.Join(words[i:], " ")
		}
	}
	return s, ""
}

// parseSent reads `sent [amount]`: a part of the commitment sent. Words
// with no digit after the verb are ignored, as they always were ("sent
// yesterday"); a word with one must be an amount.
func parseSent(cmd *ledger.Command, def ledger.Currency) error {
	word, _ := cutWord(cmd.Rest)
	if !strings.ContainsAny(word, "0123456789") {
		return nil
	}
	return parseOptionalAmount(cmd, def)
}
