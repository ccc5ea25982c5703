package bot

import (
	"slices"
	"strings"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/ledger/grammar"
)

// firstScreen are the commands `help` shows first: the ten a member needs
// most (the product spec's everyday path: join by an invitation, say what
// you need, promise, pay, confirm, look). `help all` lists every command,
// `help <command>` explains one.
var firstScreen = []ledger.Verb{
	ledger.VerbAccept, ledger.VerbInvite, ledger.VerbList, ledger.VerbStatus, ledger.VerbIntend,
	ledger.VerbCommit, ledger.VerbSent, ledger.VerbGot, ledger.VerbMy, ledger.VerbWeb,
}

// help is the command's help entry in language l.
func (c *command) help(l ledger.Lang) helpEntry {
	switch l {
	case ledger.LangRU:
		return c.ru
	case ledger.LangSR:
		if h, ok := helpSR[c.verb]; ok {
			return h
		}
	}
	return c.en
}

// usage renders how to type a verb, e.g. "`!ex invite [@user:server]`".
func (s *commandSet) usage(l ledger.Lang, v ledger.Verb) string {
	return s.usageIn(l, v, false)
}

// usageIn renders how to type a verb where the member is: without the
// prefix in a direct chat ("`invite [@user:server]`").
func (s *commandSet) usageIn(l ledger.Lang, v ledger.Verb, direct bool) string {
	str := s.prefixIn(direct) + verbWord(v, l)
	if c := s.byVerb[v]; c != nil && c.help(l).args != "" {
		str += " " + c.help(l).args
	}
	return "`" + str + "`"
}

// prefixIn is what a command starts with where the member is: the prefix
// and a space, or nothing in a direct chat.
func (s *commandSet) prefixIn(direct bool) string {
	if direct || s.prefix == "" {
		return ""
	}
	return s.prefix + " "
}

// what is what the help says a verb does.
func (s *commandSet) what(l ledger.Lang, v ledger.Verb) string {
	if c := s.byVerb[v]; c != nil {
		return c.help(l).what
	}
	return ""
}

// helpText renders the help of a topic: one command's, every command's
// (all), or the first screen; in a direct chat the commands show without
// the prefix.
func (s *commandSet) helpText(l ledger.Lang, topic ledger.Verb, all, direct bool) string {
	if topic != "" && topic != ledger.VerbHelp {
		str := s.usageIn(l, topic, direct) + " — " + s.what(l, topic)
		if alt := grammar.VerbWords(topic, other(l)); len(alt) > 0 && !slices.Equal(alt, grammar.VerbWords(topic, l)) {
			str += " (" + strings.Join(grammar.VerbWords(topic, l), ", ") + " / " + strings.Join(alt, ", ") + ")"
		}
		return str
	}
	var sb strings.Builder
	if !all {
		sb.WriteString(text(l, "help.first") + "\n\n")
		for _, v := range firstScreen {
			sb.WriteString("- " + s.usageIn(l, v, direct) + " — " + s.what(l, v) + "\n")
		}
		help := s.prefixIn(direct) + verbWord(ledger.VerbHelp, l)
		sb.WriteString("\n" + text(l, "help.more", help, help+" "+text(l, "help.all_word")))
		return sb.String()
	}
	sb.WriteString(text(l, "help.all") + "\n\n")
	for _, sec := range s.sections {
		title := sec.en
		switch l {
		case ledger.LangRU:
			title = sec.ru
		case ledger.LangSR:
			if t, ok := sectionsSR[sec.en]; ok {
				title = t
			}
		}
		sb.WriteString("**" + title + "**\n\n")
		for _, c := range sec.commands {
			sb.WriteString("- " + s.usageIn(l, c.verb, direct) + " — " + c.help(l).what + "\n")
		}
		sb.WriteString("\n")
	}
	return strings.TrimRight(sb.String(), "\n")
}

func other(l ledger.Lang) ledger.Lang {
	if l == ledger.LangEN {
		return ledger.LangRU
	}
	return ledger.LangEN
}

// explain explains a refusal in the member's language: why, and what to
// type instead (the verb's usage). A failure that is not the member's is
// not explained.
func (s *commandSet) explain(l ledger.Lang, err error, verb ledger.Verb) string {
	return s.explainIn(l, err, verb, false)
}

// explainIn is explain where the member is: in a direct chat the commands
// show without the prefix. An unknown command word gets the nearest verb
// word ("did you mean").
func (s *commandSet) explainIn(l ledger.Lang, err error, verb ledger.Verb, direct bool) string {
	e := ledger.AsError(err)
	if e == nil || e.Code == ledger.EInternal {
		return text(l, "error.internal")
	}
	msg := text(l, e.Key, e.Args...)
	switch {
	case verb != "" && strings.HasPrefix(e.Key, "cmd.") && e.Key != "cmd.unknown":
		return text(l, "understood", strings.TrimSpace(s.prefixIn(direct)+verbWord(verb, l)), markdown(msg)) + "\n\n" + text(l, "type_usage", markdown(s.usageIn(l, verb, direct)))
	case verb != "" && (strings.HasPrefix(e.Key, "amount.") || strings.HasPrefix(e.Key, "user.")):
		return msg + "\n\n" + text(l, "type_usage", markdown(s.usageIn(l, verb, direct)))
	case e.Key == "cmd.unknown":
		if len(e.Args) > 0 {
			if word, ok := e.Args[0].(string); ok {
				if v, ok := s.nearest(l, word); ok {
					return msg + " " + text(l, "did_you_mean", markdown(s.usageIn(l, v, direct)))
				}
			}
		}
		return msg + " " + text(l, "type_help", strings.TrimSpace(s.prefixIn(direct)+verbWord(ledger.VerbHelp, l)))
	case e.Key == "cmd.too_long":
		return msg + " " + text(l, "type_help", strings.TrimSpace(s.prefixIn(direct)+verbWord(ledger.VerbHelp, l)))
	}
	return msg
}
