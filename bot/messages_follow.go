package bot

// followEN and followRU are the catalogues of several bots in one circle.
// The relay.* texts are the bodies of record events, which clients do not
// show: they name no member, so that no push rule reading a body (a
// member's name in it) notifies anyone of them.
var followEN = map[string]string{
	"circle.takeover_silent": "🔁 %[1]v has not answered here for %[3]v, so from now on %[2]v answers in this circle. The ledger is the same: every bot in the room computes it from the room's events.",
	"circle.takeover_left":   "🔁 %[1]v left this circle, so from now on %[2]v answers in it. The ledger is the same: every bot in the room computes it from the room's events.",
	"relay.op":               "📒 Recorded for every bot of this circle: an op taken in a direct chat: `%[1]v`.",
	"relay.unreact":          "📒 Recorded for every bot of this circle: a reaction was removed, which withdrew an intention.",
	"relay.removed":          "📒 Recorded for every bot of this circle: a message was removed, but its `%[1]v` still counts.",
	"relay.other_bot":        "In your circles %[1]v answers, not this bot: write this to %[1]v (or in the circle), so that every bot of your circles counts it.",
}

var followRU = map[string]string{
	"circle.takeover_silent": "🔁 Бот %[1]v не отвечает здесь уже %[3]v, поэтому с этого момента в круге отвечает %[2]v. Реестр тот же: каждый бот в комнате считает его по событиям комнаты.",
	"circle.takeover_left":   "🔁 Бот %[1]v покинул круг, поэтому с этого момента в нём отвечает %[2]v. Реестр тот же: каждый бот в комнате считает его по событиям комнаты.",
	"relay.op":               "📒 Записано для всех ботов этого круга: действие в личном чате: `%[1]v`.",
	"relay.unreact":          "📒 Записано для всех ботов этого круга: реакция убрана, и намерение отозвано.",
	"relay.removed":          "📒 Записано для всех ботов этого круга: сообщение удалено, но его `%[1]v` остаётся в силе.",
	"relay.other_bot":        "В ваших кругах отвечает %[1]v, а не этот бот: напишите это %[1]v (или в круге), чтобы это учли все боты ваших кругов.",
}
