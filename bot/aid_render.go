package bot

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/locale"
)

// barWidth is the number of cells of a progress bar.
const barWidth = 20

// progressBar draws a percentage of a need's Progress as a bar of cells
// followed by the number.
func progressBar(pct int) string {
	filled := max(0, min(pct, 100)) * barWidth / 100
	return "`" + strings.Repeat("█", filled) + strings.Repeat("░", barWidth-filled) + fmt.Sprintf("` %d%%", pct)
}

// dueText renders the deadline of a need's Progress as members read it in
// language l: its last day (the day a member typed in "by <date>"), and
// the time on that day when it ends within the day. The web's pages.due
// renders the same.
func dueText(l ledger.Lang, p ledger.Progress) markdown {
	if p.LastDay.IsZero() {
		return ""
	}
	if p.AtClock {
		return markdown(locale.Date(l, p.LastDay) + ", " + locale.Clock(l, p.Deadline))
	}
	return markdown(locale.Date(l, p.LastDay))
}

// statusIcon is the traffic light of a status or need kind.
func statusIcon(s string) string {
	switch s {
	case string(ledger.StatusOrange):
		return "🟠"
	case string(ledger.StatusRed):
		return "🔴"
	}
	return "🟢"
}

// promiseIcon is the symbol of a promise state.
func promiseIcon(s ledger.PromiseState) string {
	switch s {
	case ledger.PromiseIntention:
		return "❤️"
	case ledger.PromiseCommitment:
		return "🤝"
	case ledger.PromiseSent:
		return "📤"
	case ledger.PromiseFulfilled:
		return "👍"
	}
	return "·"
}

// needCardText renders a need card in Markdown.
func needCardText(l ledger.Lang, v *ledger.NeedView, pledge ledger.Amount, prefix string) string {
	n, t := v.Need, v.Totals
	var sb strings.Builder
	if n.Kind == ledger.NeedRed {
		sb.WriteString(text(l, "card.red", n.Owner, needTarget(n), dueText(l, v.Progress)))
	} else {
		sb.WriteString(text(l, "card.orange", n.Owner, needTarget(n)))
	}
	sb.WriteString("\n\n" + text(l, "card.figures", t.Target, t.Intended, t.Committed, t.Confirmed, t.Missing))
	sb.WriteString("\n\n" + progressBar(v.Percent))
	if lines := promiseLines(l, v.Promises); lines != "" {
		sb.WriteString("\n\n" + lines)
	}
	sb.WriteString("\n\n")
	switch {
	case n.State == ledger.NeedClosed:
		sb.WriteString(text(l, "card.closed"))
	case n.State == ledger.NeedArchived:
		sb.WriteString(text(l, "card.archived"))
	case n.State == ledger.NeedExpired:
		sb.WriteString(text(l, "card.expired"))
	case n.State == ledger.NeedSuspended:
		sb.WriteString(text(l, "card.suspended", n.Owner))
	case n.Kind == ledger.NeedRed:
		sb.WriteString(text(l, "card.howto_red", prefix))
	default:
		def := pledge
		if !n.Target.IsMoney() {
			def = ledger.One(n.Target.Currency) // a ❤️ is one hour, one thing
		}
		if def.Currency != n.Target.Currency || def.Minor > t.Missing.Minor {
			def = t.Missing
		}
		sb.WriteString(text(l, "card.howto", def, prefix))
	}
	return sb.String()
}

// needTarget is what a need asks for, as its card's headline says it: the
// thing itself for a thing or service asked for in kind ("a lift to the
// hospital", shown as written), else its target ("€300", "4 h").
func needTarget(n *ledger.Need) any {
	if n.Target.Currency == ledger.Items && n.Title != "" {
		if n.Target.Minor == 1 {
			return n.Title
		}
		return markdown(literal(n.Title) + " × " + strconv.FormatInt(n.Target.Minor, 10))
	}
	return n.Target
}

// promiseLines lists the live promises of a card, one short line each.
func promiseLines(l ledger.Lang, ps []*ledger.Promise) string {
	var parts []string
	for _, p := range ps {
		if p.State.Live() {
			parts = append(parts, fmt.Sprintf("%s %s %s", promiseIcon(p.State), pill(idOf(p.Giver)), locale.Amount(l, p.Amount)))
		}
	}
	return strings.Join(parts, " · ")
}

