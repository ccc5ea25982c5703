package bot

func init() {
	merge(messagesEN, kassaEN)
	merge(messagesRU, kassaRU)
}

// kassaEN and kassaRU are the catalogues of the kassa.
var kassaEN = map[string]string{
	"kassa.declared":      "🏦 You will give the kassa at most %[1]v a month. A claim is shared in proportion to what members declared.",
	"kassa.view":          "🏦 **The kassa** (%[1]v): %[2]v members declared %[3]v a month in all. Yours: %[4]v.",
	"kassa.none_yet":      "nothing yet (`kassa <amount>`)",
	"kassa.claimed":       "🏦 Your claim of %[1]v is posted; another member must approve it (reply `approve` to its card) before it is shared.",
	"kassa.approved":      "🏦 You approved the claim of %[1]v; its shares are published.",
	"kassa.your_share":    "🏦 Your share of the kassa claim of %[1]v (%[3]v): **%[2]v**. Reply `commit` to this message to commit it, or `withdraw` to decline; a declined share goes to the others.",
	"kassa.share_now":     "🏦 A member declined their share of the claim of %[1]v: your share is now **%[2]v**. Reply `commit` or `withdraw` to this message.",
	"card.claim":          "🏦 **Kassa claim** of %[1]v: %[2]v — %[3]v",
	"card.claim_wait":     "Awaiting approval: another member replies `approve` to this card (not the claimant).",
	"card.claim_open":     "Shared in proportion to the declared maxima; each member commits or declines their share in our direct chat.",
	"kassa.unchanged":     "You have already declared %[1]v a month.",
	"kassa.not_claim":     "That is not a kassa claim: reply `approve` to the claim's card.",
	"kassa.self_approval": "You cannot approve your own claim: another member must.",
	"kassa.not_proposed":  "This claim has been approved already.",
	"kassa.empty":         "Nobody has declared a kassa maximum in %[1]v yet, so there is nobody to share the claim among.",

	"clearing.agreed":         "You agreed to clear cycle `%[1]v` (%[2]v of %[3]v have agreed). It is cleared when everyone in it has.",
	"clearing.applied":        "✅ Everyone agreed: cycle `%[1]v` is cleared; %[2]v of each debt in it counts as fulfilled.",
	"clearing.agreed_told":    "%[1]v agreed to clear cycle `%[2]v` (%[3]v of %[4]v). Type `clearing` to see it, and `clearing agree %[2]v` to agree.",
	"clearing.applied_told":   "✅ Cycle `%[1]v` is cleared: %[2]v of your debt in it counts as fulfilled, and so does as much owed to you.",
	"clearing.stale":          "That cycle cannot be cleared now: the commitments in it changed (or the ID is wrong). Type `clearing` for the current proposal.",
	"clearing.not_member":     "You are not in that cycle, so it is not yours to agree to.",
	"clearing.already_agreed": "You have already agreed to clear cycle `%[1]v`.",
	"need.past_deadline":      "The time of this collection of %[1]v is over, so it takes no more promises.",
}

var kassaRU = map[string]string{
	"kassa.declared":      "🏦 Вы готовы давать в кассу не больше %[1]v в месяц. Заявка делится пропорционально заявленным суммам.",
	"kassa.view":          "🏦 **Касса** (%[1]v): участников — %[2]v, всего заявлено %[3]v в месяц. Ваша сумма: %[4]v.",
	"kassa.none_yet":      "пока ничего (`касса <сумма>`)",
	"kassa.claimed":       "🏦 Ваша заявка на %[1]v опубликована; её должен одобрить другой участник (ответ `одобрить` на её карточку), и тогда она будет разделена.",
	"kassa.approved":      "🏦 Вы одобрили заявку %[1]v; доли опубликованы.",
	"kassa.your_share":    "🏦 Ваша доля в заявке %[1]v на кассу (%[3]v): **%[2]v**. Ответьте на это сообщение `обязательство`, чтобы взять её, или `отозвать`, чтобы отказаться; отказанная доля переходит к остальным.",
	"kassa.share_now":     "🏦 Участник отказался от своей доли в заявке %[1]v: ваша доля теперь **%[2]v**. Ответьте на это сообщение `обязательство` или `отозвать`.",
	"card.claim":          "🏦 **Заявка на кассу** от %[1]v: %[2]v — %[3]v",
	"card.claim_wait":     "Ждёт одобрения: другой участник (не автор) отвечает на эту карточку `одобрить`.",
	"card.claim_open":     "Разделена пропорционально заявленным суммам; каждый берёт или отклоняет свою долю в личном чате со мной.",
	"kassa.unchanged":     "Вы уже заявили %[1]v в месяц.",
	"kassa.not_claim":     "Это не заявка на кассу: ответьте `одобрить` на карточку заявки.",
	"kassa.self_approval": "Свою заявку одобрить нельзя: это должен сделать другой участник.",
	"kassa.not_proposed":  "Эта заявка уже одобрена.",
	"kassa.empty":         "Никто ещё не заявил сумму для кассы в %[1]v, поэтому делить заявку не между кем.",

	"clearing.agreed":         "Вы согласились погасить круг `%[1]v` (согласны %[2]v из %[3]v). Он будет погашен, когда согласятся все.",
	"clearing.applied":        "✅ Все согласны: круг `%[1]v` погашен; по %[2]v от каждого долга в нём считается исполненным.",
	"clearing.agreed_told":    "%[1]v соглашается погасить круг `%[2]v` (%[3]v из %[4]v). Напишите `клиринг`, чтобы увидеть его, и `клиринг согласен %[2]v`, чтобы согласиться.",
	"clearing.applied_told":   "✅ Круг `%[1]v` погашен: %[2]v вашего долга в нём считается исполненным, как и столько же долга вам.",
	"clearing.stale":          "Этот круг сейчас погасить нельзя: обязательства в нём изменились (или ID неверен). Напишите `клиринг`, чтобы увидеть текущее предложение.",
	"clearing.not_member":     "Вы не участник этого круга, соглашаться не вам.",
	"clearing.already_agreed": "Вы уже согласились погасить круг `%[1]v`.",
	"need.past_deadline":      "Срок этого сбора %[1]v истёк, обещания больше не принимаются.",
}
