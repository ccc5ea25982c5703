package main

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// decodeConfig decodes a YAML document into cfg after checking it key by
// key against the Config type, so that an unknown key (a typo) or a value
// of the wrong type is reported by its full dotted name.
func decodeConfig(data []byte, cfg *Config) error {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return fmt.Errorf("failed to parse: %w", err)
	}
	if len(root.Content) == 0 {
		return nil // an empty file: Validate names the first required key
	}
	doc := root.Content[0]
	known := yamlPaths(reflect.TypeFor[Config](), "")
	slices.Sort(known) // ties go to the first key, the same each time
	if err := checkKeys(doc, reflect.TypeFor[Config](), "", known); err != nil {
		return err
	}
	if err := doc.Decode(cfg); err != nil {
		return fmt.Errorf("failed to parse: %w", err)
	}
	return nil
}

// checkKeys walks a mapping node against the struct type typ: each key
// must be one of its yaml fields, each section is walked in turn and each
// value must decode into its field. prefix is the dotted name of the
// section ("" at the top, else ending in ".").
func checkKeys(node *yaml.Node, typ reflect.Type, prefix string, known []string) error {
	for node.Kind == yaml.AliasNode && node.Alias != nil {
		node = node.Alias
	}
	if isNull(node) {
		return nil
	}
	if node.Kind != yaml.MappingNode {
		if prefix == "" {
			return fmt.Errorf("expected a mapping of sections (homeserver:, appservice:, …), got a %s", kindName(node))
		}
		return keyError(strings.TrimSuffix(prefix, "."), "a section of keys", node.Value)
	}
	fields := yamlFields(typ)
	lines := make(map[string]int) // the line of each key written so far
	for i := 0; i+1 < len(node.Content); i += 2 {
		key, val := node.Content[i], node.Content[i+1]
		if key.Value == "<<" { // a merge key: its keys are this section's
			if err := checkMerge(val, typ, prefix, known); err != nil {
				return err
			}
			continue
		}
		name := prefix + key.Value
		f, ok := fields[key.Value]
		if !ok {
			return unknownKey(name, known)
		}
		if line, twice := lines[key.Value]; twice {
			return fmt.Errorf("%s: set twice, on lines %d and %d; keep one", name, line, key.Line)
		}
		lines[key.Value] = key.Line
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct {
			if err := checkKeys(val, ft, name+".", known); err != nil {
				return err
			}
			continue
		}
		if err := val.Decode(reflect.New(ft).Interface()); err != nil || fractional(val, ft) {
			return keyError(name, typeName(ft), scalarText(val))
		}
	}
	return nil
}

// checkMerge checks what a merge key (<<) brings into a section: a
// mapping, or a list of them, whose keys must be the section's.
func checkMerge(val *yaml.Node, typ reflect.Type, prefix string, known []string) error {
	for val.Kind == yaml.AliasNode && val.Alias != nil {
		val = val.Alias
	}
	if val.Kind != yaml.SequenceNode {
		return checkKeys(val, typ, prefix, known)
	}
	for _, m := range val.Content {
		if err := checkKeys(m, typ, prefix, known); err != nil {
			return err
		}
	}
	return nil
}

// unknownKey is the error of a key the config does not have, with the
// nearest known key when one is close enough to be the intended one.
func unknownKey(name string, known []string) error {
	if near := nearestKey(name, known); near != "" {
		return fmt.Errorf("%s: unknown key; did you mean %s?", name, near)
	}
	return fmt.Errorf("%s: unknown key (config.example.yaml describes every key)", name)
}

// nearestKey is the known dotted key closest to name by edit distance, or
// "" if none is within a third of the last part's length (1 to 3 edits).
// A key of another section with the same last part (a key put in the
// wrong section) counts as one edit away.
func nearestKey(name string, known []string) string {
	last := lastPart(name)
	limit := max(1, min(3, len(last)/3))
	best, bestDist, bestFull := "", limit+1, 0
	for _, k := range known {
		full := editDistance(name, k)
		d := full
		if lastPart(k) == last && strings.Contains(name, ".") && strings.Contains(k, ".") {
			d = min(d, 1) // the right key in the wrong section
		}
		if d < bestDist || d == bestDist && full < bestFull { // a tie goes to the closer name
			best, bestDist, bestFull = k, d, full
		}
	}
	return best
}

// lastPart is the part of a dotted key after its last dot.
func lastPart(key string) string {
	return key[strings.LastIndex(key, ".")+1:]
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// yamlFields maps the yaml names of a struct's fields to the fields.
func yamlFields(typ reflect.Type) map[string]reflect.StructField {
	fields := make(map[string]reflect.StructField)
	for f := range typ.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name != "" && name != "-" && f.IsExported() {
			fields[name] = f
		}
	}
	return fields
}

// yamlPaths lists every dotted key of a struct's yaml fields: sections and
// leaves.
func yamlPaths(typ reflect.Type, prefix string) []string {
	var paths []string
	for name, f := range yamlFields(typ) {
		paths = append(paths, prefix+name)
		if f.Type.Kind() == reflect.Struct {
			paths = append(paths, yamlPaths(f.Type, prefix+name+".")...)
		}
	}
	return paths
}

// fractional reports whether val is a number with a fraction where typ
// wants a whole one (yaml.v3 would drop the fraction: 8008.5 is 8008).
func fractional(val *yaml.Node, typ reflect.Type) bool {
	k := typ.Kind()
	return val.Kind == yaml.ScalarNode && val.ShortTag() == "!!float" && k >= reflect.Int && k <= reflect.Uint64
}

// typeName says what a value of a field's type looks like.
func typeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice:
		return "a list such as [a, b], or []"
	default:
		return "a single value (quote it if in doubt)"
	}
}

// scalarText is what the operator wrote: a scalar's text, or the kind of
// a section or list.
func scalarText(n *yaml.Node) string {
	if n.Kind == yaml.ScalarNode {
		return n.Value
	}
	return kindName(n)
}

// kindName names a node's kind for a message.
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "section"
	case yaml.SequenceNode:
		return "list"
	default:
		return "value"
	}
}

// isNull reports whether a node is an empty value (`key:` with nothing).
func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}
