package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/ledger"
)

// errDryRun is what a handler returns, through b.apply, when its op was
// only checked: the ledger would accept it.
var errDryRun = errors.New("dry run: the op would be accepted")

// WebActor carries out the actions members take on the web (web.Actor):
// the bot's role for the web, apart from its handling of Matrix events.
type WebActor struct{ bot *Bot }

// WebActor returns the bot's role for the web.
func (b *Bot) WebActor() *WebActor { return &WebActor{bot: b} }

// webReply collects what the bot answers an action taken on the web.
type webReply struct{ answers []*event.MessageEventContent }

// Act carries out a member's action taken on a web page or through the API,
// through the same handlers and ledger rules as chat. An action that
// changes something is posted into the room (the circle's, else the
// member's direct chat) as a structured event naming the member, so the
// room stays the full record; an op is checked first, so a refused action
// posts nothing, and then applied keyed by the posted event. The reply's
// text is the bot's answer in the member's language, a refusal's too.
func (a *WebActor) Act(ctx context.Context, req ledger.Request) (*ledger.Reply, error) {
	b := a.bot
	cmd := req.Command
	lang := req.Lang
	if !slices.Contains(ledger.Langs, lang) {
		lang = replyLang(ctx, b.ledger, id.UserID(req.Member), "")
	}
	if !b.commands.fromWeb(cmd.Verb) {
		err := ledger.Errorf(ledger.EInvalid, "web.chat_only", cmd.Verb)
		return &ledger.Reply{Text: plain(b.commands.explain(lang, err, cmd.Verb))}, err
	}
	// The chat's bound on a member's commands holds for the web too (however
	// many sessions and tokens they hold): each action posts into a room.
	if ok, _ := b.limiter.allow(string(req.Member), b.ledger.Now()); !ok {
		err := ledger.Errorf(ledger.ERateLimited, "ratelimit", b.cfg.CommandsPerMinute)
		return &ledger.Reply{Text: plain(b.commands.explain(lang, err, cmd.Verb))}, err
	}
	r, err := a.request(ctx, req, lang)
	if err != nil {
		return &ledger.Reply{Text: plain(b.commands.explain(lang, err, cmd.Verb))}, err
	}
	reply := &ledger.Reply{Room: ledger.RoomID(r.evt.RoomID)}
	if r.circle == nil {
		// Posted in the member's direct chat: as for a command typed
		// there, its ops are relayed into the member's circles.
		b = b.fromOutside()
	}
	run := func(b *Bot, ctx context.Context) error { return b.commands.run(ctx, b, r) }
	switch b.commands.webUse(cmd) {
	case webOp:
		if err := run(b.dryRun(), ctx); !errors.Is(err, errDryRun) {
			return a.done(ctx, b, r, reply, err)
		}
		r.web.answers = nil
		evt := a.announce(ctx, b, r, req, true)
		if evt == "" {
			err := ledger.Errorf(ledger.EInternal, "web.post_failed")
			return &ledger.Reply{Text: plain(b.commands.explain(lang, err, cmd.Verb))}, err
		}
		reply.Event = ledger.EventID(evt)
		r.evt.ID = evt
		r.act.Event = ledger.EventID(evt)
		return a.inOneTx(ctx, func(ctx context.Context) (*ledger.Reply, error) {
			return a.done(ctx, b, r, reply, run(b, ctx))
		})
	case webView:
		// A view is personal and posted nowhere: the handler answers as
		// in the direct chat, and the answer is collected.
		r.direct = true
		return a.done(ctx, b, r, reply, run(b, ctx))
	}
	return a.inOneTx(ctx, func(ctx context.Context) (*ledger.Reply, error) {
		err := run(b, ctx)
		if err == nil {
			if evt := a.announce(ctx, b, r, req, false); evt != "" {
				reply.Event = ledger.EventID(evt)
				r.evt.ID = evt
			}
		}
		return a.done(ctx, b, r, reply, err)
	})
}

// inOneTx runs an action's handling in one transaction: its change and
// what the bot says about it (the outbox) are kept together. fn's error is
// a refusal, which the transaction keeps (its answer is written); only a
// failure of the transaction itself takes everything back.
func (a *WebActor) inOneTx(ctx context.Context, fn func(ctx context.Context) (*ledger.Reply, error)) (*ledger.Reply, error) {
	b := a.bot
	var (
		reply  *ledger.Reply
		refuse error
	)
	err := b.out.InTx(ctx, func(ctx context.Context) error {
		reply, refuse = fn(ctx)
		return nil
	})
	if err != nil {
		b.ledger.Forget()
		return nil, fmt.Errorf("failed to keep an action: %w", err)
	}
	b.sender.Notify()
	return reply, refuse
}

