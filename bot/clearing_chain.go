package bot

import (
	"context"

	"github.com/exodus-matrix/exodus/ledger"
)

// chainID is what follows a chain of the proposal: its ID to agree with,
// when it can be agreed to by itself (ledger.ChainCut.Agreeable).
func chainID(c ledger.ChainCut) string {
	if !c.Agreeable {
		return ""
	}
	return " · `" + c.ID() + "`"
}

// agreeChain records the member's agreement to shorten chain; the last of
// the three agreements shortens it. The other two are told, each in their
// language.
func agreeChain(ctx context.Context, b *Bot, r *request, chain *ledger.ChainCut) error {
	out, agreed, err := recordAgreement(ctx, b, r, func(op *ledger.Op) { op.Chain = chain })
	if err != nil {
		return err
	}
	if out.Cleared {
		b.replyText(ctx, r, "clearing.chain_applied", out.Clearing, chain.From, chain.To, chain.Amount, chain.Via)
	} else {
		b.replyText(ctx, r, "clearing.chain_agreed", out.Clearing, len(agreed))
	}
	for _, m := range chain.Members() {
		switch {
		case m == r.act.Actor:
		case out.Cleared:
			notices{b}.tell(ctx, m, ledger.NoticeClosed, "clearing.chain_applied", out.Clearing, chain.From, chain.To, chain.Amount, chain.Via)
		default:
			notices{b}.prompt(ctx, m, ledger.NoticeReminder, "clearing.chain_agreed_told", r.act.Actor, out.Clearing, len(agreed))
		}
	}
	notices{b}.after(ctx, out)
	return nil
}

// recordAgreement records the member's agreement to the clearing that set
// names in the op (a cycle or a chain), and returns the outcome and who
// has agreed to it so far.
func recordAgreement(ctx context.Context, b *Bot, r *request, set func(op *ledger.Op)) (*ledger.Outcome, []ledger.UserID, error) {
	op := newOp(ctx, b, r, ledger.OpAgree)
	op.Need = ""
	set(&op)
	out, err := b.apply(ctx, op)
	if err != nil {
		return nil, nil, err
	}
	var agreed []ledger.UserID
	_ = b.ledger.Aid.View(ctx, func(bk *ledger.Book) error {
		agreed = bk.Agreed(out.Clearing)
		return nil
	})
	return out, agreed, nil
}
