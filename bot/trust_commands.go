package bot

import (
	"context"
	"strconv"
	"strings"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/locale"
)

// maxListed bounds how many names one list reply shows per section.
const maxListed = 50

func cmdInvite(ctx context.Context, b *Bot, r *request) error {
	if r.cmd.User == "" {
		return inviteCode(ctx, b, r)
	}
	if err := needCircle(b, r); err != nil {
		return err
	}
	inv, err := b.ledger.Trust.Invite(ctx, r.act, r.circle.ID, r.cmd.User)
	if err != nil {
		return err
	}
	readmit(ctx, b, r.evt.RoomID, r.act.Actor, r.cmd.User) // invited again by an owner or a co-owner
	invitee := id.UserID(inv.Invitee)
	md := text(r.circle.Lang, "invite.card", inv.Inviter, inv.Invitee, inv.Pledge, b.cfg.Prefix)
	b.enqueue(ctx, outgoing{room: r.evt.RoomID, typ: event.EventMessage, cause: r.evt.ID,
		content: ask(invitee, md, "invitation", invitationData(inv)), then: &afterSend{Invitation: inv.ID}})
	_, err = b.cli.InviteUser(ctx, r.evt.RoomID, &mautrix.ReqInviteUser{UserID: invitee})
	if err != nil {
		zerolog.Ctx(ctx).Info().Err(err).Msg("Could not invite the invitee into the room (maybe already there)")
	}
	return nil
}

func invitationData(inv *ledger.Invitation) map[string]any {
	return map[string]any{
		"id": inv.ID, "circle": inv.Circle, "inviter": inv.Inviter, "invitee": inv.Invitee,
		"pledge_minor": inv.Pledge.Minor, "currency": inv.Pledge.Currency,
		"status": inv.Status, "expires_at": inv.ExpiresAt.UnixMilli(),
	}
}

// inviteCode gives the member a one-time code, always in the direct chat.
func inviteCode(ctx context.Context, b *Bot, r *request) error {
	var circle ledger.CircleID
	if r.circle != nil {
		circle = r.circle.ID
	}
	inv, err := b.ledger.Trust.CreateCode(ctx, r.act, circle)
	if err != nil {
		return err
	}
	md := text(r.lang, "invite.code", inv.Code, markdown(locale.DateTime(r.lang, inv.ExpiresAt, b.zoneOf(ctx, r.act.Actor))), b.cfg.UserID)
	content := message(md, "invitation_code", map[string]any{"code": inv.Code, "expires_at": inv.ExpiresAt.UnixMilli()})
	if r.direct {
		b.reply(ctx, r, content)
		return nil
	}
	b.sendDirect(ctx, r.evt.Sender, content)
	b.replyText(ctx, r, "invite.code_sent", r.evt.Sender)
	return nil
}

func cmdAccept(ctx context.Context, b *Bot, r *request) error {
	var acc *ledger.Acceptance
	var err error
	content := r.evt.Content.AsMessage()
	switch {
	case r.cmd.Code != "":
		acc, err = b.ledger.Trust.AcceptCode(ctx, r.act, r.cmd.Code)
	case content.RelatesTo.GetReplyTo() != "":
		acc, err = b.ledger.Trust.AcceptCard(ctx, r.act, ledger.EventID(content.RelatesTo.GetReplyTo()))
		if ledger.ErrorCode(err) == ledger.ENotFound {
			acc, err = b.ledger.Trust.AcceptPending(ctx, r.act, circleID(r))
		}
	default:
		acc, err = b.ledger.Trust.AcceptPending(ctx, r.act, circleID(r))
	}
	if err != nil {
		return err
	}
	announceAcceptance(ctx, b, r.evt, acc, r.lang)
	return nil
}

// circleID is the circle of the request, or "" outside circles.
func circleID(r *request) ledger.CircleID {
	if r.circle == nil {
		return ""
	}
	return r.circle.ID
}