// done finishes an action from the web, handled by b in its mode: the
// answer collected becomes the reply's text (a refusal's explanation if it
// failed) and, when the action was posted, it is posted as the answer to
// that event.
func (a *WebActor) done(ctx context.Context, b *Bot, r *request, reply *ledger.Reply, err error) (*ledger.Reply, error) {
	if err != nil {
		md := b.commands.explainIn(r.lang, err, r.cmd.Verb, r.direct)
		reply.Text = plain(md)
		if reply.Event != "" {
			b.send(ctx, r.evt.RoomID, replyTo(message(md, "error", nil), r.evt))
		}
		return reply, err
	}
	texts := make([]string, len(r.web.answers))
	for i, a := range r.web.answers {
		texts[i] = strings.ReplaceAll(a.Body, wordJoiner, "") // the web shows text, read by no push rule
	}
	reply.Text = strings.Join(texts, "\n\n")
	if reply.Event != "" && reply.Text != "" {
		b.send(ctx, r.evt.RoomID, replyTo(webAnswer(r.web.answers), r.evt))
	}
	return reply, nil
}

// webAnswer is the notice posted under an action taken on the web: the
// bot's answers to it as they were rendered (their plain bodies are no
// Markdown, so they are never rendered again), one after the other.
func webAnswer(answers []*event.MessageEventContent) *event.Content {
	msg := event.MessageEventContent{MsgType: event.MsgNotice, Mentions: &event.Mentions{}}
	bodies, htmls := make([]string, len(answers)), make([]string, len(answers))
	for i, a := range answers {
		bodies[i], htmls[i] = a.Body, a.FormattedBody
		if a.FormattedBody != "" {
			msg.Format = event.FormatHTML
		} else {
			htmls[i] = strings.ReplaceAll(html.EscapeString(a.Body), "\n", "<br>")
		}
	}
	msg.Body = strings.Join(bodies, "\n\n")
	if msg.Format != "" {
		msg.FormattedBody = strings.Join(htmls, "<br><br>")
	}
	return &event.Content{Parsed: &msg, Raw: map[string]any{Namespace: map[string]any{"type": "web_answer"}}}
}

// request builds the request an action from the web is handled as: in
// the room it is posted to, replying to the need's card there, if any.
func (a *WebActor) request(ctx context.Context, req ledger.Request, lang ledger.Lang) (*request, error) {
	b := a.bot
	now := b.ledger.Now().Truncate(time.Millisecond)
	room, card, err := a.room(ctx, req)
	if err != nil {
		return nil, err
	}
	var nonce [8]byte
	_, _ = rand.Read(nonce[:])
	evt := &event.Event{ID: id.EventID("$web-" + hex.EncodeToString(nonce[:])), RoomID: room,
		Sender: id.UserID(req.Member), Timestamp: now.UnixMilli()}
	r := &request{evt: evt, cmd: req.Command, act: action(evt), lang: lang, card: card, web: &webReply{}}
	if c, err := b.ledger.Circles.Get(ctx, ledger.CircleID(room)); err == nil {
		r.circle = c
	} else {
		r.direct = true
	}
	return r, nil
}

// room is where an action from the web is posted: a personal action
// (and a kassa maximum for no circle named) in the member's direct chat;
// else the circle asked for (the member must be in it); else the circle of
// the need's card the member shares; else the member's first circle; else
// their direct chat.
func (a *WebActor) room(ctx context.Context, req ledger.Request) (id.RoomID, *ledger.Card, error) {
	b := a.bot
	mine, err := b.ledger.Circles.Of(ctx, req.Member)
	if err != nil {
		return "", nil, err
	}
	if req.Circle != "" && !slices.Contains(mine, req.Circle) {
		return "", nil, ledger.Errorf(ledger.EForbidden, "web.not_member")
	}
	// Only circles this bot answers in: another bot's followers accept
	// records of web actions from the answering bot alone.
	mine = slices.DeleteFunc(mine, func(c ledger.CircleID) bool { return !peers{b}.answers(ctx, id.RoomID(c)) })
	if req.Circle != "" && !slices.Contains(mine, req.Circle) {
		return "", nil, ledger.Errorf(ledger.EConflict, "web.other_bot")
	}
	if b.commands.personal(req.Command.Verb) || req.Command.Verb == ledger.VerbKassa && req.Circle == "" {
		// Whatever circle or need came with it (the API's command route
		// takes both): typed in the direct chat, never in a circle room. A
		// kassa maximum for no circle named is declared as typed there: for
		// the member's only circle, else they are asked which.
		direct, err := directChats{b}.open(ctx, id.UserID(req.Member), "")
		return direct, nil, err
	}
	room := req.Circle
	var card *ledger.Card
	if req.Need != "" {
		if _, err := b.ledger.Aid.Need(ctx, req.Need); err != nil {
			return "", nil, err
		}
		cards, err := b.ledger.Aid.CardsOf(ctx, req.Need)
		if err != nil {
			return "", nil, err
		}
		for i := range cards {
			c := cards[i]
			if slices.Contains(mine, ledger.CircleID(c.Room)) && (room == "" || ledger.CircleID(c.Room) == room) {
				card, room = &c, ledger.CircleID(c.Room)
				break
			}
		}
	}
	if room == "" && len(mine) > 0 {
		room = mine[0]
	}
	if req.Need != "" && card == nil {
		// No card of the need in the member's circles: as a reply to a
		// card in the room chosen (its pledge is the default amount).
		card = &ledger.Card{Need: req.Need, Circle: room, Room: ledger.RoomID(room)}
	}
	if room == "" {
		direct, err := directChats{b}.open(ctx, id.UserID(req.Member), "")
		return direct, card, err
	}
	return id.RoomID(room), card, nil
}

