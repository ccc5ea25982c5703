package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/ledger"
)

// WidgetStateType is the state event Element reads a room's widgets from
// (the widget's ID is the state key; an empty content removes it).
var WidgetStateType = event.Type{Type: "im.vector.modular.widgets", Class: event.StateEventType}

// WidgetID is the state key of the web organizer's widget: one per room,
// so asking again replaces it rather than adding a second one.
const WidgetID = "org.exodus.organizer"

// widgetState is the content of the widget state event, as Element reads
// it: a custom widget whose URL the client fills in ($matrix_room_id…).
type widgetState struct {
	Type              string         `json:"type,omitempty"`
	URL               string         `json:"url,omitempty"`
	Name              string         `json:"name,omitempty"`
	Data              map[string]any `json:"data,omitempty"`
	ID                string         `json:"id,omitempty"`
	CreatorUserID     string         `json:"creatorUserId,omitempty"`
	WaitForIframeLoad bool           `json:"waitForIframeLoad,omitempty"`
}

// WidgetURL is the address of the widget page under the web organizer at
// web, with the template variables the client replaces: the room, the
// member, the client's language and the widget's ID.
func WidgetURL(web string) string {
	return strings.TrimRight(web, "/") + "/widget?room=$matrix_room_id&user=$matrix_user_id" +
		"&lang=$org.matrix.msc2873.client_language&widgetId=$matrix_widget_id"
}

// cmdWidget adds the web organizer to the circle's room as a widget, or
// removes it (`widget off`). Only the circle's owner may: it changes the
// circle's room for everyone, as the circle's settings do.
func cmdWidget(ctx context.Context, b *Bot, r *request) error {
	if b.mode.rebuilding {
		return nil // room state, no part of the ledger: not replayed
	}
	if err := needCircle(b, r); err != nil {
		return err
	}
	if b.cfg.WebURL == "" {
		return ledger.Errorf(ledger.EConflict, "web.off")
	}
	if !b.cfg.Framed && !r.cmd.Off {
		return ledger.Errorf(ledger.EConflict, "widget.not_framed")
	}
	if err := mayManage(ctx, b, r); err != nil {
		return err
	}
	room := id.RoomID(r.circle.ID)
	var cur widgetState
	_ = b.cli.StateEvent(ctx, room, WidgetStateType, WidgetID, &cur)
	want := newWidgetState(b)
	switch {
	case r.cmd.Off && cur.URL == "":
		b.replyText(ctx, r, "widget.none", b.cfg.Prefix)
		return nil
	case !r.cmd.Off && cur.URL == want.URL && cur.Type == want.Type:
		b.replyText(ctx, r, "widget.already")
		return nil
	}
	if need, have, ok := widgetPower(ctx, b, room); !ok {
		b.replyText(ctx, r, "widget.no_power", have, need)
		return nil
	}
	var content any = want
	if r.cmd.Off {
		content = struct{}{}
	}
	if _, err := b.cli.SendStateEvent(ctx, room, WidgetStateType, WidgetID, content); err != nil {
		if errors.Is(err, mautrix.MForbidden) {
			b.replyText(ctx, r, "widget.forbidden")
			return nil
		}
		return fmt.Errorf("failed to set the widget state event: %w", err)
	}
	if r.cmd.Off {
		b.replyText(ctx, r, "widget.removed", b.cfg.Prefix)
	} else {
		b.replyText(ctx, r, "widget.added", b.cfg.Prefix)
	}
	return nil
}

// newWidgetState is the widget of the web organizer the bot adds.
func newWidgetState(b *Bot) *widgetState {
	return &widgetState{Type: "m.custom", URL: WidgetURL(b.cfg.WebURL), Name: "Exodus",
		Data: map[string]any{"title": "Exodus"}, ID: WidgetID, CreatorUserID: b.cfg.UserID.String(),
		WaitForIframeLoad: true}
}

// widgetPower reports whether the bot's power level in room lets it set
// the widget state event, with the level needed and the bot's. Power
// levels that cannot be read leave it to the homeserver to refuse.
func widgetPower(ctx context.Context, b *Bot, room id.RoomID) (need, have int, ok bool) {
	var pl event.PowerLevelsEventContent
	if err := b.cli.StateEvent(ctx, room, event.StatePowerLevels, "", &pl); err != nil {
		return 0, 0, true
	}
	need, have = pl.GetEventLevel(WidgetStateType), pl.GetUserLevel(b.cfg.UserID)
	return need, have, have >= need
}

// mayManage refuses a widget change asked by anyone but the circle's owner
// or a co-owner: the widget is one of the circle's settings.
func mayManage(ctx context.Context, b *Bot, r *request) error {
	roles, err := b.ledger.Circles.Roles(ctx, r.circle.ID)
	if err != nil {
		return fmt.Errorf("failed to read the circle's roles: %w", err)
	}
	if !roles.Manages(r.act.Actor) {
		return ledger.Errorf(ledger.EForbidden, "widget.not_owner", r.circle.Owner)
	}
	return nil
}
