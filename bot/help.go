package bot

import (
	"strings"

	"github.com/exodus-matrix/exodus/ledger"
)

// helpEntry is one command in the help: its arguments and what it does.
type helpEntry struct{ args, what string }

var helpEN = map[ledger.Verb]helpEntry{
	ledger.VerbHelp:    {"[command]", "commands and how to use them"},
	ledger.VerbCircle:  {"<name> | here | pledge <amount> | lang ru|en", "create a circle room, make this room a circle, or (owner) change its pledge or language"},
	ledger.VerbInvite:  {"[@user:server]", "invite a person you know to a mutual guarantee; without a user: a one-time code"},
	ledger.VerbAccept:  {"[code]", "accept an invitation (or ✅ on the card); with a code in a direct chat"},
	ledger.VerbDecline: {"", "decline the invitation to you"},
	ledger.VerbList:    {"", "your trust list: direct guarantors first, then the rest"},
	ledger.VerbChain:   {"@user:server", "the shortest chain of guarantees from you to that member"},
	ledger.VerbPool:    {"", "the pool of your trust list and its change since you last asked"},
	ledger.VerbBlock:   {"@user:server", "cut your guarantee with a member"},
	ledger.VerbUnblock: {"@user:server", "restore it"},
	ledger.VerbSOS:     {"<text>", "a message to your whole trust list (a few a day)"},
	ledger.VerbLang:    {"ru | en", "the language I speak with you"},
}

var helpRU = map[ledger.Verb]helpEntry{
	ledger.VerbHelp:    {"[команда]", "команды и как ими пользоваться"},
	ledger.VerbCircle:  {"<название> | здесь | сумма <сумма> | язык ru|en", "создать комнату-круг, сделать эту комнату кругом или (владелец) изменить сумму поручительства или язык"},
	ledger.VerbInvite:  {"[@user:server]", "пригласить знакомого к взаимному поручительству; без пользователя — одноразовый код"},
	ledger.VerbAccept:  {"[код]", "принять приглашение (или ✅ на карточке); с кодом — в личном чате"},
	ledger.VerbDecline: {"", "отклонить приглашение"},
	ledger.VerbList:    {"", "ваш трастовый список: сначала прямые поручители, потом остальные"},
	ledger.VerbChain:   {"@user:server", "кратчайшая цепочка поручительств от вас до участника"},
	ledger.VerbPool:    {"", "пул вашего трастового списка и его изменение с прошлого раза"},
	ledger.VerbBlock:   {"@user:server", "разорвать ваше поручительство с участником"},
	ledger.VerbUnblock: {"@user:server", "восстановить его"},
	ledger.VerbSOS:     {"<текст>", "сообщение всему трастовому списку (несколько в день)"},
	ledger.VerbLang:    {"ru | en", "язык, на котором я говорю с вами"},
}

func helpOf(l ledger.Lang) map[ledger.Verb]helpEntry {
	if l == ledger.LangRU {
		return helpRU
	}
	return helpEN
}

// usage renders how to type a verb, e.g. "`!ex invite [@user:server]`".
func usage(l ledger.Lang, v ledger.Verb, prefix string) string {
	h := helpOf(l)[v]
	s := prefix + " " + verbWord(v, l)
	if h.args != "" {
		s += " " + h.args
	}
	return "`" + s + "`"
}

// helpText renders the whole help, or one command's.
func helpText(l ledger.Lang, topic ledger.Verb, prefix string) string {
	var sb strings.Builder
	if topic != "" && topic != ledger.VerbHelp {
		sb.WriteString(usage(l, topic, prefix) + " — " + helpOf(l)[topic].what)
		if alt := ledger.VerbWords(topic, other(l)); len(alt) > 0 {
			sb.WriteString(" (" + strings.Join(ledger.VerbWords(topic, l), ", ") + " / " + strings.Join(alt, ", ") + ")")
		}
		return sb.String()
	}
	if l == ledger.LangRU {
		sb.WriteString("**Exodus — взаимопомощь среди своих.** Команды (в личном чате можно без `" + prefix + "`):\n\n")
	} else {
		sb.WriteString("**Exodus — mutual aid among people who know each other.** Commands (no `" + prefix + "` needed in a direct chat):\n\n")
	}
	for _, v := range ledger.AllVerbs() {
		sb.WriteString("- " + usage(l, v, prefix) + " — " + helpOf(l)[v].what + "\n")
	}
	return sb.String()
}

func other(l ledger.Lang) ledger.Lang {
	if l == ledger.LangRU {
		return ledger.LangEN
	}
	return ledger.LangRU
}
