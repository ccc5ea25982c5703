package bot

import (
	"context"
	"strings"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/locale"
)

// cmdHealth answers how reliably commitments are kept: with a member
// named, the commitments that member gave (answered in the direct chat);
// else in a circle's room, the circle's (answered there, where its
// members all are); else, in the direct chat, the asker's own.
func cmdHealth(ctx context.Context, b *Bot, r *request) error {
	if r.cmd.User == "" && r.circle != nil && !r.direct {
		h, err := b.ledger.CircleHealth(ctx, r.act.Actor, r.circle.ID)
		if err != nil {
			return err
		}
		md := healthText(r.lang, text(r.lang, "health.circle", r.circle.Name), h)
		b.reply(ctx, r, message(md, "health", healthData(h, map[string]any{"circle": r.circle.ID})))
		return nil
	}
	u := r.cmd.User
	if u == "" {
		u = r.act.Actor
	}
	h, err := b.ledger.MemberHealth(ctx, r.act.Actor, u)
	if err != nil {
		return err
	}
	md := healthText(r.lang, text(r.lang, "health.member", u), h)
	answerDirect(ctx, b, r, message(md, "health", healthData(h, map[string]any{"member": u})))
	return nil
}

// healthText renders the figures under a heading, in language l.
func healthText(l ledger.Lang, heading string, h *ledger.Health) string {
	lines := []string{heading}
	if h.Commitments == 0 {
		lines = append(lines, text(l, "health.none"))
	} else {
		lines = append(lines, text(l, "health.confirmed", h.Confirmed, h.Commitments, h.ConfirmedPercent()))
		for _, v := range h.Values {
			lines = append(lines, text(l, "health.value", v.Confirmed, v.Committed, markdown(locale.UnitIn(l, v.Committed.Currency)), v.Percent()))
		}
		lines = append(lines, text(l, "health.kickstarter"),
			text(l, "health.states", h.Sent, h.Open, h.Overdue, h.OverduePercent(), h.Forgiven))
		if h.Confirmed > 0 {
			lines = append(lines, text(l, "health.median", markdown(healthDuration(l, h.Median))))
		}
	}
	lines = append(lines, text(l, "health.month", markdown(amounts(l, h.Given)), markdown(amounts(l, h.Pledged))))
	if h.Released > 0 {
		lines = append(lines, text(l, "health.released", h.Released))
	}
	return strings.Join(lines, "\n\n")
}

// healthDuration is a time to fulfil: in days and hours from a day on,
// else as durationText.
func healthDuration(l ledger.Lang, d time.Duration) string {
	const day = 24 * time.Hour
	if d < day {
		return durationText(l, d)
	}
	days := int64(d / day)
	s := locale.Int(l, days) + " " + text(l, "health.day", days)
	if hours := (d % day) / time.Hour; hours > 0 {
		s += " " + durationText(l, hours*time.Hour)
	}
	return s
}

// healthData is the machine-readable part of the answer.
func healthData(h *ledger.Health, about map[string]any) map[string]any {
	about["commitments"], about["confirmed"], about["sent"] = h.Commitments, h.Confirmed, h.Sent
	about["open"], about["overdue"], about["forgiven"] = h.Open, h.Overdue, h.Forgiven
	about["confirmed_percent"], about["median_seconds"] = h.ConfirmedPercent(), int64(h.Median/time.Second)
	return about
}
