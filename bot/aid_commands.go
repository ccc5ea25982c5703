package bot

import (
	"context"

	"github.com/exodus-matrix/exodus/ledger"
)

// newOp starts the ledger op of a command: the need is the one of the card
// the command replies to, if any.
func newOp(ctx context.Context, b *Bot, r *request, k ledger.OpKind) ledger.Op {
	op := ledger.Op{Kind: k, Event: r.act.Event, Actor: r.act.Actor, At: r.act.At}
	if r.card != nil {
		op.Need = r.card.Need
		op.Default = defaultAmount(ctx, b, r)
	}
	return op
}

// defaultAmount is what ❤️ or a bare `commit` means on the card the
// request replies to: the pledge of the card's circle (the ledger caps it
// at what is missing); the request's circle is not read again.
func defaultAmount(ctx context.Context, b *Bot, r *request) ledger.Amount {
	card := r.card
	if r.circle != nil && card.Circle == r.circle.ID {
		return r.circle.Pledge
	}
	if card.Circle != "" {
		if c, err := b.ledger.Circles.Get(ctx, card.Circle); err == nil {
			return c.Pledge
		}
	}
	return b.ledger.Config().DefaultPledge
}

// needReply refuses a promise command that does not reply to a card.
func needReply(r *request) error {
	if r.card == nil || r.card.Need == "" {
		return ledger.Errorf(ledger.EInvalid, "need.reply_to_card", r.cmd.Verb)
	}
	return nil
}

// do applies an op, answers with key (args: the outcome's promise amount
// and the need's owner) and updates the cards and the people concerned.
func do(ctx context.Context, b *Bot, r *request, op ledger.Op, key string) error {
	out, err := b.apply(ctx, op)
	if err != nil {
		return err
	}
	if key != "" {
		var amount ledger.Amount
		var owner ledger.UserID
		if out.Promise != nil {
			amount, owner = out.Promise.Amount, out.Promise.Beneficiary
		}
		if out.NoChange {
			key = "intend.same"
		}
		b.replyText(ctx, r, key, amount, owner)
	}
	notices{b}.after(ctx, out)
	return nil
}

func cmdStatus(ctx context.Context, b *Bot, r *request) error {
	op := newOp(ctx, b, r, ledger.OpStatus)
	op.Need, op.Status, op.Amount, op.Days, op.Text = "", r.cmd.Status, r.cmd.Amount, r.cmd.Days, r.cmd.Text
	out, err := b.apply(ctx, op)
	if err != nil {
		return err
	}
	if cs, err := b.ledger.Circles.Of(ctx, op.Actor); err == nil && len(cs) == 0 && op.Status != ledger.StatusGreen {
		b.replyText(ctx, r, "status.no_circles", op.Amount)
		notices{b}.after(ctx, out)
		return nil
	}
	switch {
	case out.Status != nil && out.Status.Status != op.Status:
		// A red target lowered to what was confirmed closed the collection.
		b.replyText(ctx, r, "status.red_reached", out.Status.Status)
	case op.Status == ledger.StatusGreen:
		b.replyText(ctx, r, "status.green_done")
	case op.Status == ledger.StatusOrange:
		b.replyText(ctx, r, "status.orange_done", needTarget(&ledger.Need{Target: op.Amount, Title: op.Text}))
	default:
		b.replyText(ctx, r, "status.red_done", needTarget(&ledger.Need{Target: op.Amount, Title: op.Text}), op.Days)
	}
	notices{b}.after(ctx, out)
	return nil
}

func cmdIntend(ctx context.Context, b *Bot, r *request) error {
	if err := needReply(r); err != nil {
		return err
	}
	op := newOp(ctx, b, r, ledger.OpIntend)
	op.Amount = r.cmd.Amount
	return do(ctx, b, r, op, "intend.done")
}

