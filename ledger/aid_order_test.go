package ledger_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/store"
)

// aidWorld is a ledger service on a real migrated SQLite file, with members
// who share one circle.
type aidWorld struct {
	t     *testing.T
	ctx   context.Context
	st    *store.Store
	svc   *ledger.Service
	clock *ledger.ManualClock
	n     int
}

const aidCircle ledger.CircleID = "!aid:test"

// newAidWorld opens a fresh store and puts members in one circle.
func newAidWorld(t *testing.T, members ...ledger.UserID) *aidWorld {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Config{URI: "file:" + filepath.Join(t.TempDir(), "aid.db") + "?_txlock=immediate"}, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	clock := ledger.NewManualClock(time.Date(2027, 3, 1, 8, 0, 0, 0, time.UTC))
	w := &aidWorld{t: t, ctx: ctx, st: st, svc: ledger.NewService(st.Ledger(), clock, ledger.DefaultConfig()), clock: clock}
	if _, err := w.svc.Circles.Create(ctx, w.act("@founder:t"), ledger.CircleSpec{ID: aidCircle, Name: "Aid"}); err != nil {
		t.Fatal(err)
	}
	for _, u := range members {
		w.join(u)
	}
	return w
}

func (w *aidWorld) join(u ledger.UserID) {
	w.t.Helper()
	if err := w.svc.Circles.SetMembership(w.ctx, aidCircle, u, true); err != nil {
		w.t.Fatal(err)
	}
}

// act is a fresh action of u now.
func (w *aidWorld) act(u ledger.UserID) ledger.Action {
	w.n++
	return ledger.Action{Event: ledger.EventID(fmt.Sprintf("$w%d", w.n)), Actor: u, At: w.clock.Now()}
}

// reopen returns a new service over the same store, as after a restart.
func (w *aidWorld) reopen() *ledger.Service {
	return ledger.NewService(w.st.Ledger(), w.clock, ledger.DefaultConfig())
}

// flatLedger is a ledger with times in milliseconds, as the store keeps
// them, so that books and SQL rows compare exactly.
type flatLedger struct {
	Needs    []flatNeed
	Promises []flatPromise
	Statuses []flatStatus
}

type flatNeed struct {
	ID, Kind, Owner, Currency, State, ClosedBy string
	Target, Deadline, OpenedAt, ClosedAt       int64
}

type flatPromise struct {
	ID, Need, Giver, Beneficiary, Currency, State, Reaction, UpdatedBy, Period string
	Amount, CreatedAt, UpdatedAt, CommittedAt                                  int64
	Overdue                                                                    bool
}

type flatStatus struct {
	Member, Status, Previous, Need string
	ChangedAt                      int64
	// Kassa are the member's kassa maxima, "circle=amount" by circle.
	Kassa string
}

// kassaText writes kassa maxima as flatStatus.Kassa holds them.
func kassaText(ks []ledger.KassaMax) string {
	parts := make([]string, len(ks))
	for i, k := range ks {
		parts[i] = string(k.Circle) + "=" + k.Max.String()
	}
	return strings.Join(parts, ";")
}

func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// flatten turns a book's snapshot into a flatLedger.
func flatten(b *ledger.Book) flatLedger {
	var f flatLedger
	needs, promises, statuses := b.Snapshot()
	for _, n := range needs {
		f.Needs = append(f.Needs, flatNeed{string(n.ID), string(n.Kind), string(n.Owner), string(n.Target.Currency),
			string(n.State), string(n.ClosedBy), n.Target.Minor, ms(n.Deadline), ms(n.OpenedAt), ms(n.ClosedAt)})
	}
	for _, p := range promises {
		f.Promises = append(f.Promises, flatPromise{string(p.ID), string(p.Need), string(p.Giver), string(p.Beneficiary),
			string(p.Amount.Currency), string(p.State), string(p.Reaction), string(p.UpdatedBy), p.Period,
			p.Amount.Minor, ms(p.CreatedAt), ms(p.UpdatedAt), ms(p.CommittedAt), p.Overdue})
	}
	for _, s := range statuses {
		f.Statuses = append(f.Statuses, flatStatus{string(s.Member), string(s.Status), string(s.Previous),
			string(s.Need), ms(s.ChangedAt), kassaText(s.Kassa)})
	}
	return f
}

// viewFlat returns the service's book, flattened.
func viewFlat(t *testing.T, svc *ledger.Service) flatLedger {
	t.Helper()
	var f flatLedger
	if err := svc.Aid.View(context.Background(), func(b *ledger.Book) error { f = flatten(b); return nil }); err != nil {
		t.Fatal(err)
	}
	return f
}

