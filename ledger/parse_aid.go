package ledger

import (
	"strings"
	"unicode/utf8"
)

// This file reads the arguments of the mutual-aid verbs: status, intend,
// commit, got, about, requisites, leave, mute and unmute. The verbs of no
// argument (withdraw, sent, my, tome, pending, archive, overdue, network)
// ignore any extra text, and forgive and remind take a user as invite does.

// parseStatus reads `status green`, `status orange <amount>` or
// `status red <amount> <days>`.
func parseStatus(cmd *Command, def Currency) error {
	if cmd.Rest == "" {
		return usage(cmd.Verb)
	}
	word, arg := cutWord(cmd.Rest)
	st, ok := statusWords[normWord(strings.TrimRight(word, ".,;!?"))]
	if !ok {
		return Errorf(EInvalid, "cmd.bad_status", clip(word))
	}
	var (
		a    Amount
		days int
		err  error
	)
	switch st {
	case StatusOrange:
		if arg == "" {
			return usage(cmd.Verb)
		}
		a, err = ParseAmount(arg, def)
	case StatusRed:
		a, days, err = parseRed(cmd.Verb, arg, def)
	}
	if err != nil {
		return err
	}
	cmd.Status, cmd.Amount, cmd.Days = st, a, days
	return nil
}

// parseRed reads the `<amount> <days>` of `status red`. The days are the
// last word, or the last but one when a unit ("days", "дней"...) follows;
// the amount is everything before them, so it may be "300 EUR" or "€300".
func parseRed(v Verb, arg string, def Currency) (Amount, int, error) {
	if arg == "" {
		return Amount{}, 0, usage(v)
	}
	if _, err := ParseAmount(arg, def); err == nil {
		return Amount{}, 0, usage(v) // an amount, but no days
	}
	fields := strings.Fields(arg)
	n := len(fields)
	if n >= 2 && dayWords[normWord(fields[n-1])] {
		n--
	}
	daysText := fields[n-1]
	amountText := strings.Join(fields[:n-1], " ")
	if amountText == "" {
		return Amount{}, 0, usage(v)
	}
	a, err := ParseAmount(amountText, def)
	if err != nil {
		return Amount{}, 0, err
	}
	days, ok := parseDays(daysText)
	if !ok {
		return Amount{}, 0, Errorf(EInvalid, "cmd.bad_days", clip(daysText), MaxRedDays)
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
	return smallNumber(s[:i], MaxRedDays)
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
func parseOptionalAmount(cmd *Command, def Currency) error {
	if cmd.Rest == "" {
		return nil
	}
	a, err := ParseAmount(cmd.Rest, def)
	if err != nil {
		return err
	}
	cmd.Amount = a
	return nil
}

// parseAbout reads the optional text of `about [text]`.
func parseAbout(cmd *Command) error {
	if err := checkText(cmd.Rest, MaxAboutRunes); err != nil {
		return err
	}
	cmd.Text = cmd.Rest
	return nil
}

// parseRequisites reads `requisites` (list), `requisites default <n>`,
// `requisites remove <n>` or `requisites <text>` (add). A sub-command word
// followed by several words of which the first is no number is the start of
// a requisite's text ("основные реквизиты: ...").
func parseRequisites(cmd *Command) error {
	if cmd.Rest == "" {
		cmd.Requisites = RequisitesList
		return nil
	}
	word, arg := cutWord(cmd.Rest)
	w := normWord(word)
	if w == "по" { // "по умолчанию", typed as two words
		if next, after := cutWord(arg); normWord(next) == "умолчанию" {
			w, arg = "по-умолчанию", after
		}
	}
	var action RequisiteAction
	switch {
	case requisitesDefaultWords[w]:
		action = RequisitesDefault
	case requisitesRemoveWords[w]:
		action = RequisitesRemove
	}
	if action != "" {
		tok, more := cutWord(arg)
		if tok == "" {
			return usage(cmd.Verb)
		}
		if more == "" || allDigits(tok) {
			n, ok := smallNumber(tok, MaxRequisites)
			if !ok {
				return Errorf(EInvalid, "cmd.bad_index", clip(tok), MaxRequisites)
			}
			cmd.Requisites, cmd.Index = action, n
			return nil
		}
	}
	if err := checkText(cmd.Rest, MaxRequisiteRunes); err != nil {
		return err
	}
	cmd.Requisites, cmd.Text = RequisitesAdd, cmd.Rest
	return nil
}

// checkText refuses a free text (about, requisites) with control
// characters other than tabs and line breaks, or longer than max runes.
func checkText(s string, max int) error {
	if !utf8.ValidString(s) || strings.IndexFunc(s, badTextRune) >= 0 {
		return Errorf(EInvalid, "cmd.bad_text")
	}
	if utf8.RuneCountInString(s) > max {
		return Errorf(EInvalid, "cmd.text_too_long", max)
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
func parseLeave(cmd *Command) {
	word, _, _ := firstToken(cmd.Rest)
	cmd.Confirm = confirmWords[normWord(strings.TrimRight(word, ".,;!?"))]
}

// parseNotice reads the optional notification kind of `mute [kind]` and
// `unmute [kind]`.
func parseNotice(cmd *Command) error {
	if cmd.Rest == "" {
		return nil
	}
	word, _, _ := firstToken(cmd.Rest)
	k, ok := ParseNoticeKind(strings.TrimRight(word, ".,;!?"))
	if !ok {
		return Errorf(EInvalid, "cmd.bad_notice", clip(word))
	}
	cmd.Notice = k
	return nil
}
