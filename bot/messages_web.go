package bot

// webEN and webRU are the catalogues of the web organizer and the API
// tokens, as the chat shows them.
var webEN = map[string]string{
	"web.link":           "🌐 Your login link to the web organizer (one use, valid for %[2]v {2:minute|minutes}; do not share it):\n\n%[1]v",
	"web.sent_direct":    "I sent it to our direct chat: it is personal.",
	"web.off":            "The web organizer is not set up on this bot (`web.public_url` in its configuration).",
	"web.too_many_links": "You asked for %[1]v login links within an hour; wait a little and ask again.",
	"web.chat_only":      "`%[1]v` is a chat command: type it in our direct chat.",
	"web.not_member":     "You are not a member of that circle.",
	"web.other_bot":      "Another community's bot answers in that circle: act there in the chat, or in that bot's web organizer.",
	"web.action":         "🌐 %[1]v, on the web: `%[2]v`",
	"token.created":      "🔑 New API token `%[1]v` (%[2]v). It is shown only this once; keep it secret:\n\n`%[3]v`\n\nSend it as `Authorization: Bearer <token>` to %[4]v. Revoke it with `token revoke %[1]v`.",
	"token.scope_read":   "read-only",
	"token.scope_write":  "read and write",
	"token.revoked":      "🔑 Token `%[1]v` is revoked: it no longer works.",
	"token.none":         "You have no API tokens. Make one with `token new <name>` (add `write` to let it act for you).",
	"token.list":         "🔑 Your API tokens:",
	"token.bad_name":     "A token's name is 1 to %[1]v letters, digits, `-`, `_` or `.`.",
	"token.bad_scope":    "A token is `read` or `write`.",
	"token.exists":       "You already have a token named `%[1]v`: revoke it first, or choose another name.",
	"token.too_many":     "You have %[1]v tokens, the most allowed: revoke one first (`token revoke <name>`).",
	"token.unknown":      "You have no token named `%[1]v`; `token` lists yours.",
}

var webRU = map[string]string{
	"web.link":           "🌐 Ваша ссылка для входа в веб-органайзер (одноразовая, действует %[2]v {2:минуту|минуты|минут}; никому её не передавайте):\n\n%[1]v",
	"web.sent_direct":    "Отправил в наш личный чат: это личное.",
	"web.off":            "Веб-органайзер на этом боте не настроен (`web.public_url` в конфигурации).",
	"web.too_many_links": "Вы запросили %[1]v ссылок для входа за час; подождите немного и попросите снова.",
	"web.chat_only":      "`%[1]v` — команда для чата: напишите её в нашем личном чате.",
	"web.not_member":     "Вы не участник этого круга.",
	"web.other_bot":      "В этом круге отвечает бот другого сообщества: действуйте там в чате или в веб-органайзере того бота.",
	"web.action":         "🌐 %[1]v, через веб: `%[2]v`",
	"token.created":      "🔑 Новый API-токен `%[1]v` (%[2]v). Показываю его только один раз; храните его в секрете:\n\n`%[3]v`\n\nПередавайте его как `Authorization: Bearer <токен>` на %[4]v. Отозвать: `токен отозвать %[1]v`.",
	"token.scope_read":   "только чтение",
	"token.scope_write":  "чтение и запись",
	"token.revoked":      "🔑 Токен `%[1]v` отозван и больше не работает.",
	"token.none":         "У вас нет API-токенов. Создайте: `токен новый <имя>` (добавьте `запись`, чтобы он мог действовать за вас).",
	"token.list":         "🔑 Ваши API-токены:",
	"token.bad_name":     "Имя токена — от 1 до %[1]v букв, цифр, `-`, `_` или `.`.",
	"token.bad_scope":    "Токен бывает `чтение` или `запись`.",
	"token.exists":       "У вас уже есть токен `%[1]v`: сначала отзовите его или выберите другое имя.",
	"token.too_many":     "У вас %[1]v токенов — это предел: сначала отзовите один (`токен отозвать <имя>`).",
	"token.unknown":      "У вас нет токена `%[1]v`; `токен` покажет ваши.",
}
