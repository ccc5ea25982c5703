package ledger_test

import "testing"

// sized is the size of a property test's input (iterations, sequences,
// event sets): full in `make test`, short under `go test -short`, the fast
// loop while editing. Both check the same properties; -short on fewer or
// smaller inputs.
func sized(full, short int) int {
	if testing.Short() {
		return short
	}
	return full
}
