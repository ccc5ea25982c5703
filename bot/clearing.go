package bot

import (
	"context"
	"slices"
	"strings"

	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/locale"
)

// clearingShown bounds how many cycles, and how many chains, one clearing
// proposal lists; the member's own come first.
const clearingShown = 20

// cmdClearing answers clearing: it plans the netting of every open
// commitment (not yet sent) in the ledger and shows it, in the member's
// direct chat, as a proposal. Nothing is applied: the ledger is unchanged.
func cmdClearing(ctx context.Context, b *Bot, r *request) error {
	circle, err := circleMates(ctx, b, r.act.Actor)
	if err != nil {
		return err
	}
	all, err := openDebts(ctx, b)
	if err != nil {
		return err
	}
	global := ledger.PlanClearing(all)
	if r.cmd.Confirm {
		return agreeClearing(ctx, b, r, global)
	}
	// The plan is the same for everyone (so its cycles have one ID); each
	// member sees only the debts, cycles and chains among members of their
	// circles: nobody sees who owes whom in circles they are not in.
	var debts []ledger.Debt
	for _, d := range all {
		if circle[d.From] && circle[d.To] {
			debts = append(debts, d)
		}
	}
	plans := visiblePlans(global, circle)
	me := r.act.Actor

	// The cycles and chains of each plan, the member's first, and how many
	// of them the message has room for: the member's get the room first.
	views := make([]clearingView, len(plans))
	for i := range plans {
		views[i] = newClearingView(&plans[i], me)
	}
	allot(views, clearingShown, func(v *clearingView) (int, int, *int) { return v.myCycles, len(v.cycles), &v.shownCycles })
	allot(views, clearingShown, func(v *clearingView) (int, int, *int) { return v.myChains, len(v.chains), &v.shownChains })

	var sb strings.Builder
	sb.WriteString(text(r.lang, "clearing.header"))
	data := make([]map[string]any, 0, len(plans))
	clearable := false
	for i := range views {
		clearable = clearable || len(views[i].cycles)+len(views[i].chains) > 0
		data = append(data, views[i].data())
	}
	switch {
	case len(plans) == 0:
		sb.WriteString("\n\n" + text(r.lang, "clearing.no_commitments"))
	case !clearable:
		open := make([]string, len(plans))
		for i, p := range plans {
			open[i] = locale.Amount(r.lang, debtSum(p.Currency, p.Before))
		}
		sb.WriteString("\n\n" + text(r.lang, "clearing.nothing", len(debts), markdown(strings.Join(open, ", "))))
	default:
		sb.WriteString("\n\n" + text(r.lang, "clearing.proposal"))
		for i := range views {
			sb.WriteString("\n\n" + views[i].render(r.lang))
		}
	}
	answerDirect(ctx, b, r, message(sb.String(), "clearing", map[string]any{"plans": data}))
	return nil
}

// clearingView is the plan of one currency as one member sees it.
type clearingView struct {
	plan                     *ledger.ClearingPlan
	cycles                   []ledger.Cycle    // the member's first, else in the plan's order
	chains                   []ledger.ChainCut // likewise
	myCycles, myChains       int               // how many of them are the member's
	shownCycles, shownChains int               // how many the message lists
	me                       ledger.UserID
}

func newClearingView(p *ledger.ClearingPlan, me ledger.UserID) clearingView {
	v := clearingView{plan: p, me: me}
	for _, c := range p.Cycles {
		if slices.Contains(c.Members, me) {
			v.cycles = append(v.cycles, c)
		}
	}
	v.myCycles = len(v.cycles)
	for _, c := range p.Cycles {
		if !slices.Contains(c.Members, me) {
			v.cycles = append(v.cycles, c)
		}
	}
	for _, c := range p.Chains {
		if chainHas(c, me) {
			v.chains = append(v.chains, c)
		}
	}
	v.myChains = len(v.chains)
	for _, c := range p.Chains {
		if !chainHas(c, me) {
			v.chains = append(v.chains, c)
		}
	}
	return v
}

func chainHas(c ledger.ChainCut, u ledger.UserID) bool {
	return c.From == u || c.Via == u || c.To == u
}

