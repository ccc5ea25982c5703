package ledger

import (
	"strings"
	"time"
	_ "time/tzdata" // members' time zones resolve on a machine without a zone database
)

// ParseZone resolves a time zone name of the IANA database
// ("Europe/Belgrade", "UTC"), in any letter case ("europe/belgrade"); ok
// is false for anything else, for "" and for "Local" (the server's zone,
// not the member's).
func ParseZone(name string) (*time.Location, bool) {
	if name == "" || strings.EqualFold(name, "Local") || len(name) > 64 || strings.Contains(name, "..") {
		return nil, false
	}
	for _, try := range []string{name, zoneCase(name), strings.ToUpper(name)} {
		if loc, err := time.LoadLocation(try); err == nil {
			return loc, true
		}
	}
	return nil, false
}

// zoneCase writes a zone name the way the database does: each word capitalised
// ("america/new_york" → "America/New_York").
func zoneCase(name string) string {
	b := []byte(strings.ToLower(name))
	up := true
	for i, c := range b {
		if up && c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
		up = c == '/' || c == '_' || c == '-'
	}
	return string(b)
}
