package bot

import (
	"context"
	"fmt"

	"github.com/exodus-matrix/exodus/ledger"
)

// command is one verb of the chat, declared once: its help in each
// language, where it may be used, how a reply and the web may use it, and
// its handler. Its words and arguments are its syntax in the ledger's
// grammar (ledger/grammar/words.go); TestEveryVerbIsACommand ties the two.
type command struct {
	verb ledger.Verb
	// en and ru are the help: the arguments and what the command does.
	en, ru helpEntry
	// where the command may be typed; a command refused there is answered
	// with not_circle before its handler runs.
	where place
	// reply tells whether a reply to a card may use the command without
	// the prefix (meantForBot).
	reply replyUse
	// web is how an action taken on the web carries the command out
	// (Act); nil: the command is for the chat only.
	web func(cmd ledger.Command) webUse
	// personal commands, from the web, are posted in the member's direct
	// chat, as they would be typed there.
	personal bool
	// run answers the command.
	run commandFunc
}

// helpEntry is one command in the help: its arguments and what it does.
type helpEntry struct{ args, what string }

// commandFunc answers one command: b is the bot in the mode of the
// handling, r the request, built once (request).
type commandFunc func(ctx context.Context, b *Bot, r *request) error

// place is where a command may be used.
type place int

// The places: anywhere (a circle's room or a direct chat), or only in a
// circle's room.
const (
	anywhere place = iota
	inCircle
)

// replyUse is how a reply to a card may use a command without the prefix.
type replyUse int

// The uses: not at all; with any arguments; with nothing after the verb;
// with nothing after the verb or a user.
const (
	noReply replyUse = iota
	replyAny
	replyBare
	replyBareOrUser
)

// webUse is how Act carries out an action from the web.
type webUse int

// The uses: a change that is no ledger op (done, then posted); a ledger op
// (checked, posted, then applied keyed by the posted event); a view
// (answered as in the direct chat and posted nowhere).
const (
	webChange webUse = iota
	webOp
	webView
)

// always is a command's web use whatever its arguments.
func always(u webUse) func(ledger.Command) webUse {
	return func(ledger.Command) webUse { return u }
}

// opOrView is an op when changes holds for its arguments, else a view.
func opOrView(changes func(ledger.Command) bool) func(ledger.Command) webUse {
	return func(cmd ledger.Command) webUse {
		if changes(cmd) {
			return webOp
		}
		return webView
	}
}

// changeOrView is a change when changes holds for its arguments, else a view.
func changeOrView(changes func(ledger.Command) bool) func(ledger.Command) webUse {
	return func(cmd ledger.Command) webUse {
		if changes(cmd) {
			return webChange
		}
		return webView
	}
}

func hasAmount(cmd ledger.Command) bool         { return !cmd.Amount.IsZero() }
func confirmed(cmd ledger.Command) bool         { return cmd.Confirm }
func hasText(cmd ledger.Command) bool           { return cmd.Text != "" }
func hasNotice(cmd ledger.Command) bool         { return cmd.Notice != "" }
func setsZone(cmd ledger.Command) bool          { return cmd.Zone != "" || cmd.ZoneReset }
func changesRequisites(cmd ledger.Command) bool { return cmd.Requisites != ledger.RequisitesList }

// commandSection is a group of commands in the help.
type commandSection struct {
	en, ru   string
	commands []command
}

