package bot

import (
	"bytes"
	"encoding/json"
	"fmt"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/format"
	"maunium.net/go/mautrix/id"
)

// A message the bot builds from Markdown (build: message, notice, ask) is a
// draft until it is sent: what to say (the Markdown, in the reader's
// language already), the kind of message and its machine-readable data,
// the member it asks to act and whether it mentions them, and what it
// replies to. The outbox keeps the draft in a compact, versioned form
// (draftSpec), and the Sender renders it when it sends it (Markdown → body
// and HTML body, the quiet plain body, the content under the project's
// namespace), so rendering is off the durable path of an event. Rendered at
// send time, a draft gives, byte for byte, the content it gave when the bot
// rendered it as it built it. Content an older version wrote to the outbox
// rendered already is sent as it is (sendable).

// draft is a message built and not rendered yet. It sits in an
// event.Content's Parsed (with no Raw) wherever a message is handed on;
// marshalled as JSON, it is rendered (MarshalJSON), so what sends a
// content at once, not through the outbox, sends the rendered message.
type draft struct {
	md      string
	kind    string
	data    any // nil: no "data" under the namespace
	msgtype event.MessageType
	to      id.UserID // the member it asks to act ("" for none)
	mention bool      // to is mentioned (m.mentions)
	replyTo id.EventID
}

// draftVersion is the version of draftSpec this code writes; it reads
// every version up to it.
const draftVersion = 1

// draftPrefix starts every draft in the outbox (draftSpec's first field);
// no content rendered already has that key.
const draftPrefix = `{"org.exodus.draft":`

// draftSpec is a draft as the outbox keeps it.
type draftSpec struct {
	Version  int               `json:"org.exodus.draft"`
	Markdown string            `json:"md"`
	Kind     string            `json:"kind"`
	Data     json.RawMessage   `json:"data,omitempty"`
	MsgType  event.MessageType `json:"msgtype"`
	To       id.UserID         `json:"to,omitempty"`
	Mention  bool              `json:"mention,omitempty"`
	ReplyTo  id.EventID        `json:"reply_to,omitempty"`
}

// content renders the draft: the message as the bot sends it.
func (d *draft) content() *event.Content {
	msg := d.rendered()
	ns := map[string]any{"type": d.kind}
	if d.data != nil {
		ns["data"] = d.data
	}
	return &event.Content{Parsed: msg, Raw: map[string]any{Namespace: ns}}
}

// rendered is the Matrix message of the draft, without the namespace.
func (d *draft) rendered() *event.MessageEventContent {
	msg := format.RenderMarkdown(d.md, true, false)
	msg.MsgType = d.msgtype
	msg.Mentions = &event.Mentions{}
	if d.mention {
		msg.Mentions.UserIDs = []id.UserID{d.to}
	}
	msg.Body = quietBody(msg.Body, d.to)
	if d.replyTo != "" {
		msg.RelatesTo = (&event.RelatesTo{}).SetReplyTo(d.replyTo)
	}
	return &msg
}

// MarshalJSON is the rendered message's content.
func (d *draft) MarshalJSON() ([]byte, error) {
	return marshalContent(d.content())
}

// spec is the draft as the outbox keeps it: draftSpec's fields, its data
// encoded in the same pass (draftSpecOut) rather than encoded apart and
// then checked and copied in as raw JSON.
func (d *draft) spec() ([]byte, error) {
	b, err := json.Marshal(draftSpecOut{Version: draftVersion, Markdown: d.md, Kind: d.kind, Data: d.data,
		MsgType: d.msgtype, To: d.to, Mention: d.mention, ReplyTo: d.replyTo})
	if err != nil {
		return nil, fmt.Errorf("failed to encode a draft: %w", err)
	}
	return b, nil
}

// draftSpecOut is draftSpec as it is written: the same keys in the same
// order, the data as it is (omitted when nil).
type draftSpecOut struct {
	Version  int               `json:"org.exodus.draft"`
	Markdown string            `json:"md"`
	Kind     string            `json:"kind"`
	Data     any               `json:"data,omitempty"`
	MsgType  event.MessageType `json:"msgtype"`
	To       id.UserID         `json:"to,omitempty"`
	Mention  bool              `json:"mention,omitempty"`
	ReplyTo  id.EventID        `json:"reply_to,omitempty"`
}

// readDraft reads a draft the outbox kept.
func readDraft(raw []byte) (*draft, error) {
	var s draftSpec
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("failed to read a message's draft: %w", err)
	}
	if s.Version < 1 || s.Version > draftVersion {
		return nil, fmt.Errorf("failed to read a message's draft: version %d is not known", s.Version)
	}
	d := &draft{md: s.Markdown, kind: s.Kind, msgtype: s.MsgType, to: s.To, mention: s.Mention, replyTo: s.ReplyTo}
	if s.Data != nil {
		d.data = s.Data
	}
	return d, nil
}

// outboxContent is content as the outbox keeps it: a draft's spec, or
// anything else marshalled (marshalContent).
func outboxContent(v any) ([]byte, error) {
	if c, ok := v.(*event.Content); ok && c.Raw == nil {
		if d, ok := c.Parsed.(*draft); ok {
			return d.spec()
		}
	}
	return marshalContent(v)
}

// sendable is an outbox row's content as it is sent: a draft rendered,
// anything else (content rendered when it was written) as it is.
func sendable(content []byte) ([]byte, error) {
	if !bytes.HasPrefix(content, []byte(draftPrefix)) {
		return content, nil
	}
	d, err := readDraft(content)
	if err != nil {
		return nil, err
	}
	return marshalContent(d.content())
}

// messageOf is the Matrix message of content built by the bot (a draft
// rendered), or nil.
func messageOf(content *event.Content) *event.MessageEventContent {
	switch p := content.Parsed.(type) {
	case *draft:
		return p.rendered()
	case *event.MessageEventContent:
		return p
	}
	return nil
}
