package ledger_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

// written is what a store holds after writing every Changes.
type written struct {
	needs    map[ledger.NeedID]ledger.Need
	promises map[ledger.PromiseID]ledger.Promise
	statuses map[ledger.UserID]ledger.MemberStatus
}

func newWritten() *written {
	return &written{map[ledger.NeedID]ledger.Need{}, map[ledger.PromiseID]ledger.Promise{}, map[ledger.UserID]ledger.MemberStatus{}}
}

func (p *written) write(c ledger.Changes) {
	for _, n := range c.Needs {
		p.needs[n.ID] = *n
	}
	for _, q := range c.Promises {
		p.promises[q.ID] = *q
	}
	for _, s := range c.Statuses {
		p.statuses[s.Member] = *s
	}
	for _, id := range c.GoneNeeds {
		delete(p.needs, id)
	}
	for _, id := range c.GonePromises {
		delete(p.promises, id)
	}
	for _, id := range c.GoneStatuses {
		delete(p.statuses, id)
	}
}

// of is the written of a whole book.
func writtenOf(b *ledger.Book) *written {
	p := newWritten()
	needs, promises, statuses := b.Snapshot()
	p.write(ledger.Changes{Needs: needs, Promises: promises, Statuses: statuses})
	return p
}

// foldSorted folds ops, sorted, into a fresh book.
func foldSorted(ops []ledger.Op) *ledger.Book {
	sorted := slices.Clone(ops)
	slices.SortFunc(sorted, func(a, b ledger.Op) int {
		if a.Before(&b) {
			return -1
		}
		if b.Before(&a) {
			return 1
		}
		return 0
	})
	b := ledger.NewBook()
	for _, o := range sorted {
		_, _ = b.Apply(o)
	}
	return b
}

// TestApplyLateEqualsCanonicalOrder delivers random op sequences in a
// shuffled order to a book with a small journal: each late op is applied in
// its place by ApplyLate when the journal reaches back far enough, else the
// book is replayed from scratch (as the service does). After every op the
// book equals the canonical fold of the ops seen so far, and the written
// written from Changed (upserts and removals) equals the book.
func TestApplyLateEqualsCanonicalOrder(t *testing.T) {
	t.Parallel()
	rewound, replayed := 0, 0
	for seq := range sized(200, 50) {
		g := newOpGen(uint64(1000+seq), 4+seq%2)
		g.sameAt = 0.2
		m := newRefModel()
		ops := make([]ledger.Op, 40)
		for i := range ops {
			ops[i] = g.next(m)
			_, _, _ = m.apply(ops[i])
		}
		r := rand.New(rand.NewPCG(uint64(seq), 7))
		r.Shuffle(len(ops), func(i, j int) { ops[i], ops[j] = ops[j], ops[i] })
		limit := r.IntN(12)
		b := ledger.NewBook()
		b.SetJournalLimit(limit)
		proj := newWritten()
		for i, op := range ops {
			last := b.Last()
			switch {
			case last.Event == "" || last.Before(&op):
				_, _ = b.Apply(op)
			case b.CanRewind(op):
				rewound++
				_, _ = b.ApplyLate(op)
			default:
				replayed++
				b = foldSorted(ops[:i+1])
				b.SetJournalLimit(limit)
				proj = newWritten()
			}
			proj.write(b.Changed())
			want := foldSorted(ops[:i+1])
			if !reflect.DeepEqual(writtenOf(b), writtenOf(want)) {
				t.Fatalf("seq %d (journal %d) after op %d %+v:\nbook %s\nwant %s", seq, limit, i, op,
					fmt.Sprint(writtenOf(b)), fmt.Sprint(writtenOf(want)))
			}
			if !reflect.DeepEqual(proj, writtenOf(b)) {
				t.Fatalf("seq %d after op %d: the written written differs from the book", seq, i)
			}
		}
	}
	if rewound == 0 || replayed == 0 {
		t.Fatalf("rewound %d, replayed %d: both paths must be exercised", rewound, replayed)
	}
}

// TestApplyLateReportsChangedFates: a commitment refused because the need
// was covered counts once a forgiveness sent before it arrives late, and
// ApplyLate says so; an op that counted and no longer does is reported too.
func TestApplyLateReportsChangedFates(t *testing.T) {
	const owner, d, e ledger.UserID = "@owner:t", "@d:t", "@e:t"
	at := func(m int) time.Time { return time.Date(2026, 5, 1, 10, m, 0, 0, time.UTC) }
	b := ledger.NewBook()
	red := ledger.Op{Kind: ledger.OpStatus, Event: "$red", Actor: owner, At: at(0), Status: ledger.StatusRed, Amount: mEUR(100), Days: 3}
	dCommit := ledger.Op{Kind: ledger.OpCommit, Event: "$d", Actor: d, At: at(1), Need: "$red", Amount: mEUR(100)}
	eCommit := ledger.Op{Kind: ledger.OpCommit, Event: "$e", Actor: e, At: at(4), Need: "$red", Default: mEUR(100)}
	for _, op := range []ledger.Op{red, dCommit} {
		if _, err := b.Apply(op); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := b.Apply(eCommit); key(err) != "need.covered" {
		t.Fatalf("e's commitment: %v, want need.covered", err)
	}
	forgive := ledger.Op{Kind: ledger.OpForgive, Event: "$forgive", Actor: owner, At: at(3), Giver: d}
	if !b.CanRewind(forgive) {
		t.Fatal("the journal must reach back to the forgiveness")
	}
	out, err := b.ApplyLate(forgive)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Reapplied) != 1 || out.Reapplied[0].Op.Event != "$e" || out.Reapplied[0].Outcome == nil ||
		out.Reapplied[0].Outcome.Promise.State != ledger.PromiseCommitment {
		t.Fatalf("reapplied = %+v, want e's commitment counting now", out.Reapplied)
	}

	// The reverse: a withdrawal that counted is refused once a commitment
	// sent before it arrives late and makes the promise binding.
	b = ledger.NewBook()
	orange := ledger.Op{Kind: ledger.OpStatus, Event: "$orange", Actor: owner, At: at(0), Status: ledger.StatusOrange, Amount: mEUR(100)}
	intend := ledger.Op{Kind: ledger.OpIntend, Event: "$intend", Actor: e, At: at(1), Need: "$orange", Amount: mEUR(30)}
	withdraw := ledger.Op{Kind: ledger.OpWithdraw, Event: "$withdraw", Actor: e, At: at(5), Need: "$orange"}
	for _, op := range []ledger.Op{orange, intend, withdraw} {
		if _, err := b.Apply(op); err != nil {
			t.Fatal(err)
		}
	}
	commit := ledger.Op{Kind: ledger.OpCommit, Event: "$commit", Actor: e, At: at(3), Need: "$orange"}
	out, err = b.ApplyLate(commit)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Reapplied) != 1 || out.Reapplied[0].Op.Event != "$withdraw" || key(out.Reapplied[0].Err) != "promise.irrevocable" {
		t.Fatalf("reapplied = %+v, want the withdrawal refused now", out.Reapplied)
	}
}
