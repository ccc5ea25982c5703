package bot

import (
	"context"
	"encoding/json"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/ledger"
)

// idOf converts a ledger user to a Matrix user.
func idOf(u ledger.UserID) id.UserID { return id.UserID(u) }

// cards is the bot's role of keeping the cards up to date: the card of each
// need in its circles, and the notices about a promise sent to a member's
// direct chat that a reply or reaction acts on.
type cards struct{ b *Bot }

// needCard renders the current card of a need for a circle.
func (cd cards) needCard(ctx context.Context, v *ledger.NeedView, c *ledger.Circle) *event.Content {
	b := cd.b
	l, pledge := b.ledger.Config().DefaultLang, b.ledger.Config().DefaultPledge
	if c != nil {
		l, pledge = c.Lang, c.Pledge
	}
	if v.Need.Kind == ledger.NeedClaim {
		d := needData(v)
		d["reason"] = v.Need.Title
		return message(claimCardText(l, v), "claim", d)
	}
	if v.Need.Kind == ledger.NeedInitiative {
		d := needData(v)
		d["title"], d["backers"] = v.Need.Title, v.Totals.Givers
		return message(initiativeCardText(l, v, b.ledger.Now(), b.cfg.Prefix), "initiative", d)
	}
	return message(needCardText(l, v, pledge, b.cfg.Prefix), "need", needData(v))
}

// showNeeds posts the cards of needs that have none yet (in each circle of
// the owner) and edits the cards of the others, so every card shows the
// live figures. While rebuilding nothing is posted (mode.mayPostIn), so
// no card is read nor rendered.
func (cd cards) showNeeds(ctx context.Context, needs []*ledger.Need) {
	if cd.b.mode.rebuilding {
		return
	}
	for _, n := range needs {
		if err := cd.showNeed(ctx, n.ID); err != nil {
			zerolog.Ctx(ctx).Error().Err(err).Str("need", string(n.ID)).Msg("Failed to update need cards")
		}
	}
}

// showNeed brings the cards of one need up to date (showNeeds).
func (cd cards) showNeed(ctx context.Context, need ledger.NeedID) error {
	b := cd.b
	v, err := b.ledger.Aid.Need(ctx, need)
	if err != nil {
		return err
	}
	cards, err := b.ledger.Aid.CardsOf(ctx, need)
	if err != nil {
		return err
	}
	posted := map[ledger.CircleID]bool{}
	for _, c := range cards {
		if c.Kind != ledger.CardNeed {
			continue
		}
		posted[c.Circle] = true
		circle, _ := b.ledger.Circles.Get(ctx, c.Circle)
		cd.edit(ctx, id2room(c.Room), id.EventID(c.Event), cardKey(need, c.Circle), cd.needCard(ctx, v, circle))
	}
	if v.Need.State != ledger.NeedOpen && v.Need.State != ledger.NeedProposed {
		return nil
	}
	circles, err := b.ledger.Circles.Of(ctx, v.Need.Owner)
	if err != nil {
		return err
	}
	if v.Need.Kind == ledger.NeedInitiative || v.Need.Kind == ledger.NeedClaim { // posted in its own circle only
		circles = []ledger.CircleID{v.Need.Circle}
	}
	for _, cid := range circles {
		if posted[cid] {
			continue
		}
		circle, err := b.ledger.Circles.Get(ctx, cid)
		if err != nil {
			continue
		}
		// Posted once: until the card is sent, a newer text replaces the
		// pending one (same key), and once sent it is recorded.
		b.enqueue(ctx, outgoing{room: id.RoomID(cid), typ: event.EventMessage, content: cd.needCard(ctx, v, circle),
			key: cardKey(need, cid), then: &afterSend{Card: &ledger.Card{Kind: ledger.CardNeed, Circle: cid, Need: need}}})
	}
	return nil
}

// cardKey names a need's card in a circle in the outbox: its post and its
// edits, of which only the latest text is sent.
func cardKey(need ledger.NeedID, circle ledger.CircleID) string {
	return "card:" + string(need) + ":" + string(circle)
}

func id2room(r ledger.RoomID) id.RoomID { return id.RoomID(r) }

// edit replaces the message evt in room with content (an m.replace edit
// whose new content carries the machine-readable part too, made when it is
// sent); a newer edit with the same key replaces one not sent yet.
func (cd cards) edit(ctx context.Context, room id.RoomID, evt id.EventID, key string, content *event.Content) {
	b := cd.b
	if !(peers{b}).answers(ctx, room) {
		return // another bot's card: only its sender may edit it
	}
	b.enqueue(ctx, outgoing{room: room, typ: event.EventMessage, content: content, edits: evt, key: key})
}

// contentMap renders content as the JSON object it is sent as.
func contentMap(content *event.Content) (map[string]any, error) {
	data, err := json.Marshal(content)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	err = json.Unmarshal(data, &m)
	return m, err
}

// sendCard sends a notice about a promise to a member's direct chat and
// records it once sent, so a reply or reaction to it acts on that promise.
func (cd cards) sendCard(ctx context.Context, to ledger.UserID, kind ledger.CardKind, p *ledger.Promise, content *event.Content) {
	b := cd.b
	if (Clock{b}).speaksNot(ctx, to) {
		return // another bot tells this member what the clock did
	}
	b.enqueueDirect(ctx, idOf(to), outgoing{typ: event.EventMessage, content: content,
		then: &afterSend{Card: &ledger.Card{Kind: kind, Need: p.Need, Promise: p.ID}}})
}
