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

	ledger.VerbStatus:     {"green | orange <amount> | red <amount> <days>", "your status: green, you only help; orange, you need this much a month; red, an emergency collection within so many days"},
	ledger.VerbIntend:     {"[amount]", "reply to a need card (or react ❤️): intend to help with an amount; reply again to change it"},
	ledger.VerbWithdraw:   {"", "reply to the card (or remove your ❤️): withdraw your intention"},
	ledger.VerbCommit:     {"[amount]", "reply to the card or to a request (or react 🤝): commit to help; a commitment cannot be withdrawn"},
	ledger.VerbSent:       {"", "reply to the commitment notice or the card: say you have sent the money"},
	ledger.VerbGot:        {"[@user:server]", "reply to the \"sent\" notice (or react 👍): confirm you received it"},
	ledger.VerbForgive:    {"@user:server", "release a giver from their commitments to you"},
	ledger.VerbRemind:     {"@user:server", "remind a member of what waits between you (now and then)"},
	ledger.VerbMy:         {"", "what you promised"},
	ledger.VerbToMe:       {"", "what others promised you"},
	ledger.VerbPending:    {"", "what was sent to you and waits for your confirmation"},
	ledger.VerbArchive:    {"", "fulfilled and forgiven promises, both ways"},
	ledger.VerbOverdue:    {"", "overdue commitments, both ways"},
	ledger.VerbNetwork:    {"", "who helps you, whom you help, who helps the same people"},
	ledger.VerbAbout:      {"[text]", "tell about yourself (up to 180 characters); without text: your profile"},
	ledger.VerbRequisites: {"[<text> | default <n> | remove <n>]", "your payment details, shown to those who commit to you: add, choose the default, remove"},
	ledger.VerbWeb:        {"", "a one-time link (10 minutes) that logs you into the web organizer; sent to our direct chat"},
	ledger.VerbToken:      {"[new <name> [read|write] | revoke <name>]", "your personal API tokens: list, make one (shown once, in our direct chat) or revoke one"},
	ledger.VerbLeave:      {"[confirm]", "leave Exodus: erase your data and cancel intentions to and from you"},
	ledger.VerbInitiative: {"\"<title>\" <price> by <date>", "a project the circle funds by voting with intentions (❤️, an amount, or its poll)"},
	ledger.VerbDone:       {"[report]", "(initiator) mark your initiative done, with a short report"},
	ledger.VerbKassa:      {"[amount]", "declare the most you would give in a month to the kassa of this circle (in our direct chat: of your only circle); without an amount: the kassa"},
	ledger.VerbClaim:      {"<amount> <reason>", "ask the circle's kassa for help; a second member approves, then it is shared in proportion to what is left this month of the maxima declared in the circle"},
	ledger.VerbApprove:    {"", "(reply to a claim) approve another member's claim, so its shares are published"},
	ledger.VerbClearing:   {"", "open commitments that cancel out in cycles, and chains that can be shortened, as a proposal"},
	ledger.VerbMute:       {"[kind]", "mute a kind of notifications; without a kind: the kinds"},
	ledger.VerbUnmute:     {"<kind>", "get a kind of notifications again"},
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

	ledger.VerbStatus:     {"зелёный | оранжевый <сумма> | красный <сумма> <дней>", "ваш статус: зелёный — вы только помогаете; оранжевый — вам нужна эта сумма в месяц; красный — срочный сбор за столько-то дней"},
	ledger.VerbIntend:     {"[сумма]", "ответ на карточку сбора (или ❤️): намерение помочь суммой; ответьте снова, чтобы её изменить"},
	ledger.VerbWithdraw:   {"", "ответ на карточку (или снимите ❤️): отозвать ваше намерение"},
	ledger.VerbCommit:     {"[сумма]", "ответ на карточку или на просьбу (или 🤝): взять обязательство; отозвать его нельзя"},
	ledger.VerbSent:       {"", "ответ на уведомление об обязательстве или на карточку: сообщить, что вы перевели деньги"},
	ledger.VerbGot:        {"[@user:server]", "ответ на уведомление «отправил» (или 👍): подтвердить получение"},
	ledger.VerbForgive:    {"@user:server", "освободить дающего от обязательств перед вами"},
	ledger.VerbRemind:     {"@user:server", "напомнить участнику о том, что между вами не завершено (не слишком часто)"},
	ledger.VerbMy:         {"", "что обещали вы"},
	ledger.VerbToMe:       {"", "что обещали вам"},
	ledger.VerbPending:    {"", "что вам отправили и что ждёт вашего подтверждения"},
	ledger.VerbArchive:    {"", "исполненные и прощённые обещания, в обе стороны"},
	ledger.VerbOverdue:    {"", "просроченные обязательства, в обе стороны"},
	ledger.VerbNetwork:    {"", "кто помогает вам, кому помогаете вы, кто помогает тем же людям"},
	ledger.VerbAbout:      {"[текст]", "рассказать о себе (до 180 символов); без текста — ваш профиль"},
	ledger.VerbRequisites: {"[<текст> | по-умолчанию <номер> | удалить <номер>]", "ваши реквизиты, их видят те, кто берёт перед вами обязательство: добавить, выбрать реквизиты по умолчанию, удалить"},
	ledger.VerbWeb:        {"", "одноразовая ссылка (10 минут) для входа в веб-органайзер; приходит в наш личный чат"},
	ledger.VerbToken:      {"[новый <имя> [чтение|запись] | отозвать <имя>]", "ваши личные API-токены: список, новый (показываю один раз, в личном чате) или отозвать"},
	ledger.VerbLeave:      {"[подтверждаю]", "выйти из Exodus: удалить ваши данные и отменить намерения — ваши и в вашу пользу"},
	ledger.VerbInitiative: {"\"<название>\" <цена> до <дата>", "проект, который круг финансирует, голосуя намерениями (❤️, сумма или опрос)"},
	ledger.VerbDone:       {"[отчёт]", "(автор) отметить инициативу выполненной, с коротким отчётом"},
	ledger.VerbKassa:      {"[сумма]", "заявить, сколько вы готовы дать в кассу этого круга в месяц (в личном чате — вашего единственного круга); без суммы — состояние кассы"},
	ledger.VerbClaim:      {"<сумма> <причина>", "попросить помощи из кассы круга; после одобрения другим участником она делится пропорционально тому, что осталось в этом месяце от сумм, заявленных в круге"},
	ledger.VerbApprove:    {"", "(ответом на заявку) одобрить заявку другого участника, чтобы доли были опубликованы"},
	ledger.VerbClearing:   {"", "открытые обязательства, которые гасят друг друга по кругу, и цепочки, которые можно сократить, — как предложение"},
	ledger.VerbMute:       {"[вид]", "отключить вид уведомлений; без вида — список видов"},
	ledger.VerbUnmute:     {"<вид>", "снова получать этот вид уведомлений"},
}

