package bot

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"sync"

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
// otherwise mautrix merges them. Parsed's keys are those its type may
// have (jsonFields), so it is encoded once and not decoded.
func marshalContent(v any) ([]byte, error) {
	c, ok := v.(*event.Content)
	if !ok || c.Raw == nil || c.Parsed == nil {
		return json.Marshal(v)
	}
	fields, ok := jsonFields(reflect.TypeOf(c.Parsed))
	if !ok {
		return json.Marshal(c)
	}
	keys := make([]string, 0, len(c.Raw))
	for k := range c.Raw {
		if fields[k] {
			return json.Marshal(c)
		}
		keys = append(keys, k)
	}
	parsed, err := json.Marshal(c.Parsed)
	if err != nil {
		return nil, err
	}
	if len(parsed) < 2 || parsed[0] != '{' || parsed[len(parsed)-1] != '}' {
		return json.Marshal(c)
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

// fieldsOf caches jsonFields by type.
var fieldsOf sync.Map // reflect.Type → map[string]bool (nil: not known)

var marshaler = reflect.TypeFor[json.Marshaler]()

// jsonFields returns every top-level key encoding/json may write for a
// value of type t, a pointer to a struct: the names of its exported
// fields (their tags' names), those of embedded structs included; false
// when t is not such a pointer, or has a MarshalJSON of its own, or an
// embedded struct or pointer to one has, so its keys are not known.
func jsonFields(t reflect.Type) (map[string]bool, bool) {
	if v, ok := fieldsOf.Load(t); ok {
		m := v.(map[string]bool)
		return m, m != nil
	}
	var fields map[string]bool
	if t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct {
		fields = map[string]bool{}
		if !structFields(t.Elem(), fields) {
			fields = nil
		}
	}
	fieldsOf.Store(t, fields)
	return fields, fields != nil
}

// structFields adds the top-level keys of struct type t to fields; false
// if they are not known.
func structFields(t reflect.Type, fields map[string]bool) bool {
	if t.Implements(marshaler) || reflect.PointerTo(t).Implements(marshaler) {
		return false
	}
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" && f.Tag.Get("json") == "-" {
			continue
		}
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				if !structFields(ft, fields) {
					return false
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		fields[name] = true
	}
	return true
}
