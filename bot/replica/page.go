package replica

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/bot"
)

// Each event of a page is parsed once. A rebuild asks for a page's
// events as the homeserver's bytes (RawPager, or a mautrix client asked
// directly) and parses each one as the intake does (bot.ParseEvent,
// content included): the replay hands that same event to the bot, and
// the inbox records it from its parsed fields. A client that only decodes
// pages (Client.Messages) has each event encoded and parsed again, as
// before.

// RawPager is a Client that serves a page of /messages as the
// homeserver's bytes of each event (chunk) and the token after it (end).
type RawPager interface {
	RawMessages(ctx context.Context, room id.RoomID, from string, dir mautrix.Direction, limit int) (chunk []json.RawMessage, end string, err error)
}

// requester is a mautrix client (mautrix.Client, or a type embedding one:
// an appservice intent), asked for the page itself.
type requester interface {
	BuildURLWithQuery(urlPath mautrix.PrefixableURLPath, urlQuery map[string]string) string
	MakeRequest(ctx context.Context, method, httpURL string, reqBody, resBody any) ([]byte, error)
}

// histEvent is one event of a room's history, parsed once: err is why
// its content does not parse (the replay records it as failed, as the
// intake does).
type histEvent struct {
	*event.Event
	err error
}

// rawMessages asks for a page of room's history as its events' bytes.
func (r *Replica) rawMessages(ctx context.Context, room id.RoomID, from string, dir mautrix.Direction, limit int) ([]json.RawMessage, string, error) {
	switch c := r.cli.(type) {
	case RawPager:
		return c.RawMessages(ctx, room, from, dir, limit)
	case requester:
		query := map[string]string{"dir": string(dir), "limit": strconv.Itoa(limit)}
		if from != "" {
			query["from"] = from
		}
		var resp struct {
			Chunk []json.RawMessage `json:"chunk"`
			End   string            `json:"end"`
		}
		url := c.BuildURLWithQuery(mautrix.ClientURLPath{"v3", "rooms", room, "messages"}, query)
		if _, err := c.MakeRequest(ctx, http.MethodGet, url, nil, &resp); err != nil {
			return nil, "", err
		}
		return resp.Chunk, resp.End, nil
	}
	resp, err := r.cli.Messages(ctx, room, from, "", dir, nil, limit)
	if err != nil {
		return nil, "", err
	}
	chunk := make([]json.RawMessage, 0, len(resp.Chunk))
	for _, evt := range resp.Chunk {
		if evt == nil {
			continue
		}
		raw, err := json.Marshal(evt)
		if err != nil {
			return nil, "", fmt.Errorf("failed to encode an event of the page: %w", err)
		}
		chunk = append(chunk, raw)
	}
	return chunk, resp.End, nil
}

// parseHistory parses one event of room's history as the intake does. An
// event whose content does not parse is kept with the reason; one that is
// not an event at all fails the page, as a page that does not decode.
func parseHistory(room id.RoomID, raw json.RawMessage) (*histEvent, error) {
	evt, err := bot.ParseEvent(raw)
	var bad error
	if err != nil {
		bad, evt = err, &event.Event{}
		if err := json.Unmarshal(raw, evt); err != nil {
			return nil, fmt.Errorf("failed to parse an event of the history of %s: %w", room, err)
		}
	}
	if evt.RoomID == "" {
		evt.RoomID = room
	}
	return &histEvent{Event: evt, err: bad}, nil
}

// parsed returns history's events (read whole, decoded) parsed as the
// intake does: each encoded and parsed again.
func parsed(room id.RoomID, history []*event.Event) ([]*histEvent, error) {
	out := make([]*histEvent, 0, len(history))
	for _, evt := range history {
		raw, err := json.Marshal(evt)
		if err != nil {
			return nil, fmt.Errorf("failed to encode an event of the history of %s: %w", room, err)
		}
		he, err := parseHistory(room, raw)
		if err != nil {
			return nil, err
		}
		out = append(out, he)
	}
	return out, nil
}
