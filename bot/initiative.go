package bot

import (
	"context"
	"strconv"
	"strings"
	"time"

	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/locale"
)

// CardPoll is an initiative's native Matrix poll (MSC3381): an answer is an
// intention of that amount.
const CardPoll ledger.CardKind = "poll"

// pollAnswerPrefix starts the ID of a poll answer; the rest is the amount
// in minor units.
const pollAnswerPrefix = "a"

func cmdInitiative(ctx context.Context, b *Bot, r *request) error {
	until := deadlineOf(b, r.cmd.ByDate, r.cmd.ByClock, b.zoneOf(ctx, r.act.Actor))
	op := newOp(ctx, b, r, ledger.OpInitiative)
	op.Need, op.Text, op.Amount, op.Until, op.Circle = "", r.cmd.Text, r.cmd.Amount, until, r.circle.ID
	out, err := b.apply(ctx, op)
	if err != nil {
		return err
	}
	v, err := b.ledger.Aid.Need(ctx, out.Need.ID)
	if err != nil {
		return err
	}
	mine := b.needFor(ctx, out.Need.ID, r.act.Actor)
	if mine == nil {
		mine = v
	}
	b.replyText(ctx, r, "initiative.created", op.Text, op.Amount, dueText(r.lang, mine.Progress))
	notices{b}.after(ctx, out)
	postPoll(ctx, b, v, r.circle)
	return nil
}

// deadlineOf is when an initiative "by <date> [HH:MM]" ends, in time zone
// loc, the one its author reads times in (their own, else the cycle's): at
// that time, or when that day ends. A date without a year is the next such
// date.
func deadlineOf(b *Bot, d time.Time, clock bool, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	now := b.ledger.Now().In(loc)
	y := d.Year()
	if y == 0 {
		y = now.Year()
		if time.Date(y, d.Month(), d.Day()+1, 0, 0, 0, 0, loc).Before(now) {
			y++
		}
	}
	if clock {
		return time.Date(y, d.Month(), d.Day(), d.Hour(), d.Minute(), 0, 0, loc)
	}
	return time.Date(y, d.Month(), d.Day()+1, 0, 0, 0, 0, loc)
}

func cmdDone(ctx context.Context, b *Bot, r *request) error {
	op := newOp(ctx, b, r, ledger.OpDone)
	op.Text = r.cmd.Text
	if op.Need == "" {
		op.Need = onlyInitiativeOf(ctx, b, r.act.Actor)
	}
	if op.Need == "" {
		return ledger.Errorf(ledger.EInvalid, "need.reply_to_card", ledger.VerbDone)
	}
	out, err := b.apply(ctx, op)
	if err != nil {
		return err
	}
	b.replyText(ctx, r, "initiative.done", out.Need.Title)
	notices{b}.after(ctx, out)
	return nil
}

// onlyInitiativeOf is the member's one open initiative, or "".
func onlyInitiativeOf(ctx context.Context, b *Bot, u ledger.UserID) ledger.NeedID {
	var found []ledger.NeedID
	_ = b.ledger.Aid.View(ctx, func(bk *ledger.Book) error {
		for _, n := range bk.NeedsOf(u) {
			if n.Kind == ledger.NeedInitiative && n.State == ledger.NeedOpen {
				found = append(found, n.ID)
			}
		}
		return nil
	})
	if len(found) != 1 {
		return ""
	}
	return found[0]
}

// pollAmounts are the answers of an initiative's poll: a twentieth, a
// tenth, a quarter and half of the price, in whole units, without repeats.
func pollAmounts(price ledger.Amount) []ledger.Amount {
	unit := int64(1)
	for range price.Exponent() {
		unit *= 10
	}
	var out []ledger.Amount
	seen := map[int64]bool{}
	for _, div := range []int64{20, 10, 4, 2} {
		m := price.Minor / div / unit * unit
		if m > 0 && !seen[m] {
			seen[m] = true
			out = append(out, ledger.Amount{Minor: m, Currency: price.Currency})
		}
	}
	return out
}

