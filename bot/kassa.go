package bot

import (
	"context"
	"strings"

	"github.com/exodus-matrix/exodus/ledger"
)

// cmdKassa declares the member's monthly maximum, or shows the kassa.
func (b *Bot) cmdKassa(ctx context.Context, r *request) error {
	if !r.cmd.Amount.IsZero() {
		op := b.op(ctx, r, ledger.OpKassa)
		op.Need, op.Amount = "", r.cmd.Amount
		out, err := b.apply(ctx, op)
		if err != nil {
			return err
		}
		b.replyText(ctx, r, "kassa.declared", op.Amount)
		b.after(ctx, out)
		return nil
	}
	c := b.defaultCurrency(ctx, r.evt, nil)
	var pledges []ledger.KassaPledge
	var mine ledger.Amount
	err := b.ledger.View(ctx, func(bk *ledger.Book) error {
		pledges, mine = bk.KassaOf(c), bk.StatusOf(r.act.Actor).KassaMax
		return nil
	})
	if err != nil {
		return err
	}
	total := ledger.Amount{Currency: c}
	for _, p := range pledges {
		total.Minor += p.Max.Minor
	}
	yours := markdown(text(r.lang, "kassa.none_yet"))
	if !mine.IsZero() {
		yours = markdown(mine.String())
	}
	b.reply(ctx, r, message(text(r.lang, "kassa.view", string(c), len(pledges), total, yours), "kassa",
		map[string]any{"currency": c, "members": len(pledges), "total": amountData(total)}))
	return nil
}

// cmdClaim asks the kassa for help; the claim card waits for approval.
func (b *Bot) cmdClaim(ctx context.Context, r *request) error {
	if err := b.needCircle(r); err != nil {
		return err
	}
	op := b.op(ctx, r, ledger.OpClaim)
	op.Need, op.Amount, op.Text, op.Circle = "", r.cmd.Amount, r.cmd.Text, r.circle.ID
	out, err := b.apply(ctx, op)
	if err != nil {
		return err
	}
	b.replyText(ctx, r, "kassa.claimed", op.Amount)
	b.after(ctx, out)
	return nil
}

// cmdApprove approves the claim whose card the message replies to.
func (b *Bot) cmdApprove(ctx context.Context, r *request) error {
	if err := needReply(r); err != nil {
		return err
	}
	out, err := b.apply(ctx, b.op(ctx, r, ledger.OpApprove))
	if err != nil {
		return err
	}
	b.replyText(ctx, r, "kassa.approved", out.Need.Owner)
	b.after(ctx, out)
	return nil
}

// tellShares sends each member their (new) share of a claim, as a notice
// they commit or decline by replying to it.
func (b *Bot) tellShares(ctx context.Context, out *ledger.Outcome) {
	key := "kassa.your_share"
	if out.Op.Kind == ledger.OpWithdraw || out.Op.Kind == ledger.OpUnreact {
		key = "kassa.share_now"
	}
	for _, p := range out.Shares {
		v, err := b.ledger.Need(ctx, p.Need)
		if err != nil {
			continue
		}
		l := b.ledger.LangOf(ctx, p.Giver)
		b.sendCard(ctx, p.Giver, ledger.CardNotice, p,
			message(text(l, key, p.Beneficiary, p.Amount, v.Need.Title), "kassa_share", promiseData(p)))
	}
}

// claimCardText renders a kassa claim's card in Markdown.
func claimCardText(l ledger.Lang, v *ledger.NeedView) string {
	n, t := v.Need, v.Totals
	parts := []string{text(l, "card.claim", n.Owner, n.Target, n.Title)}
	if n.State == ledger.NeedProposed {
		return strings.Join(append(parts, text(l, "card.claim_wait")), "\n\n")
	}
	parts = append(parts, text(l, "card.figures", t.Target, t.Intended, t.Committed, t.Confirmed, t.Missing),
		progressBar(t.Committed.Minor, t.Target.Minor))
	if lines := promiseLines(v.Promises); lines != "" {
		parts = append(parts, lines)
	}
	return strings.Join(append(parts, text(l, "card.claim_open")), "\n\n")
}
