package bot

import (
	"context"

	"github.com/rs/zerolog"

	"github.com/exodus-matrix/exodus/ledger"
)

// notices is the bot's role of telling members what an op did: the cards
// it touched brought up to date, and a notice in the direct chat of each
// member concerned, in their language, unless they muted that kind.
type notices struct{ b *Bot }

// after brings the room up to date with an op's outcome: the cards of the
// needs it touched are posted or edited, and the members concerned are
// told in their direct chats, each in their language, unless they muted
// that kind of notification.
func (nt notices) after(ctx context.Context, out *ledger.Outcome) {
	b := nt.b
	if out == nil {
		return
	}
	cards{b}.showNeeds(ctx, out.Needs)
	if out.NoChange {
		return
	}
	nt.afterInitiative(ctx, out)
	nt.tellShares(ctx, out)
	op, p := out.Op, out.Promise
	switch op.Kind {
	case ledger.OpStatus:
		nt.tellNetwork(ctx, op.Actor, out.Status)
	case ledger.OpIntend:
		if out.Need != nil && out.Need.Kind == ledger.NeedInitiative {
			break // backers hear of the initiative's milestones instead
		}
		nt.tell(ctx, p.Beneficiary, ledger.NoticeIntention, "notify.intention", p.Giver, p.Amount)
		for _, q := range nt.coGivers(ctx, p) {
			nt.tell(ctx, q, ledger.NoticeIntention, "notify.cohelper", p.Giver, p.Amount, p.Beneficiary)
		}
	case ledger.OpCommit:
		nt.tell(ctx, p.Beneficiary, ledger.NoticeCommitment, "notify.commitment", p.Giver, p.Amount)
		nt.sendRequisites(ctx, p)
	case ledger.OpSent:
		if b.ledger.Members.Wants(ctx, p.Beneficiary, ledger.NoticeSent) {
			l := b.ledger.Members.LangOf(ctx, p.Beneficiary)
			cards{b}.sendCard(ctx, p.Beneficiary, ledger.CardSent, p,
				ask(idOf(p.Beneficiary), sentNotice(l, out, b.cfg.Prefix), "sent", promiseData(p)))
		}
	case ledger.OpGot:
		if p.State != ledger.PromiseFulfilled {
			nt.tell(ctx, p.Giver, ledger.NoticeReceived, "notify.received_part", p.Beneficiary, gotPart(out), p.Amount, p.Amount.Minus(p.Delivered()))
		} else {
			nt.tell(ctx, p.Giver, ledger.NoticeReceived, "notify.received", p.Beneficiary, gotPart(out))
		}
	case ledger.OpForgive:
		for _, q := range out.Affected {
			nt.tell(ctx, q.Giver, ledger.NoticeForgiven, "notify.forgiven", q.Beneficiary, q.Amount)
		}
	case ledger.OpLeave:
		nt.tellLeave(ctx, op.Actor, out.Affected)
	case ledger.OpRollover, ledger.OpDeadline:
		nt.afterClock(ctx, out)
	}
	for _, n := range out.Closed {
		if n.State == ledger.NeedClosed {
			nt.tellClosed(ctx, n, out)
		}
	}
	nt.afterReapplied(ctx, out.Reapplied)
}

// apply runs an op through the ledger. When it was a late op that changed
// the fate of later ones, their authors are told, even if the op itself was
// refused.
func (b *Bot) apply(ctx context.Context, op ledger.Op) (*ledger.Outcome, error) {
	if err := (relays{b}).unrelayable(ctx, op.Actor); err != nil {
		return nil, err
	}
	if b.mode.dryRun {
		if err := b.ledger.Aid.Check(ctx, op); err != nil {
			return nil, err
		}
		return nil, errDryRun
	}
	out, err := b.ledger.Aid.Do(ctx, op)
	b.cfg.Metrics.LedgerOp(op.Kind, opResult(err))
	if err != nil && out != nil {
		notices{b}.afterReapplied(ctx, out.Reapplied)
		return nil, err
	}
	if err == nil && b.mode.outside && !b.mode.silent {
		relays{b}.relay(ctx, "relay.op", op)
	}
	return out, err
}

// opVerbs name the command behind each kind of op, for notices.
var opVerbs = map[ledger.OpKind]ledger.Verb{
	ledger.OpStatus: ledger.VerbStatus, ledger.OpIntend: ledger.VerbIntend, ledger.OpWithdraw: ledger.VerbWithdraw,
	ledger.OpUnreact: ledger.VerbWithdraw, ledger.OpCommit: ledger.VerbCommit, ledger.OpSent: ledger.VerbSent,
	ledger.OpGot: ledger.VerbGot, ledger.OpForgive: ledger.VerbForgive, ledger.OpLeave: ledger.VerbLeave,
	ledger.OpInitiative: ledger.VerbInitiative, ledger.OpDone: ledger.VerbDone, ledger.OpKassa: ledger.VerbKassa,
	ledger.OpClaim: ledger.VerbClaim, ledger.OpApprove: ledger.VerbApprove, ledger.OpAgree: ledger.VerbClearing,
}

