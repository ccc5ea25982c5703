package bot

import (
	"encoding/json"
	"slices"

	"maunium.net/go/mautrix/event"
)

// marshalContent is json.Marshal of a message's content as the outbox
// keeps it, with the same fields as mautrix's Content.MarshalJSON gives.
// For content with both Parsed and Raw (the bot's messages: the Matrix
// message and its machine-readable part), mautrix marshals Parsed,
// decodes it into a map of interfaces, merges Raw in and marshals the map
// again: about a quarter of an answered event's handling. When no key of
// Raw is a top-level key of Parsed, as for every message the bot builds,
// Raw's keys are appended to Parsed's JSON instead (in sorted order);
// otherwise mautrix merges them.
func marshalContent(v any) ([]byte, error) {
	c, ok := v.(*event.Content)
	if !ok || c.Raw == nil || c.Parsed == nil {
		return json.Marshal(v)
	}
	parsed, err := json.Marshal(c.Parsed)
	if err != nil {
		return nil, err
	}
	var top map[string]json.RawMessage
	if json.Unmarshal(parsed, &top) != nil || len(parsed) < 2 || parsed[len(parsed)-1] != '}' {
		return json.Marshal(c)
	}
	keys := make([]string, 0, len(c.Raw))
	for k := range c.Raw {
		if _, both := top[k]; both {
			return json.Marshal(c)
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := parsed[:len(parsed)-1]
	for _, k := range keys {
		key, err := json.Marshal(k)
		if err != nil {
			return nil, err
		}
		value, err := json.Marshal(c.Raw[k])
		if err != nil {
			return nil, err
		}
		if len(out) > 1 {
			out = append(out, ',')
		}
		out = append(append(append(out, key...), ':'), value...)
	}
	return append(out, '}'), nil
}