// allot shares out room for budget items among views: first to each
// view's own items (mine of them), in order, then to the others. count
// gives a view's own and total items and where to write its share.
func allot(views []clearingView, budget int, count func(v *clearingView) (mine, all int, shown *int)) {
	for i := range views {
		mine, _, shown := count(&views[i])
		*shown = min(mine, budget)
		budget -= *shown
	}
	for i := range views {
		_, all, shown := count(&views[i])
		extra := min(all-*shown, budget)
		*shown += extra
		budget -= extra
	}
}

// render is the section of one currency: the totals, then the cycles and
// the chains it has room for.
func (v *clearingView) render(l ledger.Lang) string {
	p := v.plan
	before, after := debtSum(p.Currency, p.Before), debtSum(p.Currency, p.After)
	if len(v.cycles)+len(v.chains) == 0 {
		return text(l, "clearing.currency_none", string(p.Currency), before)
	}
	lines := []string{text(l, "clearing.currency", string(p.Currency), before, after, p.Removed)}
	if len(v.cycles) > 0 {
		lines = append(lines, "", text(l, "clearing.cycles", len(v.cycles)))
		for i, c := range v.cycles[:v.shownCycles] {
			ring := append(slices.Clone(c.Members), c.Members[0])
			lines = append(lines, "- "+arrows(ring)+": "+text(l, "clearing.cycle_reduce", c.Reduce)+yours(l, i < v.myCycles)+
				" · `"+c.ID()+"`")
		}
		if more := len(v.cycles) - v.shownCycles; more > 0 {
			lines = append(lines, "", text(l, "clearing.more", more))
		}
	}
	if len(v.chains) > 0 {
		lines = append(lines, "", text(l, "clearing.chains", len(v.chains)))
		for i, c := range v.chains[:v.shownChains] {
			lines = append(lines, "- "+text(l, "clearing.chain", markdown(arrows([]ledger.UserID{c.From, c.Via, c.To})),
				markdown(arrows([]ledger.UserID{c.From, c.To})), c.Amount)+yours(l, i < v.myChains)+chainID(c))
		}
		if more := len(v.chains) - v.shownChains; more > 0 {
			lines = append(lines, "", text(l, "clearing.more", more))
		}
	}
	return strings.Join(lines, "\n")
}

// data is the machine-readable form of the plan: its totals, and the
// cycles and chains the message lists, with how many there are in all.
func (v *clearingView) data() map[string]any {
	p := v.plan
	cycles := make([]map[string]any, v.shownCycles)
	for i, c := range v.cycles[:v.shownCycles] {
		cycles[i] = map[string]any{"id": c.ID(), "members": c.Members, "debts": c.Debts, "reduce": amountData(c.Reduce), "yours": i < v.myCycles}
	}
	chains := make([]map[string]any, v.shownChains)
	for i, c := range v.chains[:v.shownChains] {
		chains[i] = map[string]any{"from": c.From, "via": c.Via, "to": c.To, "amount": amountData(c.Amount),
			"debts": c.Debts, "yours": i < v.myChains, "agreeable": c.Agreeable}
		if c.Agreeable {
			chains[i]["id"] = c.ID()
		}
	}
	return map[string]any{
		"currency": p.Currency, "cycles": cycles, "chains": chains,
		"cycles_total": len(v.cycles), "chains_total": len(v.chains),
		"before": amountData(debtSum(p.Currency, p.Before)), "after": amountData(debtSum(p.Currency, p.After)),
		"removed": amountData(p.Removed),
	}
}

// arrows renders members as mentions joined by arrows.
func arrows(us []ledger.UserID) string {
	parts := make([]string, len(us))
	for i, u := range us {
		parts[i] = pill(id.UserID(u))
	}
	return strings.Join(parts, " → ")
}

func yours(l ledger.Lang, mine bool) string {
	if !mine {
		return ""
	}
	return " " + text(l, "clearing.yours")
}

// debtSum adds up debts of one currency.
func debtSum(c ledger.Currency, ds []ledger.Debt) ledger.Amount {
	sum := ledger.Amount{Currency: c}
	for _, d := range ds {
		sum.Minor += d.Amount.Minor
	}
	return sum
}