// helpSection is a group of commands in the full help.
type helpSection struct {
	en, ru string
	verbs  []ledger.Verb
}

// helpSections group the full help; a verb in none of them is listed last.
var helpSections = []helpSection{
	{"Trust", "Доверие", []ledger.Verb{
		ledger.VerbHelp, ledger.VerbCircle, ledger.VerbInvite, ledger.VerbAccept, ledger.VerbDecline,
		ledger.VerbList, ledger.VerbChain, ledger.VerbPool, ledger.VerbBlock, ledger.VerbUnblock, ledger.VerbSOS,
	}},
	{"Mutual aid", "Взаимопомощь", []ledger.Verb{
		ledger.VerbStatus, ledger.VerbIntend, ledger.VerbWithdraw, ledger.VerbCommit, ledger.VerbSent,
		ledger.VerbGot, ledger.VerbForgive, ledger.VerbRemind,
	}},
	{"Initiatives", "Инициативы", []ledger.Verb{ledger.VerbInitiative, ledger.VerbDone}},
	{"Kassa and clearing", "Касса и клиринг", []ledger.Verb{ledger.VerbKassa, ledger.VerbClaim, ledger.VerbApprove, ledger.VerbClearing}},
	{"Overviews (answered in our direct chat)", "Обзоры (отвечаю в личном чате)", []ledger.Verb{
		ledger.VerbMy, ledger.VerbToMe, ledger.VerbPending, ledger.VerbArchive, ledger.VerbOverdue, ledger.VerbNetwork,
	}},
	{"Profile", "Профиль", []ledger.Verb{
		ledger.VerbAbout, ledger.VerbRequisites, ledger.VerbMute, ledger.VerbUnmute, ledger.VerbLang, ledger.VerbLeave,
	}},
	{"Web organizer and API", "Веб-органайзер и API", []ledger.Verb{ledger.VerbWeb, ledger.VerbToken}},
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
	line := func(v ledger.Verb) {
		sb.WriteString("- " + usage(l, v, prefix) + " — " + helpOf(l)[v].what + "\n")
	}
	listed := make(map[ledger.Verb]bool)
	for _, sec := range helpSections {
		title := sec.en
		if l == ledger.LangRU {
			title = sec.ru
		}
		sb.WriteString("**" + title + "**\n\n")
		for _, v := range sec.verbs {
			line(v)
			listed[v] = true
		}
		sb.WriteString("\n")
	}
	for _, v := range ledger.AllVerbs() {
		if !listed[v] {
			line(v)
		}
	}
	return strings.TrimRight(sb.String(), "\n")
}

func other(l ledger.Lang) ledger.Lang {
	if l == ledger.LangRU {
		return ledger.LangEN
	}
	return ledger.LangRU
}