// postPoll posts the initiative as a native poll whose answers are amounts,
// so a client's poll interface votes with intentions.
func postPoll(ctx context.Context, b *Bot, v *ledger.NeedView, c *ledger.Circle) {
	answers := []map[string]any{}
	for _, a := range pollAmounts(v.Need.Target) {
		answers = append(answers, map[string]any{"id": pollAnswerPrefix + strconv.FormatInt(a.Minor, 10), "org.matrix.msc1767.text": locale.Amount(c.Lang, a)})
	}
	if len(answers) == 0 {
		return
	}
	question := plain(text(c.Lang, "initiative.poll", v.Need.Title, v.Need.Target))
	content := map[string]any{
		"org.matrix.msc3381.poll.start": map[string]any{
			"kind": "org.matrix.msc3381.poll.disclosed", "max_selections": 1,
			"question": map[string]any{"org.matrix.msc1767.text": question}, "answers": answers,
		},
		"org.matrix.msc1767.text": question,
		"m.mentions":              map[string]any{},
		Namespace:                 map[string]any{"type": "initiative_poll", "data": map[string]any{"need": v.Need.ID}},
	}
	b.enqueue(ctx, outgoing{room: id.RoomID(c.ID), typ: pollStartType, content: content,
		then: &afterSend{Card: &ledger.Card{Kind: CardPoll, Circle: c.ID, Need: v.Need.ID}}})
}

// initiativeCardText renders an initiative's card in Markdown.
func initiativeCardText(l ledger.Lang, v *ledger.NeedView, now time.Time, prefix string) string {
	n, t := v.Need, v.Totals
	var sb strings.Builder
	sb.WriteString(text(l, "card.initiative", n.Title, n.Owner, n.Target, dueText(l, v.Progress), v.DaysLeft(now)))
	sb.WriteString("\n\n" + text(l, "card.figures", t.Target, t.Intended, t.Committed, t.Confirmed, t.Missing))
	sb.WriteString("\n\n" + text(l, "card.votes", markdown(progressBar(v.PercentPromised)), t.Givers))
	sb.WriteString("\n\n" + text(l, "card.funding", markdown(progressBar(v.Percent))))
	if lines := promiseLines(l, v.Promises); lines != "" {
		sb.WriteString("\n\n" + lines)
	}
	sb.WriteString("\n\n")
	switch n.State {
	case ledger.NeedDone:
		sb.WriteString(text(l, "card.initiative_done", n.Report))
	case ledger.NeedExpired:
		sb.WriteString(text(l, "card.initiative_expired"))
	default:
		if !n.FundedAt.IsZero() {
			sb.WriteString(text(l, "card.initiative_funded") + " ")
		}
		howto := "card.initiative_howto"
		if !n.FundedAt.IsZero() {
			howto = "card.initiative_howto_no_poll" // its poll ended
		}
		sb.WriteString(text(l, howto, prefix))
	}
	return sb.String()
}

// afterInitiative tells the backers of an initiative what an op did to it:
// reached by intentions (asking them to commit), funded, done, expired.
func (nt notices) afterInitiative(ctx context.Context, out *ledger.Outcome) {
	b := nt.b
	n := out.Need
	if n == nil || n.Kind != ledger.NeedInitiative {
		return
	}
	nt.endPoll(ctx, out)
	v, err := b.ledger.Aid.Need(ctx, n.ID)
	if err != nil {
		return
	}
	for _, p := range v.Promises {
		switch {
		case out.Reached && !out.Funded && p.State == ledger.PromiseIntention:
			l := b.ledger.Members.LangOf(ctx, p.Giver)
			cards{b}.sendCard(ctx, p.Giver, ledger.CardNotice, p, ask(idOf(p.Giver), text(l, "notify.initiative_reached", n.Title, p.Amount), "conversion", promiseData(p)))
		case out.Funded && p.State.Live():
			nt.tell(ctx, p.Giver, ledger.NoticeClosed, "notify.initiative_funded", n.Title)
		case out.Op.Kind == ledger.OpDone && p.State.Binding():
			nt.tell(ctx, p.Giver, ledger.NoticeClosed, "notify.initiative_done", n.Title, n.Report)
		case out.Op.Kind == ledger.OpDeadline && p.State == ledger.PromiseReleased && p.UpdatedBy == out.Op.Event:
			nt.tell(ctx, p.Giver, ledger.NoticeClosed, "notify.initiative_expired", n.Title, p.Amount)
		}
	}
	if out.Funded {
		nt.tell(ctx, n.Owner, ledger.NoticeClosed, "notify.initiative_funded", n.Title)
	}
}