func cmdWithdraw(ctx context.Context, b *Bot, r *request) error {
	if err := needReply(r); err != nil {
		return err
	}
	return do(ctx, b, r, newOp(ctx, b, r, ledger.OpWithdraw), "withdraw.done")
}

func cmdCommit(ctx context.Context, b *Bot, r *request) error {
	if err := needReply(r); err != nil {
		return err
	}
	op := newOp(ctx, b, r, ledger.OpCommit)
	op.Amount = r.cmd.Amount
	return do(ctx, b, r, op, "commit.done")
}

func cmdSent(ctx context.Context, b *Bot, r *request) error {
	op := newOp(ctx, b, r, ledger.OpSent)
	op.Amount = r.cmd.Amount
	out, err := b.apply(ctx, op)
	if err != nil {
		return err
	}
	p := out.Promise
	if part := sentPart(out); p.State == ledger.PromiseCommitment {
		b.replyText(ctx, r, "sent.part_done", part, p.Amount, p.Beneficiary, p.Unsent())
	} else {
		b.replyText(ctx, r, "sent.done", part, p.Beneficiary)
	}
	notices{b}.after(ctx, out)
	return nil
}

func cmdGot(ctx context.Context, b *Bot, r *request) error {
	op := newOp(ctx, b, r, ledger.OpGot)
	op.Giver, op.Amount = r.cmd.User, r.cmd.Amount
	if op.Giver == "" && r.card != nil && r.card.Promise != "" {
		if v, err := b.ledger.Aid.Need(ctx, r.card.Need); err == nil {
			for _, p := range v.Promises {
				if p.ID == r.card.Promise {
					op.Giver = p.Giver
				}
			}
		}
	}
	out, err := b.apply(ctx, op)
	if err != nil {
		return err
	}
	if p := out.Promise; p.State != ledger.PromiseFulfilled {
		b.replyText(ctx, r, "got.part_done", gotPart(out), p.Giver, p.Delivered(), p.Amount)
	} else {
		b.replyText(ctx, r, "got.done", gotPart(out), p.Giver)
	}
	notices{b}.after(ctx, out)
	return nil
}

func cmdForgive(ctx context.Context, b *Bot, r *request) error {
	op := newOp(ctx, b, r, ledger.OpForgive)
	op.Need, op.Giver = "", r.cmd.User
	out, err := b.apply(ctx, op)
	if err != nil {
		return err
	}
	b.replyText(ctx, r, "forgive.done", op.Giver, sums(r.lang, out.Affected))
	notices{b}.after(ctx, out)
	return nil
}

func cmdRemind(ctx context.Context, b *Bot, r *request) error {
	rem, err := b.ledger.Aid.Remind(ctx, r.act, r.cmd.User)
	if err != nil {
		return err
	}
	b.replyText(ctx, r, "remind.done", rem.To)
	notices{b}.sendReminder(ctx, r.act.Actor, rem)
	return nil
}

func cmdLeave(ctx context.Context, b *Bot, r *request) error {
	if !r.cmd.Confirm {
		b.replyText(ctx, r, "leave.confirm", r.cmd.Verb)
		return nil
	}
	if err := (relays{b}).unrelayable(ctx, r.act.Actor); err != nil {
		return err
	}
	if b.mode.dryRun {
		return errDryRun // nothing else refuses a departure
	}
	d, err := b.ledger.Leave(ctx, r.act)
	if err != nil {
		return err
	}
	if b.mode.outside && !b.mode.silent && d.Outcome != nil {
		// Said in a direct chat: the other bots of the member's circles
		// apply the departure too (Leave does not go through apply).
		relays{b}.relay(ctx, "relay.op", d.Outcome.Op)
	}
	b.replyText(ctx, r, "leave.done")
	notices{b}.after(ctx, d.Outcome)
	for _, g := range d.Guarantors {
		b.sendDirect(ctx, idOf(g), notice(b.ledger.Members.LangOf(ctx, g), "notify.left_guarantee", r.act.Actor))
	}
	return nil
}
