package bot

import (
	"context"
	"strings"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/ledger"
)

// The reactions that mean something; any other key is ignored.
var (
	acceptKeys  = map[string]bool{"✅": true, "✔": true, "☑": true}
	intendKeys  = map[string]bool{"❤": true}
	commitKeys  = map[string]bool{"🤝": true}
	confirmKeys = map[string]bool{"👍": true}
)

// normalizeKey strips emoji variation selectors and skin tones, so "✔️"
// and "✔", "👍🏽" and "👍" are one key.
func normalizeKey(k string) string {
	k = strings.ReplaceAll(k, "\ufe0f", "")
	for _, tone := range []string{"\U0001F3FB", "\U0001F3FC", "\U0001F3FD", "\U0001F3FE", "\U0001F3FF"} {
		k = strings.ReplaceAll(k, tone, "")
	}
	return strings.TrimSpace(k)
}

// handleReaction turns a member's reaction on a bot card into a ledger call:
// ✅ on an invitation accepts it; ❤️ on a need card is an intention of the
// default amount, 🤝 a commitment; 👍 on a "sent" notice confirms receipt.
// Reactions on anything else, and keys that mean nothing, are ignored.
func handleReaction(ctx context.Context, b *Bot, evt *event.Event, c *ledger.Circle) error {
	rel := evt.Content.AsReaction().RelatesTo
	if rel.Type != event.RelAnnotation {
		return nil
	}
	key := normalizeKey(rel.Key)
	if acceptKeys[key] {
		return acceptByReaction(ctx, b, evt, c, rel.EventID.String())
	}
	if !intendKeys[key] && !commitKeys[key] && !confirmKeys[key] {
		return nil
	}
	card := relatedCard(ctx, b, evt, rel.EventID)
	if card == nil {
		return nil // not a card of ours in this room
	}
	if ok, warn := b.limiter.allow(limitKey(evt.Sender, evt.RoomID), action(evt).At); !ok {
		// Reactions share the command budget. The first one over it is
		// answered (the ❤️ stays visible but does not count: the member
		// must know), the rest of a flood is not.
		zerolog.Ctx(ctx).Info().Str("sender", evt.Sender.String()).Msg("Ignored a reaction over the rate limit")
		if warn {
			onCard := *evt
			onCard.ID = rel.EventID
			lang := b.ledger.Members.LangOf(ctx, ledger.UserID(evt.Sender))
			b.send(ctx, evt.RoomID, replyTo(notice(lang, "ratelimit_reaction", b.cfg.CommandsPerMinute, evt.Sender), &onCard))
		}
		return nil
	}
	// Answers reply to the card, not to the reaction.
	onCard := *evt
	onCard.ID = rel.EventID
	r := &request{evt: &onCard, act: action(evt), lang: b.ledger.Members.LangOf(ctx, ledger.UserID(evt.Sender)), circle: c, card: card}
	op := newOp(ctx, b, r, ledger.OpIntend)
	op.Reaction = op.Event
	switch {
	case commitKeys[key]:
		op.Kind, r.cmd.Verb = ledger.OpCommit, ledger.VerbCommit
	case confirmKeys[key]:
		if card.Kind != ledger.CardSent && card.Kind != ledger.CardCommitment {
			return nil
		}
		op.Kind, op.Reaction, r.cmd.Verb = ledger.OpGot, "", ledger.VerbGot
		op.Giver = giverOf(ctx, b, card)
	default:
		r.cmd.Verb = ledger.VerbIntend
	}
	out, err := b.apply(ctx, op)
	if err != nil {
		return refuseReaction(ctx, b, r, err)
	}
	zerolog.Ctx(ctx).Info().Str("op", string(op.Kind)).Str("need", string(op.Need)).Msg("Applied a reaction")
	if card.Kind != ledger.CardNeed {
		other := out.Promise.Beneficiary
		if op.Kind == ledger.OpGot {
			other = out.Promise.Giver
		}
		b.replyText(ctx, r, string(r.cmd.Verb)+".done", out.Promise.Amount, other)
	}
	notices{b}.after(ctx, out)
	return nil
}

// giverOf is the giver of the promise a notice card is about.
func giverOf(ctx context.Context, b *Bot, card *ledger.Card) ledger.UserID {
	var giver ledger.UserID
	_ = b.ledger.Aid.View(ctx, func(bk *ledger.Book) error {
		if p, ok := bk.Promise(card.Promise); ok {
			giver = p.Giver
		}
		return nil
	})
	return giver
}

// refuseReaction explains a refused reaction with a reply to it. A duplicate
// gets no answer.
func refuseReaction(ctx context.Context, b *Bot, r *request, err error) error {
	if ledger.IsDuplicate(err) {
		return nil
	}
	b.fail(ctx, r, err)
	if ledger.ErrorCode(err) == ledger.EInternal {
		return err
	}
	return nil
}

