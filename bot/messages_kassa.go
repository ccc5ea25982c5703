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
}
