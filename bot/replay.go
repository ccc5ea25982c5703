package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/ledger"
)

// Replaying. The room is the record: a bot whose database was lost
// recomputes its ledger by replaying the history of every room it is in
// (package replica drives it), and a bot that joins a circle another bot
// has answered in for a while replays that room's history. Replayer is
// the bot's side of it: it hands each event of the history to the bot,
// silently, as the inbox worker handed it live.

// Replayer is the bot replaying history into its ledger: nothing is
// written or sent, and this bot's own cards and records of web actions
// are followed as another bot's would be. One Replayer replays one
// sequence of events (it follows the rooms the bot is in as it goes).
type Replayer struct {
	b      *Bot
	joined map[id.RoomID]bool // rooms the bot is in, at the point of the replay
}

// Replaying returns a fresh Replayer: what it replays decides, event by
// event, whether it is from outside the circles.
func (b *Bot) Replaying() *Replayer {
	return &Replayer{b: b.rebuilding(replayMembers{}), joined: map[id.RoomID]bool{}}
}

// Follows notes what a replayed event says of who is in its room, and
// reports whether a bot handled the event live: a message in a room
// before this bot joined it (or after it left) was handled by none, unless
// the room is a circle another bot answers in.
func (r *Replayer) Follows(ctx context.Context, evt *event.Event) bool {
	b := r.b
	if evt.Type == event.StateMember && evt.GetStateKey() == b.cfg.UserID.String() {
		r.joined[evt.RoomID] = evt.Content.AsMember().Membership == event.MembershipJoin
	}
	if members := b.mode.replay; members != nil && evt.Type == event.StateMember {
		if members[evt.RoomID] == nil {
			members[evt.RoomID] = map[id.UserID]bool{}
		}
		members[evt.RoomID][id.UserID(evt.GetStateKey())] = evt.Content.AsMember().Membership == event.MembershipJoin
	}
	return evt.Type.IsState() || r.joined[evt.RoomID] || r.seenByAnotherBot(ctx, evt.RoomID)
}

// Handle hands a replayed event (one Follows kept) to the bot, silently.
func (r *Replayer) Handle(ctx context.Context, evt *event.Event) error {
	if done, err := r.replayAside(ctx, evt); done {
		return err
	}
	return r.b.HandleEvent(ctx, evt)
}

// Settle ends a replay of the rooms' whole history: a room that is a
// circle whose state event the history did not show (not visible to the
// bot) is learnt from its state, as on joining; then the clock's work due
// now is done, silently. It returns the rooms that are circles.
func (r *Replayer) Settle(ctx context.Context, rooms []id.RoomID) ([]ledger.CircleID, error) {
	b := r.b
	var circles []ledger.CircleID
	for _, room := range rooms {
		if _, err := b.ledger.Circles.Get(ctx, ledger.CircleID(room)); err != nil {
			peers{b}.adoptJoinedCircle(ctx, room, b.ledger.Now())
		}
		if _, err := b.ledger.Circles.Get(ctx, ledger.CircleID(room)); err == nil {
			circles = append(circles, ledger.CircleID(room))
		}
	}
	if err := (Clock{b}).Tick(ctx); err != nil {
		return circles, fmt.Errorf("failed to do the clock's work after the rebuild: %w", err)
	}
	return circles, nil
}

// seenByAnotherBot reports whether a room is a circle another bot answers
// in, which handled its events while this bot was not there.
func (r *Replayer) seenByAnotherBot(ctx context.Context, room id.RoomID) bool {
	b := r.b
	c, err := b.ledger.Circles.Get(ctx, ledger.CircleID(room))
	return err == nil && peers{b}.answerer(c) != b.cfg.UserID
}

// replayAside replays what only this bot saw and HandleEvent does not
// follow: its direct chats (opened by a member's invitation or by the bot,
// and the notice cards and records of web actions it posted there), and
// its invitations into rooms it is in already. done says the event needs
// no more.
func (r *Replayer) replayAside(ctx context.Context, evt *event.Event) (done bool, err error) {
	b := r.b
	if evt.Type == event.StateMember {
		content := evt.Content.AsMember()
		target := id.UserID(evt.GetStateKey())
		if content.Membership != event.MembershipInvite || !content.IsDirect {
			// An invitation into a group room: the bot is in it already,
			// and a circle is learnt from its state event in the history.
			return target == b.cfg.UserID && content.Membership == event.MembershipInvite, nil
		}
		switch {
		case target == b.cfg.UserID && !b.IsBot(evt.Sender): // a member opened a direct chat
			return true, r.replayDirectRoom(ctx, evt.Sender, evt.RoomID)
		case evt.Sender == b.cfg.UserID && !b.IsBot(target): // the bot opened one for a member
			return false, r.replayDirectRoom(ctx, target, evt.RoomID)
		}
		return false, nil
	}
	if evt.Sender != b.cfg.UserID || evt.Type.IsState() {
		return false, nil
	}
	if _, err := b.ledger.Circles.Get(ctx, ledger.CircleID(evt.RoomID)); err == nil {
		return false, nil // followBot reads the bot's messages in circles
	}
	return true, r.followOwnDirect(ctx, evt)
}

