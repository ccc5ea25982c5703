package ledger

import "strings"

// verbWordList gives, in help order, the words of each verb in each language.
// The first word of a language is its canonical one. Words are in lower case
// with "ё" written "е".
var verbWordList = []struct {
	verb Verb
	en   []string
	ru   []string
}{
	{VerbHelp, []string{"help"}, []string{"помощь", "справка"}},
	{VerbCircle, []string{"circle"}, []string{"круг"}},
	{VerbInvite, []string{"invite"}, []string{"пригласить"}},
	{VerbAccept, []string{"accept"}, []string{"принять"}},
	{VerbDecline, []string{"decline"}, []string{"отклонить"}},
	{VerbList, []string{"list"}, []string{"список"}},
	{VerbChain, []string{"chain"}, []string{"цепочка"}},
	{VerbPool, []string{"pool"}, []string{"пул"}},
	{VerbBlock, []string{"block"}, []string{"блок"}},
	{VerbUnblock, []string{"unblock"}, []string{"разблок"}},
	{VerbSOS, []string{"sos"}, []string{"сос"}},
	{VerbLang, []string{"lang", "language"}, []string{"язык"}},
	{VerbStatus, []string{"status"}, []string{"статус"}},
	{VerbIntend, []string{"intend"}, []string{"намерение", "намерен"}},
	{VerbWithdraw, []string{"withdraw"}, []string{"отозвать"}},
	{VerbCommit, []string{"commit"}, []string{"обязательство", "обязуюсь"}},
	{VerbSent, []string{"sent"}, []string{"отправил", "отправила", "отправлено"}},
	{VerbGot, []string{"got"}, []string{"получил", "получила", "получено"}},
	{VerbForgive, []string{"forgive"}, []string{"простить"}},
	{VerbRemind, []string{"remind"}, []string{"напомнить"}},
	{VerbMy, []string{"my"}, []string{"мои"}},
	{VerbToMe, []string{"tome", "to-me"}, []string{"мне"}},
	{VerbPending, []string{"pending"}, []string{"ожидают"}},
	{VerbArchive, []string{"archive"}, []string{"архив"}},
	{VerbOverdue, []string{"overdue"}, []string{"просрочено"}},
	{VerbNetwork, []string{"network"}, []string{"сеть"}},
	{VerbAbout, []string{"about"}, []string{"обомне", "о-себе"}},
	{VerbRequisites, []string{"requisites"}, []string{"реквизиты"}},
	{VerbLeave, []string{"leave"}, []string{"выйти"}},
	{VerbMute, []string{"mute"}, []string{"заглушить", "тихо"}},
	{VerbUnmute, []string{"unmute"}, []string{"включить"}},
	{VerbInitiative, []string{"initiative"}, []string{"инициатива", "проект"}},
	{VerbDone, []string{"done"}, []string{"выполнено", "готово"}},
	{VerbKassa, []string{"kassa", "pool-fund"}, []string{"касса"}},
	{VerbClaim, []string{"claim"}, []string{"заявка"}},
	{VerbApprove, []string{"approve"}, []string{"одобрить"}},
	{VerbClearing, []string{"clearing"}, []string{"клиринг"}},
	{VerbToken, []string{"token"}, []string{"токен"}},
	{VerbWeb, []string{"web"}, []string{"веб", "сайт"}},
}

// neutralVerbWords are command words of no language.
var neutralVerbWords = map[string]Verb{"?": VerbHelp}

// verbWord is what a command word means.
type verbWord struct {
	verb Verb
	lang Lang
}

// verbWords maps every command word, normalised by normWord, to its verb.
var verbWords = buildVerbWords()

// buildVerbWords indexes verbWordList and neutralVerbWords.
func buildVerbWords() map[string]verbWord {
	m := make(map[string]verbWord)
	for _, e := range verbWordList {
		for _, w := range e.en {
			m[w] = verbWord{e.verb, LangEN}
		}
		for _, w := range e.ru {
			m[w] = verbWord{e.verb, LangRU}
		}
	}
	for w, v := range neutralVerbWords {
		m[w] = verbWord{verb: v}
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
	for _, e := range verbWordList {
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
	vs := make([]Verb, len(verbWordList))
	for i, e := range verbWordList {
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