// acceptByReaction accepts the invitation whose card was reacted to.
func acceptByReaction(ctx context.Context, b *Bot, evt *event.Event, c *ledger.Circle, card string) error {
	acc, err := b.ledger.Trust.AcceptCard(ctx, action(evt), ledger.EventID(card))
	if err != nil {
		if e := ledger.AsError(err); e != nil && e.Key == "invitation.not_found" {
			return nil
		}
		r := &request{evt: evt, act: action(evt), lang: b.ledger.Members.LangOf(ctx, ledger.UserID(evt.Sender)), circle: c}
		return refuseReaction(ctx, b, r, err)
	}
	zerolog.Ctx(ctx).Info().Str("invitation", string(acc.Invitation.ID)).Msg("Invitation accepted by reaction")
	announceAcceptance(ctx, b, evt, acc, b.ledger.Members.LangOf(ctx, ledger.UserID(evt.Sender)))
	return nil
}

// handleRedaction honours a removed reaction: removing the ❤️ that set an
// intention withdraws it; removing the 🤝 of a commitment gets a reminder
// that a commitment stays. Dendrite does not push redactions to
// appservices, so they also arrive through reconciliation from the room.
// Any other removed event whose op counted still counts.
func handleRedaction(ctx context.Context, b *Bot, evt *event.Event, c *ledger.Circle) error {
	target := evt.Redacts
	if target == "" {
		target = evt.Content.AsRedaction().Redacts
	}
	var p *ledger.Promise
	_ = b.ledger.Aid.View(ctx, func(bk *ledger.Book) error {
		p, _ = bk.PromiseByReaction(ledger.EventID(target))
		return nil
	})
	if p == nil || p.Giver != ledger.UserID(evt.Sender) {
		relayRemoved(ctx, b, evt.RoomID, evt.Sender, target, nil)
		return nil
	}
	op := ledger.Op{Kind: ledger.OpUnreact, Event: ledger.EventID(evt.ID), Actor: p.Giver,
		At: action(evt).At, Need: p.Need, Target: ledger.EventID(target)}
	out, err := b.apply(ctx, op)
	if err != nil {
		plain := *evt
		plain.ID = "" // the reaction is gone: answer without a reply
		r := &request{evt: &plain, act: action(evt), lang: b.ledger.Members.LangOf(ctx, p.Giver), circle: c, cmd: ledger.Command{Verb: ledger.VerbWithdraw}}
		if !ledger.IsDuplicate(err) {
			relayRemoved(ctx, b, evt.RoomID, evt.Sender, target, nil) // the reaction's op stays
		}
		if ledger.ErrorCode(err) == ledger.ENotFound {
			return nil
		}
		return refuseReaction(ctx, b, r, err)
	}
	zerolog.Ctx(ctx).Info().Str("need", string(p.Need)).Msg("Withdrew an intention whose reaction was removed")
	notices{b}.after(ctx, out)
	relayRemoved(ctx, b, evt.RoomID, evt.Sender, target, &op)
	return nil
}

// relayRemoved records in the room the op of a removed event: a removed
// event keeps no trace of what it said, so the room records its op (and the
// withdrawal its removal made, if any) for a rebuild and the other bots to
// find. An op from outside the circles was relayed when applied. Only a
// removal that took effect is recorded: by the op's own author, or by a
// moderator of the room; a redaction naming someone else's event (which
// anyone may send, and the homeserver does not apply) repeats nothing.
func relayRemoved(ctx context.Context, b *Bot, room id.RoomID, by id.UserID, target id.EventID, undo *ledger.Op) {
	if b.mode.silent || b.mode.outside {
		return
	}
	orig, err := b.ledger.Aid.RecordedOp(ctx, ledger.EventID(target))
	if err != nil || orig.Actor != ledger.UserID(by) && !mayRedactOthers(ctx, b, room, by) {
		return
	}
	if undo != nil {
		relays{b}.relay(ctx, "relay.unreact", *orig, *undo)
		return
	}
	relays{b}.relay(ctx, "relay.removed", *orig)
}

// mayRedactOthers reports whether a user may remove other users' events in
// a room; when the room's power levels cannot be read, it is assumed they
// may (the record of a removed op is kept rather than lost).
func mayRedactOthers(ctx context.Context, b *Bot, room id.RoomID, u id.UserID) bool {
	var pl event.PowerLevelsEventContent
	if err := b.cli.StateEvent(ctx, room, event.StatePowerLevels, "", &pl); err != nil {
		return true
	}
	return pl.GetUserLevel(u) >= pl.Redact()
}
