package bot

import (
	"strings"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/ledger/grammar"
)

// help is the command's help entry in language l.
func (c *command) help(l ledger.Lang) helpEntry {
	if l == ledger.LangRU {
		return c.ru
	}
	return c.en
}

// usage renders how to type a verb, e.g. "`!ex invite [@user:server]`".
func (s *commandSet) usage(l ledger.Lang, v ledger.Verb) string {
	str := s.prefix + " " + verbWord(v, l)
	if c := s.byVerb[v]; c != nil && c.help(l).args != "" {
		str += " " + c.help(l).args
	}
	return "`" + str + "`"
}

// what is what the help says a verb does.
func (s *commandSet) what(l ledger.Lang, v ledger.Verb) string {
	if c := s.byVerb[v]; c != nil {
		return c.help(l).what
	}
	return ""
}

// helpText renders the whole help, or one command's.
func (s *commandSet) helpText(l ledger.Lang, topic ledger.Verb) string {
	prefix := s.prefix
	var sb strings.Builder
	if topic != "" && topic != ledger.VerbHelp {
		sb.WriteString(s.usage(l, topic) + " — " + s.what(l, topic))
		if alt := grammar.VerbWords(topic, other(l)); len(alt) > 0 {
			sb.WriteString(" (" + strings.Join(grammar.VerbWords(topic, l), ", ") + " / " + strings.Join(alt, ", ") + ")")
		}
		return sb.String()
	}
	if l == ledger.LangRU {
		sb.WriteString("**Exodus — взаимопомощь среди своих.** Команды (в личном чате можно без `" + prefix + "`):\n\n")
	} else {
		sb.WriteString("**Exodus — mutual aid among people who know each other.** Commands (no `" + prefix + "` needed in a direct chat):\n\n")
	}
	for _, sec := range s.sections {
		title := sec.en
		if l == ledger.LangRU {
			title = sec.ru
		}
		sb.WriteString("**" + title + "**\n\n")
		for _, c := range sec.commands {
			sb.WriteString("- " + s.usage(l, c.verb) + " — " + c.help(l).what + "\n")
		}
		sb.WriteString("\n")
	}
	return strings.TrimRight(sb.String(), "\n")
}

func other(l ledger.Lang) ledger.Lang {
	if l == ledger.LangRU {
		return ledger.LangEN
	}
	return ledger.LangRU
}

// explain explains a refusal in the member's language: why, and what to
// type instead (the verb's usage). A failure that is not the member's is
// not explained.
func (s *commandSet) explain(l ledger.Lang, err error, verb ledger.Verb) string {
	e := ledger.AsError(err)
	if e == nil || e.Code == ledger.EInternal {
		return text(l, "error.internal")
	}
	msg := text(l, e.Key, e.Args...)
	switch {
	case verb != "" && strings.HasPrefix(e.Key, "cmd.") && e.Key != "cmd.unknown":
		return text(l, "understood", s.prefix+" "+verbWord(verb, l), markdown(msg)) + "\n\n" + text(l, "type_usage", markdown(s.usage(l, verb)))
	case verb != "" && (strings.HasPrefix(e.Key, "amount.") || strings.HasPrefix(e.Key, "user.")):
		return msg + "\n\n" + text(l, "type_usage", markdown(s.usage(l, verb)))
	case e.Key == "cmd.unknown" || e.Key == "cmd.too_long":
		return msg + " " + text(l, "type_help", s.prefix)
	}
	return msg
}
