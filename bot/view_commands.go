package bot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"maunium.net/go/mautrix/event"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/locale"
)

// answerDirect answers a personal view in the member's direct chat; asked in
// a group room, it says where the answer went.
func answerDirect(ctx context.Context, b *Bot, r *request, content *event.Content) {
	if r.direct {
		b.reply(ctx, r, content)
		return
	}
	if b.sendDirect(ctx, r.evt.Sender, content) {
		b.replyText(ctx, r, "view.in_direct")
	}
}

// promiseView is one list of promises of an organizer view.
type promiseView struct {
	key   string // the section's heading
	match func(p *ledger.Promise) bool
}

// viewSections are the sections of each organizer view, and whether the
// view lists promises the member made (mine) or promises made to them.
var viewSections = map[ledger.Verb][]promiseView{
	ledger.VerbMy:      promiseSections,
	ledger.VerbToMe:    promiseSections,
	ledger.VerbPending: {{"view.awaiting", (*ledger.Promise).AwaitsConfirmation}},
}

// promiseSections are the sections of my and tome, by state.
var promiseSections = []promiseView{
	{"view.intentions", stateIs(ledger.PromiseIntention)},
	{"view.set_aside", stateIs(ledger.PromiseSetAside)},
	{"view.commitments", stateIs(ledger.PromiseCommitment)},
	{"view.sent", stateIs(ledger.PromiseSent)},
	{"view.fulfilled", stateIs(ledger.PromiseFulfilled)},
}

func stateIs(s ledger.PromiseState) func(*ledger.Promise) bool {
	return func(p *ledger.Promise) bool { return p.State == s }
}

// cmdView answers my, tome and pending.
func cmdView(ctx context.Context, b *Bot, r *request) error {
	var ps []*ledger.Promise
	err := b.ledger.Aid.View(ctx, func(bk *ledger.Book) error {
		if r.cmd.Verb == ledger.VerbMy {
			ps = bk.PromisesBy(r.act.Actor)
		} else {
			ps = bk.PromisesTo(r.act.Actor)
		}
		return nil
	})
	if err != nil {
		return err
	}
	mine := r.cmd.Verb == ledger.VerbMy
	var sb strings.Builder
	sb.WriteString(text(r.lang, "view."+string(r.cmd.Verb)))
	var shown []*ledger.Promise
	for _, sec := range viewSections[r.cmd.Verb] {
		var list []*ledger.Promise
		for _, p := range ps {
			if sec.match(p) {
				list = append(list, p)
			}
		}
		if len(list) == 0 {
			continue
		}
		shown = append(shown, list...)
		sb.WriteString("\n\n" + text(r.lang, sec.key, len(list), sums(r.lang, list)) + "\n" + promiseList(r.lang, b.zoneOf(ctx, r.act.Actor), list, mine))
	}
	if len(shown) == 0 {
		sb.WriteString("\n\n" + text(r.lang, "view.empty"))
	}
	answerDirect(ctx, b, r, message(sb.String(), "view", map[string]any{"view": r.cmd.Verb, "promises": promisesData(shown)}))
	return nil
}

// cmdArchive answers archive (fulfilled, forgiven) and overdue (commitments
// still open whose need is no longer open or whose deadline passed), both
// ways.
func cmdArchive(ctx context.Context, b *Bot, r *request) error {
	var given, received []*ledger.Promise
	err := b.ledger.Aid.View(ctx, func(bk *ledger.Book) error {
		keep := func(p *ledger.Promise) bool {
			if r.cmd.Verb == ledger.VerbArchive {
				return p.State == ledger.PromiseFulfilled || p.State == ledger.PromiseForgiven
			}
			n, _ := bk.Need(p.Need)
			return p.State.Open() && (p.Overdue || n == nil || (n.State != ledger.NeedOpen && n.State != ledger.NeedSuspended) ||
				(!n.Deadline.IsZero() && b.ledger.Now().After(n.Deadline)))
		}
		given, received = filter(bk.PromisesBy(r.act.Actor), keep), filter(bk.PromisesTo(r.act.Actor), keep)
		return nil
	})
	if err != nil {
		return err
	}
	var sb strings.Builder
	sb.WriteString(text(r.lang, "view."+string(r.cmd.Verb)))
	byKey, toKey := "view.given", "view.received"
	if r.cmd.Verb == ledger.VerbOverdue {
		byKey, toKey = "view.owed_by", "view.owed_to"
	}
	if len(given) > 0 {
		sb.WriteString("\n\n" + text(r.lang, byKey, len(given), sums(r.lang, given)) + "\n" + promiseList(r.lang, b.zoneOf(ctx, r.act.Actor), given, true))
	}
	if len(received) > 0 {
		sb.WriteString("\n\n" + text(r.lang, toKey, len(received), sums(r.lang, received)) + "\n" + promiseList(r.lang, b.zoneOf(ctx, r.act.Actor), received, false))
	}
	if len(given)+len(received) == 0 {
		sb.WriteString("\n\n" + text(r.lang, "view.empty"))
	}
	all := append(append([]*ledger.Promise(nil), given...), received...)
	answerDirect(ctx, b, r, message(sb.String(), "view", map[string]any{"view": r.cmd.Verb, "promises": promisesData(all)}))
	return nil
}

func filter(ps []*ledger.Promise, keep func(*ledger.Promise) bool) []*ledger.Promise {
	var out []*ledger.Promise
	for _, p := range ps {
		if keep(p) {
			out = append(out, p)
		}
	}
	return out
}