// afterReapplied brings the rooms up to date with ops whose fate a late
// event changed, and tells their authors: an op refused when it arrived
// that counts now, or one that counted and no longer does (and why).
func (nt notices) afterReapplied(ctx context.Context, reapplied []ledger.Reapplied) {
	b := nt.b
	for _, r := range reapplied {
		if r.Op.Actor == ledger.ClockActor { // the clock is told nothing; its changes show on the cards
			if r.Outcome != nil {
				nt.after(ctx, r.Outcome)
			} else if r.Op.Need != "" {
				cards{b}.showNeeds(ctx, []*ledger.Need{{ID: r.Op.Need}})
			}
			continue
		}
		l := b.ledger.Members.LangOf(ctx, r.Op.Actor)
		if r.Outcome != nil {
			nt.after(ctx, r.Outcome)
			b.sendDirect(ctx, idOf(r.Op.Actor), notice(l, "notify.late_counts", opVerbs[r.Op.Kind]))
			continue
		}
		if r.Op.Need != "" {
			cards{b}.showNeeds(ctx, []*ledger.Need{{ID: r.Op.Need}})
		}
		why := b.commands.explain(l, r.Err, "")
		b.sendDirect(ctx, idOf(r.Op.Actor), notice(l, "notify.late_undone", opVerbs[r.Op.Kind], markdown(why)))
	}
}

// afterClock tells members what a clock op did: the givers whose monthly
// support was renewed (each may withdraw by replying to the notice), and,
// when a red collection's days passed, its owner and its givers who still
// owe.
func (nt notices) afterClock(ctx context.Context, out *ledger.Outcome) {
	b := nt.b
	for _, p := range out.Renewed {
		if !b.ledger.Members.Wants(ctx, p.Giver, ledger.NoticeRenewal) {
			continue
		}
		l := b.ledger.Members.LangOf(ctx, p.Giver)
		cards{b}.sendCard(ctx, p.Giver, ledger.CardNotice, p,
			ask(idOf(p.Giver), text(l, "notify.renewed", p.Beneficiary, p.Amount), "renewal", promiseData(p)))
	}
	if out.Op.Kind != ledger.OpDeadline || out.Need == nil || out.Need.Kind == ledger.NeedInitiative {
		return
	}
	n := out.Need
	v, err := b.ledger.Aid.Need(ctx, n.ID)
	if err != nil {
		return
	}
	nt.tell(ctx, n.Owner, ledger.NoticeClosed, "notify.deadline_owner", v.Totals.Confirmed, n.Target)
	for _, p := range v.Promises { // every giver who still has to send
		if p.State == ledger.PromiseCommitment {
			nt.prompt(ctx, p.Giver, ledger.NoticeClosed, "notify.deadline_giver", n.Owner, p.Amount)
		}
	}
	nt.tellNetwork(ctx, n.Owner, out.Status)
}

// tell sends a member a quiet catalogue notice in their direct chat, unless
// they muted kind k.
func (nt notices) tell(ctx context.Context, to ledger.UserID, k ledger.NoticeKind, key string, args ...any) {
	nt.say(ctx, to, k, key, false, args...)
}

// prompt is tell for a message that asks the member to act: it notifies
// them (see reach.go).
func (nt notices) prompt(ctx context.Context, to ledger.UserID, k ledger.NoticeKind, key string, args ...any) {
	nt.say(ctx, to, k, key, true, args...)
}

// say sends a member a catalogue message in their direct chat, asking them
// to act or quiet, unless they muted kind k.
func (nt notices) say(ctx context.Context, to ledger.UserID, k ledger.NoticeKind, key string, asking bool, args ...any) {
	b := nt.b
	if !b.ledger.Members.Wants(ctx, to, k) {
		return
	}
	if (Clock{b}).speaksNot(ctx, to) {
		return // another bot tells this member what the clock did
	}
	l := b.ledger.Members.LangOf(ctx, to)
	md, data := text(l, key, args...), map[string]any{"notice": k}
	content := message(md, key, data)
	if asking {
		content = ask(idOf(to), md, key, data)
	}
	b.sendDirect(ctx, idOf(to), content)
}

// coGivers are the other members with a live promise toward the same need.
func (nt notices) coGivers(ctx context.Context, p *ledger.Promise) []ledger.UserID {
	b := nt.b
	v, err := b.ledger.Aid.Need(ctx, p.Need)
	if err != nil {
		return nil
	}
	var us []ledger.UserID
	for _, q := range v.Promises {
		if q.State.Live() && q.Giver != p.Giver {
			us = append(us, q.Giver)
		}
	}
	return us
}

