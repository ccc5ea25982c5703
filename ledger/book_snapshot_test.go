package ledger_test

import (
	"encoding/binary"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

// snapshotHistory is a random history (eventSet) with a kassa's month and a
// half (kassaOps: maxima, claims approved with their circle's members, a
// rollover, a member leaving a circle) woven in, in canonical order.
func snapshotHistory(seed uint64) []ledger.Op {
	ops := eventSet(seed, 4+int(seed%2), 60)
	ops = append(ops, kassaOps(time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC))...)
	sort.Slice(ops, func(i, j int) bool { return ops[i].Before(&ops[j]) })
	return ops
}

// replayed is a fresh book with ops applied, journaling the last limit.
func replayed(ops []ledger.Op, limit int) *ledger.Book {
	b := ledger.NewBook()
	ledger.ReplayOnto(b, ops, limit)
	return b
}

// fromSnapshot is what a restart makes: the book of ops[:k] encoded and
// decoded, then ops[k:] replayed onto it.
func fromSnapshot(t *testing.T, ops []ledger.Op, k, limit int) *ledger.Book {
	t.Helper()
	b, n, err := ledger.DecodeBook(ledger.EncodeBook(replayed(ops[:k], 0), k))
	if err != nil || n != k {
		t.Fatalf("snapshot of %d ops: decoded %d, %v", k, n, err)
	}
	ledger.ReplayOnto(b, ops[k:], limit)
	return b
}

// TestBookSnapshotThenTailIsTheFullReplay: for random histories, a snapshot
// taken after any number of ops, decoded, with the ops after it replayed,
// holds what the full replay does (records, indexes, last op, answers), and
// when the ops after it reach the journal's length its journal is the
// same: a late op within it gives the same book both ways.
func TestBookSnapshotThenTailIsTheFullReplay(t *testing.T) {
	t.Parallel()
	const limit = 7
	for set := range sized(30, 8) {
		ops := snapshotHistory(uint64(2000 + set))
		full := replayed(ops, limit)
		wantNeeds, wantPromises, wantStatuses := full.Snapshot()
		for k := 0; k <= len(ops); k++ {
			what := fmt.Sprintf("set %d, snapshot after %d of %d ops", set, k, len(ops))
			got := fromSnapshot(t, ops, k, limit)
			if d := ledger.DiffBookRecords(full, got); d != "" {
				t.Fatalf("%s: %s", what, d)
			}
			n, p, s := got.Snapshot()
			if !slices.EqualFunc(n, wantNeeds, func(a, b *ledger.Need) bool { return fmt.Sprint(*a) == fmt.Sprint(*b) }) ||
				len(p) != len(wantPromises) || len(s) != len(wantStatuses) {
				t.Fatalf("%s: Snapshot differs", what)
			}
			if len(ops)-k < limit {
				continue
			}
			if g, w := ledger.JournalOps(got), ledger.JournalOps(full); !slices.Equal(g, w) {
				t.Fatalf("%s: journal %v, want %v", what, g, w)
			}
			late := lateOp(ops, limit)
			again := replayed(ops, limit)
			if !got.CanRewind(late) || !again.CanRewind(late) {
				t.Fatalf("%s: the journal does not reach the late op", what)
			}
			_, gerr := got.ApplyLate(late)
			_, werr := again.ApplyLate(late)
			if key(gerr) != key(werr) {
				t.Fatalf("%s: the late op: %v, want %v", what, gerr, werr)
			}
			if d := ledger.DiffBookRecords(again, got); d != "" {
				t.Fatalf("%s: after a late op: %s", what, d)
			}
		}
	}
}

// lateOp is a member turning red between the last few ops of a history.
func lateOp(ops []ledger.Op, limit int) ledger.Op {
	at := ops[len(ops)-limit/2].At.Add(-time.Millisecond)
	return ledger.Op{Kind: ledger.OpStatus, Event: "$late", Actor: "@m1:t", At: at,
		Status: ledger.StatusRed, Amount: mEUR(300), Days: 5}
}

