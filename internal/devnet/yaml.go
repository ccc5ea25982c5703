package devnet

import "gopkg.in/yaml.v3"

// SetYAMLPath sets a dotted key path ("a.b.c") in a YAML document, creating
// mappings as needed and keeping the order and comments of the other keys.
func SetYAMLPath(doc *yaml.Node, path string, value any) error {
	return setPath(doc, path, value)
}

// FreePort asks the kernel for an unused TCP port on 127.0.0.1.
func FreePort() (int, error) { return freePort() }