// replayDirectRoom records a member's direct chat with the bot.
func (r *Replayer) replayDirectRoom(ctx context.Context, member id.UserID, room id.RoomID) error {
	b := r.b
	if err := b.ledger.Members.SetDirectRoom(ctx, ledger.UserID(member), ledger.RoomID(room)); err != nil {
		return fmt.Errorf("failed to record a direct chat: %w", err)
	}
	directChats{b}.setKind(room, true)
	return nil
}

// noticeCards are the kinds of the bot's notices about one promise in a
// direct chat (sendCard), with the card kind each was recorded as.
var noticeCards = map[string]ledger.CardKind{
	"commitment": ledger.CardCommitment, "sent": ledger.CardSent, "reminder": "",
	"conversion": ledger.CardNotice, "renewal": ledger.CardNotice, "kassa_share": ledger.CardNotice,
}

// followOwnDirect reads the bot's own message in a room that is not a
// circle: a notice card about a promise is recorded again, and a record of
// an action a member took on the web is applied again.
func (r *Replayer) followOwnDirect(ctx context.Context, evt *event.Event) error {
	b := r.b
	ns, _ := evt.Content.Raw[Namespace].(map[string]any)
	kind, _ := ns["type"].(string)
	data, _ := ns["data"].(map[string]any)
	if ns == nil || evt.Content.Raw["m.relates_to"] != nil && kind != "web_action" {
		return nil // an edit, a reply: no card
	}
	if kind == "web_action" {
		return r.followDirectWebAction(ctx, evt, data)
	}
	cardKind, ok := noticeCards[kind]
	promise, _ := data["id"].(string)
	need, _ := data["need"].(string)
	if !ok || promise == "" || need == "" {
		return nil
	}
	if cardKind == "" { // a reminder: to fulfil a commitment, or to confirm a receipt
		cardKind = ledger.CardCommitment
		if state, _ := data["state"].(string); ledger.PromiseState(state) == ledger.PromiseSent {
			cardKind = ledger.CardSent
		}
	}
	return b.ledger.Aid.AddCard(ctx, ledger.Card{Event: ledger.EventID(evt.ID), Room: ledger.RoomID(evt.RoomID), Kind: cardKind,
		Need: ledger.NeedID(need), Promise: ledger.PromiseID(promise)})
}

// followDirectWebAction applies again an action a member took on the web
// that the bot recorded in their direct chat (followWebAction does it for
// circles), keyed by the event that records it.
func (r *Replayer) followDirectWebAction(ctx context.Context, evt *event.Event, data map[string]any) error {
	b := r.b
	raw, err := json.Marshal(data["cmd"])
	if err != nil {
		return nil
	}
	var cmd ledger.Command
	member, _ := data["member"].(string)
	at, _ := data["at"].(float64)
	if json.Unmarshal(raw, &cmd) != nil || member == "" || cmd.Verb == "" || !b.commands.fromWeb(cmd.Verb) {
		return nil
	}
	fake := &event.Event{ID: evt.ID, RoomID: evt.RoomID, Sender: id.UserID(member), Timestamp: int64(at)}
	req := &request{evt: fake, cmd: cmd, act: action(fake), lang: replyLang(ctx, b.ledger, fake.Sender, ""), direct: true, web: &webReply{}}
	if need, _ := data["need"].(string); need != "" && !b.commands.personal(cmd.Verb) {
		req.card = &ledger.Card{Need: ledger.NeedID(need)}
	}
	err = b.commands.run(ctx, b.silently(), req)
	if err != nil && !ledger.IsDuplicate(err) && ledger.ErrorCode(err) == ledger.EInternal {
		return err
	}
	return nil
}

// ApplyClockOps applies the month rollovers and deadlines due at now,
// as Tick does, and returns how many it applied.
func (r *Replayer) ApplyClockOps(ctx context.Context, now time.Time) (int, error) {
	b := r.b
	ops, err := b.ledger.Aid.DueClockOps(ctx, now)
	if err != nil {
		return 0, fmt.Errorf("failed to list clock ops: %w", err)
	}
	n := 0
	for _, op := range ops {
		out, err := b.apply(ctx, op)
		switch {
		case ledger.IsDuplicate(err):
			continue
		case ledger.ErrorCode(err) == ledger.EInternal || (err != nil && ledger.AsError(err) == nil):
			return n, fmt.Errorf("failed to apply %s: %w", op.Event, err)
		case err != nil:
			continue // the op changed nothing
		}
		n++
		notices{b}.after(ctx, out)
	}
	return n, nil
}
