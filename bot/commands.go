package bot

import (
	"context"
	"errors"
	"strings"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/ledger/grammar"
	"github.com/exodus-matrix/exodus/locale"
)

// request is one command being answered.
type request struct {
	evt    *event.Event
	cmd    ledger.Command
	act    ledger.Action
	lang   ledger.Lang
	direct bool
	circle *ledger.Circle // nil outside circles
	card   *ledger.Card   // the bot's card the message replies to, if any
	web    *webReply      // set for an action taken on the web: answers are collected, not sent
}

// handleMessage parses a member's message and answers the command in it.
// The request is built once: the circle is the one HandleEvent read, and
// the text is addressed, then parsed, once.
func handleMessage(ctx context.Context, b *Bot, evt *event.Event, c *ledger.Circle) error {
	content := evt.Content.AsMessage()
	if content.MsgType != event.MsgText || content.RelatesTo.GetReplaceID() != "" {
		return nil
	}
	direct := directChats{b}.is(ctx, evt.RoomID, evt.Sender)
	card := repliedCard(ctx, b, evt, content)
	msg, addressed := grammar.Address(content.Body, grammar.Options{Prefix: b.cfg.Prefix, Direct: direct,
		Mentions: mentions(b, content), ReplyToBot: card != nil, DefaultCurrency: b.ledger.Config().DefaultPledge.Currency})
	if !addressed {
		return nil // chatter: no lookups for it
	}
	cmd, perr := msg.Parse(defaultCurrency(ctx, b, evt, c, card))
	if card != nil && !direct && !meantForBot(b, msg, cmd, perr) {
		return nil
	}
	r := &request{evt: evt, cmd: cmd, act: action(evt), direct: direct, circle: c, card: card}
	r.lang = replyLang(ctx, b.ledger, evt.Sender, cmd.Lang)
	if ok, warn := b.limiter.allow(limitKey(evt.Sender, evt.RoomID), r.act.At); !ok {
		if warn {
			b.reply(ctx, r, notice(r.lang, "ratelimit", b.cfg.CommandsPerMinute))
		}
		return nil
	}
	if b.mode.silent && !b.mode.rebuilding {
		takeovers{b}.markUnanswered(evt.RoomID) // the answering bot owes an answer to this
	}
	if perr != nil {
		b.fail(ctx, r, perr)
		return nil
	}
	zerolog.Ctx(ctx).Debug().Str("verb", string(cmd.Verb)).Str("sender", evt.Sender.String()).Msg("Handling a command")
	if err := b.commands.run(ctx, b, r); err != nil {
		b.fail(ctx, r, err)
	}
	return nil
}

// meantForBot tells whether a reply to a card in a group room is a command:
// it has the prefix; or it is a command a reply may use (command.reply)
// that parses. Anything else is discussion ("got it, thanks") and gets no
// answer.
func meantForBot(b *Bot, msg grammar.Addressed, cmd ledger.Command, perr error) bool {
	if msg.Prefixed() {
		return true
	}
	if perr != nil {
		return false
	}
	switch b.commands.replyUse(cmd.Verb) {
	case replyAny:
		return true
	case replyBare:
		return cmd.Rest == "" || !cmd.Amount.IsZero() // `sent 20`: a part
	case replyBareOrUser:
		return cmd.Rest == "" || cmd.User != "" || !cmd.Amount.IsZero()
	}
	return false
}

// repliedCard is the bot's card a message replies to (or whose thread it
// is in), if that counts (relatedCard).
func repliedCard(ctx context.Context, b *Bot, evt *event.Event, content *event.MessageEventContent) *ledger.Card {
	for _, target := range []id.EventID{content.RelatesTo.GetNonFallbackReplyTo(), content.RelatesTo.GetThreadParent()} {
		if card := relatedCard(ctx, b, evt, target); card != nil {
			return card
		}
	}
	return nil
}

// relatedCard is the bot's card an event's relation (a reply, a reaction,
// a poll answer) points at, if it counts: the card must be in the event's
// own room (a relation may name any event ID, in any room), and a notice in
// a direct chat counts only for the giver or the beneficiary of the
// promise it is about.
func relatedCard(ctx context.Context, b *Bot, evt *event.Event, target id.EventID) *ledger.Card {
	if target == "" {
		return nil
	}
	card, err := b.ledger.Aid.CardByEvent(ctx, ledger.EventID(target))
	if err != nil || card.Room != ledger.RoomID(evt.RoomID) {
		return nil
	}
	if card.Promise == "" {
		return card // a need card, in a circle room
	}
	var party bool
	_ = b.ledger.Aid.View(ctx, func(bk *ledger.Book) error {
		p, ok := bk.Promise(card.Promise)
		party = ok && (p.Giver == ledger.UserID(evt.Sender) || p.Beneficiary == ledger.UserID(evt.Sender))
		return nil
	})
	if !party {
		return nil
	}
	return card
}

// defaultCurrency is the currency of an amount typed without one: that of
// the need the message replies to, else of the circle it is in (c, nil
// outside circles), else of the sender's first circle, else the configured
// default.
func defaultCurrency(ctx context.Context, b *Bot, evt *event.Event, c *ledger.Circle, card *ledger.Card) ledger.Currency {
	if card != nil {
		if v, err := b.ledger.Aid.Need(ctx, card.Need); err == nil {
			return v.Need.Target.Currency
		}
	}
	if c != nil {
		return c.Pledge.Currency
	}
	if cs, err := b.ledger.Circles.Of(ctx, ledger.UserID(evt.Sender)); err == nil && len(cs) > 0 {
		if c, err := b.ledger.Circles.Get(ctx, cs[0]); err == nil {
			return c.Pledge.Currency
		}
	}
	return b.ledger.Config().DefaultPledge.Currency
}

