package web

// clearingWordsEN and clearingWordsRU are the words of the clearing page.
var clearingWordsEN = map[string]string{
	"nav.clearing":          "Clearing",
	"clearing.title":        "Clearing",
	"clearing.intro":        "Commitments in money that cancel out. A cycle (A owes B, B owes C, C owes A) is cleared when everyone in it agrees: that much of each debt counts as fulfilled. A chain (A owes B, B owes C) is shortened when its three members agree: A then owes C directly, and B owes that much less on each side. Nothing changes before everyone agrees.",
	"clearing.yours":        "Your cycles and chains",
	"clearing.cycle":        "Cycle",
	"clearing.chain":        "Chain",
	"clearing.cycle_amount": "%[1]v less on each debt",
	"clearing.chain_amount": "%[1]v passes straight from the first to the last",
	"clearing.agreed":       "%[1]v of %[2]v agreed",
	"clearing.you_agreed":   "You agreed; waiting for the others.",
	"clearing.agree":        "Agree",
	"clearing.later":        "Not to agree to yet: a debt in it comes from another shortening; it will be proposed once that one is done.",
	"clearing.none":         "You are in no cycle and no chain that could be cleared.",
	"clearing.others":       "Other proposals among your circles' members: %[1]v.",
	"done.clearing":         "Your agreement is recorded; those concerned are told.",
}

var clearingWordsRU = map[string]string{
	"nav.clearing":          "Клиринг",
	"clearing.title":        "Клиринг",
	"clearing.intro":        "Денежные обязательства, которые гасят друг друга. Круг (A должен B, B должен C, C должен A) гасится, когда согласятся все его участники: столько от каждого долга считается исполненным. Цепочка (A должен B, B должен C) сокращается, когда согласятся все трое: A становится должен C напрямую, а B — на столько же меньше с каждой стороны. Пока не согласятся все, ничего не меняется.",
	"clearing.yours":        "Ваши круги и цепочки",
	"clearing.cycle":        "Круг",
	"clearing.chain":        "Цепочка",
	"clearing.cycle_amount": "каждый долг уменьшается на %[1]v",
	"clearing.chain_amount": "%[1]v идёт напрямую от первого к последнему",
	"clearing.agreed":       "согласны %[1]v из %[2]v",
	"clearing.you_agreed":   "Вы согласились; ждём остальных.",
	"clearing.agree":        "Согласиться",
	"clearing.later":        "Соглашаться пока рано: долг в ней возникает из другого сокращения; она будет предложена, когда то будет сделано.",
	"clearing.none":         "Вы не участвуете ни в круге, ни в цепочке, которые можно погасить.",
	"clearing.others":       "Других предложений среди участников ваших кругов: %[1]v.",
	"done.clearing":         "Ваше согласие записано; участники уведомлены.",
}
