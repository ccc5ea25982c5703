package web

// widgetWordsEN and widgetWordsRU are the words of the room widget's page
// and of its sign-in's refusals.
var widgetWordsEN = map[string]string{
	"widget.title":    "Signing in",
	"widget.wait":     "Signing you in through your Matrix client…",
	"widget.asking":   "Your client asks whether Exodus may confirm your Matrix ID: allow it to sign in.",
	"widget.blocked":  "Your client did not let Exodus confirm your Matrix ID, so you are not signed in.",
	"widget.failed":   "You could not be signed in:",
	"widget.alone":    "This page signs you in when a Matrix client such as Element shows it as a room widget.",
	"widget.noscript": "Signing in inside the widget needs JavaScript. Without it, write `web` to the bot %[1]v for a login link.",

	"auth.openid_server":  "Exodus does not accept sign-ins from the homeserver %[1]q: only from its own and those its operator lists. Write `web` to the bot for a login link.",
	"auth.openid_refused": "Your homeserver did not confirm who you are. Close the widget and open it again, or write `web` to the bot for a login link.",
	"auth.openid_unknown": "%[1]v is not a member of any circle here yet: join one first.",
	"auth.used_openid":    "This sign-in was used already. Close the widget and open it again.",
}

var widgetWordsRU = map[string]string{
	"widget.title":    "Вход",
	"widget.wait":     "Выполняю вход через ваш Matrix-клиент…",
	"widget.asking":   "Клиент спрашивает, можно ли Exodus подтвердить ваш Matrix ID: разрешите, чтобы войти.",
	"widget.blocked":  "Клиент не дал Exodus подтвердить ваш Matrix ID, поэтому вход не выполнен.",
	"widget.failed":   "Войти не удалось:",
	"widget.alone":    "Эта страница выполняет вход, когда Matrix-клиент, например Element, показывает её как виджет комнаты.",
	"widget.noscript": "Для входа в виджете нужен JavaScript. Без него напишите `веб` боту %[1]v, чтобы получить ссылку для входа.",

	"auth.openid_server":  "Exodus не принимает вход с сервера %[1]q: только со своего и с тех, что указал его оператор. Напишите боту `веб`, чтобы получить ссылку для входа.",
	"auth.openid_refused": "Ваш сервер не подтвердил, кто вы. Закройте виджет и откройте снова или напишите боту `веб`, чтобы получить ссылку для входа.",
	"auth.openid_unknown": "%[1]v пока не участник ни одного круга здесь: сначала вступите в круг.",
	"auth.used_openid":    "Этот вход уже использован. Закройте виджет и откройте снова.",
}
