package bot

// pollEN and pollRU are the catalogues of initiatives' polls: the text of a
// poll's end (its fallback for clients that do not show polls) and the
// answer to a vote sent after it.
var pollEN = map[string]string{
	"poll.end_funded":               "The poll has ended: the initiative “%[1]v” is funded.",
	"poll.end_done":                 "The poll has ended: the initiative “%[1]v” is done.",
	"poll.end_expired":              "The poll has ended: the initiative “%[1]v” was not funded by its deadline.",
	"poll.ended":                    "The poll of **%[1]v** has ended, so your answer changed nothing. While the initiative is open you can still back it: reply to its card with an amount, or react ❤️.",
	"card.initiative_howto_no_poll": "Vote with ❤️ or reply with an amount; commit with 🤝 or `commit [amount]`.",
}

var pollRU = map[string]string{
	"poll.end_funded":               "Опрос завершён: инициатива «%[1]v» профинансирована.",
	"poll.end_done":                 "Опрос завершён: инициатива «%[1]v» выполнена.",
	"poll.end_expired":              "Опрос завершён: инициатива «%[1]v» не набрала сумму к сроку.",
	"poll.ended":                    "Опрос по инициативе **%[1]v** завершён, поэтому ваш ответ ничего не изменил. Пока инициатива открыта, её можно поддержать: ответьте на её карточку суммой или поставьте ❤️.",
	"card.initiative_howto_no_poll": "Голосуйте ❤️ или ответьте суммой; обязательство — 🤝 или `обязательство [сумма]`.",
}