// replyLang is the language to answer a command in: the one the member
// chose with `lang`; else the language of the command word they typed
// (remembered for notifications); else their last one, or the default.
func replyLang(ctx context.Context, svc *ledger.Service, u id.UserID, typed ledger.Lang) ledger.Lang {
	if m, err := svc.Members.Member(ctx, ledger.UserID(u)); err == nil && m.LangChosen && m.Lang != "" {
		return m.Lang
	}
	if typed != "" {
		if err := svc.Members.InferLang(ctx, ledger.UserID(u), typed); err != nil {
			zerolog.Ctx(ctx).Warn().Err(err).Msg("Failed to remember a member's language")
		}
		return typed
	}
	return svc.Members.LangOf(ctx, ledger.UserID(u))
}

// mentions are the users a message mentions, the bot excluded.
func mentions(b *Bot, content *event.MessageEventContent) []ledger.UserID {
	if content.Mentions == nil {
		return nil
	}
	var out []ledger.UserID
	for _, u := range content.Mentions.UserIDs {
		if u != b.cfg.UserID {
			out = append(out, ledger.UserID(u))
		}
	}
	return out
}

// reply answers the command's message in its room (through the outbox, in
// the transaction of the command's handling).
func (b *Bot) reply(ctx context.Context, r *request, content *event.Content) {
	if r.web != nil {
		if msg := messageOf(content); msg != nil {
			r.web.answers = append(r.web.answers, msg)
		}
		return
	}
	// mayPost for the request's own room, from the circle read once for
	// the request (nil: the room is no circle), not read again.
	if !b.mode.mayPostIn(peers{b}.answersIn(r.circle), r.circle != nil) {
		return
	}
	b.write(ctx, outgoing{room: r.evt.RoomID, typ: event.EventMessage, content: replyTo(content, r.evt), cause: r.evt.ID})
}

// replyText answers with a catalogue message.
func (b *Bot) replyText(ctx context.Context, r *request, key string, args ...any) {
	b.reply(ctx, r, notice(r.lang, key, args...))
}

// fail logs a refusal once and explains it to the member. An event applied
// before gets no second answer.
func (b *Bot) fail(ctx context.Context, r *request, err error) {
	if ledger.IsDuplicate(err) || errors.Is(err, errSilent) {
		return // applied before; or an action only the answering bot takes
	}
	log := zerolog.Ctx(ctx)
	if ledger.ErrorCode(err) == ledger.EInternal {
		log.Error().Err(err).Str("verb", string(r.cmd.Verb)).Msg("Failed to handle a command")
	} else {
		log.Info().Err(err).Str("verb", string(r.cmd.Verb)).Msg("Refused a command")
	}
	md := b.commands.explainIn(r.lang, err, r.cmd.Verb, r.direct)
	key := "error"
	if e := ledger.AsError(err); e != nil {
		key = e.Key
	}
	b.reply(ctx, r, message(md, "error", map[string]any{"key": key, "verb": r.cmd.Verb}))
}

// needCircle refuses a command that only makes sense in a circle.
func needCircle(b *Bot, r *request) error {
	if r.circle == nil {
		return ledger.Errorf(ledger.EConflict, "not_circle", b.cfg.Prefix, strings.TrimSpace(b.cfg.Prefix+" "+verbWord(r.cmd.Verb, r.lang)))
	}
	return nil
}

func cmdHelp(ctx context.Context, b *Bot, r *request) error {
	b.reply(ctx, r, message(b.commands.helpText(r.lang, r.cmd.Topic, r.cmd.All, r.direct), "help", nil))
	return nil
}

func cmdLang(ctx context.Context, b *Bot, r *request) error {
	if err := b.ledger.Members.SetLang(ctx, r.act, r.cmd.Target); err != nil {
		return err
	}
	r.lang = r.cmd.Target
	b.replyText(ctx, r, "lang.done")
	return nil
}

// cmdZone sets, resets or shows the time zone the member reads times in.
func cmdZone(ctx context.Context, b *Bot, r *request) error {
	def := b.ledger.Config().Cycle.Location
	var prof *ledger.Profile
	var err error
	switch {
	case r.cmd.ZoneReset:
		prof, err = b.ledger.Members.SetTimeZone(ctx, r.act, "")
	case r.cmd.Zone != "":
		prof, err = b.ledger.Members.SetTimeZone(ctx, r.act, r.cmd.Zone)
	default:
		prof, err = b.ledger.Members.Profile(ctx, r.act.Actor)
	}
	if err != nil {
		return err
	}
	loc := prof.Zone(def)
	now := locale.DateTime(r.lang, b.ledger.Now(), loc)
	key := "zone.show"
	if r.cmd.Zone != "" || r.cmd.ZoneReset {
		key = "zone.done"
	}
	if prof.TimeZone == "" {
		key += "_default"
	}
	b.replyText(ctx, r, key, loc.String(), markdown(now))
	return nil
}
