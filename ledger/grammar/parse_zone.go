package grammar

import "github.com/exodus-matrix/exodus/ledger"

// zoneResetWords bring a member's time zone back to the cycle's.
var zoneResetWords = map[string]struct{}{"default": {}, "reset": {}, "по-умолчанию": {}, "сброс": {}, "сбросить": {}}

// parseZoneArg reads `timezone [<zone> | default]`; the zone is checked
// when it is set (Members.SetTimeZone).
func parseZoneArg(cmd *ledger.Command) {
	word, _ := cutWord(cmd.Rest)
	if _, ok := zoneResetWords[normWord(word)]; ok {
		cmd.ZoneReset = true
		return
	}
	cmd.Zone = word
}