// announceAcceptance tells both sides that a guarantee was made: in the
// circle room when the acceptance happened there, else in direct chats (and
// the invitee is invited into the circle the code belongs to). The answer is
// a reply to the accepting command; cause is the event that accepted.
func announceAcceptance(ctx context.Context, b *Bot, cause *event.Event, acc *ledger.Acceptance, lang ledger.Lang) {
	room := cause.RoomID
	var replyEvt *event.Event
	if cause.Type == event.EventMessage {
		replyEvt = cause
	}
	inv := acc.Invitation
	tl, err := b.ledger.Trust.TrustSizeOf(ctx, inv.Invitee)
	if err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Msg("Failed to compute a trust list")
	}
	data := map[string]any{"invitation": invitationData(inv), "new": acc.New}
	key := "accept.done"
	if !acc.New {
		key = "accept.again"
	}
	if ledger.RoomID(room) == ledger.RoomID(inv.Circle) {
		if c, err := b.ledger.Circles.Get(ctx, inv.Circle); err == nil {
			lang = c.Lang
		}
		b.send(ctx, room, replyTo(message(text(lang, key, inv.Invitee, inv.Inviter, inv.Pledge, tl.Count()), "guarantee", data), replyEvt))
		return
	}
	b.send(ctx, room, replyTo(message(text(lang, key, inv.Invitee, inv.Inviter, inv.Pledge, tl.Count()), "guarantee", data), replyEvt))
	il := b.ledger.Members.LangOf(ctx, inv.Inviter)
	b.sendDirect(ctx, id.UserID(inv.Inviter), message(text(il, "accept.told", inv.Invitee, inv.Pledge), "guarantee", data))
	if inv.Circle == "" {
		return
	}
	c, err := b.ledger.Circles.Get(ctx, inv.Circle)
	if err != nil {
		return
	}
	if _, err := b.cli.InviteUser(ctx, id.RoomID(c.ID), &mautrix.ReqInviteUser{UserID: id.UserID(inv.Invitee)}); err == nil {
		b.send(ctx, room, notice(lang, "accept.joined", c.Name))
	}
}

func cmdDecline(ctx context.Context, b *Bot, r *request) error {
	inv, err := b.ledger.Trust.Decline(ctx, r.act, circleID(r))
	if err != nil {
		return err
	}
	b.reply(ctx, r, message(text(r.lang, "decline.done", inv.Invitee, inv.Inviter), "invitation", invitationData(inv)))
	return nil
}

func cmdList(ctx context.Context, b *Bot, r *request) error {
	tl, size, err := b.ledger.Trust.TrustListHeadOf(ctx, ledger.UserID(r.evt.Sender), maxListed*4)
	if err != nil {
		return err
	}
	data := map[string]any{"count": size.Count(), "direct": tl.Direct, "indirect": tl.Indirect}
	if size.Count() == 0 {
		b.reply(ctx, r, message(text(r.lang, "list.empty", b.cfg.Prefix), "trust_list", data))
		return nil
	}
	var sb strings.Builder
	sb.WriteString(text(r.lang, "list.header", size.Count(), size.Direct, size.Indirect) + "\n\n")
	writeSection(&sb, r.lang, "list.direct", tl.Direct, size.Direct)
	writeSection(&sb, r.lang, "list.indirect", tl.Indirect, size.Indirect)
	b.reply(ctx, r, message(sb.String(), "trust_list", data))
	return nil
}

// writeSection writes the first maxListed of us, the head of a part of a
// trust list of total members, and how many more there are.
func writeSection(sb *strings.Builder, l ledger.Lang, key string, us []ledger.UserID, total int) {
	if total == 0 {
		return
	}
	sb.WriteString(text(l, key, total) + "\n\n")
	for _, u := range us[:min(len(us), maxListed)] {
		sb.WriteString("- " + pill(id.UserID(u)) + "\n")
	}
	if total > maxListed {
		sb.WriteString("\n" + text(l, "list.more", total-maxListed) + "\n")
	}
	sb.WriteString("\n")
}

func cmdChain(ctx context.Context, b *Bot, r *request) error {
	chain, err := b.ledger.Trust.Chain(ctx, ledger.UserID(r.evt.Sender), r.cmd.User)
	if err != nil {
		return err
	}
	md := text(r.lang, "chain.result", r.cmd.User, len(chain)-1, markdown(strings.ReplaceAll(pills(chain), ", ", " → ")))
	b.reply(ctx, r, message(md, "chain", map[string]any{"chain": chain}))
	return nil
}

func cmdPool(ctx context.Context, b *Bot, r *request) error {
	rep, err := b.ledger.Trust.Pool(ctx, r.act)
	if err != nil {
		return err
	}
	md := text(r.lang, "pool.result", markdown(amounts(r.lang, rep.Current)), rep.Count)
	if rep.Previous == nil {
		md += "\n\n" + text(r.lang, "pool.first")
	} else {
		md += "\n\n" + text(r.lang, "pool.change", markdown(locale.DateTime(r.lang, rep.PrevAt, b.zoneOf(ctx, r.act.Actor))), markdown(amounts(r.lang, rep.Previous)),
			rep.PrevCount, markdown(signedDiff(r.lang, rep.Current, rep.Previous)), signed(int64(rep.Count-rep.PrevCount)))
	}
	data := map[string]any{"count": rep.Count, "pool": rep.Current, "previous": rep.Previous, "previous_count": rep.PrevCount}
	b.reply(ctx, r, message(md, "pool", data))
	return nil
}

func cmdBlock(ctx context.Context, b *Bot, r *request) error {
	res, err := b.ledger.Trust.Block(ctx, r.act, r.cmd.User)
	if err != nil {
		return err
	}
	key := "block.done_noedge"
	if res.HadGuarantee {
		key = "block.done"
	}
	b.reply(ctx, r, message(text(r.lang, key, r.cmd.User), "block", map[string]any{"blocked": r.cmd.User}))
	if res.HadGuarantee {
		tellConnected(ctx, b, res.Tell, "block.told", r.evt.Sender, r.cmd.User)
	}
	return nil
}