// sendRequisites gives a giver who committed the beneficiary's payment
// details, as a notice they can reply `sent` to.
func (nt notices) sendRequisites(ctx context.Context, p *ledger.Promise) {
	b := nt.b
	prof, err := b.ledger.Members.Profile(ctx, p.Beneficiary)
	if err != nil {
		zerolog.Ctx(ctx).Error().Err(err).Msg("Failed to read requisites")
		return
	}
	l := b.ledger.Members.LangOf(ctx, p.Giver)
	var req any = prof.DefaultRequisite() // shown literally, its lines inside the quote
	if prof.DefaultRequisite() == "" {
		req = markdown(text(l, "requisites.ask"))
	}
	cards{b}.sendCard(ctx, p.Giver, ledger.CardCommitment, p,
		ask(idOf(p.Giver), text(l, "notify.requisites", p.Beneficiary, p.Amount, req, b.cfg.Prefix), "commitment", promiseData(p)))
}

// tellNetwork tells the member's network of a status change: their direct
// guarantors and the members who help them.
func (nt notices) tellNetwork(ctx context.Context, u ledger.UserID, st *ledger.MemberStatus) {
	b := nt.b
	if st == nil {
		return
	}
	direct, err := b.ledger.Trust.DirectOf(ctx, u)
	if err != nil {
		zerolog.Ctx(ctx).Error().Err(err).Msg("Failed to read the trust list")
		return
	}
	var helpers []ledger.UserID
	_ = b.ledger.Aid.View(ctx, func(bk *ledger.Book) error {
		helpers = bk.NetworkOf(u).HelpsMe
		return nil
	})
	told := map[ledger.UserID]bool{u: true}
	key := "notify.status_" + string(st.Status)
	var target any = ledger.Amount{}
	if st.Need != "" {
		if v, err := b.ledger.Aid.Need(ctx, st.Need); err == nil {
			target = needTarget(v.Need) // the thing itself, for help in kind
		}
	}
	for _, g := range append(direct, helpers...) {
		if !told[g] {
			told[g] = true
			nt.tell(ctx, g, ledger.NoticeStatus, key, u, target)
		}
	}
}

// tellClosed thanks the givers of a red collection that closed, and tells
// those whose commitments it released.
func (nt notices) tellClosed(ctx context.Context, n *ledger.Need, out *ledger.Outcome) {
	b := nt.b
	v, err := b.ledger.Aid.Need(ctx, n.ID)
	if err != nil {
		return
	}
	for _, p := range v.Promises {
		switch {
		case p.State == ledger.PromiseFulfilled || p.State == ledger.PromiseSent:
			nt.tell(ctx, p.Giver, ledger.NoticeClosed, "notify.closed_thanks", n.Owner, needTarget(n))
		case p.State == ledger.PromiseReleased && p.UpdatedBy == out.Op.Event:
			nt.tell(ctx, p.Giver, ledger.NoticeClosed, "notify.closed_released", n.Owner, p.Amount)
		}
	}
	if out.Op.Kind != ledger.OpStatus { // a status op told the network already
		nt.tellNetwork(ctx, n.Owner, out.Status)
	}
}

// tellLeave tells the other side of every promise a member's leaving
// cancelled: givers toward their needs owe nothing now; beneficiaries of
// their intentions lose them.
func (nt notices) tellLeave(ctx context.Context, u ledger.UserID, affected []*ledger.Promise) {
	b := nt.b
	told := map[ledger.UserID]bool{}
	for _, p := range affected {
		other, key := p.Giver, "notify.left_released"
		if other == u {
			other, key = p.Beneficiary, "notify.left_withdrawn"
		}
		if told[other] {
			continue
		}
		told[other] = true
		l := b.ledger.Members.LangOf(ctx, other)
		b.sendDirect(ctx, idOf(other), notice(l, key, u))
	}
}

// sendReminder asks the other member to act on each promise between them:
// convert an intention, fulfil a commitment, or confirm a receipt.
func (nt notices) sendReminder(ctx context.Context, from ledger.UserID, rem *ledger.Reminder) {
	b := nt.b
	l := b.ledger.Members.LangOf(ctx, rem.To)
	for _, p := range rem.Convert {
		if b.ledger.Members.Wants(ctx, rem.To, ledger.NoticeConversion) {
			cards{b}.sendCard(ctx, rem.To, ledger.CardNotice, p,
				ask(idOf(rem.To), text(l, "notify.convert", from, p.Amount, b.cfg.Prefix), "conversion", promiseData(p)))
		}
	}
	if !b.ledger.Members.Wants(ctx, rem.To, ledger.NoticeReminder) {
		return
	}
	for _, p := range rem.Fulfil {
		cards{b}.sendCard(ctx, rem.To, ledger.CardCommitment, p,
			ask(idOf(rem.To), text(l, "notify.remind_fulfil", from, p.Unsent(), b.cfg.Prefix), "reminder", promiseData(p)))
	}
	for _, p := range rem.Confirm {
		cards{b}.sendCard(ctx, rem.To, ledger.CardSent, p,
			ask(idOf(rem.To), text(l, "notify.remind_confirm", from, p.ToConfirm(), b.cfg.Prefix), "reminder", promiseData(p)))
	}
}
