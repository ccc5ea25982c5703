package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/store"
)

// testAidOpsPage reads the recorded ops in pages of every size: the pages,
// one after the other, list every op once, in canonical order (ops of the
// same millisecond split across pages by event ID in byte order).
func testAidOpsPage(t *testing.T, s *store.Store) {
	ctx := context.Background()
	page, err := s.Aid.OpsPage(ctx, ledger.Op{}, 10, nil)
	must(t, err)
	eq(t, "no ops", len(page), 0)
	for i, evt := range []ledger.EventID{"$c", "$a", "$B", "$d", "$b"} {
		op := ledger.Op{Kind: ledger.OpLeave, Event: evt, Actor: alice, At: at(5)}
		if i == 3 {
			op.At = at(4).Add(time.Millisecond)
		}
		must(t, s.Aid.AppendOp(ctx, op))
	}
	all, err := s.Aid.Ops(ctx)
	must(t, err)
	for _, size := range []int{1, 2, 3, 5, 6} {
		var read, page []ledger.Op // page reused, as a replay does
		for {
			var after ledger.Op
			if len(read) > 0 {
				after = read[len(read)-1]
			}
			page, err = s.Aid.OpsPage(ctx, after, size, page)
			must(t, err)
			if len(page) > size {
				t.Fatalf("page of %d: %d ops", size, len(page))
			}
			read = append(read, page...)
			if len(page) < size {
				break
			}
		}
		eq(t, "ops read in pages", read, all)
	}
}
