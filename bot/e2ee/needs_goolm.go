//go:build !goolm

package e2ee

// The bot's end-to-end encryption uses mautrix-go's pure-Go olm (goolm),
// chosen by a build tag. Without the tag, mautrix's crypto needs libolm
// through cgo, which Exodus does not use. `make` sets the tag (GOFLAGS);
// by hand, add -tags goolm to go build, go vet and go test, or once:
// `go env -w GOFLAGS=-tags=goolm` (docs/contributing.md).
const _ = exodus_is_built_with_tags_goolm__see_docs_contributing_md