// promiseList renders promises one per line: the amount and the other side.
func promiseList(l ledger.Lang, loc *time.Location, ps []*ledger.Promise, mine bool) string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		other, arrow := p.Beneficiary, "→"
		if !mine {
			other, arrow = p.Giver, "←"
		}
		lines[i] = fmt.Sprintf("- %s %s %s %s (%s)", promiseIcon(p.State), locale.Amount(l, p.Amount), arrow, pill(idOf(other)), locale.Date(l, p.CreatedAt.In(loc)))
	}
	return strings.Join(lines, "\n")
}

func promisesData(ps []*ledger.Promise) []map[string]any {
	out := make([]map[string]any, len(ps))
	for i, p := range ps {
		out[i] = promiseData(p)
	}
	return out
}

func cmdNetwork(ctx context.Context, b *Bot, r *request) error {
	var nw ledger.Network
	err := b.ledger.Aid.View(ctx, func(bk *ledger.Book) error {
		nw = bk.NetworkOf(r.act.Actor)
		return nil
	})
	if err != nil {
		return err
	}
	md := text(r.lang, "network.header") + "\n\n" +
		text(r.lang, "network.helps_me", len(nw.HelpsMe), orNone(r.lang, nw.HelpsMe)) + "\n\n" +
		text(r.lang, "network.i_help", len(nw.IHelp), orNone(r.lang, nw.IHelp)) + "\n\n" +
		text(r.lang, "network.co", len(nw.CoHelpers), orNone(r.lang, nw.CoHelpers))
	answerDirect(ctx, b, r, message(md, "network", map[string]any{
		"helps_me": nw.HelpsMe, "i_help": nw.IHelp, "co_helpers": nw.CoHelpers}))
	return nil
}

func orNone(l ledger.Lang, us []ledger.UserID) markdown {
	if len(us) == 0 {
		return markdown(text(l, "pool.none"))
	}
	return markdown(pills(us))
}

func cmdAbout(ctx context.Context, b *Bot, r *request) error {
	if r.cmd.Text != "" {
		if _, err := b.ledger.Members.SetAbout(ctx, r.act, r.cmd.Text); err != nil {
			return err
		}
		b.replyText(ctx, r, "about.done")
		return nil
	}
	prof, err := b.ledger.Members.Profile(ctx, r.act.Actor)
	if err != nil {
		return err
	}
	st, err := b.ledger.Aid.StatusOf(ctx, r.act.Actor)
	if err != nil {
		return err
	}
	var about any = prof.About // shown literally
	if prof.About == "" {
		about = markdown(text(r.lang, "about.none"))
	}
	md := text(r.lang, "profile", statusIcon(string(st.Status)), text(r.lang, "light."+string(st.Status)), about) +
		"\n\n" + requisiteList(r.lang, prof) + "\n\n" + text(r.lang, "profile.muted", markdown(mutedList(prof)))
	answerDirect(ctx, b, r, message(md, "profile", map[string]any{"status": st.Status, "about": prof.About}))
	return nil
}

func requisiteList(l ledger.Lang, p *ledger.Profile) string {
	if len(p.Requisites) == 0 {
		return text(l, "requisites.none")
	}
	lines := []string{text(l, "requisites.header")}
	for i, q := range p.Requisites {
		mark := ""
		if q.Default {
			mark = " " + text(l, "requisites.default_mark")
		}
		lines = append(lines, fmt.Sprintf("%d. %s%s", i+1, literal(q.Text), mark))
	}
	return strings.Join(lines, "\n")
}

func mutedList(p *ledger.Profile) string {
	if len(p.Muted) == 0 {
		return "—"
	}
	parts := make([]string, len(p.Muted))
	for i, k := range p.Muted {
		parts[i] = "`" + string(k) + "`"
	}
	return strings.Join(parts, ", ")
}

func cmdRequisites(ctx context.Context, b *Bot, r *request) error {
	var prof *ledger.Profile
	var err error
	switch r.cmd.Requisites {
	case ledger.RequisitesAdd:
		prof, err = b.ledger.Members.AddRequisite(ctx, r.act, r.cmd.Text)
	case ledger.RequisitesDefault:
		prof, err = b.ledger.Members.SetDefaultRequisite(ctx, r.act, r.cmd.Index)
	case ledger.RequisitesRemove:
		prof, err = b.ledger.Members.RemoveRequisite(ctx, r.act, r.cmd.Index)
	default:
		prof, err = b.ledger.Members.Profile(ctx, r.act.Actor)
	}
	if err != nil {
		return err
	}
	answerDirect(ctx, b, r, message(requisiteList(r.lang, prof)+"\n\n"+text(r.lang, "requisites.howto", b.cfg.Prefix), "requisites", nil))
	return nil
}

func cmdMute(ctx context.Context, b *Bot, r *request) error {
	if r.cmd.Notice == "" {
		prof, err := b.ledger.Members.Profile(ctx, r.act.Actor)
		if err != nil {
			return err
		}
		kinds := make([]string, len(ledger.NoticeKinds))
		for i, k := range ledger.NoticeKinds {
			kinds[i] = "`" + string(k) + "`"
		}
		b.replyText(ctx, r, "mute.list", markdown(strings.Join(kinds, ", ")), markdown(mutedList(prof)))
		return nil
	}
	muted := r.cmd.Verb == ledger.VerbMute
	if _, err := b.ledger.Members.SetMuted(ctx, r.act, r.cmd.Notice, muted); err != nil {
		return err
	}
	key := "unmute.done"
	if muted {
		key = "mute.done"
	}
	b.replyText(ctx, r, key, string(r.cmd.Notice))
	return nil
}
