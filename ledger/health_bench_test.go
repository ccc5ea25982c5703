package ledger_test

import (
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

// BenchmarkHealthOf measures the health figures of every promise of a
// book (a synthetic history of 100,000 ops over 10,000 members), beside
// its baseline in the same run: the copy of those promises the figures
// read (Book.AllPromises), which every reader of the book pays.
func BenchmarkHealthOf(b *testing.B) {
	ops := newAidStream(10_000, 3).take(100_000)
	book, _ := ledger.Replay(ops)
	now := ops[len(ops)-1].At
	commitments := ledger.HealthOf(book.AllPromises(), nil, now, time.UTC)
	b.Logf("%d promises, %d commitments", len(book.AllPromises()), commitments.Commitments+commitments.Released)
	b.Run("baseline-copy", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = book.AllPromises()
		}
	})
	b.Run("health", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = ledger.HealthOf(book.AllPromises(), nil, now, time.UTC)
		}
	})
}
