package grammar

import (
	"strings"

	"github.com/exodus-matrix/exodus/ledger"
)

// syntax is how a verb is typed: its words in each language (the first of
// a language is its canonical one) and the kind of its arguments.
type syntax struct {
	verb ledger.Verb
	en   []string
	ru   []string
	args argKind
}

// syntaxes is the chat's vocabulary: one syntax per verb, in the order help
// lists them. Words are in lower case with "ё" written "е". A new verb is
// one line here (and its constant); the bot's declaration of the command
// (bot/command_table.go) adds its help and its handler.
var syntaxes = []syntax{
	{ledger.VerbHelp, []string{"help"}, []string{"помощь", "справка"}, argTopic},
	{ledger.VerbCircle, []string{"circle"}, []string{"круг"}, argCircle},
	{ledger.VerbOwner, []string{"owner"}, []string{"владелец"}, argUserRequired},
	{ledger.VerbCoOwner, []string{"coowner", "co-owner"}, []string{"совладелец"}, argUserRequired},
	{ledger.VerbDemote, []string{"demote"}, []string{"разжаловать"}, argUserRequired},
	{ledger.VerbRemove, []string{"remove", "kick"}, []string{"исключить"}, argUserRequired},
	{ledger.VerbInvite, []string{"invite"}, []string{"пригласить"}, argUser},
	{ledger.VerbAccept, []string{"accept"}, []string{"принять"}, argCode},
	{ledger.VerbDecline, []string{"decline"}, []string{"отклонить"}, argNone},
	{ledger.VerbList, []string{"list"}, []string{"список"}, argNone},
	{ledger.VerbChain, []string{"chain"}, []string{"цепочка"}, argUserRequired},
	{ledger.VerbPool, []string{"pool"}, []string{"пул"}, argNone},
	{ledger.VerbCapacity, []string{"capacity"}, []string{"емкость", "поток"}, argNone},
	{ledger.VerbBlock, []string{"block"}, []string{"блок"}, argUserRequired},
	{ledger.VerbUnblock, []string{"unblock"}, []string{"разблок"}, argUserRequired},
	{ledger.VerbSOS, []string{"sos"}, []string{"сос"}, argMessage},
	{ledger.VerbLang, []string{"lang", "language"}, []string{"язык"}, argLang},
	{ledger.VerbZone, []string{"timezone", "tz"}, []string{"пояс", "часовой-пояс"}, argZone},
	{ledger.VerbStatus, []string{"status"}, []string{"статус"}, argStatus},
	{ledger.VerbIntend, []string{"intend"}, []string{"намерение", "намерен"}, argAmount},
	{ledger.VerbWithdraw, []string{"withdraw"}, []string{"отозвать"}, argNone},
	{ledger.VerbCommit, []string{"commit"}, []string{"обязательство", "обязуюсь"}, argAmount},
	{ledger.VerbSent, []string{"sent"}, []string{"отправил", "отправила", "отправлено"}, argSent},
	{ledger.VerbGot, []string{"got"}, []string{"получил", "получила", "получено"}, argGot},
	{ledger.VerbForgive, []string{"forgive"}, []string{"простить"}, argUserRequired},
	{ledger.VerbRemind, []string{"remind"}, []string{"напомнить"}, argUserRequired},
	{ledger.VerbMy, []string{"my"}, []string{"мои"}, argNone},
	{ledger.VerbToMe, []string{"tome", "to-me"}, []string{"мне"}, argNone},
	{ledger.VerbPending, []string{"pending"}, []string{"ожидают"}, argNone},
	{ledger.VerbArchive, []string{"archive"}, []string{"архив"}, argNone},
	{ledger.VerbOverdue, []string{"overdue"}, []string{"просрочено"}, argNone},
	{ledger.VerbNetwork, []string{"network"}, []string{"сеть"}, argNone},
	{ledger.VerbAbout, []string{"about"}, []string{"обомне", "о-себе"}, argAbout},
	{ledger.VerbRequisites, []string{"requisites"}, []string{"реквизиты"}, argRequisites},
	{ledger.VerbLeave, []string{"leave"}, []string{"выйти"}, argConfirm},
	{ledger.VerbMute, []string{"mute"}, []string{"заглушить", "тихо"}, argNotice},
	{ledger.VerbUnmute, []string{"unmute"}, []string{"включить"}, argNotice},
	{ledger.VerbInitiative, []string{"initiative"}, []string{"инициатива", "проект"}, argInitiative},
	{ledger.VerbDone, []string{"done"}, []string{"выполнено", "готово"}, argReport},
	{ledger.VerbKassa, []string{"kassa", "pool-fund"}, []string{"касса"}, argAmount},
	{ledger.VerbClaim, []string{"claim"}, []string{"заявка"}, argClaim},
	{ledger.VerbApprove, []string{"approve"}, []string{"одобрить"}, argNone},
	{ledger.VerbClearing, []string{"clearing"}, []string{"клиринг"}, argClearing},
	{ledger.VerbHealth, []string{"health"}, []string{"здоровье"}, argUser},
	{ledger.VerbReport, []string{"report"}, []string{"отчет"}, argMonth},
	{ledger.VerbToken, []string{"token"}, []string{"токен"}, argToken},
	{ledger.VerbWeb, []string{"web"}, []string{"веб", "сайт"}, argNone},
	{ledger.VerbWidget, []string{"widget"}, []string{"виджет"}, argWidget},
}