// needData is the machine-readable content of a need card: its figures
// and deadline as the ledger's Progress defines them.
func needData(v *ledger.NeedView) map[string]any {
	n, t := v.Need, v.Totals
	promises := make([]map[string]any, 0, len(v.Promises))
	for _, p := range v.Promises {
		if p.State.Live() {
			promises = append(promises, map[string]any{"id": p.ID, "giver": p.Giver, "amount": amountData(p.Amount), "state": p.State})
		}
	}
	d := map[string]any{
		"need": n.ID, "kind": n.Kind, "owner": n.Owner, "state": n.State,
		"target": amountData(t.Target), "intended": amountData(t.Intended), "committed": amountData(t.Committed),
		"confirmed": amountData(t.Confirmed), "missing": amountData(t.Missing), "promises": promises,
		"percent": v.Percent, "percent_promised": v.PercentPromised,
	}
	if !v.Deadline.IsZero() {
		d["deadline"] = v.Deadline.UnixMilli()
		d["last_day"] = v.LastDay.Format("2006-01-02")
	}
	return d
}

// amountData is the machine-readable form of an amount.
func amountData(a ledger.Amount) map[string]any {
	return map[string]any{"minor": a.Minor, "currency": a.Currency}
}

// promiseData is the machine-readable form of a promise.
func promiseData(p *ledger.Promise) map[string]any {
	return map[string]any{"id": p.ID, "need": p.Need, "giver": p.Giver, "beneficiary": p.Beneficiary,
		"amount": amountData(p.Amount), "state": p.State,
		"sent": amountData(p.SentSoFar()), "confirmed": amountData(p.Delivered())}
}

// sentPart is what a `sent` op marked sent: the part of a partial
// fulfilment, or all that was left.
func sentPart(out *ledger.Outcome) ledger.Amount {
	p := out.Promise
	if out.Before == nil || out.Before == p {
		return p.Amount
	}
	return p.SentSoFar().Minus(out.Before.SentSoFar())
}

// gotPart is what a `got` op confirmed.
func gotPart(out *ledger.Outcome) ledger.Amount {
	p := out.Promise
	if out.Before == nil || out.Before == p {
		return p.Amount
	}
	return p.Delivered().Minus(out.Before.Delivered())
}

// sentNotice is the beneficiary's notice of a `sent`: how much, and of
// how much when it is a part.
func sentNotice(l ledger.Lang, out *ledger.Outcome, prefix string) string {
	p, part := out.Promise, sentPart(out)
	if part != p.Amount {
		return text(l, "notify.sent_part", p.Giver, part, p.Amount, prefix)
	}
	return text(l, "notify.sent", p.Giver, part, prefix)
}

// sums adds amounts up per currency, in the order the currencies appear,
// in language l.
func sums(l ledger.Lang, ps []*ledger.Promise) markdown {
	return sumsOf(l, ps, func(p *ledger.Promise) ledger.Amount { return p.Amount })
}

// sumsOf is sums of the part of each promise that part names (what is
// left to send, to confirm).
func sumsOf(l ledger.Lang, ps []*ledger.Promise, part func(*ledger.Promise) ledger.Amount) markdown {
	var order []ledger.Currency
	total := map[ledger.Currency]int64{}
	for _, p := range ps {
		a := part(p)
		if _, ok := total[a.Currency]; !ok {
			order = append(order, a.Currency)
		}
		total[a.Currency] += a.Minor
	}
	parts := make([]string, len(order))
	for i, c := range order {
		parts[i] = locale.Amount(l, ledger.Amount{Minor: total[c], Currency: c})
	}
	return markdown(strings.Join(parts, " + "))
}

// statusWord is the word a member types for a status in a language.
func statusWord(s ledger.Status, l ledger.Lang) string {
	if l != ledger.LangRU {
		return string(s)
	}
	switch s {
	case ledger.StatusGreen:
		return "зелёный"
	case ledger.StatusOrange:
		return "оранжевый"
	case ledger.StatusRed:
		return "красный"
	}
	return string(s)
}
