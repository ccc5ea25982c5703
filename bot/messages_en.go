package bot

import "maps"

// messagesEN is the English catalogue: its parts joined. Placeholders are
// fmt verbs with explicit argument indexes; the text is Markdown.
var messagesEN = joined(coreEN, aidEN, webEN, followEN, kassaEN, pollEN, encryptedEN, healthEN, capacityEN, widgetEN, rolesEN, deadlineEN)

// messagesRU is the Russian catalogue; its keys are those of messagesEN.
var messagesRU = joined(coreRU, aidRU, webRU, followRU, kassaRU, pollRU, encryptedRU, healthRU, capacityRU, widgetRU, rolesRU, deadlineRU)

// joined is one catalogue of the keys of every part (a key of a later part
// replaces an earlier one).
func joined(parts ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, p := range parts {
		maps.Copy(out, p)
	}
	return out
}

// coreEN is the English catalogue of the trust network, circles and help.
var coreEN = map[string]string{
	"greet.room":         "Hello! I am Exodus, a mutual-aid bot for people who know each other. Type `%[1]v circle here` to make this room a trust circle, or `%[1]v help` to see everything I can do.",
	"greet.direct":       "Hello! I am Exodus. In this chat you can type commands without a prefix: `help`, `list`, `pool`, `circle <name>`, `accept <code>`…",
	"ratelimit":          "You are sending commands faster than I take them (at most %[1]v a minute). Wait a minute and try again; nothing was changed.",
	"error.internal":     "Something went wrong on my side and nothing was changed. Please try again in a while.",
	"not_circle":         "This room is not a circle, so `%[2]v` has nothing to act on here. Type `%[1]v circle here` to make this room a circle, or use the command in a circle.",
	"only_direct":        "Please use `%[1]v` in a direct chat with me, so that nobody else sees it.",
	"circle.created":     "Circle **%[1]v** is ready and I have invited you into it. Each guarantee there pledges %[2]v.",
	"circle.welcome":     "Welcome to the circle **%[1]v**. Each guarantee here says: \"I intend to help you in case of need with %[2]v and count on reciprocity\". Invite people you know personally: `%[3]v invite @user:server`. Type `%[3]v help` for everything else.",
	"circle.here_done":   "This room is now the circle **%[1]v**. Each guarantee here pledges %[2]v. Invite people you know personally: `%[3]v invite @user:server`.",
	"circle.here_direct": "A direct chat cannot be a circle. Create one with `circle <name>`, or invite me into a group room and type `%[1]v circle here` there.",
	"circle.updated":     "Circle **%[1]v** now pledges %[2]v per guarantee and speaks %[3]v.",
	"circle.no_rights":   "Only a moderator of this room can make it a circle (your power level is %[1]v, %[2]v is needed).",
	"invite.card":        "**Invitation.** %[1]v invites %[2]v to a mutual guarantee:\n\n> I intend to help you in case of need with %[3]v and count on reciprocity.\n\n%[2]v: react ✅ to this message or type `%[4]v accept` to accept, `%[4]v decline` to decline.",
	"invite.code":        "Your one-time invitation code: **%[1]v** — single use, valid until %[2]v. Give it to a person you know personally; they write `accept %[1]v` to me (%[3]v) in a direct chat.",
	"invite.code_sent":   "%[1]v, I sent you a one-time invitation code in our direct chat.",
	"accept.done":        "✅ %[1]v accepted the invitation of %[2]v: you now guarantee each other (%[3]v). Trust list of %[1]v: %[4]v {4:member|members}.",
	"accept.again":       "✅ %[1]v accepted the invitation of %[2]v. You already guaranteed each other.",
	"accept.told":        "✅ %[1]v accepted your invitation: you now guarantee each other (%[2]v).",
	"accept.joined":      "I have invited you into the circle **%[1]v**.",
	"decline.done":       "%[1]v declined the invitation of %[2]v.",
	"list.empty":         "Your trust list is empty. Invite people you know personally: `%[1]v invite @user:server` in a circle, or `%[1]v invite` for a one-time code.",
	"list.header":        "**Your trust list: %[1]v {1:member|members}** — %[2]v direct {2:guarantor|guarantors}, %[3]v through them.",
	"list.direct":        "**Direct guarantors** (%[1]v):",
	"list.indirect":      "**Through them** (%[1]v):",
	"list.more":          "…and %[1]v more.",
	"chain.result":       "Chain of guarantees from you to %[1]v (%[2]v {2:step|steps}): %[3]v",
	"pool.result":        "**Pool of your trust list:** %[1]v from %[2]v {2:member|members}.",
	"pool.first":         "This is the first time you asked; next time I will show the change.",
	"pool.change":        "When you last asked (%[1]v): %[2]v from %[3]v {3:member|members}. Change: %[4]v; members: %[5]v.",
	"pool.none":          "nothing",
	"block.done":         "You cut your guarantee with %[1]v. They can no longer invite you directly; `unblock` restores it.",
	"block.done_noedge":  "You blocked %[1]v: they can no longer invite you directly; `unblock` lifts it.",
	"block.told":         "%[1]v cut their guarantee with %[2]v; your trust list may have changed.",
	"unblock.done":       "You lifted your block of %[1]v.",
	"unblock.restored":   "You lifted your block of %[1]v; your guarantee with them counts again.",
	"unblock.told":       "%[1]v restored their guarantee with %[2]v.",
	"sos.sent":           "Your message went to %[1]v {1:member|members} of your trust list (%[2]v {2:room|rooms}).",
	"sos.message":        "🆘 **SOS from %[1]v:**\n\n%[2]v",
	"lang.done":          "I will speak English with you.",
	"zone.reset_word":    "default",
	"zone.done":          "I will show you times in the time zone %[1]v: there it is now %[2]v.",
	"zone.done_default":  "I will show you times in the circle's time zone, %[1]v: there it is now %[2]v.",
	"zone.show":          "Your time zone is %[1]v: there it is now %[2]v. Change it with `timezone <zone>`, such as `timezone Europe/Belgrade`.",
	"zone.show_default":  "I show you times in the circle's time zone, %[1]v: there it is now %[2]v. Choose your own with `timezone <zone>`, such as `timezone Europe/Belgrade`.",
	"profile.bad_zone":   "I don't know the time zone `%[1]v`. Write its name from the time zone database, such as Europe/Belgrade, America/New_York or UTC.",
	"type_help":          "Type `%[1]v` to see the commands.",
	"did_you_mean":       "Did you mean %[1]v?",
	"help.first":         "**Exodus — mutual aid among people who know each other.** Commands you need most:",
	"help.more":          "Everything else (circles, initiatives, the kassa, your profile and time zone): `%[2]v`; how to use one command: `%[1]v <command>`.",
	"help.all_word":      "all",
	"help.all":           "**Exodus — mutual aid among people who know each other.** Every command (no prefix needed in our direct chat):",
	"type_usage":         "Type: %[1]v",
	"understood":         "I understood `%[1]v`, but: %[2]v",

	"cmd.unknown":               "I don't know the command `%[1]v`.",
	"cmd.too_long":              "The message is too long for a command (at most %[1]v {1:character|characters}).",
	"cmd.usage":                 "the command needs more.",
	"cmd.bad_user":              "`%[1]v` is not a Matrix user ID. Write it as @name:server, or mention the person.",
	"cmd.bad_lang":              "I don't know the language `%[1]v`: choose ru or en.",
	"cmd.bad_code":              "`%[1]v` does not look like an invitation code (letters and digits, like K7Q2-M9XD).",
	"cmd.name_too_long":         "The name is too long (at most %[1]v {1:character|characters}).",
	"cmd.text_too_long":         "The text is too long (at most %[1]v {1:character|characters}).",
	"cmd.bad_name":              "The name may not contain control characters.",
	"amount.malformed":          "`%[1]v` is not an amount. Write it like 100, 100 EUR, €100 or 12.50.",
	"amount.zero":               "The amount must be more than zero.",
	"amount.negative":           "The amount cannot be negative.",
	"amount.too_large":          "The amount is too large (at most %[1]v).",
	"amount.unknown_currency":   "I don't know the currency `%[1]v`. Use a code such as EUR, USD, RUB, UAH, ILS.",
	"amount.hours_precision":    "Hours are counted to the hundredth: at most 2 digits after the point, such as `1.25 h`.",
	"amount.items_whole":        "Things and services are counted whole: `1 item`, `2 items`.",
	"amount.money_only":         "Only money here: the kassa, clearing, pledges and initiatives count in a currency, not in hours or things. Give an amount such as `20 EUR`.",
	"amount.too_precise":        "%[1]v has at most %[2]v {2:digit|digits} after the point.",
	"user.malformed":            "`%[1]v` is not a Matrix user ID. Write it as @name:server.",
	"user.too_long":             "That user ID is too long.",
	"circle.exists":             "This room is already a circle.",
	"circle.not_found":          "This room is not a circle.",
	"circle.not_owner":          "Only the owner of this circle (%[1]v) or a co-owner can change it.",
	"invite.self":               "You cannot invite yourself or accept your own invitation.",
	"invite.blocked":            "%[1]v has blocked you, so you cannot invite them directly.",
	"invite.already_guaranteed": "You and %[1]v already guarantee each other.",
	"invite.pending":            "You have already invited %[1]v; they can accept the invitation card.",
	"invite.bad_code":           "The code `%[1]v` is unknown. Check it with the person who gave it to you.",
	"invite.none_pending":       "There is no open invitation for you here. Ask someone you know to invite you, or write `accept <code>` with a code they gave you.",
	"invite.not_yours":          "This invitation is addressed to %[1]v, not to you.",
	"invite.not_pending":        "This invitation is no longer open (%[1]v).",
	"invite.expired":            "This invitation has expired. Ask for a new one.",
	"chain.self":                "That is you: no chain needed.",
	"chain.none":                "There is no chain of guarantees from you to %[1]v.",
	"block.self":                "You cannot block yourself.",
	"block.already":             "You have already blocked %[1]v.",
	"block.not_blocked":         "You have not blocked %[1]v.",
	"sos.empty":                 "Your trust list is empty, so there is nobody to send it to yet.",
	"sos.rate_limited":          "You can send at most %[1]v SOS {1:message|messages} in %[2]v {2:hour|hours}. Please wait.",
	"member.not_found":          "I don't know that member yet.",
	"invitation.not_found":      "I can't find that invitation.",

	"status.pending":  "pending",
	"status.accepted": "accepted",
	"status.declined": "declined",
	"status.revoked":  "revoked",
	"lang.en":         "English",
	"lang.ru":         "Russian",
}
