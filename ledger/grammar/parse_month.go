package grammar

import (
	"github.com/exodus-matrix/exodus/ledger"
)

// parseMonth reads `report [YYYY-MM]`: a month written as year and month
// ("2026-11"); nothing is the current month. Whether the month has begun
// is the ledger's to say (CycleConfig.ReportMonth).
func parseMonth(cmd *ledger.Command) error {
	if cmd.Rest == "" {
		return nil
	}
	word, _, _ := firstToken(cmd.Rest)
	if !isMonth(word) {
		return ledger.Errorf(ledger.EInvalid, "report.bad_month", ledger.Clip(word))
	}
	cmd.Month = word
	return nil
}

// isMonth reports whether s is a month "YYYY-MM", its month from 01 to 12.
func isMonth(s string) bool {
	if len(s) != 7 || s[4] != '-' {
		return false
	}
	for i, c := range []byte(s) {
		if i != 4 && (c < '0' || c > '9') {
			return false
		}
	}
	m := int(s[5]-'0')*10 + int(s[6]-'0')
	return m >= 1 && m <= 12
}
