package bot

// healthEN and healthRU are the catalogues of the health figures
// (health.go).
var healthEN = map[string]string{
	"health.circle":      "🩺 **How the commitments of the circle %[1]v are kept**",
	"health.member":      "🩺 **How the commitments %[1]v gave are kept**",
	"health.none":        "No commitments yet.",
	"health.confirmed":   "Confirmed received: **%[3]v %%** of the commitments (%[1]v of %[2]v).",
	"health.value":       "By value, in %[3]v: **%[4]v %%**, %[1]v confirmed of %[2]v committed.",
	"health.kickstarter": "(Kickstarter collected about 85 %% of what was pledged.)",
	"health.states":      "Marked sent, awaiting confirmation: %[1]v. Still owed, not sent: %[2]v. Overdue (past their deadline, not confirmed): %[3]v (**%[4]v %%** of the commitments). Forgiven: %[5]v.",
	"health.median":      "Median time from commitment to confirmation: %[1]v.",
	"health.month":       "This month: %[1]v given (confirmed received), against a pool of %[2]v pledged.",
	"health.released":    "%[1]v {1:commitment was|commitments were} let go by the ledger (the need closed, or its owner left) and {1:is|are} not counted.",
	"health.not_member":  "You are not a member of this circle, so its figures are not shown to you.",
	"health.not_shared":  "You and %[1]v share no circle, so their figures are not shown to you.",
	"health.day":         "{1:day|days}",
}

var healthRU = map[string]string{
	"health.circle":      "🩺 **Как исполняются обязательства круга %[1]v**",
	"health.member":      "🩺 **Как исполняются обязательства, которые дал участник %[1]v**",
	"health.none":        "Обязательств пока нет.",
	"health.confirmed":   "Получение подтверждено: **%[3]v %%** обязательств (%[1]v из %[2]v).",
	"health.value":       "По сумме, в %[3]v: **%[4]v %%**, подтверждено %[1]v из обещанных %[2]v.",
	"health.kickstarter": "(Kickstarter собрал около 85 %% обещанного.)",
	"health.states":      "Отмечено как отправленное, ждёт подтверждения: %[1]v. Ещё не отправлено: %[2]v. Просрочено (срок прошёл, не подтверждено): %[3]v (**%[4]v %%** обязательств). Прощено: %[5]v.",
	"health.median":      "Медианное время от обязательства до подтверждения: %[1]v.",
	"health.month":       "В этом месяце: передано (с подтверждением) %[1]v при пуле обещаний %[2]v.",
	"health.released":    "%[1]v {1:обязательство снято|обязательства сняты|обязательств снято} реестром (сбор закрылся или участник вышел) и не {1:учитывается|учитываются|учитываются}.",
	"health.not_member":  "Вы не участник этого круга, поэтому его показатели вам не показываются.",
	"health.not_shared":  "У вас с %[1]v нет общего круга, поэтому показатели этого участника вам не показываются.",
	"health.day":         "{1:день|дня|дней}",
}
