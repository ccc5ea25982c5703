package web

// apiWordsEN are the words of the API's own refusals, part of the web's
// catalogues (wordsEN); the ledger's refusals are explained as the chat
// explains them.
var apiWordsEN = map[string]string{
	"api.not_member":  "You are not a member of this circle.",
	"api.bad_state":   "%[1]q is not a promise state; use intention, commitment, sent, fulfilled, withdrawn, forgiven, released, set_aside or expired.",
	"api.required":    "The field %[1]q is required.",
	"api.bad_index":   "%[1]q is not the number of a requisite (1 to %[2]v).",
	"api.bad_date":    "%[1]q is not a deadline: write a date (2026-12-31) or an RFC 3339 time (2026-12-31T18:00:00+01:00).",
	"api.bad_cycle":   "%[1]q is not the ID of a clearing cycle (up to 32 hexadecimal digits).",
	"api.green_alone": "Green takes no amount and no days.",
	"api.orange_days": "Orange takes a monthly amount and no days.",
	"api.thing_alone": "Give either an amount or a thing, not both.",
	"api.bad_days":    "Red needs a number of days from 1 to %[1]v.",
	"api.bad_status":  "%[1]q is not a status; use green, orange or red.",
	"api.bad_lang":    "%[1]q is not a language; use en or ru.",
	"api.bad_notice":  "%[1]q is not a kind of notification; see the profile's notices.",
	"api.chat_only":   "The command %[1]q is only for the chat with the bot.",
	"api.bad_format":  "%[1]q is not an export format; use json or csv.",
}

// apiWordsRU are the Russian words of the API's own refusals.
var apiWordsRU = map[string]string{
	"api.not_member":  "Вы не участник этого круга.",
	"api.bad_state":   "%[1]q — не состояние обещания; используйте intention, commitment, sent, fulfilled, withdrawn, forgiven, released, set_aside или expired.",
	"api.required":    "Поле %[1]q обязательно.",
	"api.bad_index":   "%[1]q — не номер реквизитов (от 1 до %[2]v).",
	"api.bad_date":    "%[1]q — не срок: напишите дату (2026-12-31) или время в RFC 3339 (2026-12-31T18:00:00+01:00).",
	"api.bad_cycle":   "%[1]q — не номер цикла взаимозачёта (до 32 шестнадцатеричных цифр).",
	"api.green_alone": "Для зелёного статуса не нужны ни сумма, ни дни.",
	"api.orange_days": "Для оранжевого статуса нужна сумма в месяц, без дней.",
	"api.thing_alone": "Укажите либо сумму, либо вещь, но не то и другое.",
	"api.bad_days":    "Для красного статуса нужно число дней от 1 до %[1]v.",
	"api.bad_status":  "%[1]q — не статус; используйте green, orange или red.",
	"api.bad_lang":    "%[1]q — не язык; используйте en или ru.",
	"api.bad_notice":  "%[1]q — не вид уведомлений; см. notices в профиле.",
	"api.chat_only":   "Команда %[1]q — только для чата с ботом.",
	"api.bad_format":  "%[1]q — не формат выгрузки; используйте json или csv.",
}
