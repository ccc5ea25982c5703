package ledger

import (
	"testing"
	"time"
)

// TestRowDiffComparesAgainWhatTheCurrentBookChanged compares a fresh book
// with the current one while the current one takes an op the fresh one
// does not (as when the late op makes a later op refused): a row compared
// as equal, then changed in the current book alone, is written with the
// fresh book's value once the current book's changes are compared again.
func TestRowDiffComparesAgainWhatTheCurrentBookChanged(t *testing.T) {
	at := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	orange := Op{Kind: OpStatus, Event: "$o", Actor: "@a:t", At: at, Status: StatusOrange,
		Amount: Amount{Minor: 30_000, Currency: "EUR"}}
	green := Op{Kind: OpStatus, Event: "$g", Actor: "@a:t", At: at.Add(time.Minute), Status: StatusGreen}
	cur, fresh := NewBook(), NewBook()
	for _, b := range []*Book{cur, fresh} {
		if _, err := b.Apply(orange); err != nil {
			t.Fatal(err)
		}
		b.Changed()
	}
	d, ids := newRowDiff(), newRowIDs()
	ids.addBook(fresh)
	ids.addRows(cur.rec.cloneRows())
	d.compare(cur, fresh, ids, 1)
	d.compare(cur, fresh, ids, 1<<20)
	if c := d.changes(); len(c.Needs)+len(c.Statuses)+len(c.GoneNeeds)+len(c.GoneStatuses) != 0 || ids.size() != 0 {
		t.Fatalf("equal books differ: %+v (left %d)", c, ids.size())
	}
	if _, err := cur.Apply(green); err != nil {
		t.Fatal(err)
	}
	ids.addChanges(cur.Changed())
	d.compare(cur, fresh, ids, 1<<20)
	c := d.changes()
	if len(c.Statuses) != 1 || c.Statuses[0].Member != "@a:t" || c.Statuses[0].Status != StatusOrange {
		t.Fatalf("status to write: %+v, want @a:t orange as the fresh book holds it", c.Statuses)
	}
	if len(c.Needs) != 1 || c.Needs[0].State != fresh.rec.needs[c.Needs[0].ID].State {
		t.Fatalf("need to write: %+v, want the fresh book's open need", c.Needs)
	}
}
