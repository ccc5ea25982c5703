package bot

// deadlineEN and deadlineRU are the catalogues of the red collection's
// deadline warning (deadline_warn.go) and of the monthly report
// (report.go).
var deadlineEN = map[string]string{
	"deadline.owner": "⏳ **Your emergency collection ends soon**: its last day is %[1]v. Still missing: **%[2]v** of %[3]v (%[4]v committed). Ask your circles, or change your status if the need has passed.",
	"deadline.giver": "⏳ **The emergency collection of %[1]v ends soon**: its last day is %[2]v. Still missing: **%[3]v** of %[4]v (%[5]v committed). Reply `commit <amount>` to its card to give more, and fulfil what you committed.",
}

var deadlineRU = map[string]string{
	"deadline.owner": "⏳ **Ваш срочный сбор скоро закончится**: последний день — %[1]v. Не хватает: **%[2]v** из %[3]v (обещано %[4]v). Попросите свои круги или смените статус, если нужда прошла.",
	"deadline.giver": "⏳ **Срочный сбор участника %[1]v скоро закончится**: последний день — %[2]v. Не хватает: **%[3]v** из %[4]v (обещано %[5]v). Ответьте на его карточку `обязательство <сумма>`, чтобы дать больше, и исполните то, что обещали.",
}