// commandSections declares every command of the chat, grouped and ordered
// as the help lists them. Adding a verb: its constant and syntax in the
// ledger, one command here, its handler and its messages
// (docs/contributing.md).
func commandSections() []commandSection {
	return []commandSection{
		{en: "Trust", ru: "Доверие", commands: []command{
			{verb: ledger.VerbHelp,
				en:  helpEntry{"[command]", "commands and how to use them"},
				ru:  helpEntry{"[команда]", "команды и как ими пользоваться"},
				run: cmdHelp},
			{verb: ledger.VerbCircle,
				en:  helpEntry{"<name> | here | pledge <amount> | lang ru|en", "create a circle room, make this room a circle, or (owner) change its pledge or language"},
				ru:  helpEntry{"<название> | здесь | сумма <сумма> | язык ru|en", "создать комнату-круг, сделать эту комнату кругом или (владелец) изменить сумму поручительства или язык"},
				run: cmdCircle},
			{verb: ledger.VerbOwner,
				en:    helpEntry{"@user:server", "(owner) hand the circle over to another member, who becomes its owner; you stay a co-owner"},
				ru:    helpEntry{"@user:server", "(владелец) передать круг другому участнику: он станет владельцем, вы — совладельцем"},
				where: inCircle, web: always(webChange), run: cmdOwner},
			{verb: ledger.VerbCoOwner,
				en:    helpEntry{"@user:server", "(owner) name a member a co-owner: they may change the circle and remove members"},
				ru:    helpEntry{"@user:server", "(владелец) назначить участника совладельцем: он сможет менять круг и исключать участников"},
				where: inCircle, web: always(webChange), run: cmdCoOwner},
			{verb: ledger.VerbDemote,
				en:    helpEntry{"@user:server", "(owner) dismiss a co-owner, who stays a member"},
				ru:    helpEntry{"@user:server", "(владелец) снять роль совладельца; участник остаётся в круге"},
				where: inCircle, web: always(webChange), run: cmdDemote},
			{verb: ledger.VerbRemove,
				en:    helpEntry{"@user:server", "(owner, co-owner) remove a member from the circle: they are told and leave the room; their promises stay"},
				ru:    helpEntry{"@user:server", "(владелец, совладелец) исключить участника из круга: ему сообщат, он покинет комнату; его обещания остаются"},
				where: inCircle, web: always(webChange), run: cmdRemove},
			{verb: ledger.VerbInvite,
				en:  helpEntry{"[@user:server]", "invite a person you know to a mutual guarantee; without a user: a one-time code"},
				ru:  helpEntry{"[@user:server]", "пригласить знакомого к взаимному поручительству; без пользователя — одноразовый код"},
				web: always(webChange), run: cmdInvite},
			{verb: ledger.VerbAccept,
				en:  helpEntry{"[code]", "accept an invitation (or ✅ on the card); with a code in a direct chat"},
				ru:  helpEntry{"[код]", "принять приглашение (или ✅ на карточке); с кодом — в личном чате"},
				web: always(webChange), personal: true, run: cmdAccept},
			{verb: ledger.VerbDecline,
				en:  helpEntry{"", "decline the invitation to you"},
				ru:  helpEntry{"", "отклонить приглашение"},
				web: always(webChange), run: cmdDecline},
			{verb: ledger.VerbList,
				en:  helpEntry{"", "your trust list: direct guarantors first, then the rest"},
				ru:  helpEntry{"", "ваш трастовый список: сначала прямые поручители, потом остальные"},
				web: always(webView), run: cmdList},
			{verb: ledger.VerbChain,
				en:  helpEntry{"@user:server", "the shortest chain of guarantees from you to that member"},
				ru:  helpEntry{"@user:server", "кратчайшая цепочка поручительств от вас до участника"},
				web: always(webView), run: cmdChain},
			{verb: ledger.VerbPool,
				en:  helpEntry{"", "the pool of your trust list and its change since you last asked"},
				ru:  helpEntry{"", "пул вашего трастового списка и его изменение с прошлого раза"},
				web: always(webView), run: cmdPool},
			{verb: ledger.VerbCapacity,
				en:  helpEntry{"", "the most help that can reach you through guarantees, and the paths that carry it"},
				ru:  helpEntry{"", "сколько помощи может дойти до вас по поручительствам и какими путями"},
				web: always(webView), run: cmdCapacity},
			{verb: ledger.VerbBlock,
				en:  helpEntry{"@user:server", "cut your guarantee with a member"},
				ru:  helpEntry{"@user:server", "разорвать ваше поручительство с участником"},
				web: always(webChange), personal: true, run: cmdBlock},
			{verb: ledger.VerbUnblock,
				en:  helpEntry{"@user:server", "restore it"},
				ru:  helpEntry{"@user:server", "восстановить его"},
				web: always(webChange), personal: true, run: cmdUnblock},
			{verb: ledger.VerbSOS,
				en:  helpEntry{"<text>", "a message to your whole trust list (a few a day)"},
				ru:  helpEntry{"<текст>", "сообщение всему трастовому списку (несколько в день)"},
				web: always(webChange), run: cmdSOS},
		}},
		{en: "Mutual aid", ru: "Взаимопомощь", commands: []command{
			{verb: ledger.VerbStatus,
				en:  helpEntry{"green | orange <amount> | red <amount> <days>", "your status: green, you only help; orange, you need this much a month; red, an emergency collection within so many days. Help in kind: hours as the amount (`4 h`), or a thing in quotes (`red \"a lift to the hospital\" 2 days`)"},
				ru:  helpEntry{"зелёный | оранжевый <сумма> | красный <сумма> <дней>", "ваш статус: зелёный — вы только помогаете; оранжевый — вам нужна эта сумма в месяц; красный — срочный сбор за столько-то дней. Помощь делом: часы вместо суммы (`4 ч`) или вещь в кавычках (`красный «подвезти в больницу» 2 дня`)"},
				web: always(webOp), run: cmdStatus},
			{verb: ledger.VerbIntend,
				en:    helpEntry{"[amount]", "reply to a need card (or react ❤️): intend to help with an amount; reply again to change it"},
				ru:    helpEntry{"[сумма]", "ответ на карточку сбора (или ❤️): намерение помочь суммой; ответьте снова, чтобы её изменить"},
				reply: replyAny, web: always(webOp), run: cmdIntend},
			{verb: ledger.VerbWithdraw,
				en:    helpEntry{"", "reply to the card (or remove your ❤️): withdraw your intention"},
				ru:    helpEntry{"", "ответ на карточку (или снимите ❤️): отозвать ваше намерение"},
				reply: replyBare, web: always(webOp), run: cmdWithdraw},
			{verb: ledger.VerbCommit,
				en:    helpEntry{"[amount]", "reply to the card or to a request (or react 🤝): commit to help; a commitment cannot be withdrawn"},
				ru:    helpEntry{"[сумма]", "ответ на карточку или на просьбу (или 🤝): взять обязательство; отозвать его нельзя"},
				reply: replyAny, web: always(webOp), run: cmdCommit},
			{verb: ledger.VerbSent,
				en:    helpEntry{"[amount]", "reply to the commitment notice or the card: say you have sent the money; with an amount, a part of it (the rest stays owed)"},
				ru:    helpEntry{"[сумма]", "ответ на уведомление об обязательстве или на карточку: сообщить, что вы перевели деньги; с суммой — часть (остальное остаётся в долгу)"},
				reply: replyBare, web: always(webOp), run: cmdSent},
			{verb: ledger.VerbGot,
				en:    helpEntry{"[amount] [@user:server]", "reply to the \"sent\" notice (or react 👍): confirm you received it; with an amount, that part of it"},
				ru:    helpEntry{"[сумма] [@user:server]", "ответ на уведомление «отправил» (или 👍): подтвердить получение; с суммой — эту часть"},
				reply: replyBareOrUser, web: always(webOp), run: cmdGot},
			{verb: ledger.VerbForgive,
				en:    helpEntry{"@user:server", "release a giver from their commitments to you"},
				ru:    helpEntry{"@user:server", "освободить дающего от обязательств перед вами"},
				reply: replyAny, web: always(webOp), run: cmdForgive},
			{verb: ledger.VerbRemind,
				en:    helpEntry{"@user:server", "remind a member of what waits between you (now and then)"},
				ru:    helpEntry{"@user:server", "напомнить участнику о том, что между вами не завершено (не слишком часто)"},
				reply: replyAny, web: always(webChange), personal: true, run: cmdRemind},
		}},
		{en: "Initiatives", ru: "Инициативы", commands: []command{
			{verb: ledger.VerbInitiative,
				en:    helpEntry{"\"<title>\" <price> by <date>", "a project the circle funds by voting with intentions (❤️, an amount, or its poll)"},
				ru:    helpEntry{"\"<название>\" <цена> до <дата>", "проект, который круг финансирует, голосуя намерениями (❤️, сумма или опрос)"},
				where: inCircle, web: always(webOp), run: cmdInitiative},
			{verb: ledger.VerbDone,
				en:    helpEntry{"[report]", "(initiator) mark your initiative done, with a short report"},
				ru:    helpEntry{"[отчёт]", "(автор) отметить инициативу выполненной, с коротким отчётом"},
				reply: replyAny, web: always(webOp), run: cmdDone},
		}},
		{en: "Kassa and clearing", ru: "Касса и клиринг", commands: []command{
			{verb: ledger.VerbKassa,
				en:  helpEntry{"[amount]", "declare the most you would give in a month to the kassa of this circle (in our direct chat: of your only circle); without an amount: the kassa"},
				ru:  helpEntry{"[сумма]", "заявить, сколько вы готовы дать в кассу этого круга в месяц (в личном чате — вашего единственного круга); без суммы — состояние кассы"},
				web: opOrView(hasAmount), run: cmdKassa},
			{verb: ledger.VerbClaim,
				en:    helpEntry{"<amount> <reason>", "ask the circle's kassa for help; a second member approves, then it is shared in proportion to what is left this month of the maxima declared in the circle"},
				ru:    helpEntry{"<сумма> <причина>", "попросить помощи из кассы круга; после одобрения другим участником она делится пропорционально тому, что осталось в этом месяце от сумм, заявленных в круге"},
				where: inCircle, web: always(webOp), run: cmdClaim},
			{verb: ledger.VerbApprove,
				en:    helpEntry{"", "(reply to a claim) approve another member's claim, so its shares are published"},
				ru:    helpEntry{"", "(ответом на заявку) одобрить заявку другого участника, чтобы доли были опубликованы"},
				reply: replyBare, web: always(webOp), run: cmdApprove},
			{verb: ledger.VerbClearing,
				en:  helpEntry{"", "open commitments that cancel out in cycles, and chains that can be shortened, as a proposal; `clearing agree <ID>` agrees to clear a cycle or shorten a chain"},
				ru:  helpEntry{"", "открытые обязательства, которые гасят друг друга по кругу, и цепочки, которые можно сократить, — как предложение; `клиринг согласен <ID>` — согласиться погасить круг или сократить цепочку"},
				web: opOrView(confirmed), run: cmdClearing},
		}},
		{en: "Overviews (answered in our direct chat)", ru: "Обзоры (отвечаю в личном чате)", commands: []command{
			{verb: ledger.VerbMy,
				en:  helpEntry{"", "what you promised"},
				ru:  helpEntry{"", "что обещали вы"},
				web: always(webView), run: cmdView},
			{verb: ledger.VerbToMe,
				en:  helpEntry{"", "what others promised you"},
				ru:  helpEntry{"", "что обещали вам"},
				web: always(webView), run: cmdView},
			{verb: ledger.VerbPending,
				en:  helpEntry{"", "what was sent to you and waits for your confirmation"},
				ru:  helpEntry{"", "что вам отправили и что ждёт вашего подтверждения"},
				web: always(webView), run: cmdView},
			{verb: ledger.VerbArchive,
				en:  helpEntry{"", "fulfilled and forgiven promises, both ways"},
				ru:  helpEntry{"", "исполненные и прощённые обещания, в обе стороны"},
				web: always(webView), run: cmdArchive},
			{verb: ledger.VerbOverdue,
				en:  helpEntry{"", "overdue commitments, both ways"},
				ru:  helpEntry{"", "просроченные обязательства, в обе стороны"},
				web: always(webView), run: cmdArchive},
			{verb: ledger.VerbNetwork,
				en:  helpEntry{"", "who helps you, whom you help, who helps the same people"},
				ru:  helpEntry{"", "кто помогает вам, кому помогаете вы, кто помогает тем же людям"},
				web: always(webView), run: cmdNetwork},
			{verb: ledger.VerbHealth,
				en:  helpEntry{"[@user:server]", "how reliably commitments are kept: in a circle's room, the circle's (answered there); with a member, or in our direct chat, the commitments that member (or you) gave"},
				ru:  helpEntry{"[@user:server]", "насколько надёжно исполняются обязательства: в комнате круга — обязательства круга (отвечаю там же); с участником или в личном чате — обязательства, которые дал этот участник (или вы)"},
				web: always(webView), run: cmdHealth},
			{verb: ledger.VerbReport,
				en:  helpEntry{"[YYYY-MM]", "the month's report (this month unless named): given, received, fulfilled, overdue; in a circle's room, the circle's, by member (answered there); in our direct chat, yours"},
				ru:  helpEntry{"[ГГГГ-ММ]", "отчёт за месяц (текущий, если не указан): отдано, получено, исполнено, просрочено; в комнате круга — по кругу и его участникам (отвечаю там же); в личном чате — ваш"},
				web: always(webView), run: cmdReport},
		}},
		{en: "Profile", ru: "Профиль", commands: []command{
			{verb: ledger.VerbAbout,
				en:  helpEntry{"[text]", "tell about yourself (up to 180 characters); without text: your profile"},
				ru:  helpEntry{"[текст]", "рассказать о себе (до 180 символов); без текста — ваш профиль"},
				web: changeOrView(hasText), personal: true, run: cmdAbout},
			{verb: ledger.VerbRequisites,
				en:  helpEntry{"[<text> | default <n> | remove <n>]", "your payment details, shown to those who commit to you: add, choose the default, remove"},
				ru:  helpEntry{"[<текст> | по-умолчанию <номер> | удалить <номер>]", "ваши реквизиты, их видят те, кто берёт перед вами обязательство: добавить, выбрать реквизиты по умолчанию, удалить"},
				web: changeOrView(changesRequisites), personal: true, run: cmdRequisites},
			{verb: ledger.VerbMute,
				en:  helpEntry{"[kind]", "mute a kind of notifications; without a kind: the kinds"},
				ru:  helpEntry{"[вид]", "отключить вид уведомлений; без вида — список видов"},
				web: changeOrView(hasNotice), personal: true, run: cmdMute},
			{verb: ledger.VerbUnmute,
				en:  helpEntry{"<kind>", "get a kind of notifications again"},
				ru:  helpEntry{"<вид>", "снова получать этот вид уведомлений"},
				web: changeOrView(hasNotice), personal: true, run: cmdMute},
			{verb: ledger.VerbLang,
				en:  helpEntry{"ru | en", "the language I speak with you"},
				ru:  helpEntry{"ru | en", "язык, на котором я говорю с вами"},
				web: always(webChange), personal: true, run: cmdLang},
			{verb: ledger.VerbZone,
				en:  helpEntry{"[<zone> | default]", "the time zone I show times in, such as Europe/Belgrade; default: the circle's"},
				ru:  helpEntry{"[<пояс> | сброс]", "часовой пояс, в котором я показываю время, например Europe/Belgrade; сброс — пояс круга"},
				web: changeOrView(setsZone), personal: true, run: cmdZone},
			{verb: ledger.VerbLeave,
				en:  helpEntry{"[confirm]", "leave Exodus: erase your data and cancel intentions to and from you"},
				ru:  helpEntry{"[подтверждаю]", "выйти из Exodus: удалить ваши данные и отменить намерения — ваши и в вашу пользу"},
				web: opOrView(confirmed), personal: true, run: cmdLeave},
		}},
		{en: "Web organizer and API", ru: "Веб-органайзер и API", commands: []command{
			{verb: ledger.VerbWeb,
				en:  helpEntry{"", "a one-time link (10 minutes) that logs you into the web organizer; sent to our direct chat"},
				ru:  helpEntry{"", "одноразовая ссылка (10 минут) для входа в веб-органайзер; приходит в наш личный чат"},
				run: cmdWeb},
			{verb: ledger.VerbWidget, where: inCircle,
				en:  helpEntry{"[off]", "add the web organizer to this circle's room as an Element widget (owner only); off removes it"},
				ru:  helpEntry{"[выкл]", "добавить веб-органайзер в комнату круга как виджет Element (только владелец); выкл — убрать"},
				run: cmdWidget},
			{verb: ledger.VerbToken,
				en:  helpEntry{"[new <name> [read|write] | revoke <name>]", "your personal API tokens: list, make one (shown once, in our direct chat) or revoke one"},
				ru:  helpEntry{"[новый <имя> [чтение|запись] | отозвать <имя>]", "ваши личные API-токены: список, новый (показываю один раз, в личном чате) или отозвать"},
				run: cmdToken},
		}},
	}
}

