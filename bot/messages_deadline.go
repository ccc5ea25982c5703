package bot

// deadlineEN and deadlineRU are the catalogues of the red collection's
// deadline warning (deadline_warn.go) and of the monthly report
// (report.go).
var deadlineEN = map[string]string{
	"deadline.owner":       "⏳ **Your emergency collection ends soon**: its last day is %[1]v. Still missing: **%[2]v** of %[3]v (%[4]v committed). Ask your circles, or change your status if the need has passed.",
	"report.member":        "📅 **Your report for %[1]v**",
	"report.circle":        "📅 **Report of the circle %[2]v for %[1]v**",
	"report.given":         "🤝 Given: %[1]v {1:commitment|commitments}, %[2]v fulfilled (receipt confirmed), %[3]v overdue; by value: %[4]v.",
	"report.given_none":    "🤝 Given: no commitments made this month.",
	"report.received":      "🎁 Received: %[1]v {1:commitment|commitments}, %[2]v fulfilled (receipt confirmed), %[3]v overdue; by value: %[4]v.",
	"report.received_none": "🎁 Received: no commitments made to you this month.",
	"report.total":         "Commitments made in the circle: %[1]v, %[2]v fulfilled (receipt confirmed), %[3]v overdue; by value: %[4]v.",
	"report.total_none":    "No commitments were made in the circle this month.",
	"report.row":           "%[1]v — gave %[2]v (%[3]v fulfilled, %[4]v overdue); received %[5]v (%[6]v fulfilled, %[7]v overdue)",
	"report.value":         "%[1]v confirmed of %[2]v",
	"report.note":          "(The commitments made in the month count; fulfilled: the receiver confirmed it; overdue: still owed past its deadline.)",
	"report.bad_month":     "%[1]v is not a month: type it as year and month, such as `report 2026-11`.",
	"report.future":        "The month %[1]v has not begun yet: ask for this month or one before.",
	"report.not_yours":     "A member's report is shown to that member only.",
	"deadline.giver":       "⏳ **The emergency collection of %[1]v ends soon**: its last day is %[2]v. Still missing: **%[3]v** of %[4]v (%[5]v committed). Reply `commit <amount>` to its card to give more, and fulfil what you committed.",
}

var deadlineRU = map[string]string{
	"deadline.owner":       "⏳ **Ваш срочный сбор скоро закончится**: последний день — %[1]v. Не хватает: **%[2]v** из %[3]v (обещано %[4]v). Попросите свои круги или смените статус, если нужда прошла.",
	"report.member":        "📅 **Ваш отчёт за %[1]v**",
	"report.circle":        "📅 **Отчёт круга %[2]v за %[1]v**",
	"report.given":         "🤝 Отдано: %[1]v {1:обязательство|обязательства|обязательств}, исполнено (получение подтверждено) %[2]v, просрочено %[3]v; по сумме: %[4]v.",
	"report.given_none":    "🤝 Отдано: в этом месяце обязательств не было.",
	"report.received":      "🎁 Получено: %[1]v {1:обязательство|обязательства|обязательств}, исполнено (получение подтверждено) %[2]v, просрочено %[3]v; по сумме: %[4]v.",
	"report.received_none": "🎁 Получено: в этом месяце обязательств перед вами не было.",
	"report.total":         "Обязательств в круге: %[1]v, исполнено (получение подтверждено) %[2]v, просрочено %[3]v; по сумме: %[4]v.",
	"report.total_none":    "В этом месяце в круге обязательств не было.",
	"report.row":           "%[1]v — отдано %[2]v (исполнено %[3]v, просрочено %[4]v); получено %[5]v (исполнено %[6]v, просрочено %[7]v)",
	"report.value":         "подтверждено %[1]v из %[2]v",
	"report.note":          "(Считаются обязательства, данные в этом месяце; исполнено — получатель подтвердил; просрочено — срок прошёл, а долг остаётся.)",
	"report.bad_month":     "%[1]v — не месяц: укажите год и месяц, например `отчет 2026-11`.",
	"report.future":        "Месяц %[1]v ещё не начался: спросите о текущем или о прошедшем.",
	"report.not_yours":     "Отчёт участника показывается только ему самому.",
	"deadline.giver":       "⏳ **Срочный сбор участника %[1]v скоро закончится**: последний день — %[2]v. Не хватает: **%[3]v** из %[4]v (обещано %[5]v). Ответьте на его карточку `обязательство <сумма>`, чтобы дать больше, и исполните то, что обещали.",
}