// projection reads the needs, promises and statuses tables.
func projection(t *testing.T, st *store.Store) flatLedger {
	t.Helper()
	ctx := context.Background()
	var f flatLedger
	query := func(q string, scan func(row interface{ Scan(...any) error }) error) {
		rows, err := st.DB().Query(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				t.Fatal(err)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	query(`SELECT need_id, kind, owner, target_currency, state, closed_by, target_minor, deadline, opened_at, closed_at FROM needs`,
		func(r interface{ Scan(...any) error }) error {
			var n flatNeed
			err := r.Scan(&n.ID, &n.Kind, &n.Owner, &n.Currency, &n.State, &n.ClosedBy, &n.Target, &n.Deadline, &n.OpenedAt, &n.ClosedAt)
			f.Needs = append(f.Needs, n)
			return err
		})
	query(`SELECT promise_id, need_id, giver, beneficiary, currency, state, reaction, updated_by, period, amount_minor, created_at, updated_at, committed_at, overdue FROM promises`,
		func(r interface{ Scan(...any) error }) error {
			var p flatPromise
			err := r.Scan(&p.ID, &p.Need, &p.Giver, &p.Beneficiary, &p.Currency, &p.State, &p.Reaction, &p.UpdatedBy,
				&p.Period, &p.Amount, &p.CreatedAt, &p.UpdatedAt, &p.CommittedAt, &p.Overdue)
			f.Promises = append(f.Promises, p)
			return err
		})
	query(`SELECT user_id, status, previous, need_id, changed_at FROM statuses`,
		func(r interface{ Scan(...any) error }) error {
			var s flatStatus
			err := r.Scan(&s.Member, &s.Status, &s.Previous, &s.Need, &s.ChangedAt)
			f.Statuses = append(f.Statuses, s)
			return err
		})
	kassa := map[string][]ledger.KassaMax{}
	query(`SELECT user_id, circle_id, max_minor, currency FROM kassa_maxima ORDER BY user_id, circle_id`,
		func(r interface{ Scan(...any) error }) error {
			var u, c, cur string
			var minor int64
			err := r.Scan(&u, &c, &minor, &cur)
			kassa[u] = append(kassa[u], ledger.KassaMax{Circle: ledger.CircleID(c), Max: ledger.Amount{Minor: minor, Currency: ledger.Currency(cur)}})
			return err
		})
	for i := range f.Statuses {
		f.Statuses[i].Kassa = kassaText(kassa[f.Statuses[i].Member])
		delete(kassa, f.Statuses[i].Member)
	}
	if len(kassa) > 0 {
		t.Fatalf("kassa maxima of members with no status: %v", kassa)
	}
	sort.Slice(f.Needs, func(i, j int) bool { return f.Needs[i].ID < f.Needs[j].ID })
	sort.Slice(f.Promises, func(i, j int) bool { return f.Promises[i].ID < f.Promises[j].ID })
	sort.Slice(f.Statuses, func(i, j int) bool { return f.Statuses[i].Member < f.Statuses[j].Member })
	return f
}

// canonical applies ops to a plain Book in canonical order.
func canonical(ops []ledger.Op) flatLedger {
	sorted := slices.Clone(ops)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Before(&sorted[j]) })
	b := ledger.NewBook()
	for _, op := range sorted {
		_, _ = b.Apply(op)
	}
	return flatten(b)
}

// eventSet generates n ops over members, in the order a single observer
// would see them, with event IDs that do not sort in that order and many
// equal timestamps, so canonical order relies on the event-ID tie-break.
func eventSet(seed uint64, members, n int) []ledger.Op {
	g := newOpGen(seed, members)
	g.sameAt = 0.35
	r := rand.New(rand.NewPCG(seed, 7))
	g.eventID = func(i int) ledger.EventID {
		return ledger.EventID(fmt.Sprintf("$%c%c%03d", 'a'+r.IntN(26), 'A'+r.IntN(26), i))
	}
	m := newRefModel()
	ops := make([]ledger.Op, n)
	for i := range ops {
		ops[i] = g.next(m)
		_, _, _ = m.apply(ops[i])
	}
	return ops
}

// deliver applies ops through svc in the given order. Ops the service
// turned away before recording them (a promise toward a need it has not
// seen yet) are delivered again after the others, as the bot does when it
// reconciles from the room, until no more are recorded.
func deliver(t *testing.T, svc *ledger.Service, ops []ledger.Op) {
	t.Helper()
	ctx := context.Background()
	pending := ops
	for len(pending) > 0 {
		var again []ledger.Op
		for _, op := range pending {
			_, err := svc.Aid.Do(ctx, op)
			if err != nil && ledger.AsError(err) == nil {
				t.Fatalf("%+v: %v", op, err)
			}
			if err != nil && !ledger.IsDuplicate(err) {
				again = append(again, op) // refused: recorded or not, the next pass tells
			}
		}
		if len(again) == len(pending) {
			return
		}
		pending = again
	}
}

// aidOrderSets is the number of event sets of TestAidOrderIndependence, of
// aidOrderLength events each; TestAidOrderSpotCheck checks the same sets.
func aidOrderSets() int { return sized(30, 8) }

const aidOrderLength = 40

