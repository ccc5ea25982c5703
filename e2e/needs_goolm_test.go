//go:build !goolm

package e2e_test

// The end-to-end tests of encryption use mautrix-go's pure-Go olm, chosen
// by the build tag goolm: run them with `make test`, or add -tags goolm
// (docs/contributing.md).
const _ = exodus_e2e_tests_need_tags_goolm__see_docs_contributing_md
