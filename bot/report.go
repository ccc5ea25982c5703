package bot

import (
	"context"
	"strings"

	"github.com/exodus-matrix/exodus/ledger"
)

// cmdReport answers the monthly report (report [YYYY-MM]): in a circle's
// room, the circle's, answered there where its members all are; else, in
// the direct chat, the asker's own.
func cmdReport(ctx context.Context, b *Bot, r *request) error {
	if r.circle != nil && !r.direct {
		rep, err := b.ledger.CircleReport(ctx, r.act.Actor, r.circle.ID, r.cmd.Month)
		if err != nil {
			return err
		}
		md := circleReportText(r.lang, r.circle.Name, rep)
		b.reply(ctx, r, message(md, "report", reportData(rep)))
		return nil
	}
	rep, err := b.ledger.MemberReport(ctx, r.act.Actor, r.act.Actor, r.cmd.Month)
	if err != nil {
		return err
	}
	answerDirect(ctx, b, r, message(memberReportText(r.lang, rep), "report", reportData(rep)))
	return nil
}

// memberReportText renders a member's report in language l.
func memberReportText(l ledger.Lang, rep *ledger.Report) string {
	return strings.Join([]string{
		text(l, "report.member", rep.Month),
		reportLine(l, "report.given", &rep.Given),
		reportLine(l, "report.received", &rep.Received),
		text(l, "report.note"),
	}, "\n\n")
}

// circleReportText renders a circle's report, with a line per member who
// gave or received, in language l.
func circleReportText(l ledger.Lang, name string, rep *ledger.Report) string {
	lines := []string{text(l, "report.circle", rep.Month, name), reportLine(l, "report.total", &rep.Given)}
	for _, row := range rep.Rows {
		if row.Given.Commitments == 0 && row.Received.Commitments == 0 {
			continue
		}
		lines = append(lines, text(l, "report.row", row.Member,
			markdown(valuesText(l, &row.Given)), row.Given.Confirmed, row.Given.Overdue,
			markdown(valuesText(l, &row.Received)), row.Received.Confirmed, row.Received.Overdue))
	}
	return strings.Join(append(lines, text(l, "report.note")), "\n\n")
}

// reportLine renders one set of figures under the key's wording: how many
// commitments, fulfilled, overdue, and their value.
func reportLine(l ledger.Lang, key string, h *ledger.Health) string {
	if h.Commitments == 0 {
		return text(l, key+"_none")
	}
	return text(l, key, h.Commitments, h.Confirmed, h.Overdue, markdown(valuesText(l, h)))
}

// valuesText is what was confirmed of what was committed, by currency.
func valuesText(l ledger.Lang, h *ledger.Health) string {
	if len(h.Values) == 0 {
		return "—"
	}
	parts := make([]string, len(h.Values))
	for i, v := range h.Values {
		parts[i] = text(l, "report.value", v.Confirmed, v.Committed)
	}
	return strings.Join(parts, ", ")
}

// reportData is the machine-readable part of a report.
func reportData(rep *ledger.Report) map[string]any {
	d := map[string]any{"month": rep.Month, "given": figuresData(&rep.Given), "received": figuresData(&rep.Received)}
	if rep.Circle != "" {
		d["circle"] = rep.Circle
	} else {
		d["member"] = rep.Member
	}
	return d
}

// figuresData are one set of a report's figures, amounts as typed.
func figuresData(h *ledger.Health) map[string]any {
	vs := make([]map[string]string, len(h.Values))
	for i, v := range h.Values {
		vs[i] = map[string]string{"committed": v.Committed.String(), "confirmed": v.Confirmed.String()}
	}
	return map[string]any{"commitments": h.Commitments, "fulfilled": h.Confirmed, "overdue": h.Overdue, "values": vs}
}
