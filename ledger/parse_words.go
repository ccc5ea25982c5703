package ledger

import "strings"

// syntax is how a verb is typed: its words in each language (the first of
// a language is its canonical one) and the kind of its arguments.
type syntax struct {
	verb Verb
	en   []string
	ru   []string
	args argKind
}

// grammar is the chat's vocabulary: one syntax per verb, in the order help
// lists them. Words are in lower case with "ё" written "е". A new verb is
// one line here (and its constant); the bot's declaration of the command
// (bot/command_table.go) adds its help and its handler.
var grammar = []syntax{
	{VerbHelp, []string{"help"}, []string{"помощь", "справка"}, argTopic},
	{VerbCircle, []string{"circle"}, []string{"круг"}, argCircle},
	{VerbInvite, []string{"invite"}, []string{"пригласить"}, argUser},
	{VerbAccept, []string{"accept"}, []string{"принять"}, argCode},
	{VerbDecline, []string{"decline"}, []string{"отклонить"}, argNone},
	{VerbList, []string{"list"}, []string{"список"}, argNone},
	{VerbChain, []string{"chain"}, []string{"цепочка"}, argUserRequired},
	{VerbPool, []string{"pool"}, []string{"пул"}, argNone},
	{VerbBlock, []string{"block"}, []string{"блок"}, argUserRequired},
	{VerbUnblock, []string{"unblock"}, []string{"разблок"}, argUserRequired},
	{VerbSOS, []string{"sos"}, []string{"сос"}, argMessage},
	{VerbLang, []string{"lang", "language"}, []string{"язык"}, argLang},
	{VerbZone, []string{"timezone", "tz"}, []string{"пояс", "часовой-пояс"}, argZone},
	{VerbStatus, []string{"status"}, []string{"статус"}, argStatus},
	{VerbIntend, []string{"intend"}, []string{"намерение", "намерен"}, argAmount},
	{VerbWithdraw, []string{"withdraw"}, []string{"отозвать"}, argNone},
	{VerbCommit, []string{"commit"}, []string{"обязательство", "обязуюсь"}, argAmount},
	{VerbSent, []string{"sent"}, []string{"отправил", "отправила", "отправлено"}, argNone},
	{VerbGot, []string{"got"}, []string{"получил", "получила", "получено"}, argUser},
	{VerbForgive, []string{"forgive"}, []string{"простить"}, argUserRequired},
	{VerbRemind, []string{"remind"}, []string{"напомнить"}, argUserRequired},
	{VerbMy, []string{"my"}, []string{"мои"}, argNone},
	{VerbToMe, []string{"tome", "to-me"}, []string{"мне"}, argNone},
	{VerbPending, []string{"pending"}, []string{"ожидают"}, argNone},
	{VerbArchive, []string{"archive"}, []string{"архив"}, argNone},
	{VerbOverdue, []string{"overdue"}, []string{"просрочено"}, argNone},
	{VerbNetwork, []string{"network"}, []string{"сеть"}, argNone},
	{VerbAbout, []string{"about"}, []string{"обомне", "о-себе"}, argAbout},
	{VerbRequisites, []string{"requisites"}, []string{"реквизиты"}, argRequisites},
	{VerbLeave, []string{"leave"}, []string{"выйти"}, argConfirm},
	{VerbMute, []string{"mute"}, []string{"заглушить", "тихо"}, argNotice},
	{VerbUnmute, []string{"unmute"}, []string{"включить"}, argNotice},
	{VerbInitiative, []string{"initiative"}, []string{"инициатива", "проект"}, argInitiative},
	{VerbDone, []string{"done"}, []string{"выполнено", "готово"}, argReport},
	{VerbKassa, []string{"kassa", "pool-fund"}, []string{"касса"}, argAmount},
	{VerbClaim, []string{"claim"}, []string{"заявка"}, argClaim},
	{VerbApprove, []string{"approve"}, []string{"одобрить"}, argNone},
	{VerbClearing, []string{"clearing"}, []string{"клиринг"}, argClearing},
	{VerbToken, []string{"token"}, []string{"токен"}, argToken},
	{VerbWeb, []string{"web"}, []string{"веб", "сайт"}, argNone},
}

// neutralVerbWords are command words of no language.
var neutralVerbWords = map[string]Verb{"?": VerbHelp}

// verbWord is what a command word means: the verb's syntax (nil for a
// neutral word) and the word's language.
type verbWord struct {
	verb   Verb
	lang   Lang
	syntax *syntax
}

// verbWords maps every command word, normalised by normWord, to its verb.
var verbWords = buildVerbWords()

// buildVerbWords indexes grammar and neutralVerbWords.
func buildVerbWords() map[string]verbWord {
	m := make(map[string]verbWord)
	for i := range grammar {
		e := &grammar[i]
		for _, w := range e.en {
			m[w] = verbWord{e.verb, LangEN, e}
		}
		for _, w := range e.ru {
			m[w] = verbWord{e.verb, LangRU, e}
		}
	}
	for w, v := range neutralVerbWords {
		for i := range grammar {
			if grammar[i].verb == v {
				m[w] = verbWord{verb: v, syntax: &grammar[i]}
			}
		}
	}
	return m
}

// The words of the circle settings and of "circle here", normalised.
var (
	circleHereWords   = map[string]Lang{"here": LangEN, "здесь": LangRU}
	circlePledgeWords = map[string]Lang{"pledge": LangEN, "сумма": LangRU}
	circleLangWords   = map[string]Lang{"lang": LangEN, "language": LangEN, "язык": LangRU}
)

// statusWords maps the colour words of `status <colour>`, normalised, to a
// status.
var statusWords = map[string]Status{
	"green": StatusGreen, "зеленый": StatusGreen,
	"orange": StatusOrange, "yellow": StatusOrange, "оранжевый": StatusOrange, "желтый": StatusOrange,
	"red": StatusRed, "красный": StatusRed,
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
	tokenScopeWords  = map[string]TokenScope{
		"read": ScopeRead, "read-only": ScopeRead, "readonly": ScopeRead, "чтение": ScopeRead,
		"write": ScopeWrite, "read-write": ScopeWrite, "запись": ScopeWrite,
	}
)

// confirmWords confirm `leave`, normalised.
var confirmWords = map[string]bool{"confirm": true, "yes": true, "подтверждаю": true, "да": true}

// VerbWords returns the command words for verb v in language l, the
// canonical one first ("help"; "помощь", "справка"). It returns nil for an
// unknown verb or language. Language-neutral words ("?") are not included.
func VerbWords(v Verb, l Lang) []string {
	for _, e := range grammar {
		if e.verb != v {
			continue
		}
		switch l {
		case LangEN:
			return append([]string(nil), e.en...)
		case LangRU:
			return append([]string(nil), e.ru...)
		}
	}
	return nil
}

// AllVerbs returns every verb, in the order help lists them.
func AllVerbs() []Verb {
	vs := make([]Verb, len(grammar))
	for i, e := range grammar {
		vs[i] = e.verb
	}
	return vs
}

// LookupVerb returns the verb a command word names, whatever its case, and
// the word's language ("" for a word of no language, such as "?"). ok is
// false for an unknown word.
func LookupVerb(word string) (v Verb, l Lang, ok bool) {
	w, ok := verbWords[normWord(word)]
	return w.verb, w.lang, ok
}

// normWord lower-cases a word and folds "ё" into "е".
func normWord(s string) string {
	return foldYo(strings.ToLower(s))
}
