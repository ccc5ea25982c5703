package bot

import (
	"context"
	"strconv"
	"strings"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/ledger"
)

// Polls (MSC3381). An initiative's poll is posted with the unstable types
// (org.matrix.msc3381.poll.*), which Element Web and Android, and the SDKs
// they are built on, render; clients that implement the accepted MSC send
// the stable types (m.poll.*) with its stable content. An answer in either
// form counts the same; the poll is ended, when the initiative is funded,
// done or expired, with the end type of the form it was started in.

// Stable poll event types (MSC3381 as accepted); mautrix knows only the
// unstable ones.
var (
	EventPollStart    = event.Type{Type: "m.poll.start", Class: event.MessageEventType}
	EventPollResponse = event.Type{Type: "m.poll.response", Class: event.MessageEventType}
	EventPollEnd      = event.Type{Type: "m.poll.end", Class: event.MessageEventType}
)

// pollStartType is the type the bot starts its polls with: the unstable
// one, the only one Element Web renders (it reads a poll's question and
// answers from the unstable content only).
var pollStartType = event.EventUnstablePollStart

// PollAnswer is a poll response as either form carries it: the poll start
// it answers and the answer IDs selected (none: no answer, which
// withdraws a vote).
type PollAnswer struct {
	Start   id.EventID
	Answers []string
}

// ParsePollAnswer reads a poll response of either form: the stable
// m.poll.response ("m.selections"; also the "m.poll.response" object of
// the MSC's earlier draft, which some SDKs send) or the unstable
// org.matrix.msc3381.poll.response (its "answers"). It reports false for
// an event that is no poll response, names no poll start by an
// m.reference, or carries no selection block of its form.
func ParsePollAnswer(evt *event.Event) (PollAnswer, bool) {
	if evt.Type != EventPollResponse && evt.Type != event.EventUnstablePollResponse {
		return PollAnswer{}, false
	}
	raw := evt.Content.Raw
	rel, _ := raw["m.relates_to"].(map[string]any)
	start, _ := rel["event_id"].(string)
	if rel["rel_type"] != string(event.RelReference) || start == "" {
		return PollAnswer{}, false
	}
	var sel any
	var found bool
	if evt.Type == EventPollResponse {
		sel, found = raw["m.selections"]
	}
	for _, key := range []string{event.EventUnstablePollResponse.Type, EventPollResponse.Type} {
		if block, ok := raw[key].(map[string]any); ok && !found {
			sel, found = block["answers"]
		}
	}
	if !found {
		return PollAnswer{}, false
	}
	list, ok := sel.([]any)
	if !ok && sel != nil {
		return PollAnswer{}, false
	}
	answers := make([]string, 0, len(list))
	for _, a := range list {
		s, ok := a.(string)
		if !ok {
			return PollAnswer{}, false // not a selection we can read: it changes nothing
		}
		answers = append(answers, s)
	}
	return PollAnswer{Start: id.EventID(start), Answers: answers}, true
}

// handlePollResponse turns an answer to an initiative's poll into an
// intention of that amount (a changed answer replaces it; no answer
// withdraws it). An answer sent after the poll ended changes nothing, as
// clients show it (the ledger refuses it: ledger.Op.Poll), and the member
// is told how to back the initiative now.
func handlePollResponse(ctx context.Context, b *Bot, evt *event.Event, c *ledger.Circle) error {
	pa, ok := ParsePollAnswer(evt)
	if !ok {
		return nil
	}
	card := relatedCard(ctx, b, evt, pa.Start)
	if card == nil || card.Kind != CardPoll {
		return nil
	}
	v, err := b.ledger.Aid.Need(ctx, card.Need)
	if err != nil {
		return nil
	}
	onPoll := *evt
	onPoll.ID = pa.Start
	r := &request{evt: &onPoll, act: action(evt), lang: b.ledger.Members.LangOf(ctx, ledger.UserID(evt.Sender)), circle: c, card: card}
	op := newOp(ctx, b, r, ledger.OpWithdraw)
	op.Poll, r.cmd.Verb = true, ledger.VerbWithdraw
	if len(pa.Answers) > 0 {
		minor, err := strconv.ParseInt(strings.TrimPrefix(pa.Answers[0], pollAnswerPrefix), 10, 64)
		if err != nil || !strings.HasPrefix(pa.Answers[0], pollAnswerPrefix) {
			return nil // not one of our answers
		}
		op.Kind, op.Amount, r.cmd.Verb = ledger.OpIntend, ledger.Amount{Minor: minor, Currency: v.Need.Target.Currency}, ledger.VerbIntend
	}
	out, err := b.apply(ctx, op)
	if err != nil {
		return refuseReaction(ctx, b, r, err)
	}
	notices{b}.after(ctx, out)
	return nil
}

// endsPoll reports whether an op's outcome ends its initiative's poll:
// the op funded it, or closed it unfunded (done or expired). A funded
// initiative's poll ended when it was funded.
func endsPoll(out *ledger.Outcome) bool {
	n := out.Need
	if n == nil || n.Kind != ledger.NeedInitiative {
		return false
	}
	return out.Funded || n.FundedAt.IsZero() && (n.State == ledger.NeedDone || n.State == ledger.NeedExpired)
}

// endPoll ends the poll of an initiative an op funded or closed, so that
// clients show its result and take no more answers: an end event of the
// poll's form referencing its start, with a text fallback. It goes through
// the outbox in the op's transaction, once (a newer end of the same poll
// not sent yet replaces it), and only where this bot answers.
func (nt notices) endPoll(ctx context.Context, out *ledger.Outcome) {
	b := nt.b
	if !endsPoll(out) {
		return
	}
	n := out.Need
	cards, err := b.ledger.Aid.CardsOf(ctx, n.ID)
	if err != nil {
		return
	}
	for _, card := range cards {
		if card.Kind != CardPoll {
			continue
		}
		l := b.ledger.Config().DefaultLang
		if c, err := b.ledger.Circles.Get(ctx, card.Circle); err == nil {
			l = c.Lang
		}
		key := "poll.end_funded"
		switch {
		case out.Funded:
		case n.State == ledger.NeedDone:
			key = "poll.end_done"
		default:
			key = "poll.end_expired"
		}
		typ, content := pollEnd(pollStartType, id.EventID(card.Event), plain(text(l, key, n.Title)), n.ID)
		b.enqueue(ctx, outgoing{room: id2room(card.Room), typ: typ, content: content, key: "poll_end:" + string(card.Event)})
	}
}

// pollEnd is the end event of a poll started with the type start: its type
// and content (MSC3381), with fallback as its text.
func pollEnd(start event.Type, poll id.EventID, fallback string, need ledger.NeedID) (event.Type, map[string]any) {
	content := map[string]any{
		"m.relates_to": map[string]any{"rel_type": string(event.RelReference), "event_id": poll.String()},
		"m.mentions":   map[string]any{},
		Namespace:      map[string]any{"type": "initiative_poll_end", "data": map[string]any{"need": need}},
	}
	if start == EventPollStart {
		content["m.text"] = []any{map[string]any{"body": fallback}}
		return EventPollEnd, content
	}
	content[event.EventUnstablePollEnd.Type] = map[string]any{}
	content["org.matrix.msc1767.text"] = fallback
	return event.EventUnstablePollEnd, content
}