// neutralVerbWords are command words of no language.
var neutralVerbWords = map[string]ledger.Verb{"?": ledger.VerbHelp}

// verbWord is what a command word means: the verb's syntax (nil for a
// neutral word) and the word's language.
type verbWord struct {
	verb   ledger.Verb
	lang   ledger.Lang
	syntax *syntax
}

// verbWords maps every command word, normalised by normWord, to its verb.
var verbWords = buildVerbWords()

// buildVerbWords indexes syntaxes and neutralVerbWords.
func buildVerbWords() map[string]verbWord {
	m := make(map[string]verbWord)
	for i := range syntaxes {
		e := &syntaxes[i]
		for _, w := range e.en {
			m[w] = verbWord{e.verb, ledger.LangEN, e}
		}
		for _, w := range e.ru {
			m[w] = verbWord{e.verb, ledger.LangRU, e}
		}
	}
	for w, v := range neutralVerbWords {
		for i := range syntaxes {
			if syntaxes[i].verb == v {
				m[w] = verbWord{verb: v, syntax: &syntaxes[i]}
			}
		}
	}
	return m
}

// The words of the circle settings and of "circle here", normalised.
var (
	circleHereWords   = map[string]ledger.Lang{"here": ledger.LangEN, "здесь": ledger.LangRU}
	circlePledgeWords = map[string]ledger.Lang{"pledge": ledger.LangEN, "сумма": ledger.LangRU}
	circleLangWords   = map[string]ledger.Lang{"lang": ledger.LangEN, "language": ledger.LangEN, "язык": ledger.LangRU}
)

// widgetOffWords are the words of `widget off`, normalised.
var widgetOffWords = map[string]bool{"off": true, "remove": true, "выкл": true, "убрать": true}

// statusWords maps the colour words of `status <colour>`, normalised, to a
// status.
var statusWords = map[string]ledger.Status{
	"green": ledger.StatusGreen, "зеленый": ledger.StatusGreen,
	"orange": ledger.StatusOrange, "yellow": ledger.StatusOrange, "оранжевый": ledger.StatusOrange, "желтый": ledger.StatusOrange,
	"red": ledger.StatusRed, "красный": ledger.StatusRed,
}

// dayWords are the units that may follow the days of `status red`, normalised.
var dayWords = map[string]bool{
	"days": true, "day": true, "d": true, "дней": true, "дня": true, "день": true, "д": true,
}

// The words of the requisites sub-commands, normalised.
var (
	requisitesDefaultWords = map[string]bool{"default": true, "по-умолчанию": true, "основные": true}
	requisitesRemoveWords  = map[string]bool{"remove": true, "удалить": true}
)

// byWords introduce the date of `initiative "<title>" <price> by <date>`,
// normalised.
var byWords = map[string]bool{"by": true, "до": true, "к": true}

// The words of `token new|revoke <name> [read|write]`, normalised.
var (
	tokenNewWords    = map[string]bool{"new": true, "create": true, "новый": true, "создать": true}
	tokenRevokeWords = map[string]bool{"revoke": true, "delete": true, "отозвать": true, "удалить": true}
	tokenScopeWords  = map[string]ledger.TokenScope{
		"read": ledger.ScopeRead, "read-only": ledger.ScopeRead, "readonly": ledger.ScopeRead, "чтение": ledger.ScopeRead,
		"write": ledger.ScopeWrite, "read-write": ledger.ScopeWrite, "запись": ledger.ScopeWrite,
	}
)

// confirmWords confirm `leave`, normalised.
var confirmWords = map[string]bool{"confirm": true, "yes": true, "подтверждаю": true, "да": true}

// VerbWords returns the command words for verb v in language l, the
// canonical one first ("help"; "помощь", "справка"). It returns nil for an
// unknown verb or language. Language-neutral words ("?") are not included.
func VerbWords(v ledger.Verb, l ledger.Lang) []string {
	for _, e := range syntaxes {
		if e.verb != v {
			continue
		}
		switch l {
		case ledger.LangEN:
			return append([]string(nil), e.en...)
		case ledger.LangRU:
			return append([]string(nil), e.ru...)
		}
	}
	return nil
}

// AllVerbs returns every verb, in the order help lists them.
func AllVerbs() []ledger.Verb {
	vs := make([]ledger.Verb, len(syntaxes))
	for i, e := range syntaxes {
		vs[i] = e.verb
	}
	return vs
}

// LookupVerb returns the verb a command word names, whatever its case, and
// the word's language ("" for a word of no language, such as "?"). ok is
// false for an unknown word.
func LookupVerb(word string) (v ledger.Verb, l ledger.Lang, ok bool) {
	w, ok := verbWords[normWord(word)]
	return w.verb, w.lang, ok
}

// normWord lower-cases a word and folds "ё" into "е".
func normWord(s string) string {
	return strings.ReplaceAll(strings.ToLower(s), "ё", "е")
}
