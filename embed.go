// Package exodus holds files shipped inside the binary: the commented example
// configuration and the registration template.
package exodus

import _ "embed"

// ExampleConfig is config.example.yaml: every option, commented.
//
//go:embed config.example.yaml
var ExampleConfig []byte
