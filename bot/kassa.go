package bot

import (
	"context"
	"strings"

	"github.com/exodus-matrix/exodus/ledger"
)

// cmdKassa declares the member's monthly maximum for a circle's kassa, or
// shows the kassa.
func cmdKassa(ctx context.Context, b *Bot, r *request) error {
	if r.cmd.Amount.IsZero() {
		return showKassa(ctx, b, r)
	}
	c, err := kassaCircle(ctx, b, r)
	if err != nil {
		return err
	}
	before, err := b.ledger.Aid.StatusOf(ctx, r.act.Actor)
	if err != nil {
		return err
	}
	op := newOp(ctx, b, r, ledger.OpKassa)
	op.Need, op.Amount, op.Circle = "", r.cmd.Amount, c.ID
	out, err := b.apply(ctx, op)
	if err != nil {
		return err
	}
	md := text(r.lang, "kassa.declared", op.Amount, c.Name)
	if _, legacy := before.KassaDeclared(""); legacy {
		md += "\n\n" + text(r.lang, "kassa.legacy_dropped", b.cfg.Prefix)
	}
	b.reply(ctx, r, message(md, "kassa.declared", map[string]any{"circle": c.ID, "max": amountData(op.Amount)}))
	notices{b}.after(ctx, out)
	return nil
}

// kassaCircle is the circle a maximum is declared for: the circle of the
// room it is typed in; in a direct chat, the member's only circle. A member
// of several circles is asked to type it in the room of the one they
// mean: the bot does not guess.
func kassaCircle(ctx context.Context, b *Bot, r *request) (*ledger.Circle, error) {
	if r.circle != nil {
		return r.circle, nil
	}
	ids, err := b.ledger.Circles.Of(ctx, r.act.Actor)
	if err != nil {
		return nil, err
	}
	switch len(ids) {
	case 0:
		return nil, ledger.Errorf(ledger.EConflict, "kassa.no_circle")
	case 1:
		return b.ledger.Circles.Get(ctx, ids[0])
	}
	names := make([]string, 0, len(ids))
	for _, id := range ids {
		if c, err := b.ledger.Circles.Get(ctx, id); err == nil {
			names = append(names, "**"+literal(c.Name)+"**")
		}
	}
	typed := strings.TrimSpace(b.cfg.Prefix + " " + verbWord(ledger.VerbKassa, r.lang) + " " + r.cmd.Amount.String())
	return nil, ledger.Errorf(ledger.EConflict, "kassa.which_circle", typed, markdown(strings.Join(names, ", ")))
}

// showKassa shows the kassa: in a circle's room, that circle's (the reply
// is seen by all, so no other circle is named); in a direct chat, each of
// the member's circles'.
func showKassa(ctx context.Context, b *Bot, r *request) error {
	var only ledger.CircleID
	if r.circle != nil {
		only = r.circle.ID
	}
	funds, err := b.ledger.Aid.KassaFunds(ctx, r.act.Actor, only)
	if err != nil {
		return err
	}
	data := make([]map[string]any, 0, len(funds))
	for _, f := range funds {
		data = append(data, kassaData(f))
	}
	var md string
	switch {
	case r.circle != nil && len(funds) == 1:
		md = "🏦 " + kassaLine(r.lang, "kassa.view", funds[0])
	case r.circle != nil:
		md = text(r.lang, "kassa.view_outsider")
	case len(funds) == 0:
		md = text(r.lang, "kassa.view_no_circle")
	default:
		lines := []string{text(r.lang, "kassa.view_all")}
		for _, f := range funds {
			lines = append(lines, "- "+kassaLine(r.lang, "kassa.view_line", f))
		}
		md = strings.Join(lines, "\n")
	}
	b.reply(ctx, r, message(md, "kassa", map[string]any{"circles": data}))
	return nil
}

// kassaLine renders one circle's kassa with the message key.
func kassaLine(l ledger.Lang, key string, f ledger.KassaFund) string {
	yours := text(l, "kassa.none_yet")
	switch {
	case f.Mine.IsZero():
	case f.Legacy:
		yours = text(l, "kassa.yours_legacy", f.Mine, f.Asked, f.Left)
	default:
		yours = text(l, "kassa.yours", f.Mine, f.Asked, f.Left)
	}
	return text(l, key, f.Circle.Name, string(f.Total.Currency), f.Members, f.Total, markdown(yours))
}

// kassaData is one circle's kassa in the machine-readable part.
func kassaData(f ledger.KassaFund) map[string]any {
	d := map[string]any{"circle": f.Circle.ID, "currency": f.Total.Currency, "members": f.Members, "total": amountData(f.Total)}
	if !f.Mine.IsZero() {
		d["mine"], d["asked"], d["left"], d["legacy"] = amountData(f.Mine), amountData(f.Asked), amountData(f.Left), f.Legacy
	}
	return d
}

// cmdClaim asks the kassa for help; the claim card waits for approval.
func cmdClaim(ctx context.Context, b *Bot, r *request) error {
	op := newOp(ctx, b, r, ledger.OpClaim)
	op.Need, op.Amount, op.Text, op.Circle = "", r.cmd.Amount, r.cmd.Text, r.circle.ID
	out, err := b.apply(ctx, op)
	if err != nil {
		return err
	}
	b.replyText(ctx, r, "kassa.claimed", op.Amount)
	notices{b}.after(ctx, out)
	return nil
}

// cmdApprove approves the claim whose card the message replies to.
func cmdApprove(ctx context.Context, b *Bot, r *request) error {
	if err := needReply(r); err != nil {
		return err
	}
	out, err := b.apply(ctx, newOp(ctx, b, r, ledger.OpApprove))
	if err != nil {
		return err
	}
	b.replyText(ctx, r, "kassa.approved", out.Need.Owner)
	notices{b}.after(ctx, out)
	return nil
}

// tellShares sends each member their (new) share of a claim, as a notice
// they commit or decline by replying to it.
func (nt notices) tellShares(ctx context.Context, out *ledger.Outcome) {
	b := nt.b
	key := "kassa.your_share"
	switch out.Op.Kind {
	case ledger.OpWithdraw, ledger.OpUnreact, ledger.OpLeave, ledger.OpLeaveCircle:
		key = "kassa.share_now" // another member's share came back to be shared
	}
	for _, p := range out.Shares {
		v, err := b.ledger.Aid.Need(ctx, p.Need)
		if err != nil {
			continue
		}
		l := b.ledger.Members.LangOf(ctx, p.Giver)
		cards{b}.sendCard(ctx, p.Giver, ledger.CardNotice, p,
			ask(idOf(p.Giver), text(l, key, p.Beneficiary, p.Amount, v.Need.Title), "kassa_share", promiseData(p)))
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
		progressBar(v.Percent))
	if open := t.Target.Minor - t.Intended.Minor - t.Committed.Minor; open > 0 {
		// What the maxima left this month could not cover: nobody is asked
		// for it.
		parts = append(parts, text(l, "card.claim_uncovered", ledger.Amount{Minor: open, Currency: t.Target.Currency}))
	}
	if lines := promiseLines(l, v.Promises); lines != "" {
		parts = append(parts, lines)
	}
	return strings.Join(append(parts, text(l, "card.claim_open")), "\n\n")
}
