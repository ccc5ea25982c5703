package ledger_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
)

// TestReplicasAgreeOnDigests is the federation property: two bots that
// see the same events of a circle, each in its own order, with duplicates
// and with events arriving late (after many later ones), end with equal
// digests, equal to the digest of the events applied in canonical order.
// Each replica is a service on its own SQLite database.
func TestReplicasAgreeOnDigests(t *testing.T) {
	t.Parallel()
	const length = 60
	for set := range sized(25, 6) {
		members := 4 + set%3
		ops := eventSet(uint64(5000+set), members, length)
		var users []ledger.UserID
		for i := range members {
			users = append(users, ledger.UserID(fmt.Sprintf("@m%d:t", i)))
		}
		inOrder := newAidWorld(t, users...)
		sorted := slices.Clone(ops)
		slices.SortFunc(sorted, func(a, b ledger.Op) int {
			if a.Before(&b) {
				return -1
			}
			return 1
		})
		deliver(t, inOrder.svc, sorted)
		want := inOrder.circleLedger(aidCircle).Digest()

		r := rand.New(rand.NewPCG(uint64(set), 42))
		for replica := range 2 {
			w := newAidWorld(t, users...)
			cfg := ledger.DefaultConfig()
			cfg.AidJournalOps = []int{0, 4}[replica] // the second replica replays late ops in full more often
			w.svc = ledger.NewService(w.st.Ledger(), w.clock, cfg)
			deliver(t, w.svc, replicaOrder(r, ops))
			if got := w.circleLedger(aidCircle).Digest(); got != want {
				t.Fatalf("set %d, replica %d: digest %s, want %s\n got:\n%s\nwant:\n%s", set, replica, got, want,
					w.circleLedger(aidCircle).Canonical(), inOrder.circleLedger(aidCircle).Canonical())
			}
		}
	}
}

// replicaOrder is the order one replica sees ops in: shuffled, a few
// delivered twice, and a few held back until everything else arrived (a
// homeserver that was down, a backfill).
func replicaOrder(r *rand.Rand, ops []ledger.Op) []ledger.Op {
	order := slices.Clone(ops)
	r.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	var late []ledger.Op
	for range len(order) / 8 {
		i := r.IntN(len(order))
		late = append(late, order[i])
		order = slices.Delete(order, i, i+1)
	}
	for range 6 {
		order = append(order, ops[r.IntN(len(ops))])
	}
	return append(order, late...)
}