// TestBookSnapshotKeepsEveryRecord checks, on a history that reaches the
// kassa's eligible members, maxima per circle, the month and reactions,
// that a snapshot of the whole book decodes to the same records, and that
// a snapshot is not made of maps left in their order: two encodings of
// the same book decode alike.
func TestBookSnapshotKeepsEveryRecord(t *testing.T) {
	ops := snapshotHistory(7)
	b := replayed(ops, 0)
	got, n, err := ledger.DecodeBook(ledger.EncodeBook(b, len(ops)))
	if err != nil || n != len(ops) {
		t.Fatalf("decoded %d ops, %v", n, err)
	}
	if d := ledger.DiffBookRecords(b, got); d != "" {
		t.Fatal(d)
	}
	var kassa, reactions, eligible bool
	needs, promises, statuses := b.Snapshot()
	for _, s := range statuses {
		kassa = kassa || len(s.Kassa) > 0
	}
	for _, p := range promises {
		reactions = reactions || p.Reaction != ""
	}
	for _, n := range needs {
		eligible = eligible || n.Kind == ledger.NeedClaim
	}
	if !kassa || !reactions || !eligible {
		t.Fatalf("the history reaches too little: kassa %v, reactions %v, claims %v", kassa, reactions, eligible)
	}
}

// TestBookSnapshotRefusesWhatItCannotRead: a torn blob (a byte changed, or
// cut short), another version and bytes that are no snapshot are refused
// with an error, never decoded into a book.
func TestBookSnapshotRefusesWhatItCannotRead(t *testing.T) {
	ops := snapshotHistory(3)
	good := ledger.EncodeBook(replayed(ops, 0), len(ops))
	flipped := slices.Clone(good)
	flipped[len(flipped)/2] ^= 0x40
	otherVersion := slices.Clone(good)
	otherVersion[len("EXBOOK")] = byte(ledger.BookSnapshotVersion + 1)
	for _, c := range []struct {
		name, want string
		data       []byte
	}{
		{"a byte changed", "torn", flipped},
		{"cut short", "torn", good[:len(good)-10]},
		{"another version", "another version", otherVersion},
		{"not a snapshot", "does not decode", []byte("{\"needs\": []}")},
		{"empty", "does not decode", nil},
	} {
		b, _, err := ledger.DecodeBook(c.data)
		if b != nil || err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, %v; want an error saying %q", c.name, b, err, c.want)
		}
	}
}

// FuzzDecodeBook: whatever the bytes, decoding returns a book or an error,
// and never panics; a book it returns encodes to what decodes the same.
func FuzzDecodeBook(f *testing.F) {
	ops := snapshotHistory(5)
	f.Add(ledger.EncodeBook(replayed(ops[:20], 0), 20))
	f.Add(ledger.EncodeBook(ledger.NewBook(), 0))
	f.Fuzz(func(t *testing.T, data []byte) {
		// A valid checksum over changed bytes: the decoder's own checks.
		if len(data) > 4 {
			binary.BigEndian.PutUint32(data[len(data)-4:], ledger.SnapshotChecksum(data[:len(data)-4]))
		}
		b, n, err := ledger.DecodeBook(data)
		if err != nil {
			return
		}
		again, m, err := ledger.DecodeBook(ledger.EncodeBook(b, n))
		if err != nil || m != n {
			t.Fatalf("a decoded book does not round-trip: %v", err)
		}
		if d := ledger.DiffBookRecords(b, again); d != "" {
			t.Fatal(d)
		}
	})
}

// TestBookSnapshotKnowsEveryField fails when a record of the book gains or
// loses a field: book_snapshot.go must then encode it, and
// BookSnapshotVersion be raised.
func TestBookSnapshotKnowsEveryField(t *testing.T) {
	for _, c := range []struct {
		v    any
		want int
	}{{ledger.Need{}, 15}, {ledger.Promise{}, 17}, {ledger.MemberStatus{}, 6}, {ledger.KassaMax{}, 2}} {
		if got := reflect.TypeOf(c.v).NumField(); got != c.want {
			t.Errorf("%T has %d fields, the snapshot knows %d: encode the new ones (book_snapshot.go) and raise BookSnapshotVersion",
				c.v, got, c.want)
		}
	}
	if records, book := ledger.BookFields(); records != 11 || book != 11 {
		t.Errorf("the book has %d fields and its records %d, the snapshot knows 11 and 11 (of the records all but cur and dirty; "+
			"of the book last, the rest being the journal, a replay's scratch and the rules): see book_snapshot.go", book, records)
	}
}
