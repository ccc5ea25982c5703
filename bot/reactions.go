package bot

import (
	"context"
	"strings"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix/event"

	"github.com/exodus-matrix/exodus/ledger"
)

// acceptKeys are the reactions that accept an invitation card.
var acceptKeys = map[string]bool{"✅": true, "✔": true, "☑": true}

// normalizeKey strips emoji variation selectors, so "✔️" and "✔" are one key.
func normalizeKey(k string) string {
	return strings.TrimSpace(strings.ReplaceAll(k, "\ufe0f", ""))
}

// handleReaction turns a member's reaction on a bot card into a ledger call.
// Reactions on anything else, and keys that mean nothing, are ignored.
func (b *Bot) handleReaction(ctx context.Context, evt *event.Event) error {
	rel := evt.Content.AsReaction().RelatesTo
	if rel.Type != event.RelAnnotation || !acceptKeys[normalizeKey(rel.Key)] {
		return nil
	}
	acc, err := b.ledger.AcceptCard(ctx, action(evt), ledger.EventID(rel.EventID))
	if err != nil {
		if ledger.IsDuplicate(err) || ledger.AsError(err) != nil && ledger.AsError(err).Key == "invitation.not_found" {
			return nil
		}
		r := &request{evt: evt, act: action(evt), lang: b.ledger.LangOf(ctx, ledger.UserID(evt.Sender))}
		b.fail(ctx, r, err)
		if ledger.ErrorCode(err) == ledger.EInternal {
			return err
		}
		return nil
	}
	zerolog.Ctx(ctx).Info().Str("invitation", string(acc.Invitation.ID)).Msg("Invitation accepted by reaction")
	b.announceAcceptance(ctx, evt, acc, b.ledger.LangOf(ctx, ledger.UserID(evt.Sender)))
	return nil
}