// commandSet is the commands indexed for the bot, typed after prefix.
type commandSet struct {
	prefix   string
	sections []commandSection
	byVerb   map[ledger.Verb]*command
}

// newCommandSet indexes commandSections, typed after prefix.
func newCommandSet(prefix string) *commandSet {
	s := &commandSet{prefix: prefix, sections: commandSections(), byVerb: map[ledger.Verb]*command{}}
	for i := range s.sections {
		for j := range s.sections[i].commands {
			c := &s.sections[i].commands[j]
			s.byVerb[c.verb] = c
		}
	}
	return s
}

// fromWeb reports whether the web may take the command.
func (s *commandSet) fromWeb(v ledger.Verb) bool {
	c := s.byVerb[v]
	return c != nil && c.web != nil
}

// webUse is how Act carries the command out; fromWeb must hold.
func (s *commandSet) webUse(cmd ledger.Command) webUse { return s.byVerb[cmd.Verb].web(cmd) }

// personal reports whether the command, from the web, is posted in the
// member's direct chat.
func (s *commandSet) personal(v ledger.Verb) bool {
	c := s.byVerb[v]
	return c != nil && c.personal
}

// replyUse is how a reply to a card may use the verb without the prefix.
func (s *commandSet) replyUse(v ledger.Verb) replyUse {
	if c := s.byVerb[v]; c != nil {
		return c.reply
	}
	return noReply
}

// run answers the request's command with its handler, by the bot b in the
// mode of the handling, after checking where it was typed.
func (s *commandSet) run(ctx context.Context, b *Bot, r *request) error {
	c := s.byVerb[r.cmd.Verb]
	if c == nil {
		return fmt.Errorf("failed to find a handler for the verb %q", r.cmd.Verb)
	}
	if c.where == inCircle {
		if err := needCircle(b, r); err != nil {
			return err
		}
	}
	return c.run(ctx, b, r)
}
