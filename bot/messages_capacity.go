package bot

// capacityEN and capacityRU are the catalogues of `capacity`: what can
// reach a member through the trust network.
var capacityEN = map[string]string{
	"capacity.result": "🌊 **What can reach you through guarantees:** %[1]v.",
	"capacity.paths":  "The largest paths that carry it (the first member gives, the others pass it on):",
	"capacity.path":   "%[1]v: %[2]v",
	"capacity.you":    "you",
	"capacity.more":   "…and %[1]v more {1:path|paths}.",
	"capacity.none":   "🌊 No help can reach you through guarantees now: you have no guarantees yet, or the pledges of your trust list are taken by open commitments.",
	"capacity.model":  "Each member gives at most what is left of their pledge after their open commitments; a guarantee carries at most the smaller pledge of its two members; passing help on costs nothing of one's own pledge.",
}

var capacityRU = map[string]string{
	"capacity.result": "🌊 **Сколько помощи может дойти до вас по поручительствам:** %[1]v.",
	"capacity.paths":  "Самые большие пути (первый участник даёт, остальные передают дальше):",
	"capacity.path":   "%[1]v: %[2]v",
	"capacity.you":    "вы",
	"capacity.more":   "…и ещё %[1]v {1:путь|пути|путей}.",
	"capacity.none":   "🌊 Сейчас помощь не может дойти до вас по поручительствам: у вас ещё нет поручительств, или поручительства вашего трастового списка заняты открытыми обязательствами.",
	"capacity.model":  "Каждый участник даёт не больше того, что осталось от его поручительства после открытых обязательств; поручительство проводит не больше меньшего из поручительств двух его участников; передача помощи дальше ничего не стоит передающему.",
}