// TestAidOrderIndependence applies the same events in different orders,
// some of them twice, each to a fresh service: the book, the SQL
// projection, and the book replayed after a restart are the same every
// time, and the same as applying the events to a Book in canonical order.
func TestAidOrderIndependence(t *testing.T) {
	t.Parallel()
	const shuffles = 3 // one per journal size below
	for set := range aidOrderSets() {
		members := 4 + set%2
		ops := eventSet(uint64(1000+set), members, aidOrderLength)
		want := canonical(ops)
		r := rand.New(rand.NewPCG(uint64(set), 99))
		for sh := range shuffles {
			order := slices.Clone(ops)
			r.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
			// Deliver a few events twice, the second time later.
			for range 5 {
				i := r.IntN(len(order))
				j := i + r.IntN(len(order)-i)
				order = slices.Insert(order, j+1, order[i])
			}
			var users []ledger.UserID
			for i := range members {
				users = append(users, ledger.UserID(fmt.Sprintf("@m%d:t", i)))
			}
			w := newAidWorld(t, users...)
			// The first shuffle has the default journal; the others a
			// journal of 3 ops and none, so late ops also go through the
			// full replay.
			cfg := ledger.DefaultConfig()
			cfg.AidJournalOps = []int{0, 3, -1}[sh%3]
			w.svc = ledger.NewService(w.st.Ledger(), w.clock, cfg)
			deliver(t, w.svc, order)

			what := fmt.Sprintf("set %d shuffle %d", set, sh)
			w.matchesCanonical(what, want)
		}
	}
}

// matchesCanonical checks that the world's book and SQL projection are
// want, the ledger of the ops in canonical order, and stay so after a
// restart (sameAfterRestart).
func (w *aidWorld) matchesCanonical(what string, want flatLedger) {
	w.t.Helper()
	if got := viewFlat(w.t, w.svc); !reflect.DeepEqual(got, want) {
		w.t.Fatalf("%s: book differs from canonical order:\n got %+v\nwant %+v", what, got, want)
	}
	if got := projection(w.t, w.st); !reflect.DeepEqual(got, want) {
		w.t.Fatalf("%s: SQL projection differs:\n got %+v\nwant %+v", what, got, want)
	}
	w.sameAfterRestart(what, want)
}

// sameAfterRestart checks that a service restarted on the world's store
// replays the same ledger, and that its Rebuild writes the same projection.
func (w *aidWorld) sameAfterRestart(what string, want flatLedger) {
	w.t.Helper()
	restarted := w.reopen()
	if got := viewFlat(w.t, restarted); !reflect.DeepEqual(got, want) {
		w.t.Fatalf("%s: book replayed after a restart differs:\n got %+v\nwant %+v", what, got, want)
	}
	if err := restarted.Aid.Rebuild(w.ctx); err != nil {
		w.t.Fatal(err)
	}
	if got := projection(w.t, w.st); !reflect.DeepEqual(got, want) {
		w.t.Fatalf("%s: SQL projection after Rebuild differs:\n got %+v\nwant %+v", what, got, want)
	}
}

// TestAidOrderSpotCheck makes sure the order test compares ledgers with
// content: its event sets open needs and reach every promise state.
func TestAidOrderSpotCheck(t *testing.T) {
	states := map[string]int{}
	for set := range aidOrderSets() {
		for _, p := range canonical(eventSet(uint64(1000+set), 4+set%2, aidOrderLength)).Promises {
			states[p.State]++
		}
	}
	for _, s := range []ledger.PromiseState{ledger.PromiseIntention, ledger.PromiseCommitment, ledger.PromiseSent,
		ledger.PromiseFulfilled, ledger.PromiseWithdrawn, ledger.PromiseReleased} {
		if states[string(s)] == 0 {
			t.Errorf("no promise ends %s", s)
		}
	}
}

// TestAidLatePromiseIsKept delivers a commitment before the (earlier)
// status event that opened its need, as a second bot may receive them: the
// ledger must be the one of canonical order (Principle 3, "Deterministic").
func TestAidLatePromiseIsKept(t *testing.T) {
	const owner, giver ledger.UserID = "@owner:t", "@giver:t"
	w := newAidWorld(t, owner, giver)
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	red := ledger.Op{Kind: ledger.OpStatus, Event: "$red", Actor: owner, At: t0, Status: ledger.StatusRed, Amount: mEUR(100), Days: 5}
	com := ledger.Op{Kind: ledger.OpCommit, Event: "$commit", Actor: giver, At: t0.Add(time.Minute), Need: "$red", Amount: mEUR(40)}
	want := canonical([]ledger.Op{red, com})

	_, err := w.svc.Aid.Do(w.ctx, com) // arrives first
	t.Logf("the commitment arriving first: %v", err)
	if _, err := w.svc.Aid.Do(w.ctx, red); err != nil {
		t.Fatal(err)
	}
	if got := viewFlat(t, w.svc); !reflect.DeepEqual(got, want) {
		t.Errorf("late need: the commitment is lost:\n got %+v\nwant %+v", got, want)
	}
}