// announce posts an action taken on the web into its room, as b in its
// mode: a notice naming the member, with the action under the project's
// namespace; outsideTx tells whether it may be encrypted (post).
func (a *WebActor) announce(ctx context.Context, b *Bot, r *request, req ledger.Request, outsideTx bool) id.EventID {
	l := b.ledger.Config().DefaultLang
	if r.circle != nil && r.circle.Lang != "" {
		l = r.circle.Lang
	}
	line := commandLine(req.Command, l)
	md := text(l, "web.action", req.Member, line)
	data := map[string]any{"member": req.Member, "verb": req.Command.Verb, "command": line, "at": r.act.At.UnixMilli(),
		"cmd": req.Command}
	if req.Need != "" {
		data["need"] = req.Need
	}
	if !req.Command.Amount.IsZero() {
		data["amount"] = amountData(req.Command.Amount)
	}
	return post(ctx, b, r.evt.RoomID, message(md, "web_action", data), outsideTx)
}

// post sends a message at once and returns its event ID ("" if it failed,
// which is logged): only for the record of a web action, whose event ID
// the op is keyed by. Everything else goes through the outbox. Into an
// encrypted room it is encrypted when sent outside a transaction
// (outsideTx), and not sent at all within one: megolm state must not roll
// back with a transaction.
func post(ctx context.Context, b *Bot, room id.RoomID, content *event.Content, outsideTx bool) id.EventID {
	if !b.mayPost(ctx, room) {
		return ""
	}
	log := zerolog.Ctx(ctx).With().Str("to_room", room.String()).Logger()
	typ, sealed := event.EventMessage, any(content)
	if b.sender.enc != nil {
		on, err := b.sender.encryptionOn(ctx, room)
		if err != nil || (on && !outsideTx) {
			log.Info().Err(err).Msg("Did not post a web action into an encrypted room")
			return ""
		}
		raw, err := json.Marshal(content)
		if err == nil {
			typ, sealed, err = b.sender.seal(ctx, room, typ, raw)
		}
		if err != nil {
			log.Error().Err(err).Msg("Failed to encrypt a web action")
			return ""
		}
	}
	resp, err := b.cli.SendMessageEvent(ctx, room, typ, sealed)
	if err != nil {
		log.Error().Err(err).Msg("Failed to post a web action")
		return ""
	}
	return resp.EventID
}

// commandLine is a command as a member would type it, in language l.
func commandLine(cmd ledger.Command, l ledger.Lang) string {
	parts := []string{verbWord(cmd.Verb, l)}
	if cmd.Rest != "" {
		return parts[0] + " " + cmd.Rest
	}
	if cmd.Status != "" {
		parts = append(parts, statusWord(cmd.Status, l))
	}
	if !cmd.Amount.IsZero() {
		parts = append(parts, cmd.Amount.String())
	}
	if cmd.Days > 0 {
		parts = append(parts, strconv.Itoa(cmd.Days))
	}
	if cmd.User != "" {
		parts = append(parts, string(cmd.User))
	}
	if cmd.Text != "" {
		parts = append(parts, cmd.Text)
	}
	if cmd.Zone != "" {
		parts = append(parts, cmd.Zone)
	}
	if cmd.ZoneReset {
		parts = append(parts, text(l, "zone.reset_word"))
	}
	return strings.Join(parts, " ")
}

// Explain renders a refusal in a language, as the chat answers it (the
// web shows the ledger's refusals in the same words), as plain text.
func (a *WebActor) Explain(l ledger.Lang, err error) string {
	return plain(a.bot.commands.explain(l, err, ""))
}
