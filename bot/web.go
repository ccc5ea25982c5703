package bot

import (
	"context"
	"strings"
	"time"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/ledger/access"
	"github.com/exodus-matrix/exodus/locale"
)

// cmdWeb sends a one-time login link to the web organizer. The link goes
// to the member's direct chat whatever room they asked in: in a group room
// anyone could use it.
func cmdWeb(ctx context.Context, b *Bot, r *request) error {
	if b.mode.rebuilding {
		return nil // a secret is no part of the rooms' record: not replayed
	}
	if b.cfg.WebURL == "" {
		return ledger.Errorf(ledger.EConflict, "web.off")
	}
	secret, link, err := b.access.NewLoginLink(ctx, r.act)
	if err != nil {
		return err
	}
	url := strings.TrimRight(b.cfg.WebURL, "/") + "/login?t=" + secret
	mins := int(link.ExpiresAt.Sub(b.ledger.Now()).Round(time.Minute) / time.Minute)
	if mins <= 0 || mins > int(access.LoginLinkTTL/time.Minute) {
		mins = int(access.LoginLinkTTL / time.Minute)
	}
	// An autolink: bare, the secret's '_' and '-' could turn part of it
	// into emphasis in the HTML body, and the link shown would be wrong.
	content := message(text(r.lang, "web.link", markdown("<"+url+">"), mins), "web_link", nil)
	privately(ctx, b, r, content)
	return nil
}

// cmdToken lists, makes or revokes the member's API tokens. A new token's
// secret is shown once, in the direct chat.
func cmdToken(ctx context.Context, b *Bot, r *request) error {
	if b.mode.rebuilding {
		return nil // secrets are no part of the rooms' record: not replayed
	}
	switch r.cmd.TokenAction {
	case ledger.TokenNew:
		if b.cfg.WebURL == "" {
			return ledger.Errorf(ledger.EConflict, "web.off") // no API to use it with
		}
		secret, t, err := b.access.NewToken(ctx, r.act, r.cmd.Name, r.cmd.Scope)
		if err != nil {
			return err
		}
		api := strings.TrimRight(b.cfg.WebURL, "/") + "/api/v1"
		privately(ctx, b, r, message(text(r.lang, "token.created", t.Name, text(r.lang, "token.scope_"+string(t.Scope)), secret, api),
			"token", map[string]any{"name": t.Name, "scope": t.Scope}))
		return nil
	case ledger.TokenRevoke:
		if err := b.access.RevokeToken(ctx, r.act, r.cmd.Name); err != nil {
			return err
		}
		b.replyText(ctx, r, "token.revoked", r.cmd.Name)
		return nil
	}
	ts, err := b.access.Tokens(ctx, r.act.Actor)
	if err != nil {
		return err
	}
	if len(ts) == 0 {
		b.replyText(ctx, r, "token.none")
		return nil
	}
	var sb strings.Builder
	sb.WriteString(text(r.lang, "token.list"))
	for _, t := range ts {
		sb.WriteString("\n- " + literalCode(t.Name) + " — " + text(r.lang, "token.scope_"+string(t.Scope)) + ", " + locale.Date(r.lang, t.CreatedAt.In(b.zoneOf(ctx, r.act.Actor))))
	}
	b.reply(ctx, r, message(sb.String(), "tokens", nil))
	return nil
}

// privately answers in the direct chat: as a reply there, or, asked in a
// group room, by a message in the direct chat and a pointer to it here.
func privately(ctx context.Context, b *Bot, r *request, content *event.Content) {
	if r.direct {
		b.reply(ctx, r, content)
		return
	}
	if !b.sendDirect(ctx, id.UserID(r.act.Actor), content) {
		b.replyText(ctx, r, "error.internal")
		return
	}
	b.replyText(ctx, r, "web.sent_direct")
}