func cmdUnblock(ctx context.Context, b *Bot, r *request) error {
	res, err := b.ledger.Trust.Unblock(ctx, r.act, r.cmd.User)
	if err != nil {
		return err
	}
	key := "unblock.done"
	if res.HadGuarantee {
		key = "unblock.restored"
	}
	b.reply(ctx, r, message(text(r.lang, key, r.cmd.User), "unblock", map[string]any{"unblocked": r.cmd.User}))
	if res.HadGuarantee {
		tellConnected(ctx, b, res.Tell, "unblock.told", r.evt.Sender, r.cmd.User)
	}
	return nil
}

// tellConnected tells each directly connected member, in their direct chat
// and language, that actor changed their guarantee with target.
func tellConnected(ctx context.Context, b *Bot, to []ledger.UserID, key string, actor id.UserID, target ledger.UserID) {
	for _, u := range to {
		if id.UserID(u) == actor {
			continue
		}
		l := b.ledger.Members.LangOf(ctx, u)
		b.sendDirect(ctx, id.UserID(u), message(text(l, key, actor, target), key, map[string]any{"actor": actor, "target": target}))
	}
}

func cmdSOS(ctx context.Context, b *Bot, r *request) error {
	tl, err := b.ledger.Trust.SOS(ctx, r.act)
	if err != nil {
		return err
	}
	reached, rooms := broadcast(ctx, b, r, tl)
	b.replyText(ctx, r, "sos.sent", reached, rooms)
	return nil
}

// broadcast posts an sos in each of the sender's circles, and in the direct
// chats of trust-list members who share no circle with the sender.
func broadcast(ctx context.Context, b *Bot, r *request, tl ledger.TrustList) (reached, rooms int) {
	sender := ledger.UserID(r.evt.Sender)
	want := map[ledger.UserID]bool{}
	for _, u := range tl.All() {
		want[u] = true
	}
	circles, err := b.ledger.Circles.Of(ctx, sender)
	if err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Msg("Failed to list the sender's circles")
	}
	data := map[string]any{"from": sender, "text": r.cmd.Text}
	for _, c := range circles {
		members, err := b.ledger.Circles.Members(ctx, c)
		if err != nil {
			continue
		}
		lang := r.lang
		if circle, err := b.ledger.Circles.Get(ctx, c); err == nil {
			lang = circle.Lang
		}
		if b.send(ctx, id.RoomID(c), ask("", text(lang, "sos.message", sender, r.cmd.Text), "sos", data)) {
			rooms++
			for _, m := range members {
				if want[m] {
					delete(want, m)
					reached++
				}
			}
		}
	}
	for _, u := range tl.All() {
		if !want[u] {
			continue
		}
		m, err := b.ledger.Members.Member(ctx, u)
		if err != nil || m.DirectRoom == "" {
			continue
		}
		l := b.ledger.Members.LangOf(ctx, u)
		if b.send(ctx, id.RoomID(m.DirectRoom), ask(id.UserID(u), text(l, "sos.message", sender, r.cmd.Text), "sos", data)) {
			reached++
			rooms++
		}
	}
	return reached, rooms
}

// amounts renders a list of amounts ("100 EUR + 50 USD"), or "nothing".
func amounts(l ledger.Lang, as []ledger.Amount) string {
	if len(as) == 0 {
		return text(l, "pool.none")
	}
	parts := make([]string, len(as))
	for i, a := range as {
		parts[i] = locale.Amount(l, a)
	}
	return strings.Join(parts, " + ")
}

// signedDiff renders current − previous per currency, e.g. "+200 EUR".
func signedDiff(l ledger.Lang, cur, prev []ledger.Amount) string {
	diff := map[ledger.Currency]int64{}
	var order []ledger.Currency
	for _, a := range cur {
		diff[a.Currency] += a.Minor
		order = append(order, a.Currency)
	}
	for _, a := range prev {
		if _, ok := diff[a.Currency]; !ok {
			order = append(order, a.Currency)
		}
		diff[a.Currency] -= a.Minor
	}
	if len(order) == 0 {
		return "0"
	}
	parts := make([]string, 0, len(order))
	for _, c := range order {
		a := ledger.Amount{Minor: diff[c], Currency: c}
		if a.Minor >= 0 {
			parts = append(parts, "+"+locale.Amount(l, a))
		} else {
			parts = append(parts, locale.Amount(l, a))
		}
	}
	return strings.Join(parts, ", ")
}

// signed renders a count with its sign: "+3", "-1", "+0".
func signed(n int64) string {
	if n >= 0 {
		return "+" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}
