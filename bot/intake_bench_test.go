package bot_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
)

// BenchmarkIntake measures events from a homeserver transaction to the
// durable ledger and the bot's answer: each transaction carries 50 `pool`
// commands of different members in a circle; each command is recorded in
// the inbox, applied to the ledger (event marked applied, member updated)
// and answered.
func BenchmarkIntake(b *testing.B) {
	h := newHarness(b)
	const perTxn = 50
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		events := make([]json.RawMessage, perTxn)
		for j := range events {
			events[j] = message(fmt.Sprintf("$e%d_%d", i, j), string(h.circle), fmt.Sprintf("@m%d:test", j), "!ex pool")
		}
		if code := h.put(b, hsToken, fmt.Sprintf("t%d", i), events...); code != http.StatusOK {
			b.Fatalf("status %d", code)
		}
		h.drain(b)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N*perTxn)/b.Elapsed().Seconds(), "events/s")
}
