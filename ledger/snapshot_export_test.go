package ledger

import (
	"fmt"
	"hash/crc32"
	"reflect"
)

// EncodeBook encodes a book's snapshot after ops ops (book_snapshot.go).
func EncodeBook(b *Book, ops int) []byte { return encodeBook(b, ops) }

// DecodeBook decodes a snapshot into a fresh book and its count of ops.
func DecodeBook(data []byte) (*Book, int, error) { return decodeBook(data) }

// ReplayOnto applies ops to b as a restart applies those after the
// snapshot, journaling the last limit of them.
func ReplayOnto(b *Book, ops []Op, limit int) { replayOnto(b, ops, limit, false) }

// DiffBookRecords describes where two books' records differ (everything a
// replay builds, indexes and the last op included): "" if nowhere.
func DiffBookRecords(a, b *Book) string {
	ra, rb := a.rec, b.rec
	parts := []struct {
		name string
		x, y any
	}{
		{"needs", ra.needs, rb.needs}, {"promises", ra.promises, rb.promises}, {"statuses", ra.statuses, rb.statuses},
		{"byNeed", ra.byNeed, rb.byNeed}, {"byGiver", ra.byGiver, rb.byGiver}, {"byOwner", ra.byOwner, rb.byOwner},
		{"byReaction", ra.byReaction, rb.byReaction}, {"period", ra.period, rb.period},
		{"agreements", ra.agreements, rb.agreements}, {"last", a.last, b.last},
	}
	for _, p := range parts {
		if !reflect.DeepEqual(p.x, p.y) {
			return fmt.Sprintf("%s differ:\n %+v\n %+v", p.name, p.x, p.y)
		}
	}
	return ""
}

// JournalOps lists the events of the ops a book's journal can take back,
// oldest first.
func JournalOps(b *Book) []EventID {
	var evs []EventID
	for _, u := range b.journal.entries {
		evs = append(evs, u.op.Event)
	}
	return evs
}

// SnapshotChecksum is the checksum a snapshot ends with, of the bytes
// before it.
func SnapshotChecksum(data []byte) uint32 { return crc32.Checksum(data, castagnoli) }

// BookFields is how many fields the book's records and the book have.
func BookFields() (rec, book int) {
	return reflect.TypeOf(records{}).NumField(), reflect.TypeOf(Book{}).NumField()
}
