package ledger_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

// kindOps is a history in hours and things: an orange need of 4 h with
// intentions, commitments, a confirmation and a refused mix of units, and
// a red need of a lift, then of a bed.
func kindOps() []ledger.Op {
	at := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	a, b, c, d := ledger.UserID("@m0:t"), ledger.UserID("@m1:t"), ledger.UserID("@m2:t"), ledger.UserID("@m3:t")
	ops := []ledger.Op{
		{Kind: ledger.OpStatus, Actor: a, Status: ledger.StatusOrange, Amount: hrs(4)},
		{Kind: ledger.OpIntend, Actor: b, Need: "$k00", Amount: hrs(2)},
		{Kind: ledger.OpIntend, Actor: c, Need: "$k00", Amount: mEUR(5)}, // refused: money toward hours
		{Kind: ledger.OpCommit, Actor: b, Need: "$k00"},
		{Kind: ledger.OpCommit, Actor: d, Need: "$k00", Amount: ledger.Amount{Minor: 150, Currency: ledger.Hours}},
		{Kind: ledger.OpSent, Actor: b, Need: "$k00"},
		{Kind: ledger.OpGot, Actor: a, Need: "$k00", Giver: b},
		{Kind: ledger.OpStatus, Actor: c, Status: ledger.StatusRed, Amount: things(1), Days: 2, Text: "a lift to the hospital"},
		{Kind: ledger.OpCommit, Actor: d, Need: "$k07"},
		{Kind: ledger.OpSent, Actor: d, Need: "$k07"},
		{Kind: ledger.OpStatus, Actor: b, Status: ledger.StatusRed, Amount: things(1), Days: 3, Text: "a bed"},
		{Kind: ledger.OpCommit, Actor: a, Need: "$k10", Amount: hrs(1)}, // refused: hours toward a thing
		{Kind: ledger.OpCommit, Actor: a, Need: "$k10"},
		{Kind: ledger.OpGot, Actor: c, Need: "$k07", Giver: d},
	}
	for i := range ops {
		ops[i].Event = ledger.EventID(fmt.Sprintf("$k%02d", i))
		ops[i].At = at.Add(time.Duration(i) * time.Minute)
	}
	return ops
}

// TestKindOrderIndependence delivers the history in kind in shuffled
// orders, some events twice: the book, the SQL projection and the book
// after a restart match the canonical order, units and things included.
func TestKindOrderIndependence(t *testing.T) {
	ops := kindOps()
	want := canonical(ops)
	if len(want.Needs) != 3 || len(want.Promises) < 4 {
		t.Fatalf("canonical book %+v; want the three needs and their promises", want)
	}
	r := rand.New(rand.NewPCG(18, 33))
	for sh := range 4 {
		order := slices.Clone(ops)
		r.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		order = append(order, order[r.IntN(len(order))])
		w := newAidWorld(t, "@m0:t", "@m1:t", "@m2:t", "@m3:t")
		deliver(t, w.svc, order)
		what := fmt.Sprintf("shuffle %d", sh)
		w.matchesCanonical(what, want)
		for id, title := range map[ledger.NeedID]string{"$k07": "a lift to the hospital", "$k10": "a bed"} {
			var got string
			err := w.svc.Aid.View(context.Background(), func(b *ledger.Book) error {
				if n, ok := b.Need(id); ok {
					got = n.Title
				}
				return nil
			})
			if err != nil || got != title {
				t.Errorf("%s: need %s is %q, %v; want %q", what, id, got, err, title)
			}
			if n := w.count("SELECT COUNT(*) FROM needs WHERE need_id = $1 AND title = $2", string(id), title); n != 1 {
				t.Errorf("%s: need %s stored with its thing %d times; want 1", what, id, n)
			}
		}
	}
}
