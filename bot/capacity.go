package bot

import (
	"context"
	"strings"

	"github.com/exodus-matrix/exodus/ledger"
)

// cmdCapacity answers with what can reach the member through the trust
// network: per currency of their pool, the most help (ledger.Capacity)
// and the largest paths that carry it.
func cmdCapacity(ctx context.Context, b *Bot, r *request) error {
	cs, err := b.ledger.Capacity(ctx, r.act.Actor)
	if err != nil {
		return err
	}
	b.reply(ctx, r, message(capacityText(r.lang, cs), "capacity", map[string]any{"capacity": cs}))
	return nil
}

// capacityText renders capacities: the figure of each currency, its
// largest paths (the member last, as "you") and how many more there are,
// then what the figure means.
func capacityText(l ledger.Lang, cs []ledger.Capacity) string {
	var sb strings.Builder
	for _, c := range cs {
		if c.Value.Minor == 0 {
			continue
		}
		if sb.Len() > 0 {
			sb.WriteString("\n\n")
		}
		sb.WriteString(text(l, "capacity.result", c.Value))
		if len(c.Paths) > 0 {
			sb.WriteString("\n\n" + text(l, "capacity.paths") + "\n")
		}
		for _, p := range c.Paths {
			sb.WriteString("\n- " + text(l, "capacity.path", p.Amount, markdown(capacityChain(l, p.Members))))
		}
		if more := c.PathCount - len(c.Paths); more > 0 {
			sb.WriteString("\n\n" + text(l, "capacity.more", more))
		}
	}
	if sb.Len() == 0 {
		return text(l, "capacity.none") + "\n\n" + text(l, "capacity.model")
	}
	return sb.String() + "\n\n" + text(l, "capacity.model")
}

// capacityChain renders a path's members as mentions joined by arrows, the
// last (the member who asked) as "you".
func capacityChain(l ledger.Lang, ms []ledger.UserID) string {
	if len(ms) == 0 {
		return ""
	}
	return strings.ReplaceAll(pills(ms[:len(ms)-1]), ", ", " → ") + " → " + text(l, "capacity.you")
}
