package ledger_test

import "testing"

// BenchmarkCircleDigest measures the digest of a whole circle: the
// canonical form of every member's status, need and promise, hashed. The
// circle has every member of a 100,000-op history (10,000 members).
func BenchmarkCircleDigest(b *testing.B) {
	w := newAidBench(b, 100_000)
	l, err := w.svc.Aid.CircleLedger(w.ctx, "!aid:example.org")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		l, err := w.svc.Aid.CircleLedger(w.ctx, "!aid:example.org")
		if err != nil {
			b.Fatal(err)
		}
		_ = l.Digest()
	}
	b.ReportMetric(float64(len(l.Members)), "members")
	b.ReportMetric(float64(len(l.Needs)), "needs")
	b.ReportMetric(float64(len(l.Promises)), "promises")
}