// circleMates are the members of every circle u is in, u included.
func circleMates(ctx context.Context, b *Bot, u ledger.UserID) (map[ledger.UserID]bool, error) {
	mates := map[ledger.UserID]bool{u: true}
	circles, err := b.ledger.Circles.Of(ctx, u)
	if err != nil {
		return nil, err
	}
	for _, c := range circles {
		members, err := b.ledger.Circles.Members(ctx, c)
		if err != nil {
			return nil, err
		}
		for _, m := range members {
			mates[m] = true
		}
	}
	return mates, nil
}

// openDebts are every open commitment (promised, not yet sent) as debts.
func openDebts(ctx context.Context, b *Bot) ([]ledger.Debt, error) {
	var debts []ledger.Debt
	err := b.ledger.Aid.View(ctx, func(bk *ledger.Book) error {
		for _, p := range bk.AllPromises() {
			if p.State == ledger.PromiseCommitment {
				debts = append(debts, ledger.Debt{ID: p.ID, From: p.Giver, To: p.Beneficiary, Amount: p.Unsent()}) // a part sent is not owed
			}
		}
		return nil
	})
	return debts, err
}

// visiblePlans keeps, of each plan, the debts, cycles and chains whose
// members are all among mates; the totals are those of what is kept.
func visiblePlans(plans []ledger.ClearingPlan, mates map[ledger.UserID]bool) []ledger.ClearingPlan {
	var out []ledger.ClearingPlan
	for _, p := range plans {
		v := ledger.ClearingPlan{Currency: p.Currency, Removed: ledger.Amount{Currency: p.Currency}}
		for _, d := range p.Before {
			if mates[d.From] && mates[d.To] {
				v.Before = append(v.Before, d)
			}
		}
		for _, c := range p.Cycles {
			if allIn(c.Members, mates) {
				v.Cycles = append(v.Cycles, c)
				v.Removed.Minor += c.Reduce.Minor * int64(len(c.Members))
			}
		}
		for _, c := range p.Chains {
			if allIn([]ledger.UserID{c.From, c.Via, c.To}, mates) {
				v.Chains = append(v.Chains, c)
				v.Removed.Minor += c.Amount.Minor
			}
		}
		after := debtSum(p.Currency, v.Before)
		after.Minor -= v.Removed.Minor
		v.After = []ledger.Debt{{Amount: after}}
		if len(v.Before) > 0 {
			out = append(out, v)
		}
	}
	return out
}

func allIn(us []ledger.UserID, set map[ledger.UserID]bool) bool {
	for _, u := range us {
		if !set[u] {
			return false
		}
	}
	return true
}

// agreeClearing records the member's agreement to clear the cycle, or to
// shorten the chain, named by its ID; the last agreement needed applies it.
func agreeClearing(ctx context.Context, b *Bot, r *request, plans []ledger.ClearingPlan) error {
	want := strings.ToUpper(r.cmd.Text)
	for i := range plans {
		for j := range plans[i].Cycles {
			if plans[i].Cycles[j].ID() == want {
				return agreeCycle(ctx, b, r, &plans[i].Cycles[j])
			}
		}
		for j := range plans[i].Chains {
			if c := &plans[i].Chains[j]; c.Agreeable && c.ID() == want {
				return agreeChain(ctx, b, r, c)
			}
		}
	}
	return ledger.Errorf(ledger.ENotFound, "clearing.stale")
}

// agreeCycle records the member's agreement to clear cycle; the last
// agreement needed clears it. The others in the cycle are told.
func agreeCycle(ctx context.Context, b *Bot, r *request, cycle *ledger.Cycle) error {
	out, agreed, err := recordAgreement(ctx, b, r, func(op *ledger.Op) { op.Cycle = cycle })
	if err != nil {
		return err
	}
	if out.Cleared {
		b.replyText(ctx, r, "clearing.applied", out.Clearing, cycle.Reduce)
	} else {
		b.replyText(ctx, r, "clearing.agreed", out.Clearing, len(agreed), len(cycle.Members))
	}
	for _, m := range cycle.Members {
		switch {
		case m == r.act.Actor:
		case out.Cleared:
			notices{b}.tell(ctx, m, ledger.NoticeClosed, "clearing.applied_told", out.Clearing, cycle.Reduce)
		default:
			notices{b}.prompt(ctx, m, ledger.NoticeReminder, "clearing.agreed_told", r.act.Actor, out.Clearing, len(agreed), len(cycle.Members))
		}
	}
	notices{b}.after(ctx, out)
	return nil
}
